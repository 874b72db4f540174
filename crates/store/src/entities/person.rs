use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub forename: String,
    pub surname: String,
    pub folded_name: String,
    pub date_of_birth: Option<Date>,
    pub address: Option<String>,
    pub folded_address: Option<String>,
    pub ward_code: Option<String>,
    pub created_by: Uuid,
    pub created_by_agency: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
