//! Working days: Monday to Friday, not an English bank holiday. Statutory response
//! times (the ASB Case Review's) are counted in them.

use chrono::{Datelike, NaiveDate, Weekday};

use super::bank_holidays::english_bank_holidays;

pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        && !english_bank_holidays(day.year()).contains(&day)
}

/// The `n`th working day after `from`: `from` itself is day 0 whatever it is, so an
/// application made on a Saturday has Monday as its first working day. `n = 0` gives
/// `from` back.
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut year = day.year();
    let mut holidays = english_bank_holidays(year);
    let mut counted = 0;
    while counted < n {
        let Some(next) = day.succ_opt() else {
            return day;
        };
        day = next;
        if day.year() != year {
            year = day.year();
            holidays = english_bank_holidays(year);
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && !holidays.contains(&day) {
            counted += 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asb::test_dates::d;

    #[test]
    fn weekends_and_bank_holidays_are_not_working_days() {
        assert!(is_working_day(d(2012, 4, 5))); // Maundy Thursday
        assert!(!is_working_day(d(2012, 4, 6))); // Good Friday
        assert!(!is_working_day(d(2012, 4, 7))); // Saturday
        assert!(!is_working_day(d(2012, 4, 8))); // Sunday
        assert!(!is_working_day(d(2012, 4, 9))); // Easter Monday
        assert!(is_working_day(d(2012, 4, 10)));
    }

    #[test]
    fn counting_starts_the_day_after() {
        assert_eq!(add_working_days(d(2012, 6, 13), 0), d(2012, 6, 13));
        assert_eq!(add_working_days(d(2012, 6, 13), 1), d(2012, 6, 14)); // Wed -> Thu
        assert_eq!(add_working_days(d(2012, 6, 15), 1), d(2012, 6, 18)); // Fri -> Mon
        assert_eq!(add_working_days(d(2012, 6, 16), 1), d(2012, 6, 18)); // Sat -> Mon
        assert_eq!(add_working_days(d(2012, 6, 15), 5), d(2012, 6, 22));
    }

    #[test]
    fn counting_crosses_christmas_and_the_new_year() {
        // Fri 21 Dec 2012: Mon 24, Thu 27, Fri 28, Mon 31, Wed 2 Jan.
        assert_eq!(add_working_days(d(2012, 12, 21), 5), d(2013, 1, 2));
    }
}
