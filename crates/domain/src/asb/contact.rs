//! The contact standard: when another agency (not the police, who speak to the victim
//! when the report is made) takes an ASB report, someone contacts the victim within
//! 24 hours of the report *(setting)*.

use chrono::{DateTime, Duration, Utc};

use crate::FieldError;
use crate::settings::Settings;

/// The reference data's kind for a police force or police body.
pub const POLICE_KIND: &str = "police";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactStandard {
    pub hours: i64,
}

impl ContactStandard {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            hours: settings.asb_victim_contact_hours.max(1),
        }
    }

    /// When the first contact with the victim is due, for a report taken by an agency
    /// of this kind (`police`, `council`, `housing`, ... as in the reference data);
    /// `None` for a police report, which the standard does not cover.
    pub fn contact_due(
        &self,
        reported_at: DateTime<Utc>,
        reporting_agency_kind: &str,
    ) -> Option<DateTime<Utc>> {
        if reporting_agency_kind == POLICE_KIND {
            return None;
        }
        reported_at.checked_add_signed(Duration::hours(self.hours))
    }
}

/// Was the standard missed? Contact at the due moment itself is in time. A contact
/// made late stays a miss (reports count it); with no contact yet, it is missed once
/// `now` is past the due moment.
pub fn contact_overdue(
    due: DateTime<Utc>,
    contacted_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match contacted_at {
        Some(contacted) => contacted > due,
        None => now > due,
    }
}

/// The moment the victim was contacted: not before the report, not in the future.
pub fn check_contacted_at(
    reported_at: DateTime<Utc>,
    contacted_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    if contacted_at > now {
        return Err(FieldError::new(
            "contacted_at",
            "This cannot be in the future.",
        ));
    }
    if contacted_at < reported_at {
        return Err(FieldError::new(
            "contacted_at",
            "The victim cannot be contacted about a report before it was made.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2012, 6, day, hour, minute, second)
            .single()
            .expect("time")
    }

    fn standard() -> ContactStandard {
        ContactStandard::from_settings(&Settings::default())
    }

    #[test]
    fn due_24_hours_after_a_non_police_report() {
        assert_eq!(standard().hours, 24);
        assert_eq!(
            standard().contact_due(at(1, 21, 30, 0), "housing"),
            Some(at(2, 21, 30, 0))
        );
    }

    #[test]
    fn police_reports_are_not_covered() {
        assert_eq!(standard().contact_due(at(1, 21, 30, 0), "police"), None);
        assert!(
            standard()
                .contact_due(at(1, 21, 30, 0), "council")
                .is_some()
        );
    }

    #[test]
    fn the_setting_changes_the_hours() {
        let standard = ContactStandard { hours: 48 };
        assert_eq!(
            standard.contact_due(at(1, 9, 0, 0), "council"),
            Some(at(3, 9, 0, 0))
        );
    }

    #[test]
    fn not_overdue_at_exactly_24_hours_overdue_a_second_later() {
        let due = at(2, 21, 30, 0);
        assert!(!contact_overdue(due, None, at(2, 21, 30, 0)));
        assert!(contact_overdue(due, None, at(2, 21, 30, 1)));
    }

    #[test]
    fn contact_in_time_is_never_overdue_and_late_contact_stays_a_miss() {
        let due = at(2, 21, 30, 0);
        assert!(!contact_overdue(
            due,
            Some(at(2, 21, 30, 0)),
            at(9, 0, 0, 0)
        ));
        assert!(contact_overdue(due, Some(at(2, 21, 30, 1)), at(9, 0, 0, 0)));
    }

    #[test]
    fn contact_is_recorded_between_the_report_and_now() {
        let (reported, now) = (at(1, 21, 30, 0), at(3, 9, 0, 0));
        assert!(check_contacted_at(reported, reported, now).is_ok());
        assert!(check_contacted_at(reported, now, now).is_ok());
        assert!(check_contacted_at(reported, at(1, 21, 29, 59), now).is_err());
        let err = check_contacted_at(reported, at(3, 9, 0, 1), now).expect_err("future");
        assert_eq!(err.field, "contacted_at");
    }
}
