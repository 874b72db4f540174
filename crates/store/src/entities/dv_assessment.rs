use sea_orm::entity::prelude::*;

/// A DASH risk checklist.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dv_assessments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub victim_id: Uuid,
    pub instrument_version: i32,
    /// The answers as JSON text: `{"question-key": "yes" | "no" | "not-known", ...}`.
    pub answers: String,
    pub yes_count: i32,
    pub computed_level: String,
    pub level: String,
    pub judgement_reason: Option<String>,
    pub assessed_by: Uuid,
    pub assessed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
