//! Whether a victim must be referred to MARAC (the multi-agency risk assessment
//! conference), and why. Any one reason is enough:
//!
//! - **visible high risk**: the latest DASH checklist scored at or above the high
//!   cut-off (its `computed_level` is high: the cut-off in force when it was scored, so
//!   a later change to the setting does not rewrite an earlier checklist);
//! - **professional judgement**: the officer judged the victim to be at high risk;
//! - **potential escalation**: at least 3 incidents within the 12 calendar months up to
//!   today *(settings)*, both ends included as for every window ([`months_up_to`]);
//! - **repeat**: an incident after the victim's last MARAC referral and within 12
//!   calendar months of it *(setting)*, whatever the score. "After" is a later day: an
//!   incident on the day of the referral is the one it was made for. "Within" includes
//!   the end: a referral on 1 June 2011 makes an incident on 1 June 2012 a repeat, and
//!   one on 2 June 2012 a new referral ([`months_after`]; 29 February 2012 runs to 28
//!   February 2013). Any such incident counts, not only the latest, so a repeat that was
//!   missed is still asked for until a referral is made.
//!
//! A referral is **required** when there is a reason and no referral has yet been made
//! for the latest incident: the caller passes the victim's referrals, and one made on
//! or after the latest incident's day satisfies the need. When no incident is on record
//! (a checklist without one), any referral satisfies it. Incidents and referrals after
//! `today` are not yet known to the rule and are ignored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dash::{DashLevel, DashOutcome};
use super::{count_setting, months_after};
use crate::asb::months_up_to;
use crate::calendar::Period;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaracReason {
    VisibleHighRisk,
    ProfessionalJudgement,
    PotentialEscalation,
    Repeat,
}

impl MaracReason {
    pub const ALL: [MaracReason; 4] = [
        MaracReason::VisibleHighRisk,
        MaracReason::ProfessionalJudgement,
        MaracReason::PotentialEscalation,
        MaracReason::Repeat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MaracReason::VisibleHighRisk => "visible-high-risk",
            MaracReason::ProfessionalJudgement => "professional-judgement",
            MaracReason::PotentialEscalation => "potential-escalation",
            MaracReason::Repeat => "repeat",
        }
    }

    pub fn parse(text: &str) -> Option<MaracReason> {
        MaracReason::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// In plain words, for pages and letters.
    pub fn label(self) -> &'static str {
        match self {
            MaracReason::VisibleHighRisk => "Visible high risk",
            MaracReason::ProfessionalJudgement => "Professional judgement",
            MaracReason::PotentialEscalation => "Potential escalation",
            MaracReason::Repeat => "Repeat referral",
        }
    }
}

/// What the rule needs to know of one victim: the days of their domestic abuse
/// incidents and of their MARAC referrals, from every agency, in any order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VictimHistory {
    pub incidents: Vec<NaiveDate>,
    pub marac_referrals: Vec<NaiveDate>,
}

/// The outcome of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaracDecision {
    /// In the order of [`MaracReason::ALL`]; empty when there is none.
    pub reasons: Vec<MaracReason>,
    /// A reason, and no referral yet for the latest incident.
    pub required: bool,
    /// The referral that already answers the latest incident, if one does.
    pub covered_by: Option<NaiveDate>,
}

/// The thresholds, from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaracRule {
    pub escalation_incidents: u32,
    pub escalation_months: u32,
    pub repeat_months: u32,
}

impl MaracRule {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            escalation_incidents: count_setting(settings.dv_escalation_incidents),
            escalation_months: count_setting(settings.dv_escalation_months),
            repeat_months: count_setting(settings.dv_marac_repeat_months),
        }
    }

    /// The days whose incidents count towards potential escalation as of `today`.
    pub fn escalation_window(&self, today: NaiveDate) -> Period {
        months_up_to(today, self.escalation_months)
    }

    /// Why the victim should be referred, as of `today`. `latest_assessment` is the
    /// victim's most recent DASH checklist, if any.
    pub fn reasons(
        &self,
        history: &VictimHistory,
        latest_assessment: Option<&DashOutcome>,
        today: NaiveDate,
    ) -> Vec<MaracReason> {
        let mut reasons = Vec::new();
        if let Some(outcome) = latest_assessment {
            if outcome.computed_level == DashLevel::High {
                reasons.push(MaracReason::VisibleHighRisk);
            }
            if outcome.professional_judgement {
                reasons.push(MaracReason::ProfessionalJudgement);
            }
        }
        let window = self.escalation_window(today);
        let recent = history.incidents.iter().filter(|d| window.contains(**d));
        if recent.count() >= self.escalation_incidents as usize {
            reasons.push(MaracReason::PotentialEscalation);
        }
        if self.is_repeat(history, today) {
            reasons.push(MaracReason::Repeat);
        }
        reasons
    }

    /// Is there an incident after the last referral and within the repeat window?
    /// A referral recorded with this reason is a repeat referral.
    pub fn is_repeat(&self, history: &VictimHistory, today: NaiveDate) -> bool {
        let Some(last) = latest_up_to(&history.marac_referrals, today) else {
            return false;
        };
        let repeat_until = months_after(last, self.repeat_months).min(today);
        history
            .incidents
            .iter()
            .any(|d| last < *d && *d <= repeat_until)
    }

    /// The reasons, and whether a referral is still needed.
    pub fn decide(
        &self,
        history: &VictimHistory,
        latest_assessment: Option<&DashOutcome>,
        today: NaiveDate,
    ) -> MaracDecision {
        let reasons = self.reasons(history, latest_assessment, today);
        let referrals = history.marac_referrals.iter().filter(|d| **d <= today);
        let covered_by = match latest_up_to(&history.incidents, today) {
            Some(latest_incident) => referrals.filter(|d| **d >= latest_incident).min(),
            None => referrals.max(),
        }
        .copied();
        MaracDecision {
            required: !reasons.is_empty() && covered_by.is_none(),
            reasons,
            covered_by,
        }
    }
}

/// [`MaracRule::reasons`] with the rule read from the settings.
pub fn marac_reasons(
    history: &VictimHistory,
    latest_assessment: Option<&DashOutcome>,
    today: NaiveDate,
    settings: &Settings,
) -> Vec<MaracReason> {
    MaracRule::from_settings(settings).reasons(history, latest_assessment, today)
}

fn latest_up_to(days: &[NaiveDate], today: NaiveDate) -> Option<NaiveDate> {
    days.iter().filter(|d| **d <= today).max().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dv::test_dates::d;

    fn rule() -> MaracRule {
        MaracRule::from_settings(&Settings::default())
    }

    fn history(incidents: &[NaiveDate], referrals: &[NaiveDate]) -> VictimHistory {
        VictimHistory {
            incidents: incidents.to_vec(),
            marac_referrals: referrals.to_vec(),
        }
    }

    fn outcome(yes_count: u32, computed: DashLevel, judgement: bool) -> DashOutcome {
        DashOutcome {
            yes_count,
            computed_level: computed,
            level: if judgement { DashLevel::High } else { computed },
            professional_judgement: judgement,
        }
    }

    fn today() -> NaiveDate {
        d(2012, 6, 1)
    }

    #[test]
    fn reasons_round_trip_with_plain_labels() {
        for r in MaracReason::ALL {
            assert_eq!(MaracReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(MaracReason::VisibleHighRisk.label(), "Visible high risk");
        assert_eq!(
            MaracReason::PotentialEscalation.as_str(),
            "potential-escalation"
        );
        assert_eq!(MaracReason::parse("Repeat"), None);
    }

    #[test]
    fn the_defaults_are_three_in_twelve_months_and_twelve_months_for_repeats() {
        assert_eq!(
            rule(),
            MaracRule {
                escalation_incidents: 3,
                escalation_months: 12,
                repeat_months: 12
            }
        );
    }

    #[test]
    fn nothing_on_record_is_no_reason() {
        let decision = rule().decide(&VictimHistory::default(), None, today());
        assert_eq!(
            decision,
            MaracDecision {
                reasons: vec![],
                required: false,
                covered_by: None
            }
        );
    }

    #[test]
    fn visible_high_risk_alone() {
        let h = history(&[d(2012, 5, 30)], &[]);
        let high = outcome(14, DashLevel::High, false);
        let decision = rule().decide(&h, Some(&high), today());
        assert_eq!(decision.reasons, [MaracReason::VisibleHighRisk]);
        assert!(decision.required);
        let medium = outcome(13, DashLevel::Medium, false);
        assert!(rule().reasons(&h, Some(&medium), today()).is_empty());
    }

    #[test]
    fn professional_judgement_alone() {
        let h = history(&[d(2012, 5, 30)], &[]);
        let judged = outcome(4, DashLevel::Standard, true);
        assert_eq!(
            rule().reasons(&h, Some(&judged), today()),
            [MaracReason::ProfessionalJudgement]
        );
    }

    #[test]
    fn potential_escalation_alone_needs_three_incidents() {
        let two = history(&[d(2012, 1, 10), d(2012, 5, 30)], &[]);
        assert!(rule().reasons(&two, None, today()).is_empty());
        let three = history(&[d(2011, 9, 1), d(2012, 1, 10), d(2012, 5, 30)], &[]);
        assert_eq!(
            rule().reasons(&three, None, today()),
            [MaracReason::PotentialEscalation]
        );
    }

    #[test]
    fn the_escalation_window_includes_both_ends() {
        // Twelve months up to 1 June 2012 start on 1 June 2011.
        let at_start = history(&[d(2011, 6, 1), d(2011, 12, 1), d(2012, 6, 1)], &[]);
        assert_eq!(
            rule().reasons(&at_start, None, today()),
            [MaracReason::PotentialEscalation]
        );
        let a_day_early = history(&[d(2011, 5, 31), d(2011, 12, 1), d(2012, 6, 1)], &[]);
        assert!(rule().reasons(&a_day_early, None, today()).is_empty());
        // An incident after today is not yet known.
        let one_tomorrow = history(&[d(2011, 6, 1), d(2011, 12, 1), d(2012, 6, 2)], &[]);
        assert!(rule().reasons(&one_tomorrow, None, today()).is_empty());
    }

    #[test]
    fn repeat_alone_whatever_the_score() {
        let h = history(&[d(2011, 8, 30), d(2012, 5, 30)], &[d(2011, 9, 1)]);
        let standard = outcome(2, DashLevel::Standard, false);
        let decision = rule().decide(&h, Some(&standard), today());
        assert_eq!(decision.reasons, [MaracReason::Repeat]);
        assert!(decision.required);
        assert_eq!(decision.covered_by, None);
    }

    #[test]
    fn repeat_exactly_twelve_months_after_the_referral_counts_a_day_later_does_not() {
        let referral = d(2011, 6, 1);
        let at_edge = history(&[d(2011, 6, 1), d(2012, 6, 1)], &[referral]);
        assert!(rule().is_repeat(&at_edge, d(2012, 6, 1)));
        let a_day_later = history(&[d(2011, 6, 1), d(2012, 6, 2)], &[referral]);
        assert!(!rule().is_repeat(&a_day_later, d(2012, 6, 2)));
        // A new referral is still required then, if another reason applies.
        let high = outcome(16, DashLevel::High, false);
        let decision = rule().decide(&a_day_later, Some(&high), d(2012, 6, 2));
        assert_eq!(decision.reasons, [MaracReason::VisibleHighRisk]);
        assert!(decision.required);
    }

    #[test]
    fn the_repeat_window_counts_calendar_months_from_a_leap_day() {
        let referral = d(2012, 2, 29);
        let end = history(&[d(2013, 2, 28)], &[referral]);
        assert!(rule().is_repeat(&end, d(2013, 3, 31)));
        let after = history(&[d(2013, 3, 1)], &[referral]);
        assert!(!rule().is_repeat(&after, d(2013, 3, 31)));
    }

    #[test]
    fn an_incident_on_the_referral_day_or_before_it_is_not_a_repeat() {
        let h = history(&[d(2012, 3, 1), d(2012, 3, 5)], &[d(2012, 3, 5)]);
        assert!(!rule().is_repeat(&h, today()));
        // Only the last referral opens a window: an older one's window is closed.
        let h = history(&[d(2011, 12, 1)], &[d(2011, 6, 1), d(2012, 1, 1)]);
        assert!(!rule().is_repeat(&h, today()));
        // A referral after today is not yet known, so the older one still counts.
        let h = history(&[d(2012, 5, 1)], &[d(2012, 1, 1), d(2012, 6, 2)]);
        assert!(rule().is_repeat(&h, today()));
    }

    #[test]
    fn several_reasons_together_in_a_fixed_order() {
        let h = history(
            &[d(2011, 10, 1), d(2012, 2, 1), d(2012, 5, 30)],
            &[d(2011, 10, 2)],
        );
        let judged_high = outcome(15, DashLevel::High, true);
        assert_eq!(
            rule().reasons(&h, Some(&judged_high), today()),
            MaracReason::ALL
        );
    }

    #[test]
    fn a_referral_on_or_after_the_latest_incident_satisfies_the_need() {
        let high = outcome(14, DashLevel::High, false);
        let same_day = history(&[d(2012, 5, 30)], &[d(2012, 5, 30)]);
        let decision = rule().decide(&same_day, Some(&high), today());
        assert_eq!(decision.reasons, [MaracReason::VisibleHighRisk]);
        assert!(!decision.required);
        assert_eq!(decision.covered_by, Some(d(2012, 5, 30)));
        let day_after = history(&[d(2012, 5, 30)], &[d(2012, 5, 31)]);
        assert!(!rule().decide(&day_after, Some(&high), today()).required);
        // A referral the day before the latest incident does not cover it: that
        // incident is then also a repeat.
        let day_before = history(&[d(2012, 5, 30)], &[d(2012, 5, 29)]);
        let decision = rule().decide(&day_before, Some(&high), today());
        assert_eq!(
            decision.reasons,
            [MaracReason::VisibleHighRisk, MaracReason::Repeat]
        );
        assert!(decision.required);
    }

    #[test]
    fn without_an_incident_any_referral_satisfies_the_need() {
        let judged = outcome(0, DashLevel::Standard, true);
        let none = history(&[], &[]);
        assert!(rule().decide(&none, Some(&judged), today()).required);
        let referred = history(&[], &[d(2012, 4, 1)]);
        let decision = rule().decide(&referred, Some(&judged), today());
        assert!(!decision.required);
        assert_eq!(decision.covered_by, Some(d(2012, 4, 1)));
    }

    #[test]
    fn the_settings_change_the_rule() {
        let mut settings = Settings::default();
        settings
            .set("dv.escalation-incidents", "2")
            .expect("in range");
        settings
            .set("dv.marac-repeat-months", "6")
            .expect("in range");
        let h = history(&[d(2012, 1, 10), d(2012, 5, 30)], &[d(2011, 11, 29)]);
        // Two incidents now escalate; the 30 May incident is more than 6 months
        // after the referral but the 10 January one is within them.
        assert_eq!(
            marac_reasons(&h, None, today(), &settings),
            [MaracReason::PotentialEscalation, MaracReason::Repeat]
        );
        let h = history(&[d(2012, 5, 30)], &[d(2011, 11, 29)]);
        assert!(marac_reasons(&h, None, today(), &settings).is_empty());
    }
}
