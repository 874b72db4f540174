use sea_orm::entity::prelude::*;

/// A housing need referred to a housing provider agency or to the Housing Task &
/// Finish Group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "iom_need_referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub need_id: Uuid,
    pub case_id: Uuid,
    pub to_agency: Option<String>,
    pub to_panel: Option<String>,
    pub reason: String,
    pub referred_by: Uuid,
    pub referred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
