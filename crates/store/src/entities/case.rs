use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub reference: String,
    pub ref_year: i32,
    pub ref_sequence: i32,
    pub owner_agency: String,
    pub lead_officer: Option<Uuid>,
    pub logged_by: Uuid,
    pub subject_person_id: Uuid,
    pub ward_code: String,
    pub status: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub review_date: Option<Date>,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
