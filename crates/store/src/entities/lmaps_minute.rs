use sea_orm::entity::prelude::*;

/// One entry of a meeting's minutes about one agenda case: appended, never changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lmaps_minutes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub case_id: Uuid,
    /// `minute`, or `correction` once the minutes are approved.
    pub kind: String,
    pub summary: String,
    pub decisions: String,
    pub next_review_date: Option<Date>,
    /// Why a correction was made.
    pub reason: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
