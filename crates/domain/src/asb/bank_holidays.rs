//! Bank holidays in England (and Wales), for counting working days. Worked out for
//! any year from the rules that have stood since 1978, when the early May holiday
//! began, with the days the government has moved or added since. Earlier years get
//! the same rules, which is as far back as Casework needs.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Every bank holiday in England in `year`, in date order.
pub fn english_bank_holidays(year: i32) -> Vec<NaiveDate> {
    let mut days = Vec::with_capacity(10);
    if let Some(day) = ymd(year, 1, 1) {
        days.push(next_weekday(day));
    }
    if let Some(easter) = easter_sunday(year) {
        days.extend(easter.checked_sub_days(Days::new(2)));
        days.extend(easter.checked_add_days(Days::new(1)));
    }
    days.extend(early_may(year));
    days.extend(spring(year));
    days.extend(last_monday(year, 8));
    days.extend(christmas(year));
    days.extend(
        ONE_OFF_DAYS
            .iter()
            .filter(|(y, _, _)| *y == year)
            .filter_map(|(y, m, d)| ymd(*y, *m, *d)),
    );
    days.sort_unstable();
    days.dedup();
    days
}

pub fn is_english_bank_holiday(day: NaiveDate) -> bool {
    english_bank_holidays(day.year()).contains(&day)
}

/// Extra days off for national occasions.
const ONE_OFF_DAYS: [(i32, u32, u32); 8] = [
    (1981, 7, 29),  // royal wedding of the Prince of Wales
    (1999, 12, 31), // millennium
    (2002, 6, 3),   // Golden Jubilee (spring bank holiday moved to 4 June)
    (2011, 4, 29),  // royal wedding of Prince William
    (2012, 6, 5),   // Diamond Jubilee
    (2022, 6, 3),   // Platinum Jubilee
    (2022, 9, 19),  // state funeral of Queen Elizabeth II
    (2023, 5, 8),   // coronation of King Charles III
];

/// Easter Sunday by the Gregorian computus (the anonymous "Meeus/Jones/Butcher"
/// algorithm).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// First Monday of May, moved for VE Day anniversaries in 1995 and 2020. (The 2023
/// coronation added 8 May; it did not move 1 May.)
fn early_may(year: i32) -> Option<NaiveDate> {
    match year {
        1995 | 2020 => ymd(year, 5, 8),
        _ => NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, 1),
    }
}

/// Last Monday of May, moved to June for the jubilees.
fn spring(year: i32) -> Option<NaiveDate> {
    match year {
        2002 | 2012 => ymd(year, 6, 4),
        2022 => ymd(year, 6, 2),
        _ => last_monday(year, 5),
    }
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
}

/// Christmas Day and Boxing Day; one falling at a weekend is replaced by the next
/// weekday not already a holiday.
fn christmas(year: i32) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = Vec::with_capacity(2);
    for day in [ymd(year, 12, 25), ymd(year, 12, 26)].into_iter().flatten() {
        let mut observed = next_weekday(day);
        while days.contains(&observed) {
            observed = next_weekday(observed.succ_opt().unwrap_or(observed));
        }
        days.push(observed);
    }
    days
}

/// The day itself, or the Monday after if it is a Saturday or Sunday.
fn next_weekday(day: NaiveDate) -> NaiveDate {
    let skip = match day.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => 0,
    };
    day.checked_add_days(Days::new(skip)).unwrap_or(day)
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asb::test_dates::d;

    fn holidays(year: i32) -> Vec<(u32, u32)> {
        english_bank_holidays(year)
            .into_iter()
            .map(|day| (day.month(), day.day()))
            .collect()
    }

    #[test]
    fn twenty_twelve_with_the_diamond_jubilee() {
        assert_eq!(
            holidays(2012),
            [
                (1, 2),
                (4, 6),
                (4, 9),
                (5, 7),
                (6, 4),
                (6, 5),
                (8, 27),
                (12, 25),
                (12, 26)
            ]
        );
    }

    #[test]
    fn twenty_eleven_with_the_royal_wedding_and_a_sunday_christmas() {
        assert_eq!(
            holidays(2011),
            [
                (1, 3),
                (4, 22),
                (4, 25),
                (4, 29),
                (5, 2),
                (5, 30),
                (8, 29),
                (12, 26),
                (12, 27)
            ]
        );
    }

    #[test]
    fn twenty_twenty_moved_early_may_to_ve_day() {
        assert_eq!(
            holidays(2020),
            [
                (1, 1),
                (4, 10),
                (4, 13),
                (5, 8),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28)
            ]
        );
    }

    #[test]
    fn twenty_twenty_one_christmas_on_a_saturday() {
        assert_eq!(
            holidays(2021),
            [
                (1, 1),
                (4, 2),
                (4, 5),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28)
            ]
        );
    }

    #[test]
    fn twenty_twenty_two_with_the_platinum_jubilee_and_state_funeral() {
        assert_eq!(
            holidays(2022),
            [
                (1, 3),
                (4, 15),
                (4, 18),
                (5, 2),
                (6, 2),
                (6, 3),
                (8, 29),
                (9, 19),
                (12, 26),
                (12, 27)
            ]
        );
    }

    #[test]
    fn twenty_twenty_three_with_the_coronation() {
        assert_eq!(
            holidays(2023),
            [
                (1, 2),
                (4, 7),
                (4, 10),
                (5, 1),
                (5, 8),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26)
            ]
        );
    }

    #[test]
    fn the_earlier_moves_and_additions() {
        assert!(holidays(1995).contains(&(5, 8)) && !holidays(1995).contains(&(5, 1)));
        assert!(holidays(2002).contains(&(6, 3)) && holidays(2002).contains(&(6, 4)));
        assert!(!holidays(2002).contains(&(5, 27)));
        assert!(holidays(1999).contains(&(12, 31)));
        assert!(holidays(1981).contains(&(7, 29)));
    }

    #[test]
    fn easter_by_the_computus() {
        for (year, month, day) in [
            (2008, 3, 23),
            (2011, 4, 24),
            (2012, 4, 8),
            (2019, 4, 21),
            (2024, 3, 31),
            (2038, 4, 25), // the latest possible
            (2285, 3, 22), // the earliest possible
        ] {
            assert_eq!(easter_sunday(year), Some(d(year, month, day)), "{year}");
        }
    }

    #[test]
    fn a_bank_holiday_is_recognised_and_an_ordinary_day_is_not() {
        assert!(is_english_bank_holiday(d(2012, 4, 9)));
        assert!(!is_english_bank_holiday(d(2012, 4, 10)));
        // Christmas Day on a Sunday is not itself the holiday: the Tuesday is.
        assert!(!is_english_bank_holiday(d(2011, 12, 25)));
        assert!(is_english_bank_holiday(d(2011, 12, 27)));
    }

    #[test]
    fn new_year_on_a_saturday_or_sunday_moves_to_monday() {
        assert_eq!(holidays(2011)[0], (1, 3)); // Saturday
        assert_eq!(holidays(2012)[0], (1, 2)); // Sunday
        assert_eq!(holidays(2013)[0], (1, 1)); // Tuesday
    }
}
