use sea_orm::entity::prelude::*;

/// A hand link to an aim that was taken back: the link as it was (same id), and who
/// removed it, when and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_aim_case_link_removals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub aim_id: Uuid,
    pub case_id: Uuid,
    pub reason: String,
    pub linked_by: Uuid,
    pub linked_at: DateTimeUtc,
    pub removed_by: Uuid,
    pub removed_at: DateTimeUtc,
    pub removed_reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
