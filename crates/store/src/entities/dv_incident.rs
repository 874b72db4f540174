use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dv_incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub victim_id: Uuid,
    pub perpetrator_id: Option<Uuid>,
    pub occurred_at: DateTimeUtc,
    /// The ward it counts in: its case's when it was logged.
    pub ward_code: String,
    /// `police`, `agency` or `victim`.
    pub reported_by: String,
    pub arrest_made: bool,
    pub children_present: bool,
    pub summary: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
