//! Recording a MARAC referral: the day it was made, the meeting it goes to and why.
//!
//! The reasons are the officer's, or, when they give none, the reasons the rule finds
//! on the day of the referral. Whether the referral is a **repeat** is never typed: it
//! is the rule's answer on that day ([`MaracRule::is_repeat`]), added when the officer
//! left it out and refused when they claim it and the record does not show one, so the
//! repeat MARAC rate counts what happened, not what was ticked.

use chrono::NaiveDate;
use serde::Deserialize;

use super::dash::DashOutcome;
use super::marac::{MaracReason, MaracRule, VictimHistory};
use crate::FieldError;

/// A referral as typed or sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MaracReferralInput {
    /// `YYYY-MM-DD`.
    pub referred_on: String,
    /// Reason codes (`visible-high-risk`, ...); none means "as the rule finds".
    pub reasons: Vec<String>,
    /// The day of the MARAC meeting it goes to, `YYYY-MM-DD`, if known.
    pub meeting_on: Option<String>,
}

/// The dates and reasons as checked, before the victim's record is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReferral {
    pub referred_on: NaiveDate,
    /// Empty when the officer gave none.
    pub reasons: Vec<MaracReason>,
    pub meeting_on: Option<NaiveDate>,
}

/// A referral ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaracReferral {
    pub referred_on: NaiveDate,
    /// At least one, in the order of [`MaracReason::ALL`].
    pub reasons: Vec<MaracReason>,
    pub meeting_on: Option<NaiveDate>,
    pub is_repeat: bool,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl MaracReferralInput {
    /// Checks the fields on their own, naming every bad one: a referral is not made in
    /// the future, and its meeting is not before it.
    pub fn parse(&self, today: NaiveDate) -> Result<CheckedReferral, Vec<FieldError>> {
        let mut errors = Vec::new();
        let referred_on = match date(&self.referred_on) {
            Some(day) if day > today => {
                errors.push(FieldError::new(
                    "referred_on",
                    "A referral cannot be made in the future.",
                ));
                None
            }
            Some(day) => Some(day),
            None => {
                errors.push(FieldError::new(
                    "referred_on",
                    "Enter the day of the referral, like 2012-06-01.",
                ));
                None
            }
        };
        let mut reasons = Vec::new();
        for text in &self.reasons {
            match MaracReason::parse(text.trim()) {
                Some(reason) => reasons.push(reason),
                None => errors.push(FieldError::new(
                    "reasons",
                    format!(
                        "'{}' is not a MARAC reason: use visible-high-risk, \
                         professional-judgement, potential-escalation or repeat.",
                        text.trim()
                    ),
                )),
            }
        }
        let meeting_on = match self.meeting_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match date(text) {
                Some(day) if referred_on.is_some_and(|r| day < r) => {
                    errors.push(FieldError::new(
                        "meeting_on",
                        "The meeting cannot be before the referral.",
                    ));
                    None
                }
                Some(day) => Some(day),
                None => {
                    errors.push(FieldError::new(
                        "meeting_on",
                        "Enter the day of the MARAC meeting, like 2012-06-14, or leave it empty.",
                    ));
                    None
                }
            },
        };
        match referred_on {
            Some(referred_on) if errors.is_empty() => Ok(CheckedReferral {
                referred_on,
                reasons,
                meeting_on,
            }),
            _ => Err(errors),
        }
    }
}

impl MaracRule {
    /// Settles the referral's reasons against the victim's record. `history` is every
    /// incident and earlier referral of the victim; `assessment` the latest DASH
    /// checklist on or before the referral day.
    pub fn referral(
        &self,
        checked: CheckedReferral,
        history: &VictimHistory,
        assessment: Option<&DashOutcome>,
    ) -> Result<MaracReferral, Vec<FieldError>> {
        let day = checked.referred_on;
        let is_repeat = self.is_repeat(history, day);
        let mut reasons = if checked.reasons.is_empty() {
            self.reasons(history, assessment, day)
        } else {
            checked.reasons
        };
        if reasons.contains(&MaracReason::Repeat) && !is_repeat {
            return Err(vec![FieldError::new(
                "reasons",
                format!(
                    "This is not a repeat referral: the victim has had no incident since a \
                     MARAC referral in the {} months before it.",
                    self.repeat_months
                ),
            )]);
        }
        if is_repeat {
            reasons.push(MaracReason::Repeat);
        }
        reasons.sort_unstable();
        reasons.dedup();
        if reasons.is_empty() {
            return Err(vec![FieldError::new(
                "reasons",
                "No reason for a MARAC referral applies on that day: say why you are referring.",
            )]);
        }
        Ok(MaracReferral {
            referred_on: day,
            reasons,
            meeting_on: checked.meeting_on,
            is_repeat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dv::dash::DashLevel;
    use crate::dv::test_dates::d;
    use crate::settings::Settings;

    fn rule() -> MaracRule {
        MaracRule::from_settings(&Settings::default())
    }

    fn input(referred_on: &str, reasons: &[&str], meeting_on: Option<&str>) -> MaracReferralInput {
        MaracReferralInput {
            referred_on: referred_on.into(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            meeting_on: meeting_on.map(str::to_string),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    fn high() -> DashOutcome {
        DashOutcome {
            yes_count: 14,
            computed_level: DashLevel::High,
            level: DashLevel::High,
            professional_judgement: false,
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let today = d(2012, 6, 1);
        let errors = input(
            "01/06/2012",
            &["visible-high-risk", "because"],
            Some("soon"),
        )
        .parse(today)
        .expect_err("invalid");
        assert_eq!(fields(errors), ["referred_on", "reasons", "meeting_on"]);
        let errors = input("2012-06-02", &[], None)
            .parse(today)
            .expect_err("future");
        assert_eq!(fields(errors), ["referred_on"]);
        let errors = input("2012-06-01", &[], Some("2012-05-31"))
            .parse(today)
            .expect_err("meeting first");
        assert_eq!(fields(errors), ["meeting_on"]);
        let ok = input(" 2012-06-01 ", &[], Some("2012-06-01"))
            .parse(today)
            .expect("valid");
        assert_eq!(ok.meeting_on, Some(d(2012, 6, 1)));
        assert_eq!(
            input("2012-06-01", &[], Some(" "))
                .parse(today)
                .expect("valid")
                .meeting_on,
            None
        );
    }

    #[test]
    fn without_reasons_the_rules_reasons_on_the_day_are_taken() {
        let history = VictimHistory {
            incidents: vec![d(2012, 5, 30)],
            marac_referrals: vec![],
        };
        let checked = input("2012-06-01", &[], None)
            .parse(d(2012, 6, 1))
            .expect("valid");
        let referral = rule()
            .referral(checked.clone(), &history, Some(&high()))
            .expect("referral");
        assert_eq!(referral.reasons, [MaracReason::VisibleHighRisk]);
        assert!(!referral.is_repeat);
        let errors = rule()
            .referral(checked, &history, None)
            .expect_err("no reason");
        assert_eq!(fields(errors), ["reasons"]);
    }

    #[test]
    fn a_repeat_is_the_rules_answer_added_or_refused() {
        // Referred on 1 June 2011; an incident on 1 June 2012 is a repeat, so a
        // referral that day is one even if the officer only ticked judgement.
        let history = VictimHistory {
            incidents: vec![d(2011, 6, 1), d(2012, 6, 1)],
            marac_referrals: vec![d(2011, 6, 1)],
        };
        let checked = input("2012-06-01", &["professional-judgement"], None)
            .parse(d(2012, 6, 1))
            .expect("valid");
        let referral = rule().referral(checked, &history, None).expect("referral");
        assert_eq!(
            referral.reasons,
            [MaracReason::ProfessionalJudgement, MaracReason::Repeat]
        );
        assert!(referral.is_repeat);
        // A day later the window has closed: claiming a repeat is refused.
        let later = VictimHistory {
            incidents: vec![d(2011, 6, 1), d(2012, 6, 2)],
            marac_referrals: vec![d(2011, 6, 1)],
        };
        let checked = input("2012-06-02", &["repeat", "visible-high-risk"], None)
            .parse(d(2012, 6, 2))
            .expect("valid");
        let errors = rule()
            .referral(checked.clone(), &later, Some(&high()))
            .expect_err("not a repeat");
        assert_eq!(fields(errors), ["reasons"]);
        let checked = CheckedReferral {
            reasons: vec![MaracReason::VisibleHighRisk, MaracReason::VisibleHighRisk],
            ..checked
        };
        let referral = rule()
            .referral(checked, &later, Some(&high()))
            .expect("new");
        assert_eq!(referral.reasons, [MaracReason::VisibleHighRisk]);
        assert!(!referral.is_repeat);
    }
}
