use sea_orm::entity::prelude::*;

/// One step of a Prevent & Deter referral: the stage reached, the day, the officer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pd_stage_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub stage: String,
    pub programme_stage: Option<String>,
    pub exit_outcome: Option<String>,
    pub changed_on: Date,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub officer: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
