//! Financial years and quarters as the partnership reports them, and UK date display.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// A plan year, written `2012-13`: 1 April 2012 to 31 March 2013.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FinancialYear {
    start_year: i32,
}

impl FinancialYear {
    pub fn starting(start_year: i32) -> Self {
        Self { start_year }
    }

    /// The financial year a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        let start_year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { start_year }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}' is not a plan year: write it like 2012-13");
        let (first, second) = text.split_once('-').ok_or_else(bad)?;
        if first.len() != 4 || second.len() != 2 {
            return Err(bad());
        }
        let start_year: i32 = first.parse().map_err(|_| bad())?;
        let end: i32 = second.parse().map_err(|_| bad())?;
        if (start_year + 1) % 100 != end {
            return Err(format!(
                "'{text}' is not a plan year: the second part must be the year after the first"
            ));
        }
        Ok(Self { start_year })
    }

    pub fn start_year(self) -> i32 {
        self.start_year
    }

    pub fn first_day(self) -> NaiveDate {
        ymd(self.start_year, 4, 1)
    }

    pub fn last_day(self) -> NaiveDate {
        ymd(self.start_year + 1, 3, 31)
    }

    pub fn quarter(self, quarter: Quarter) -> Period {
        let (from, to) = match quarter {
            Quarter::Q1 => (ymd(self.start_year, 4, 1), ymd(self.start_year, 6, 30)),
            Quarter::Q2 => (ymd(self.start_year, 7, 1), ymd(self.start_year, 9, 30)),
            Quarter::Q3 => (ymd(self.start_year, 10, 1), ymd(self.start_year, 12, 31)),
            Quarter::Q4 => (
                ymd(self.start_year + 1, 1, 1),
                ymd(self.start_year + 1, 3, 31),
            ),
        };
        Period { from, to }
    }
}

impl std::fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{:02}",
            self.start_year,
            (self.start_year + 1).rem_euclid(100)
        )
    }
}

impl TryFrom<String> for FinancialYear {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<FinancialYear> for String {
    fn from(value: FinancialYear) -> Self {
        value.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl Quarter {
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "Q1" => Some(Self::Q1),
            "Q2" => Some(Self::Q2),
            "Q3" => Some(Self::Q3),
            "Q4" => Some(Self::Q4),
            _ => None,
        }
    }
}

/// A closed range of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A date as people in the UK write it: `31 January 2012`.
pub fn uk_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The last day of a month, for review dates the plan gives as a month ("January 2012").
pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with fixed, valid month/day pairs.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

// The partnership works in UK time: an incident's day is its day in Cumbria, GMT in
// winter and BST in summer.

/// Whether the UK keeps British Summer Time on this day (from the last Sunday of
/// March to the day before the last Sunday of October, at midnight).
fn summer_time_at_midnight(day: NaiveDate) -> bool {
    let last_sunday = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(day.year(), month, 31).unwrap_or(day);
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        d
    };
    day > last_sunday(3) && day <= last_sunday(10)
}

/// Whether the UK keeps British Summer Time at this moment: from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October.
fn summer_time(at: DateTime<Utc>) -> bool {
    let year = at.year();
    let change = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or_default();
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap_or_default())
    };
    at >= change(3) && at < change(10)
}

/// The UK day of a moment: the partnership's calendar (GMT, or BST in summer).
pub fn uk_day(at: DateTime<Utc>) -> NaiveDate {
    if summer_time(at) {
        (at + Duration::hours(1)).date_naive()
    } else {
        at.date_naive()
    }
}

/// A UK wall-clock time (as a form's `datetime-local` gives it) as a moment. In the
/// hour the clocks go back the earlier (summer) reading is taken.
pub fn uk_local_to_utc(local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let as_summer = Utc.from_utc_datetime(&(local - Duration::hours(1)));
    if summer_time(as_summer) {
        as_summer
    } else {
        Utc.from_utc_datetime(&local)
    }
}

/// The moment a UK day starts, in UTC.
pub fn uk_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default());
    if summer_time_at_midnight(day) {
        midnight - Duration::hours(1)
    } else {
        midnight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn plan_year_parses_and_prints() {
        let year = FinancialYear::parse("2012-13").expect("valid");
        assert_eq!(year.to_string(), "2012-13");
        assert_eq!(year.first_day(), d(2012, 4, 1));
        assert_eq!(year.last_day(), d(2013, 3, 31));
        assert_eq!(
            FinancialYear::parse("1999-00").expect("valid").to_string(),
            "1999-00"
        );
    }

    #[test]
    fn plan_year_refuses_nonsense() {
        for bad in ["2012", "2012-14", "12-13", "2012/13", "abcd-ef", ""] {
            assert!(
                FinancialYear::parse(bad).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn year_boundary_is_31_march_to_1_april() {
        assert_eq!(
            FinancialYear::containing(d(2013, 3, 31)).to_string(),
            "2012-13"
        );
        assert_eq!(
            FinancialYear::containing(d(2013, 4, 1)).to_string(),
            "2013-14"
        );
    }

    #[test]
    fn quarters_cover_the_year_without_gaps() {
        let year = FinancialYear::starting(2012);
        let q1 = year.quarter(Quarter::Q1);
        let q4 = year.quarter(Quarter::Q4);
        assert_eq!(q1.from, d(2012, 4, 1));
        assert_eq!(q1.to, d(2012, 6, 30));
        assert_eq!(year.quarter(Quarter::Q2).from, d(2012, 7, 1));
        assert_eq!(year.quarter(Quarter::Q3).to, d(2012, 12, 31));
        assert_eq!(q4.from, d(2013, 1, 1));
        assert_eq!(q4.to, d(2013, 3, 31));
        assert!(!q4.contains(d(2013, 4, 1)));
    }

    #[test]
    fn month_ends() {
        assert_eq!(last_day_of_month(2012, 1), Some(d(2012, 1, 31)));
        assert_eq!(last_day_of_month(2011, 12), Some(d(2011, 12, 31)));
        assert_eq!(last_day_of_month(2012, 2), Some(d(2012, 2, 29)));
        assert_eq!(last_day_of_month(2012, 13), None);
    }

    #[test]
    fn uk_dates() {
        assert_eq!(uk_date(d(2012, 1, 31)), "31 January 2012");
        assert_eq!(uk_date(d(2012, 6, 4)), "4 June 2012");
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn uk_days_follow_summer_time() {
        // Summer 2012: 25 March to 28 October.
        assert_eq!(uk_day(at("2012-06-01T23:30:00Z")), d(2012, 6, 2));
        assert_eq!(uk_day(at("2012-06-01T22:59:59Z")), d(2012, 6, 1));
        assert_eq!(uk_day(at("2012-01-01T23:30:00Z")), d(2012, 1, 1));
        assert_eq!(uk_day(at("2012-03-25T00:59:59Z")), d(2012, 3, 25));
        assert_eq!(uk_day(at("2012-10-27T23:30:00Z")), d(2012, 10, 28));
        assert_eq!(uk_day(at("2012-10-28T23:30:00Z")), d(2012, 10, 28));
        assert_eq!(uk_midnight(d(2012, 6, 2)), at("2012-06-01T23:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 3, 25)), at("2012-03-25T00:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 3, 26)), at("2012-03-25T23:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 10, 28)), at("2012-10-27T23:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 10, 29)), at("2012-10-29T00:00:00Z"));
        let local = |text: &str| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("local")
        };
        assert_eq!(
            uk_local_to_utc(local("2012-06-01T21:30")),
            at("2012-06-01T20:30:00Z")
        );
        assert_eq!(
            uk_local_to_utc(local("2012-01-01T21:30")),
            at("2012-01-01T21:30:00Z")
        );
    }
}
