//! Domestic abuse: incidents, first-time reports, the DASH risk checklist (as data, in
//! `reference/instruments/dash-v1.toml`), the MARAC referral decision, and the
//! partnership's domestic abuse measures for a period.
//!
//! Every number a partnership may change comes from [`crate::settings::Settings`]
//! (`dv.*`); every rule takes `today` or `now` from its caller.
//!
//! Windows count calendar months on days, as the ASB rules do
//! ([`crate::asb::months_up_to`]): an incident's day is the day it happened in the
//! partnership's (UK) calendar, and the caller converts a stored moment to that day.
//! Only "was there an earlier incident?" needs the moment itself ([`first_time`]).

pub mod dash;
pub mod first_time;
pub mod incident;
pub mod instrument;
pub mod marac;
pub mod measures;
pub mod referral;

pub use dash::{
    DashAnswer, DashAnswers, DashAssessment, DashCutOffs, DashLevel, DashOutcome, assess,
};
pub use first_time::is_first_time_report;
pub use incident::{DvIncident, DvIncidentInput, Perpetrator, ReportedBy};
pub use instrument::{DashInstrument, DashQuestion, QuestionGroup};
pub use marac::{MaracDecision, MaracReason, MaracRule, VictimHistory, marac_reasons};
pub use measures::{
    AreaMeasures, DvIncidentFact, DvMeasures, MaracReferralFact, RepeatVictimisation, measures,
    measures_by_area,
};
pub use referral::{CheckedReferral, MaracReferral, MaracReferralInput};

use chrono::{Months, NaiveDate};

/// The last day `months` calendar months after `from`: the same day of the month, or
/// the month's last day when it is shorter (29 February 2012 + 12 months is 28
/// February 2013). The mirror of [`crate::asb::months_up_to`], for windows that start
/// at an event (a MARAC referral) rather than end at today.
pub fn months_after(from: NaiveDate, months: u32) -> NaiveDate {
    from.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
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
    fn months_after_keeps_the_day_or_clamps_to_the_month_end() {
        assert_eq!(months_after(d(2012, 6, 1), 12), d(2013, 6, 1));
        assert_eq!(months_after(d(2012, 2, 29), 12), d(2013, 2, 28));
        assert_eq!(months_after(d(2012, 1, 31), 1), d(2012, 2, 29));
        assert_eq!(months_after(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    #[test]
    fn the_dv_settings_have_the_partnerships_defaults() {
        let s = Settings::default();
        assert_eq!((s.dv_dash_medium_from, s.dv_dash_high_from), (10, 14));
        assert_eq!((s.dv_escalation_incidents, s.dv_escalation_months), (3, 12));
        assert_eq!(s.dv_marac_repeat_months, 12);
        assert_eq!(s.dv_repeat_victimisation_months, 12);
        for key in [
            "dv.dash-medium-from",
            "dv.dash-high-from",
            "dv.escalation-incidents",
            "dv.escalation-months",
            "dv.marac-repeat-months",
            "dv.repeat-victimisation-months",
        ] {
            assert!(Settings::spec(key).is_some(), "{key}");
        }
    }

    #[test]
    fn settings_become_counts_of_at_least_one() {
        assert_eq!(count_setting(12), 12);
        assert_eq!(count_setting(0), 1);
        assert_eq!(count_setting(-3), 1);
    }
}
