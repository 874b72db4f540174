//! What each incident adds to its UK day's counts for its ward: the figures the plan's
//! ASB measures are built from (all incidents, alcohol-related youth ASB, criminal
//! damage, deliberate fires). The store keeps these sums as incidents are logged and
//! removed, so a year's report adds up a few thousand days rather than every incident.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::{CRIMINAL_DAMAGE, DELIBERATE_FIRE};
use crate::calendar::uk_day;

/// The counts of one ward on one day (or what one incident adds to them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub incidents: i64,
    pub alcohol_youth: i64,
    pub criminal_damage: i64,
    pub deliberate_fire: i64,
}

impl DayCounts {
    /// One incident's share: it counts once, and once more under each measure it
    /// meets. Alcohol-related youth ASB needs both flags.
    pub fn of_incident(incident_type: &str, alcohol_related: bool, youth_related: bool) -> Self {
        Self {
            incidents: 1,
            alcohol_youth: i64::from(alcohol_related && youth_related),
            criminal_damage: i64::from(incident_type == CRIMINAL_DAMAGE),
            deliberate_fire: i64::from(incident_type == DELIBERATE_FIRE),
        }
    }

    pub fn add(&mut self, other: Self) {
        self.incidents += other.incidents;
        self.alcohol_youth += other.alcohol_youth;
        self.criminal_damage += other.criminal_damage;
        self.deliberate_fire += other.deliberate_fire;
    }

    /// The same counts taken away, for an incident removed.
    pub fn negated(self) -> Self {
        Self {
            incidents: -self.incidents,
            alcohol_youth: -self.alcohol_youth,
            criminal_damage: -self.criminal_damage,
            deliberate_fire: -self.deliberate_fire,
        }
    }
}

/// The day an incident counts on: its UK calendar day, so that a quarter starting at
/// UK midnight on 1 April takes an incident at 00:30 BST that morning.
pub fn counting_day(occurred_at: DateTime<Utc>) -> NaiveDate {
    uk_day(occurred_at)
}

/// A day as a number (chrono's days from the Common Era, 1 January of year 1 being
/// 1): how the store keeps victims' incident days, so that a window of days is two
/// integer comparisons, several times cheaper on SQLite than comparing dates as text.
pub fn day_number(day: NaiveDate) -> i32 {
    day.num_days_from_ce()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_incident_counts_once_and_under_each_measure_it_meets() {
        let plain = DayCounts::of_incident("noise", true, false);
        assert_eq!(
            plain,
            DayCounts {
                incidents: 1,
                ..DayCounts::default()
            }
        );
        let both = DayCounts::of_incident(CRIMINAL_DAMAGE, true, true);
        assert_eq!(both.incidents, 1);
        assert_eq!(both.alcohol_youth, 1);
        assert_eq!(both.criminal_damage, 1);
        assert_eq!(both.deliberate_fire, 0);
        assert_eq!(
            DayCounts::of_incident(DELIBERATE_FIRE, false, true).deliberate_fire,
            1
        );
        assert_eq!(
            DayCounts::of_incident(DELIBERATE_FIRE, false, true).alcohol_youth,
            0
        );
    }

    #[test]
    fn removing_an_incident_takes_back_what_it_added() {
        let mut day = DayCounts::default();
        let one = DayCounts::of_incident(CRIMINAL_DAMAGE, true, true);
        day.add(one);
        day.add(DayCounts::of_incident("noise", false, false));
        day.add(one.negated());
        assert_eq!(
            day,
            DayCounts {
                incidents: 1,
                ..DayCounts::default()
            }
        );
    }

    #[test]
    fn day_numbers_follow_the_calendar() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("a valid date");
        assert_eq!(day_number(d(2012, 3, 1)) - day_number(d(2012, 2, 28)), 2);
        assert_eq!(day_number(d(2013, 4, 1)) - day_number(d(2012, 4, 1)), 365);
        assert!(day_number(d(2012, 12, 31)) < day_number(d(2013, 1, 1)));
    }

    #[test]
    fn the_counting_day_is_the_uk_day() {
        // 00:30 BST on 1 April 2012 is 23:30 UTC on 31 March.
        let at = Utc
            .with_ymd_and_hms(2012, 3, 31, 23, 30, 0)
            .single()
            .expect("a valid time");
        assert_eq!(
            counting_day(at),
            NaiveDate::from_ymd_opt(2012, 4, 1).expect("a valid time")
        );
        // In winter UTC and the UK agree: 23:30 on 31 December is that day.
        let at = Utc
            .with_ymd_and_hms(2012, 12, 31, 23, 30, 0)
            .single()
            .expect("a valid time");
        assert_eq!(
            counting_day(at),
            NaiveDate::from_ymd_opt(2012, 12, 31).expect("a valid time")
        );
    }
}
