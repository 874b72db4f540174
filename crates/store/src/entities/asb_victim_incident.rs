use sea_orm::entity::prelude::*;

/// A victim's incident with the incident's UK day (`casework_domain::asb::day_number`)
/// and ward: kept beside `asb_incident_people` so repeat victims are counted from one
/// index.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asb_victim_incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub incident_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub day: i32,
    pub ward_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
