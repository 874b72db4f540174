//! The proposed agenda: the district's open cases that qualify, each once, with every
//! reason it qualifies for; then the chair's choices (items removed with a reason,
//! cases added by hand) laid over it.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::rules::{Reason, RuleContext, reasons_for};
use crate::asb::RiskTier;
use crate::iom::Tier;

/// One fact about a case that a rule may act on, as the store finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The tier of the case's latest ASB risk assessment.
    LatestAsbTier(RiskTier),
    /// ASB incidents in the repeat-victim window in which the case's victim was a
    /// victim, on any case.
    VictimIncidentsInWindow(u32),
    /// The case has an ASB Case Review application whose review is still to be held.
    CaseReviewOpen,
    /// A domestic abuse case shared with LMAPS.
    DomesticAbuseSharedWithLmaps,
    /// An IOM membership's tier now.
    CurrentIomTier(Tier),
    /// A Prevent & Deter referral awaiting the panel's decision.
    AwaitingPanelDecision,
    /// The case's review date.
    ReviewDate(chrono::NaiveDate),
    /// The due day of one of the case's open actions.
    OpenActionDue(chrono::NaiveDate),
}

/// A fact about one case, with what the agenda needs to know about the case itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSignal {
    pub case_id: Uuid,
    /// The district of the case's ward.
    pub district: String,
    pub open: bool,
    pub signal: Signal,
}

/// A case on the agenda with every reason it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub case_id: Uuid,
    pub reasons: BTreeSet<Reason>,
}

/// The district's open cases that qualify, each once with all its reasons, in the
/// order of their first reason (Gold victims first), then by case id for a stable
/// order. Closed cases and other districts' cases are left out whatever their facts.
pub fn propose(district: &str, context: &RuleContext, signals: &[CaseSignal]) -> Vec<AgendaItem> {
    let mut found: BTreeMap<Uuid, BTreeSet<Reason>> = BTreeMap::new();
    for fact in signals {
        if !fact.open || fact.district != district {
            continue;
        }
        let reasons = reasons_for(&fact.signal, context);
        if !reasons.is_empty() {
            found.entry(fact.case_id).or_default().extend(reasons);
        }
    }
    let mut items: Vec<AgendaItem> = found
        .into_iter()
        .map(|(case_id, reasons)| AgendaItem { case_id, reasons })
        .collect();
    items.sort_by_key(|item| (item.reasons.first().copied(), item.case_id));
    items
}

/// What the chair chose about one case, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// Taken off the agenda (the reason is kept with the item).
    Removed(Uuid),
    /// Put on the agenda by hand.
    Added(Uuid),
}

/// The agenda once the chair's choices are laid over the proposal: a removed case stays
/// off however often it is proposed again, until the chair adds it back; an added case
/// is on with [`Reason::AddedByChair`] beside any reasons it was proposed for.
pub fn settle(proposed: Vec<AgendaItem>, chosen: &[Chosen]) -> Vec<AgendaItem> {
    let mut last: BTreeMap<Uuid, bool> = BTreeMap::new();
    for choice in chosen {
        match choice {
            Chosen::Removed(id) => last.insert(*id, false),
            Chosen::Added(id) => last.insert(*id, true),
        };
    }
    let mut items: Vec<AgendaItem> = proposed
        .into_iter()
        .filter(|item| last.get(&item.case_id) != Some(&false))
        .map(|mut item| {
            if last.get(&item.case_id) == Some(&true) {
                item.reasons.insert(Reason::AddedByChair);
            }
            item
        })
        .collect();
    for (case_id, on) in last {
        if on && !items.iter().any(|item| item.case_id == case_id) {
            items.push(AgendaItem {
                case_id,
                reasons: BTreeSet::from([Reason::AddedByChair]),
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    const COPELAND: &str = "copeland";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2012, 6, d).expect("day")
    }

    fn context() -> RuleContext {
        RuleContext {
            meeting_day: day(14),
            repeat_victim_incidents: 3,
        }
    }

    fn case(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn fact(n: u128, signal: Signal) -> CaseSignal {
        CaseSignal {
            case_id: case(n),
            district: COPELAND.into(),
            open: true,
            signal,
        }
    }

    fn reasons(items: &[AgendaItem], n: u128) -> Vec<Reason> {
        items
            .iter()
            .find(|i| i.case_id == case(n))
            .map(|i| i.reasons.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Each reason alone puts its case on the agenda, and only its case.
    #[test]
    fn each_reason_alone_puts_a_case_on_the_agenda() {
        let cases = [
            (Signal::LatestAsbTier(RiskTier::Gold), Reason::GoldAsbVictim),
            (Signal::VictimIncidentsInWindow(4), Reason::AsbRepeatVictim),
            (Signal::CaseReviewOpen, Reason::AsbCaseReviewOpen),
            (
                Signal::DomesticAbuseSharedWithLmaps,
                Reason::DomesticAbuseSharedWithLmaps,
            ),
            (Signal::CurrentIomTier(Tier::Red), Reason::RedTierIom),
            (Signal::AwaitingPanelDecision, Reason::AwaitingPanelDecision),
            (Signal::ReviewDate(day(1)), Reason::ReviewDue),
            (Signal::OpenActionDue(day(13)), Reason::ActionsDue),
        ];
        for (signal, reason) in cases {
            let items = propose(COPELAND, &context(), &[fact(1, signal)]);
            assert_eq!(items.len(), 1, "{signal:?}");
            assert_eq!(reasons(&items, 1), [reason], "{signal:?}");
        }
    }

    #[test]
    fn facts_that_give_no_reason_leave_the_case_off() {
        let items = propose(
            COPELAND,
            &context(),
            &[
                fact(1, Signal::LatestAsbTier(RiskTier::Silver)),
                fact(2, Signal::VictimIncidentsInWindow(2)),
                fact(3, Signal::CurrentIomTier(Tier::Amber)),
                fact(4, Signal::ReviewDate(day(15))),
                fact(5, Signal::OpenActionDue(day(15))),
            ],
        );
        assert!(items.is_empty(), "{items:?}");
    }

    #[test]
    fn a_case_with_several_reasons_appears_once_with_all_of_them() {
        let items = propose(
            COPELAND,
            &context(),
            &[
                fact(1, Signal::ReviewDate(day(14))),
                fact(1, Signal::LatestAsbTier(RiskTier::Gold)),
                fact(1, Signal::VictimIncidentsInWindow(5)),
                fact(1, Signal::OpenActionDue(day(2))),
                fact(1, Signal::OpenActionDue(day(3))),
            ],
        );
        assert_eq!(items.len(), 1);
        assert_eq!(
            reasons(&items, 1),
            [
                Reason::GoldAsbVictim,
                Reason::AsbRepeatVictim,
                Reason::ReviewDue,
                Reason::ActionsDue
            ]
        );
    }

    #[test]
    fn closed_cases_and_other_districts_are_left_out() {
        let mut closed = fact(1, Signal::LatestAsbTier(RiskTier::Gold));
        closed.open = false;
        let mut allerdale = fact(2, Signal::LatestAsbTier(RiskTier::Gold));
        allerdale.district = "allerdale".into();
        let items = propose(
            COPELAND,
            &context(),
            &[closed, allerdale, fact(3, Signal::CaseReviewOpen)],
        );
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].case_id, case(3));
    }

    #[test]
    fn a_review_date_on_the_meeting_day_is_due_and_the_day_after_is_not() {
        let items = propose(
            COPELAND,
            &context(),
            &[
                fact(1, Signal::ReviewDate(day(14))),
                fact(2, Signal::ReviewDate(day(15))),
                fact(3, Signal::ReviewDate(day(13))),
            ],
        );
        let ids: Vec<Uuid> = items.iter().map(|i| i.case_id).collect();
        assert_eq!(ids, [case(1), case(3)]);
    }

    #[test]
    fn gold_victims_come_first() {
        let items = propose(
            COPELAND,
            &context(),
            &[
                fact(1, Signal::ReviewDate(day(1))),
                fact(2, Signal::LatestAsbTier(RiskTier::Gold)),
            ],
        );
        assert_eq!(items[0].case_id, case(2));
    }

    #[test]
    fn the_chair_removes_and_adds_and_the_last_choice_stands() {
        let proposed = propose(
            COPELAND,
            &context(),
            &[
                fact(1, Signal::LatestAsbTier(RiskTier::Gold)),
                fact(2, Signal::CaseReviewOpen),
            ],
        );
        let settled = settle(
            proposed.clone(),
            &[
                Chosen::Removed(case(1)),
                Chosen::Added(case(9)),
                Chosen::Added(case(2)),
            ],
        );
        assert_eq!(reasons(&settled, 1), []);
        assert_eq!(
            reasons(&settled, 2),
            [Reason::AsbCaseReviewOpen, Reason::AddedByChair]
        );
        assert_eq!(reasons(&settled, 9), [Reason::AddedByChair]);
        // Added back after removal, it is on again.
        let again = settle(
            proposed,
            &[Chosen::Removed(case(1)), Chosen::Added(case(1))],
        );
        assert_eq!(
            reasons(&again, 1),
            [Reason::GoldAsbVictim, Reason::AddedByChair]
        );
    }
}
