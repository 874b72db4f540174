//! Integrated Offender Management: the cohort (membership, stream, tier and their
//! history), needs against the seven resettlement pathways, offences, and re-offending
//! as the Ministry of Justice measures it.
//!
//! Every number a partnership may change comes from [`crate::settings::Settings`]
//! (`iom.*`); every rule takes `today` from its caller.

pub mod membership;
pub mod offence;
pub mod pathway;
pub mod reoffending;
pub mod view;

pub use membership::{
    Deselection, Membership, MembershipInput, Stream, Tier, TierChange, check_deselection,
    check_selection, check_tier_change,
};
pub use offence::{Offence, OffenceInput, Outcome};
pub use pathway::{NeedInput, NeedStatus, Pathway};
pub use reoffending::{
    CohortMeasures, Entry, MemberOutcome, OffenceFact, Reoffending, measure, measure_by,
};
pub use view::{HousingTarget, MemberView, may_manage_cohort};

/// A setting as a count: settings are bounded at 1 or more, so this only guards
/// against a hand-built value below that.
fn count_setting(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Trims free text; blank is `None`.
fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
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
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn the_iom_settings_have_the_ministry_of_justice_defaults() {
        let s = Settings::default();
        assert_eq!(s.iom_reoffending_months, 12);
        assert_eq!(s.iom_proving_grace_months, 6);
        assert!(Settings::spec("iom.reoffending-months").is_some());
        assert!(Settings::spec("iom.proving-grace-months").is_some());
    }

    #[test]
    fn blank_text_is_none() {
        assert_eq!(text(Some("  ")), None);
        assert_eq!(text(Some(" x ")), Some("x".into()));
        assert_eq!(count_setting(-1), 0);
    }
}
