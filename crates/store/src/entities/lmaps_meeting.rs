use sea_orm::entity::prelude::*;

/// An LMAPS meeting: a district, a day, a chair and a status.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lmaps_meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub district_code: String,
    pub held_on: Date,
    pub chair_id: Uuid,
    /// `planned`, `held` or `minutes-approved`.
    pub status: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub status_changed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
