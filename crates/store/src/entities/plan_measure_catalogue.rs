use sea_orm::entity::prelude::*;

/// A plan year's measure catalogue, the TOML file as it was checked and loaded.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_measure_catalogues")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_year: String,
    pub document: String,
    pub loaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
