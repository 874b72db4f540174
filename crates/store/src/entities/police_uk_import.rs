use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "police_uk_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub force: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    pub rows: i64,
    pub imported_at: DateTimeUtc,
    pub imported_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
