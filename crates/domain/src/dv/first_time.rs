//! First-time reports. Whether a victim is reporting domestic abuse for the first time
//! is derived from the record, never typed: an officer cannot know what other agencies
//! have logged, and a typed flag goes stale when an older incident is entered later.
//!
//! An incident is a first-time report when the victim has no *earlier* domestic abuse
//! incident on record, whoever logged it. Earlier means an earlier moment, so a second
//! incident on the same day is not a first-time report. Two incidents logged at exactly
//! the same moment are one occasion told twice: neither is earlier, so both are
//! first-time reports (a report of first-time *victims* counts the victim once).

use chrono::{DateTime, Utc};

/// Is the incident at `occurred_at` the victim's first report? `victim_incidents` are
/// the moments of every domestic abuse incident on record against the same victim, in
/// any order; it may include this incident itself.
pub fn is_first_time_report(
    occurred_at: DateTime<Utc>,
    victim_incidents: &[DateTime<Utc>],
) -> bool {
    !victim_incidents.iter().any(|at| *at < occurred_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn no_incident_on_record_is_a_first_time_report() {
        assert!(is_first_time_report(at(2012, 6, 1, 21, 30), &[]));
    }

    #[test]
    fn the_incident_itself_on_record_does_not_make_it_a_repeat() {
        let this = at(2012, 6, 1, 21, 30);
        assert!(is_first_time_report(this, &[this]));
    }

    #[test]
    fn any_earlier_incident_however_old_makes_it_not_the_first() {
        let this = at(2012, 6, 1, 21, 30);
        assert!(!is_first_time_report(this, &[this, at(2001, 1, 1, 0, 0)]));
    }

    #[test]
    fn earlier_the_same_day_counts_a_minute_later_does_not() {
        let this = at(2012, 6, 1, 21, 30);
        assert!(!is_first_time_report(this, &[at(2012, 6, 1, 21, 29)]));
        assert!(is_first_time_report(this, &[at(2012, 6, 1, 21, 31)]));
    }

    #[test]
    fn an_older_incident_entered_later_changes_the_answer() {
        let this = at(2012, 6, 1, 21, 30);
        let mut record = vec![this, at(2012, 7, 1, 0, 0)];
        assert!(is_first_time_report(this, &record));
        record.push(at(2012, 3, 14, 18, 0));
        assert!(!is_first_time_report(this, &record));
    }
}
