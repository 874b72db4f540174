use sea_orm::entity::prelude::*;

/// A case on (or taken off) a meeting's agenda, with its reasons and the chair's
/// last choice about it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lmaps_agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    /// Reason codes, comma-separated.
    pub reasons: String,
    /// `removed`, `added`, or none when only proposed.
    pub choice: Option<String>,
    pub choice_reason: Option<String>,
    pub chosen_by: Option<Uuid>,
    pub chosen_at: Option<DateTimeUtc>,
    /// Whether the case is on the agenda now (false once removed).
    pub on_agenda: bool,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
