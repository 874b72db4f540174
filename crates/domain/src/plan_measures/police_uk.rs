//! police.uk street-level crime counts as measures of the plan: one source per crime
//! type that `crate::open_data::aim_for_crime_type` maps to an aim, each counting that
//! crime type's rows by district and quarter.
//!
//! police.uk publishes a file a month, so a quarter's figure is the rows of its three
//! months. A quarter none of whose months has been imported has no figure (not
//! available, never a 0); one with some of its months imported has the figure of
//! those, provisional until all three are in.

use chrono::{Months, NaiveDate};

use crate::calendar::{FinancialYear, Quarter};

/// The first day of each of a quarter's three months, in order.
pub fn quarter_months(year: FinancialYear, quarter: Quarter) -> [NaiveDate; 3] {
    let first = year.quarter(quarter).from;
    [0, 1, 2].map(|n| first.checked_add_months(Months::new(n)).unwrap_or(first))
}

/// A quarter's police.uk figure from its rows' `count` and how many of its three
/// months have been imported: `None` when none has; otherwise the count and whether
/// it is provisional (a month still to come).
pub fn quarter_figure(count: u64, months_imported: usize) -> Option<(f64, bool)> {
    (months_imported > 0).then_some((count as f64, months_imported < 3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_measures::quarter_of;

    fn month(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).expect("month")
    }

    #[test]
    fn a_quarter_is_its_three_months() {
        let year = FinancialYear::starting(2012);
        assert_eq!(
            quarter_months(year, Quarter::Q1),
            [month(2012, 4), month(2012, 5), month(2012, 6)]
        );
        assert_eq!(
            quarter_months(year, Quarter::Q2),
            [month(2012, 7), month(2012, 8), month(2012, 9)]
        );
        assert_eq!(
            quarter_months(year, Quarter::Q4),
            [month(2013, 1), month(2013, 2), month(2013, 3)]
        );
        // A month's rows (dated the 1st) fall in its quarter: June in Q1, July in Q2.
        assert_eq!(quarter_of(year, month(2012, 6)), Some(Quarter::Q1));
        assert_eq!(quarter_of(year, month(2012, 7)), Some(Quarter::Q2));
        assert_eq!(quarter_of(year, month(2012, 3)), None);
    }

    #[test]
    fn no_month_imported_is_not_available_some_is_provisional() {
        assert_eq!(quarter_figure(0, 0), None);
        assert_eq!(quarter_figure(0, 1), Some((0.0, true)));
        assert_eq!(quarter_figure(12, 2), Some((12.0, true)));
        assert_eq!(quarter_figure(12, 3), Some((12.0, false)));
    }
}
