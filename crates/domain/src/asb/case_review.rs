//! The ASB Case Review (formerly the Community Trigger): a person who has complained
//! about ASB at least 3 times in the last 6 months *(settings)* may ask the partnership
//! to review how their complaints were handled. Each application is acknowledged,
//! decided against the threshold and reviewed within set working days *(settings)*.
//!
//! "In the last 6 months" of `today` is [`months_up_to`], both ends included, as for
//! repeat victims.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::working_days::add_working_days;
use super::{count_setting, months_up_to};
use crate::FieldError;
use crate::calendar::{Period, uk_date};
use crate::settings::Settings;

/// The threshold and the response times, from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseReview {
    pub complaints: u32,
    pub months: u32,
    pub acknowledge_days: u32,
    pub decide_days: u32,
    pub hold_days: u32,
}

/// The steps of an application, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseReviewStep {
    Acknowledge,
    DecideThreshold,
    HoldReview,
}

impl CaseReviewStep {
    pub const ALL: [CaseReviewStep; 3] = [
        CaseReviewStep::Acknowledge,
        CaseReviewStep::DecideThreshold,
        CaseReviewStep::HoldReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseReviewStep::Acknowledge => "acknowledge",
            CaseReviewStep::DecideThreshold => "decide-threshold",
            CaseReviewStep::HoldReview => "hold-review",
        }
    }

    pub fn parse(text: &str) -> Option<CaseReviewStep> {
        CaseReviewStep::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// What the step is, for lists of what is due.
    pub fn label(self) -> &'static str {
        match self {
            CaseReviewStep::Acknowledge => "Acknowledge the application",
            CaseReviewStep::DecideThreshold => "Decide whether the threshold is met",
            CaseReviewStep::HoldReview => "Hold the case review",
        }
    }
}

/// The day an application was made: today or earlier (it may be recorded late, but
/// its deadlines count from the day it was made).
pub fn check_applied_on(applied_on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if applied_on > today {
        return Err(FieldError::new(
            "applied_on",
            "The application cannot be made after today.",
        ));
    }
    Ok(())
}

/// The day a step was done: not before the application, and not after today.
pub fn check_step_done_on(
    field: &str,
    applied_on: NaiveDate,
    done_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if done_on > today {
        return Err(FieldError::new(field, "This cannot be after today."));
    }
    if done_on < applied_on {
        return Err(FieldError::new(
            field,
            format!(
                "This cannot be before the application was made ({}).",
                uk_date(applied_on)
            ),
        ));
    }
    Ok(())
}

/// When each step of one application is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseReviewDeadlines {
    pub acknowledge_by: NaiveDate,
    pub decide_by: NaiveDate,
    pub review_by: NaiveDate,
}

impl CaseReview {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            complaints: count_setting(settings.asb_case_review_complaints),
            months: count_setting(settings.asb_case_review_months),
            acknowledge_days: count_setting(settings.asb_case_review_acknowledge_days),
            decide_days: count_setting(settings.asb_case_review_decide_days),
            hold_days: count_setting(settings.asb_case_review_hold_days),
        }
    }

    /// The days whose complaints count today.
    pub fn window(&self, today: NaiveDate) -> Period {
        months_up_to(today, self.months)
    }

    /// Does a person with complaints on these days (in any order, to any agency) meet
    /// the threshold today? Complaints after today do not count.
    pub fn meets_threshold(&self, complaint_days: &[NaiveDate], today: NaiveDate) -> bool {
        let window = self.window(today);
        let in_window = complaint_days
            .iter()
            .filter(|d| window.contains(**d))
            .count();
        in_window >= self.complaints as usize
    }

    /// Due dates counted in working days from the day the application was made.
    pub fn deadlines(&self, applied_on: NaiveDate) -> CaseReviewDeadlines {
        CaseReviewDeadlines {
            acknowledge_by: add_working_days(applied_on, self.acknowledge_days),
            decide_by: add_working_days(applied_on, self.decide_days),
            review_by: add_working_days(applied_on, self.hold_days),
        }
    }
}

impl CaseReviewDeadlines {
    pub fn due(&self, step: CaseReviewStep) -> NaiveDate {
        match step {
            CaseReviewStep::Acknowledge => self.acknowledge_by,
            CaseReviewStep::DecideThreshold => self.decide_by,
            CaseReviewStep::HoldReview => self.review_by,
        }
    }

    /// Steps not in `done` whose due date is before today. A step is not overdue on
    /// its due day itself.
    pub fn overdue(&self, done: &[CaseReviewStep], today: NaiveDate) -> Vec<CaseReviewStep> {
        CaseReviewStep::ALL
            .into_iter()
            .filter(|step| !done.contains(step) && self.due(*step) < today)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asb::test_dates::d;

    fn review() -> CaseReview {
        CaseReview::from_settings(&Settings::default())
    }

    #[test]
    fn the_defaults_are_three_complaints_in_six_months_and_10_15_20_days() {
        assert_eq!(
            review(),
            CaseReview {
                complaints: 3,
                months: 6,
                acknowledge_days: 10,
                decide_days: 15,
                hold_days: 20
            }
        );
    }

    #[test]
    fn three_complaints_meet_the_threshold_two_do_not() {
        let today = d(2012, 6, 1);
        assert!(!review().meets_threshold(&[d(2012, 3, 1), d(2012, 5, 1)], today));
        assert!(review().meets_threshold(&[d(2012, 3, 1), d(2012, 5, 1), d(2012, 6, 1)], today));
    }

    #[test]
    fn the_first_complaint_exactly_six_months_ago_counts_and_a_day_more_does_not() {
        let complaints = [d(2011, 12, 1), d(2012, 3, 1), d(2012, 5, 1)];
        assert!(review().meets_threshold(&complaints, d(2012, 6, 1)));
        assert!(!review().meets_threshold(&complaints, d(2012, 6, 2)));
        // From 31 August, six months back is 29 February 2012.
        let complaints = [d(2012, 2, 29), d(2012, 5, 1), d(2012, 8, 1)];
        assert!(review().meets_threshold(&complaints, d(2012, 8, 31)));
        let complaints = [d(2012, 2, 28), d(2012, 5, 1), d(2012, 8, 1)];
        assert!(!review().meets_threshold(&complaints, d(2012, 8, 31)));
    }

    #[test]
    fn complaints_after_today_do_not_count() {
        let complaints = [d(2012, 5, 1), d(2012, 5, 2), d(2012, 6, 2)];
        assert!(!review().meets_threshold(&complaints, d(2012, 6, 1)));
    }

    #[test]
    fn deadlines_span_easter() {
        // Thursday 29 March 2012; Good Friday 6 April and Easter Monday 9 April skipped.
        let deadlines = review().deadlines(d(2012, 3, 29));
        assert_eq!(
            deadlines,
            CaseReviewDeadlines {
                acknowledge_by: d(2012, 4, 16),
                decide_by: d(2012, 4, 23),
                review_by: d(2012, 4, 30),
            }
        );
    }

    #[test]
    fn deadlines_follow_the_settings() {
        let quick = CaseReview {
            acknowledge_days: 1,
            ..review()
        };
        // Friday 1 June 2012: Mon 4 and Tue 5 June were the Diamond Jubilee holidays.
        assert_eq!(quick.deadlines(d(2012, 6, 1)).acknowledge_by, d(2012, 6, 6));
    }

    #[test]
    fn overdue_is_after_the_due_day_with_the_step_not_done() {
        let deadlines = review().deadlines(d(2012, 3, 29));
        assert!(deadlines.overdue(&[], d(2012, 4, 16)).is_empty());
        assert_eq!(
            deadlines.overdue(&[], d(2012, 4, 17)),
            [CaseReviewStep::Acknowledge]
        );
        assert!(
            deadlines
                .overdue(&[CaseReviewStep::Acknowledge], d(2012, 4, 17))
                .is_empty()
        );
        assert_eq!(
            deadlines.overdue(&[CaseReviewStep::DecideThreshold], d(2012, 5, 1)),
            [CaseReviewStep::Acknowledge, CaseReviewStep::HoldReview]
        );
    }

    #[test]
    fn an_application_may_be_recorded_late_but_not_ahead() {
        let today = d(2012, 6, 1);
        assert!(check_applied_on(d(2012, 6, 1), today).is_ok());
        assert!(check_applied_on(d(2012, 5, 1), today).is_ok());
        let err = check_applied_on(d(2012, 6, 2), today).expect_err("tomorrow");
        assert_eq!(err.field, "applied_on");
    }

    #[test]
    fn a_step_is_done_between_the_application_and_today() {
        let (applied, today) = (d(2012, 3, 29), d(2012, 4, 20));
        for ok in [applied, d(2012, 4, 2), today] {
            assert!(check_step_done_on("acknowledged_on", applied, ok, today).is_ok());
        }
        let early = check_step_done_on("acknowledged_on", applied, d(2012, 3, 28), today)
            .expect_err("before the application");
        assert_eq!(early.field, "acknowledged_on");
        assert!(early.message.contains("29 March 2012"), "{}", early.message);
        assert!(check_step_done_on("decided_on", applied, d(2012, 4, 21), today).is_err());
    }

    #[test]
    fn steps_round_trip() {
        for step in CaseReviewStep::ALL {
            assert_eq!(CaseReviewStep::parse(step.as_str()), Some(step));
        }
        assert_eq!(CaseReviewStep::parse("acknowledged"), None);
    }
}
