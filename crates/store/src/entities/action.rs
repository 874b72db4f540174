use sea_orm::entity::prelude::*;

/// An action on the one actions list: from LMAPS minutes, from a case, or a plan
/// action's own.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `lmaps`, `case` or `plan`.
    pub source: String,
    pub case_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub plan_action_id: Option<Uuid>,
    pub description: String,
    pub agency: String,
    pub officer_id: Option<Uuid>,
    pub due_on: Date,
    /// `open` or `done`.
    pub status: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub completed_by: Option<Uuid>,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
