use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asb_assessments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub instrument_version: i32,
    /// The answers as JSON text: `{"question-key": true, ...}`.
    pub answers: String,
    pub score: i32,
    pub computed_tier: String,
    pub final_tier: String,
    pub judgement_reason: Option<String>,
    pub assessed_by: Uuid,
    pub assessed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
