//! The contact standard: when another agency (not the police, who speak to the victim
//! when the report is made) takes an ASB report, someone contacts the victim within
//! 24 hours of the report *(setting)*.

use chrono::{DateTime, Duration, Utc};

use crate::settings::Settings;

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

    /// When the first contact with the victim is due; `None` for a police report,
    /// which the standard does not cover.
    pub fn contact_due(
        &self,
        reported_at: DateTime<Utc>,
        reporting_agency_is_police: bool,
    ) -> Option<DateTime<Utc>> {
        if reporting_agency_is_police {
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
            standard().contact_due(at(1, 21, 30, 0), false),
            Some(at(2, 21, 30, 0))
        );
    }

    #[test]
    fn police_reports_are_not_covered() {
        assert_eq!(standard().contact_due(at(1, 21, 30, 0), true), None);
    }

    #[test]
    fn the_setting_changes_the_hours() {
        let standard = ContactStandard { hours: 48 };
        assert_eq!(
            standard.contact_due(at(1, 9, 0, 0), false),
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
}
