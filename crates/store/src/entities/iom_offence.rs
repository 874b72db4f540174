use sea_orm::entity::prelude::*;

/// An offence recorded against a person.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub committed_on: Date,
    pub proven_on: Option<Date>,
    /// `conviction` or `caution`.
    pub outcome: String,
    pub category: String,
    pub harm_weight: Option<f64>,
    /// `None`: loaded from a file on the command line.
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
