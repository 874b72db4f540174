use sea_orm::entity::prelude::*;

/// A cohort membership's own facts, beside its row in `cases`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "iom_memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub entered_on: Date,
    /// `fixed`, `flex` or `free`.
    pub stream: String,
    pub selection_reason: Option<String>,
    pub police_lead: Option<Uuid>,
    pub probation_lead: Option<Uuid>,
    /// Where they are placed, such as the housing association's accommodation pilot.
    pub placement: Option<String>,
    pub outreach_worker: Option<String>,
    pub deselected_on: Option<Date>,
    pub deselection_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
