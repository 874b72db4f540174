//! A measure's status against its baseline, and the quarters a plan year reports.

use chrono::NaiveDate;
use serde::Serialize;

use super::Direction;
use crate::calendar::{FinancialYear, Quarter};

/// How a measure stands against its baseline, in the words the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Improving,
    NoChange,
    Worsening,
    /// No figure for the quarter yet, or no baseline to compare with.
    NotAvailable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Improving => "improving",
            Status::NoChange => "no-change",
            Status::Worsening => "worsening",
            Status::NotAvailable => "not-available",
        }
    }

    /// The status in words, always shown beside its colour.
    pub fn words(self) -> &'static str {
        match self {
            Status::Improving => "Improving",
            Status::NoChange => "No change",
            Status::Worsening => "Worsening",
            Status::NotAvailable => "Not available",
        }
    }

    /// The colour that goes with the words (never on its own): green, amber, red, grey.
    pub fn colour(self) -> &'static str {
        match self {
            Status::Improving => "#00703c",
            Status::NoChange => "#b58800",
            Status::Worsening => "#d4351c",
            Status::NotAvailable => "#505a5f",
        }
    }
}

/// The change from the baseline as a percentage of it; `None` when the baseline is 0.
pub fn change_percent(baseline: f64, actual: f64) -> Option<f64> {
    (baseline != 0.0).then(|| (actual - baseline) / baseline.abs() * 100.0)
}

/// Improving, no change or worsening: a change within `tolerance_percent` of the
/// baseline either way (the edge included) is no change; beyond it, the direction
/// decides which way is better. From a baseline of 0 any change is beyond tolerance.
pub fn status(
    direction: Direction,
    baseline: Option<f64>,
    actual: Option<f64>,
    tolerance_percent: i64,
) -> Status {
    let (Some(baseline), Some(actual)) = (baseline, actual) else {
        return Status::NotAvailable;
    };
    let difference = actual - baseline;
    // Compared multiplied out, with a hair of slack for binary fractions, so that a
    // rate of 0.21 against 0.20 at 5% is exactly on the edge.
    let allowed = baseline.abs() * tolerance_percent as f64;
    if (difference.abs() * 100.0) <= allowed + 1e-9 * allowed.max(1.0) && baseline != 0.0 {
        return Status::NoChange;
    }
    if difference == 0.0 {
        return Status::NoChange;
    }
    let better = match direction {
        Direction::Reduce => difference < 0.0,
        Direction::Increase => difference > 0.0,
    };
    if better {
        Status::Improving
    } else {
        Status::Worsening
    }
}

/// The quarter of `year` a day falls in; `None` outside the year.
pub fn quarter_of(year: FinancialYear, day: NaiveDate) -> Option<Quarter> {
    Quarter::ALL
        .into_iter()
        .find(|q| year.quarter(*q).contains(day))
}

/// The quarters of `year` up to and including `quarter` that have begun by `today`:
/// the columns of a report (a quarter not yet begun has no figures to show).
pub fn quarters_reported(year: FinancialYear, quarter: Quarter, today: NaiveDate) -> Vec<Quarter> {
    Quarter::ALL
        .into_iter()
        .filter(|q| *q <= quarter && year.quarter(*q).from <= today)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn within_tolerance_is_no_change_edge_included() {
        let reduce = Direction::Reduce;
        assert_eq!(
            status(reduce, Some(100.0), Some(105.0), 5),
            Status::NoChange
        );
        assert_eq!(status(reduce, Some(100.0), Some(95.0), 5), Status::NoChange);
        assert_eq!(
            status(reduce, Some(100.0), Some(100.0), 5),
            Status::NoChange
        );
        assert_eq!(
            status(reduce, Some(100.0), Some(105.01), 5),
            Status::Worsening
        );
        assert_eq!(
            status(reduce, Some(100.0), Some(94.99), 5),
            Status::Improving
        );
    }

    #[test]
    fn direction_decides_which_way_is_better() {
        let up = Direction::Increase;
        assert_eq!(status(up, Some(100.0), Some(106.0), 5), Status::Improving);
        assert_eq!(status(up, Some(100.0), Some(94.0), 5), Status::Worsening);
        let down = Direction::Reduce;
        assert_eq!(status(down, Some(100.0), Some(106.0), 5), Status::Worsening);
        assert_eq!(status(down, Some(100.0), Some(94.0), 5), Status::Improving);
    }

    #[test]
    fn rates_on_the_edge_are_no_change() {
        // 21% against 20% is a 5% change of the baseline: on the edge.
        assert_eq!(
            status(Direction::Reduce, Some(0.20), Some(0.21), 5),
            Status::NoChange
        );
        assert_eq!(
            status(Direction::Reduce, Some(0.20), Some(0.2101), 5),
            Status::Worsening
        );
        assert_eq!(
            status(Direction::Reduce, Some(20.0), Some(21.0), 5),
            Status::NoChange
        );
    }

    #[test]
    fn zero_tolerance_means_any_change_counts() {
        assert_eq!(
            status(Direction::Reduce, Some(10.0), Some(10.0), 0),
            Status::NoChange
        );
        assert_eq!(
            status(Direction::Reduce, Some(10.0), Some(9.0), 0),
            Status::Improving
        );
        assert_eq!(
            status(Direction::Increase, Some(10.0), Some(9.0), 0),
            Status::Worsening
        );
    }

    #[test]
    fn a_zero_baseline_has_no_percentage_but_still_a_direction() {
        assert_eq!(change_percent(0.0, 3.0), None);
        assert_eq!(
            status(Direction::Reduce, Some(0.0), Some(0.0), 5),
            Status::NoChange
        );
        assert_eq!(
            status(Direction::Reduce, Some(0.0), Some(1.0), 5),
            Status::Worsening
        );
        assert_eq!(
            status(Direction::Increase, Some(0.0), Some(1.0), 5),
            Status::Improving
        );
    }

    #[test]
    fn without_a_figure_or_a_baseline_it_is_not_available() {
        assert_eq!(
            status(Direction::Reduce, None, Some(1.0), 5),
            Status::NotAvailable
        );
        assert_eq!(
            status(Direction::Reduce, Some(1.0), None, 5),
            Status::NotAvailable
        );
    }

    #[test]
    fn change_percent_of_the_baseline() {
        assert_eq!(change_percent(80.0, 60.0), Some(-25.0));
        assert_eq!(change_percent(80.0, 100.0), Some(25.0));
    }

    #[test]
    fn quarter_boundaries_31_march_1_april() {
        let year = FinancialYear::starting(2012);
        assert_eq!(quarter_of(year, day(2012, 3, 31)), None);
        assert_eq!(quarter_of(year, day(2012, 4, 1)), Some(Quarter::Q1));
        assert_eq!(quarter_of(year, day(2012, 6, 30)), Some(Quarter::Q1));
        assert_eq!(quarter_of(year, day(2012, 7, 1)), Some(Quarter::Q2));
        assert_eq!(quarter_of(year, day(2012, 12, 31)), Some(Quarter::Q3));
        assert_eq!(quarter_of(year, day(2013, 1, 1)), Some(Quarter::Q4));
        assert_eq!(quarter_of(year, day(2013, 3, 31)), Some(Quarter::Q4));
        assert_eq!(quarter_of(year, day(2013, 4, 1)), None);
        assert_eq!(
            quarter_of(FinancialYear::starting(2011), day(2012, 3, 31)),
            Some(Quarter::Q4)
        );
    }

    #[test]
    fn a_report_shows_the_quarters_begun_up_to_its_own() {
        let year = FinancialYear::starting(2012);
        assert_eq!(
            quarters_reported(year, Quarter::Q3, day(2013, 6, 1)),
            vec![Quarter::Q1, Quarter::Q2, Quarter::Q3]
        );
        assert_eq!(
            quarters_reported(year, Quarter::Q4, day(2012, 6, 30)),
            vec![Quarter::Q1]
        );
        assert_eq!(
            quarters_reported(year, Quarter::Q4, day(2012, 7, 1)),
            vec![Quarter::Q1, Quarter::Q2]
        );
        assert!(quarters_reported(year, Quarter::Q1, day(2012, 3, 31)).is_empty());
    }
}
