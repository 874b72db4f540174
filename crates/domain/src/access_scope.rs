//! The need-to-know policy as a list can use it: which of an actor's relations to a
//! case let them take an action on it. A list of many cases cannot ask [`decide`] row
//! by row and still paginate and count in its query, so the store turns a [`Reach`]
//! into conditions on the case's owner, lead, logger and shares. The reach is worked
//! out by asking [`decide`] itself about a case with only that relation, so the policy
//! keeps one home; the tests check that the reach and [`decide`] agree on every
//! combination of relations, roles, kinds and actions.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::access::{Actor, CaseAction, CaseFacts, CaseKind, Decision, decide};

/// How an actor may stand to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// The case is owned by the actor's agency.
    OwnedByAgency,
    /// The actor is the case's lead officer.
    LeadOfficer,
    /// The actor logged (opened) the case.
    LoggedBy,
    /// The case is shared with the actor's agency.
    SharedWithAgency,
    /// The case is on the agenda of an open LMAPS meeting the actor's agency attends.
    OnLmapsAgenda,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::OwnedByAgency,
        Relation::LeadOfficer,
        Relation::LoggedBy,
        Relation::SharedWithAgency,
        Relation::OnLmapsAgenda,
    ];
}

/// Which cases of a kind an actor may take an action on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every case of the kind, whatever the actor's relation to it.
    Every,
    /// The cases where at least one of these relations holds; none when empty.
    AnyOf(BTreeSet<Relation>),
}

impl Reach {
    /// Whether a case to which the actor stands in `holding` is reached.
    pub fn allows(&self, holding: &BTreeSet<Relation>) -> bool {
        match self {
            Reach::Every => true,
            Reach::AnyOf(relations) => !relations.is_disjoint(holding),
        }
    }

    /// Whether no case at all is reached.
    pub fn is_nothing(&self) -> bool {
        matches!(self, Reach::AnyOf(relations) if relations.is_empty())
    }
}

/// Which cases of `kind` the actor may take `action` on, as relations.
pub fn reach(actor: &Actor, kind: CaseKind, action: CaseAction) -> Reach {
    let allowed = |holding: &[Relation]| {
        decide(actor, action, &facts_with(actor, kind, holding)) == Decision::Allow
    };
    if allowed(&[]) {
        return Reach::Every;
    }
    Reach::AnyOf(
        Relation::ALL
            .into_iter()
            .filter(|relation| allowed(&[*relation]))
            .collect(),
    )
}

/// A case of `kind` to which the actor stands in exactly `holding` and nothing else.
fn facts_with(actor: &Actor, kind: CaseKind, holding: &[Relation]) -> CaseFacts {
    let has = |relation: Relation| holding.contains(&relation);
    // An agency and a user that are not the actor's.
    let other_agency = format!("{}-other", actor.agency);
    let someone_else = if actor.user_id == Uuid::nil() {
        Uuid::max()
    } else {
        Uuid::nil()
    };
    let mine_if = |relation: Relation| {
        if has(relation) {
            actor.agency.clone()
        } else {
            other_agency.clone()
        }
    };
    let me_if = |relation: Relation| {
        Some(if has(relation) {
            actor.user_id
        } else {
            someone_else
        })
    };
    CaseFacts {
        kind,
        owner_agency: mine_if(Relation::OwnedByAgency),
        shared_with: vec![mine_if(Relation::SharedWithAgency)],
        lead_officer: me_if(Relation::LeadOfficer),
        logged_by: me_if(Relation::LoggedBy),
        lmaps_agencies: vec![mine_if(Relation::OnLmapsAgenda)],
    }
}

/// Whether a list of cases of `kind` has anything to show the actor: they may open
/// some case of the kind by some relation (an LMAPS member: the cases on their
/// agency's open agendas). Lists answer "nothing here" otherwise.
pub fn may_list(actor: &Actor, kind: CaseKind) -> bool {
    !reach(actor, kind, CaseAction::View).is_nothing()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::Role;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            user_id: Uuid::from_u128(7),
            agency: "copeland-bc".into(),
            roles: roles.iter().copied().collect(),
        }
    }

    /// Every set of relations, as the 32 subsets of the five.
    fn every_holding() -> Vec<BTreeSet<Relation>> {
        (0u32..1 << Relation::ALL.len())
            .map(|bits| {
                Relation::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, r)| r)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_reach_agrees_with_decide_for_every_combination() {
        // Every role alone and every pair of roles.
        let mut role_sets: Vec<Vec<Role>> = Role::ALL.iter().map(|r| vec![*r]).collect();
        for (i, a) in Role::ALL.iter().enumerate() {
            for b in &Role::ALL[i + 1..] {
                role_sets.push(vec![*a, *b]);
            }
        }
        let holdings = every_holding();
        assert_eq!(holdings.len(), 32);
        let mut checked = 0;
        for roles in &role_sets {
            let actor = actor(roles);
            for kind in CaseKind::ALL {
                for action in CaseAction::ALL {
                    let reach = reach(&actor, kind, action);
                    for holding in &holdings {
                        let relations: Vec<Relation> = holding.iter().copied().collect();
                        let decided = decide(&actor, action, &facts_with(&actor, kind, &relations))
                            == Decision::Allow;
                        assert_eq!(
                            reach.allows(holding),
                            decided,
                            "{roles:?} {kind:?} {action:?} holding {holding:?}: reach {reach:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, role_sets.len() * 4 * 5 * 32);
    }

    #[test]
    fn who_may_view_an_asb_case() {
        let officer = reach(&actor(&[Role::Officer]), CaseKind::Asb, CaseAction::View);
        assert_eq!(
            officer,
            Reach::AnyOf(BTreeSet::from([
                Relation::OwnedByAgency,
                Relation::LeadOfficer,
                Relation::LoggedBy,
                Relation::SharedWithAgency,
            ]))
        );
        let lmaps = reach(&actor(&[Role::Lmaps]), CaseKind::Asb, CaseAction::View);
        assert_eq!(
            lmaps,
            Reach::AnyOf(BTreeSet::from([Relation::OnLmapsAgenda]))
        );
        for role in [Role::Analyst, Role::Admin, Role::Dpo, Role::DvSpecialist] {
            let reach = reach(&actor(&[role]), CaseKind::Asb, CaseAction::View);
            assert!(reach.is_nothing(), "{role}: {reach:?}");
        }
        // The IOM team works every IOM case, whoever owns it.
        assert_eq!(
            reach(&actor(&[Role::Iom]), CaseKind::Iom, CaseAction::View),
            Reach::Every
        );
    }

    #[test]
    fn lists_are_for_those_who_may_open_some_case_of_the_kind() {
        for kind in [CaseKind::DomesticAbuse, CaseKind::Iom] {
            assert!(may_list(&actor(&[Role::Lmaps]), kind), "{kind:?}");
            assert!(!may_list(&actor(&[Role::Analyst]), kind), "{kind:?}");
        }
        assert!(may_list(&actor(&[Role::Iom]), CaseKind::Iom));
        assert!(may_list(
            &actor(&[Role::DvSpecialist]),
            CaseKind::DomesticAbuse
        ));
    }

    #[test]
    fn a_shared_case_is_worked_but_not_shared_on() {
        let officer = actor(&[Role::Officer]);
        let share = reach(&officer, CaseKind::Asb, CaseAction::Share);
        let shared = BTreeSet::from([Relation::SharedWithAgency]);
        assert!(!share.allows(&shared));
        assert!(reach(&officer, CaseKind::Asb, CaseAction::Edit).allows(&shared));
        assert!(share.allows(&BTreeSet::from([Relation::OwnedByAgency])));
    }
}
