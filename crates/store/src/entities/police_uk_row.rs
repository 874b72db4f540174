use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "police_uk_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub force: String,
    pub month: Date,
    pub crime_id: Option<String>,
    pub reported_by: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub location: String,
    pub lsoa_code: String,
    pub lsoa_name: String,
    pub district: String,
    pub crime_type: String,
    pub outcome: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
