//! Prevent & Deter: the youth programme's referrals (ages, reasons, the risk-factor
//! checklist, consent), the stages a young person moves through, and the programme's
//! own stages ("It's Your Choice"). Every number a partnership may change comes from
//! [`crate::settings::Settings`] (`prevent-deter.*`); every rule takes `today` from its
//! caller.

pub mod age;
pub mod referral;
pub mod stage;

pub use age::{age_on, check_age};
pub use referral::{PdReferral, PdReferralInput, Reason, RiskFactor, check_pd_referral};
pub use stage::{
    ExitOutcome, ProgrammeStage, Stage, Step, StepInput, check_programme_stage, check_step,
};

use crate::access::{Actor, CaseKind, works_kind};
use crate::roles::Role;

/// The Prevent & Deter team: those who move young people through the stages and see
/// the board.
pub fn may_run_programme(actor: &Actor) -> bool {
    actor.has(Role::PreventDeter)
}

/// Who may refer a young person: anyone who works cases of any kind.
pub fn may_refer(actor: &Actor) -> bool {
    CaseKind::ALL.iter().any(|k| works_kind(actor, *k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use std::collections::BTreeSet;
    use uuid::Uuid;

    #[test]
    fn the_settings_have_the_programme_defaults() {
        let s = Settings::default();
        assert_eq!(
            (s.pd_min_age, s.pd_max_age, s.pd_risk_factor_bar),
            (8, 17, 4)
        );
        assert_eq!(s.referral_decision_working_days, 5);
    }

    #[test]
    fn the_team_runs_the_programme_and_case_workers_refer() {
        let actor = |role| Actor {
            user_id: Uuid::from_u128(1),
            agency: "derwent-solway-ha".into(),
            roles: BTreeSet::from([role]),
        };
        assert!(may_run_programme(&actor(Role::PreventDeter)));
        assert!(!may_run_programme(&actor(Role::Officer)));
        assert!(may_refer(&actor(Role::Officer)));
        assert!(may_refer(&actor(Role::Iom)));
        assert!(!may_refer(&actor(Role::Analyst)));
        assert!(!may_refer(&actor(Role::Admin)));
        assert!(!may_refer(&actor(Role::Lmaps)));
    }
}
