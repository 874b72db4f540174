//! Who sees what of a cohort membership. The IOM team (police and probation) work it
//! and see all of it; an agency that a housing need was referred to may open the
//! membership (the case is shared with it) but sees only the housing need: not the
//! other pathways, not the offences. Whether anyone may open it at all is
//! [`crate::access::decide`].

use crate::access::{self, Actor, CaseAction, CaseFacts, Decision};
use crate::roles::Role;

use super::pathway::Pathway;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberView {
    /// Everything: tiers, every pathway, offences, leads.
    Whole,
    /// Who they are, their tier and their accommodation needs with referrals.
    HousingOnly,
}

impl MemberView {
    pub fn of(actor: &Actor, case: &CaseFacts) -> MemberView {
        if access::decide(actor, CaseAction::Edit, case) == Decision::Allow {
            MemberView::Whole
        } else {
            MemberView::HousingOnly
        }
    }

    pub fn shows(self, pathway: Pathway) -> bool {
        self == MemberView::Whole || pathway.may_be_referred_to_housing()
    }

    pub fn shows_offences(self) -> bool {
        self == MemberView::Whole
    }
}

/// The IOM team selects members and records offences; offences are personal data
/// about offending that nobody else needs.
pub fn may_manage_cohort(actor: &Actor) -> bool {
    actor.has(Role::Iom)
}

/// Where a housing need may be referred: the Housing Task & Finish Group (a panel) or
/// a housing provider agency, which then may open the membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HousingTarget {
    TaskAndFinishGroup,
    Agency(String),
}

impl HousingTarget {
    pub const PANEL: &'static str = "housing-task-finish-group";

    /// Reads a target as typed: the panel's code, or an agency code (whether it is a
    /// housing provider is for the caller, who knows the agencies).
    pub fn parse(text: &str) -> Option<HousingTarget> {
        match text.trim() {
            "" => None,
            Self::PANEL => Some(HousingTarget::TaskAndFinishGroup),
            code => Some(HousingTarget::Agency(code.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use uuid::Uuid;

    use super::*;
    use crate::access::CaseKind;

    fn actor(agency: &str, role: Role) -> Actor {
        Actor {
            user_id: Uuid::from_u128(1),
            agency: agency.into(),
            roles: BTreeSet::from([role]),
        }
    }

    fn member(shared_with: &[&str]) -> CaseFacts {
        CaseFacts {
            kind: CaseKind::Iom,
            owner_agency: "iom-team".into(),
            shared_with: shared_with.iter().map(|s| s.to_string()).collect(),
            lead_officer: None,
            logged_by: None,
            lmaps_agencies: Vec::new(),
        }
    }

    #[test]
    fn the_iom_team_sees_everything_and_housing_only_the_housing_need() {
        let team = actor("iom-team", Role::Iom);
        let housing = actor("derwent-solway-ha", Role::Officer);
        let shared = member(&["derwent-solway-ha"]);
        assert_eq!(MemberView::of(&team, &shared), MemberView::Whole);
        assert_eq!(MemberView::of(&housing, &shared), MemberView::HousingOnly);
        assert_eq!(
            access::decide(&housing, CaseAction::View, &member(&[])),
            Decision::NotFound
        );
        let housing_view = MemberView::HousingOnly;
        let shown: Vec<_> = Pathway::ALL
            .into_iter()
            .filter(|p| housing_view.shows(*p))
            .collect();
        assert_eq!(shown, [Pathway::Accommodation]);
        assert!(!housing_view.shows_offences());
        assert!(MemberView::Whole.shows_offences());
        assert!(may_manage_cohort(&team) && !may_manage_cohort(&housing));
    }

    #[test]
    fn housing_targets_are_the_panel_or_an_agency() {
        assert_eq!(
            HousingTarget::parse("housing-task-finish-group"),
            Some(HousingTarget::TaskAndFinishGroup)
        );
        assert_eq!(
            HousingTarget::parse(" impact-ha "),
            Some(HousingTarget::Agency("impact-ha".into()))
        );
        assert_eq!(HousingTarget::parse(" "), None);
    }
}
