//! Why a case is on an LMAPS agenda: one small rule per reason, each a plain function
//! of one fact about the case. Adding a module's reason is a variant of [`Reason`], a
//! variant of [`Signal`] for its fact, one rule function and one line in [`RULES`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::agenda::Signal;
use crate::asb::RiskTier;
use crate::iom::Tier;

/// A reason a case is on the agenda, as the partnership says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    GoldAsbVictim,
    AsbRepeatVictim,
    AsbCaseReviewOpen,
    DomesticAbuseSharedWithLmaps,
    RedTierIom,
    AwaitingPanelDecision,
    ReviewDue,
    ActionsDue,
    AddedByChair,
}

impl Reason {
    pub const ALL: [Reason; 9] = [
        Reason::GoldAsbVictim,
        Reason::AsbRepeatVictim,
        Reason::AsbCaseReviewOpen,
        Reason::DomesticAbuseSharedWithLmaps,
        Reason::RedTierIom,
        Reason::AwaitingPanelDecision,
        Reason::ReviewDue,
        Reason::ActionsDue,
        Reason::AddedByChair,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::GoldAsbVictim => "gold-asb-victim",
            Reason::AsbRepeatVictim => "asb-repeat-victim",
            Reason::AsbCaseReviewOpen => "asb-case-review-open",
            Reason::DomesticAbuseSharedWithLmaps => "domestic-abuse-shared-with-lmaps",
            Reason::RedTierIom => "red-tier-iom",
            Reason::AwaitingPanelDecision => "awaiting-panel-decision",
            Reason::ReviewDue => "review-due",
            Reason::ActionsDue => "actions-due",
            Reason::AddedByChair => "added-by-chair",
        }
    }

    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// As the agenda prints it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::GoldAsbVictim => "Gold ASB victim",
            Reason::AsbRepeatVictim => "ASB repeat victim",
            Reason::AsbCaseReviewOpen => "ASB Case Review application open",
            Reason::DomesticAbuseSharedWithLmaps => "Domestic abuse case shared with LMAPS",
            Reason::RedTierIom => "Red-tier IOM member",
            Reason::AwaitingPanelDecision => "Prevent & Deter referral awaiting a panel decision",
            Reason::ReviewDue => "Review date falls due",
            Reason::ActionsDue => "Open actions fall due",
            Reason::AddedByChair => "Added by the chair",
        }
    }
}

/// What the rules need to know besides the fact: the meeting's day and the numbers
/// the partnership has set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleContext {
    pub meeting_day: NaiveDate,
    /// ASB incidents within the repeat-victim window that make a repeat victim
    /// (`asb.repeat-victim-incidents`).
    pub repeat_victim_incidents: u32,
}

/// One rule: the reason this fact puts the case on the agenda, if it does.
pub type Rule = fn(&Signal, &RuleContext) -> Option<Reason>;

/// Every rule, in the order the agenda lists reasons.
pub const RULES: &[Rule] = &[
    gold_asb_victim,
    asb_repeat_victim,
    asb_case_review_open,
    domestic_abuse_shared_with_lmaps,
    red_tier_iom,
    awaiting_panel_decision,
    review_due,
    actions_due,
];

/// The reasons one fact gives (at most one per rule).
pub fn reasons_for(signal: &Signal, context: &RuleContext) -> Vec<Reason> {
    RULES
        .iter()
        .filter_map(|rule| rule(signal, context))
        .collect()
}

/// A victim whose latest ASB risk assessment is Gold is monitored through LMAPS.
pub fn gold_asb_victim(signal: &Signal, _: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::LatestAsbTier(RiskTier::Gold)).then_some(Reason::GoldAsbVictim)
}

/// A victim of at least the repeat-victim number of ASB incidents in the window.
pub fn asb_repeat_victim(signal: &Signal, context: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::VictimIncidentsInWindow(n) if *n >= context.repeat_victim_incidents)
        .then_some(Reason::AsbRepeatVictim)
}

/// An ASB Case Review application whose review is still to be held.
pub fn asb_case_review_open(signal: &Signal, _: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::CaseReviewOpen).then_some(Reason::AsbCaseReviewOpen)
}

/// A domestic abuse case its owning agency has shared with LMAPS
/// ([`super::LMAPS_SHARE_AGENCY`]).
pub fn domestic_abuse_shared_with_lmaps(signal: &Signal, _: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::DomesticAbuseSharedWithLmaps)
        .then_some(Reason::DomesticAbuseSharedWithLmaps)
}

/// An IOM member in the cohort whose tier now is red.
pub fn red_tier_iom(signal: &Signal, _: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::CurrentIomTier(Tier::Red)).then_some(Reason::RedTierIom)
}

/// A Prevent & Deter referral waiting for the panel to decide.
pub fn awaiting_panel_decision(signal: &Signal, _: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::AwaitingPanelDecision).then_some(Reason::AwaitingPanelDecision)
}

/// A case whose review date falls on or before the meeting day.
pub fn review_due(signal: &Signal, context: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::ReviewDate(day) if *day <= context.meeting_day)
        .then_some(Reason::ReviewDue)
}

/// A case with an open action due on or before the meeting day.
pub fn actions_due(signal: &Signal, context: &RuleContext) -> Option<Reason> {
    matches!(signal, Signal::OpenActionDue(day) if *day <= context.meeting_day)
        .then_some(Reason::ActionsDue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> RuleContext {
        RuleContext {
            meeting_day: NaiveDate::from_ymd_opt(2012, 6, 14).expect("day"),
            repeat_victim_incidents: 3,
        }
    }

    #[test]
    fn every_reason_reads_back_from_its_code() {
        for reason in Reason::ALL {
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(Reason::parse("gold"), None);
    }

    #[test]
    fn only_gold_puts_an_asb_victim_on_the_agenda() {
        let c = context();
        assert_eq!(
            reasons_for(&Signal::LatestAsbTier(RiskTier::Gold), &c),
            [Reason::GoldAsbVictim]
        );
        for tier in [RiskTier::Silver, RiskTier::Bronze] {
            assert!(reasons_for(&Signal::LatestAsbTier(tier), &c).is_empty());
        }
    }

    #[test]
    fn a_repeat_victim_needs_the_threshold_of_incidents() {
        let c = context();
        assert!(reasons_for(&Signal::VictimIncidentsInWindow(2), &c).is_empty());
        assert_eq!(
            reasons_for(&Signal::VictimIncidentsInWindow(3), &c),
            [Reason::AsbRepeatVictim]
        );
    }

    #[test]
    fn only_red_tier_iom_members_are_proposed() {
        let c = context();
        assert_eq!(
            reasons_for(&Signal::CurrentIomTier(Tier::Red), &c),
            [Reason::RedTierIom]
        );
        assert!(reasons_for(&Signal::CurrentIomTier(Tier::Amber), &c).is_empty());
        assert!(reasons_for(&Signal::CurrentIomTier(Tier::Green), &c).is_empty());
    }

    #[test]
    fn due_dates_count_up_to_and_including_the_meeting_day() {
        let c = context();
        let day = c.meeting_day;
        let after = day.succ_opt().expect("next day");
        assert_eq!(
            reasons_for(&Signal::ReviewDate(day), &c),
            [Reason::ReviewDue]
        );
        assert!(reasons_for(&Signal::ReviewDate(after), &c).is_empty());
        assert_eq!(
            reasons_for(&Signal::OpenActionDue(day), &c),
            [Reason::ActionsDue]
        );
        assert!(reasons_for(&Signal::OpenActionDue(after), &c).is_empty());
    }

    #[test]
    fn the_other_facts_each_give_their_reason() {
        let c = context();
        for (signal, reason) in [
            (Signal::CaseReviewOpen, Reason::AsbCaseReviewOpen),
            (
                Signal::DomesticAbuseSharedWithLmaps,
                Reason::DomesticAbuseSharedWithLmaps,
            ),
            (Signal::AwaitingPanelDecision, Reason::AwaitingPanelDecision),
        ] {
            assert_eq!(reasons_for(&signal, &c), [reason]);
        }
    }
}
