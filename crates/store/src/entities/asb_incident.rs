use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asb_incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub reported_at: DateTimeUtc,
    pub reporting_agency: String,
    pub category: String,
    pub incident_type: String,
    pub ward_code: String,
    pub alcohol_related: bool,
    pub youth_related: bool,
    pub perpetrator_unknown: bool,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    /// When the victim's first contact is due; none for a police report.
    pub contact_due_at: Option<DateTimeUtc>,
    pub victim_contacted_at: Option<DateTimeUtc>,
    pub contacted_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::case::Entity",
        from = "Column::CaseId",
        to = "super::case::Column::Id"
    )]
    Case,
}

impl Related<super::case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Case.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
