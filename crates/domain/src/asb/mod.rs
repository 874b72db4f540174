//! Anti-social behaviour: incidents, repeat victims, the victim risk assessment
//! (Gold/Silver/Bronze), the ASB Case Review (formerly the Community Trigger), the
//! victim contact standard, ward hotspots and case references.
//!
//! Every number a partnership may change comes from [`crate::settings::Settings`];
//! every rule takes `today` or `now` from its caller. `Period::previous_of_same_length`
//! (on [`crate::calendar::Period`]) is written in [`hotspot`], beside its only use.

pub mod bank_holidays;
pub mod case_reference;
pub mod case_review;
pub mod contact;
pub mod day_counts;
pub mod hotspot;
pub mod incident;
pub mod instrument;
pub mod repeat_victim;
pub mod risk;
pub mod working_days;

pub use case_reference::CaseReference;
pub use case_review::{
    CaseReview, CaseReviewDeadlines, CaseReviewStep, check_applied_on, check_step_done_on,
};
pub use contact::{ContactStandard, check_contacted_at, contact_overdue};
pub use day_counts::{DayCounts, counting_day, day_number};
pub use hotspot::{Hotspot, WardCounts, rank_hotspots};
pub use incident::{Category, Incident, IncidentInput, Perpetrators};
pub use instrument::{AsbInstrument, Question};
pub use repeat_victim::{RepeatVictim, RepeatVictimRule};
pub use risk::{Answers, Assessment, RiskTier, assess};

use chrono::{Months, NaiveDate};

use crate::calendar::Period;

/// The ASB types every partnership starts with. An administrator may add more, so
/// incidents are checked against the stored list, not against this one.
pub const STANDARD_TYPES: [&str; 10] = [
    "rowdy-behaviour",
    "neighbour-dispute",
    "harassment",
    "noise",
    "criminal-damage",
    "deliberate-fire",
    "vehicle-nuisance",
    "drug-related",
    "littering-dumping",
    "other",
];

/// The type code hotspot reports count on its own.
pub const CRIMINAL_DAMAGE: &str = "criminal-damage";
/// The type code hotspot reports count on its own (the fire service's measure).
pub const DELIBERATE_FIRE: &str = "deliberate-fire";

/// The `months` calendar months up to and including `as_of`: `[as_of - months, as_of]`,
/// both ends inclusive. A month back from 31 March is 28 (or 29) February, as chrono's
/// `checked_sub_months` counts it, so the window never spills into the month before.
pub fn months_up_to(as_of: NaiveDate, months: u32) -> Period {
    let from = as_of
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN);
    Period { from, to: as_of }
}

/// A setting as a count: settings are bounded at 1 or more, so this only guards
/// against a hand-built value below that.
fn count_setting(value: i64) -> u32 {
    u32::try_from(value.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
pub(crate) mod test_dates {
    use chrono::NaiveDate;

    pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }
}

#[cfg(test)]
mod tests {
    use super::test_dates::d;
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn the_window_includes_both_ends() {
        let window = months_up_to(d(2012, 6, 1), 12);
        assert_eq!(window.from, d(2011, 6, 1));
        assert!(window.contains(d(2011, 6, 1)));
        assert!(window.contains(d(2012, 6, 1)));
        assert!(!window.contains(d(2011, 5, 31)));
        assert!(!window.contains(d(2012, 6, 2)));
    }

    #[test]
    fn the_window_counts_calendar_months_at_month_ends() {
        assert_eq!(months_up_to(d(2012, 2, 29), 12).from, d(2011, 2, 28));
        assert_eq!(months_up_to(d(2013, 3, 31), 1).from, d(2013, 2, 28));
        assert_eq!(months_up_to(d(2012, 8, 31), 6).from, d(2012, 2, 29));
    }

    #[test]
    fn the_asb_settings_have_the_partnerships_defaults() {
        let s = Settings::default();
        assert_eq!(
            (s.asb_repeat_victim_incidents, s.asb_repeat_victim_months),
            (3, 12)
        );
        assert_eq!(
            (s.asb_case_review_complaints, s.asb_case_review_months),
            (3, 6)
        );
        assert_eq!(
            (
                s.asb_case_review_acknowledge_days,
                s.asb_case_review_decide_days,
                s.asb_case_review_hold_days
            ),
            (10, 15, 20)
        );
        assert_eq!(s.asb_victim_contact_hours, 24);
    }

    #[test]
    fn settings_become_counts_of_at_least_one() {
        assert_eq!(count_setting(12), 12);
        assert_eq!(count_setting(0), 1);
        assert_eq!(count_setting(-5), 1);
    }

    #[test]
    fn the_standard_types_are_distinct_and_include_the_counted_ones() {
        let mut types = STANDARD_TYPES.to_vec();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), STANDARD_TYPES.len());
        assert!(STANDARD_TYPES.contains(&CRIMINAL_DAMAGE));
        assert!(STANDARD_TYPES.contains(&DELIBERATE_FIRE));
    }
}
