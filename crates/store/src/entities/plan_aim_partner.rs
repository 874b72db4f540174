use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_aim_partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub aim_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
