use sea_orm::entity::prelude::*;

/// A Prevent & Deter referral's own facts, beside its row in `cases`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pd_referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub referred_on: Date,
    pub referring_agency: String,
    pub age_at_referral: i32,
    /// Reason codes, comma-separated.
    pub reasons: String,
    pub alcohol_related: bool,
    /// Risk-factor codes, comma-separated.
    pub risk_factors: String,
    pub risk_factor_count: i32,
    pub below_bar_reason: Option<String>,
    pub consent_young_person: bool,
    pub consent_parent: bool,
    /// Where the young person is now.
    pub stage: String,
    pub programme_stage: Option<String>,
    pub exit_outcome: Option<String>,
    /// The day of the last step.
    pub stage_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
