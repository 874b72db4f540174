use sea_orm::entity::prelude::*;

/// A referral from one agency to another agency or a panel.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub case_id: Option<Uuid>,
    pub from_agency: String,
    pub referred_by: Uuid,
    pub to_agency: Option<String>,
    /// `marac`, `iom-panel`, `prevent-deter-panel` or `lmaps`.
    pub to_panel: Option<String>,
    /// The agency referred to, or the panel's coordinating agency.
    pub inbox_agency: String,
    pub reason: String,
    pub consent: bool,
    pub consent_override_reason: Option<String>,
    /// `in-progress`, `accepted`, `rejected`, `withdrawn` or `done`.
    pub status: String,
    /// The reason given with the last change of status.
    pub status_reason: Option<String>,
    pub referred_on: Date,
    pub referred_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
