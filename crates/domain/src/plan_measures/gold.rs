//! Gold ASB victims at a quarter's end, the rule in words:
//!
//! > An ASB case counts at the end of a day when it was opened on or before that day,
//! > was not closed by the end of it, and the latest of its risk assessments made on
//! > or before that day is Gold.
//!
//! Days are UK days: an assessment at 23:30 BST on 30 June was made on 30 June (though
//! it is 22:30 UTC); a case closed at any time on the quarter's last day is closed by
//! its end and does not count. "Latest" is by the time the assessment was made, so a
//! later Silver or Bronze assessment replaces a Gold one; of two made at the same
//! moment, a Gold one counts (as LMAPS reads "the latest is Gold": no assessment made
//! after it).
//!
//! The store reads, for every reported quarter in one grouped query, the two moments
//! the rule needs of each case ([`AssessedBy`]: the latest assessment and the latest
//! Gold one made before [`end_of_uk_day`] of the quarter's last day), and asks
//! [`counts_as_gold_victim`].

use chrono::{DateTime, NaiveDate, Utc};

use crate::asb::RiskTier;
use crate::calendar::uk_midnight;

/// The moment a UK day ends (midnight starting the next day, in UTC): whatever
/// happened before it happened on or before `day`.
pub fn end_of_uk_day(day: NaiveDate) -> DateTime<Utc> {
    uk_midnight(day.succ_opt().unwrap_or(day))
}

/// A case's risk assessments made on or before a day, as the rule reads them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssessedBy {
    /// When the latest assessment made by then was made.
    pub latest: Option<DateTime<Utc>>,
    /// When the latest Gold assessment made by then was made.
    pub latest_gold: Option<DateTime<Utc>>,
}

impl AssessedBy {
    /// Of a case's assessments (when made, final tier), those made on or before `day`.
    pub fn of(assessments: &[(DateTime<Utc>, RiskTier)], day: NaiveDate) -> Self {
        let end = end_of_uk_day(day);
        let made = || assessments.iter().filter(|(at, _)| *at < end);
        AssessedBy {
            latest: made().map(|(at, _)| *at).max(),
            latest_gold: made()
                .filter(|(_, tier)| *tier == RiskTier::Gold)
                .map(|(at, _)| *at)
                .max(),
        }
    }

    /// Whether the latest assessment is Gold: there is a Gold one, and none was made
    /// after it.
    pub fn latest_is_gold(&self) -> bool {
        match (self.latest_gold, self.latest) {
            (Some(gold), Some(latest)) => gold >= latest,
            _ => false,
        }
    }
}

/// Whether a case is open at the end of `day`: opened on or before it and not closed
/// by its end.
pub fn open_at_end_of(
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    day: NaiveDate,
) -> bool {
    let end = end_of_uk_day(day);
    opened_at < end && closed_at.is_none_or(|closed| closed >= end)
}

/// Whether an ASB case counts as a Gold victim at the end of `day` (the rule above),
/// given its assessments made on or before that day.
pub fn counts_as_gold_victim(
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    assessed_by_then: AssessedBy,
    day: NaiveDate,
) -> bool {
    open_at_end_of(opened_at, closed_at, day) && assessed_by_then.latest_is_gold()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::calendar::{FinancialYear, Quarter};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// A UTC moment.
    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("moment")
    }

    /// The last day of Q1 2012-13: 30 June 2012, in BST.
    fn q1_end() -> NaiveDate {
        FinancialYear::starting(2012).quarter(Quarter::Q1).to
    }

    fn counts(
        opened: DateTime<Utc>,
        closed: Option<DateTime<Utc>>,
        assessments: &[(DateTime<Utc>, RiskTier)],
        on: NaiveDate,
    ) -> bool {
        counts_as_gold_victim(opened, closed, AssessedBy::of(assessments, on), on)
    }

    #[test]
    fn a_uk_day_ends_at_the_next_uk_midnight() {
        // 30 June 2012 is BST: it ends at 23:00 UTC.
        assert_eq!(end_of_uk_day(day(2012, 6, 30)), at(2012, 6, 30, 23, 0));
        // 31 December 2012 is GMT.
        assert_eq!(end_of_uk_day(day(2012, 12, 31)), at(2013, 1, 1, 0, 0));
        // 31 March 2013: the clocks went forward that morning; it ends at 23:00 UTC.
        assert_eq!(end_of_uk_day(day(2013, 3, 31)), at(2013, 3, 31, 23, 0));
    }

    #[test]
    fn an_assessment_on_the_quarters_last_day_counts_the_day_after_does_not() {
        let opened = at(2012, 4, 2, 9, 0);
        // 23:30 BST on 30 June (22:30 UTC): made on the last day.
        let last_day = [(at(2012, 6, 30, 22, 30), RiskTier::Gold)];
        assert!(counts(opened, None, &last_day, q1_end()));
        // 00:30 BST on 1 July (still 30 June in UTC): the day after.
        let day_after = [(at(2012, 6, 30, 23, 30), RiskTier::Gold)];
        assert!(!counts(opened, None, &day_after, q1_end()));
        assert_eq!(AssessedBy::of(&day_after, q1_end()), AssessedBy::default());
        // It counts at the next quarter's end.
        assert!(counts(opened, None, &day_after, day(2012, 9, 30)));
    }

    #[test]
    fn a_case_closed_on_the_last_day_does_not_count() {
        let opened = at(2012, 4, 2, 9, 0);
        let gold = [(at(2012, 5, 1, 10, 0), RiskTier::Gold)];
        assert!(counts(opened, None, &gold, q1_end()));
        // Closed at 09:00 BST on 30 June: closed by the day's end.
        let closed = Some(at(2012, 6, 30, 8, 0));
        assert!(!counts(opened, closed, &gold, q1_end()));
        // Closed at 00:30 BST on 1 July: still open at the end of 30 June.
        let next_day = Some(at(2012, 6, 30, 23, 30));
        assert!(counts(opened, next_day, &gold, q1_end()));
        assert!(!counts(opened, next_day, &gold, day(2012, 9, 30)));
    }

    #[test]
    fn a_case_opened_after_the_last_day_does_not_count_yet() {
        let gold = [(at(2012, 5, 1, 10, 0), RiskTier::Gold)];
        // Opened 00:30 BST on 1 July.
        assert!(!counts(at(2012, 6, 30, 23, 30), None, &gold, q1_end()));
        // Opened 23:30 BST on 30 June.
        assert!(counts(at(2012, 6, 30, 22, 30), None, &gold, q1_end()));
    }

    #[test]
    fn a_later_silver_assessment_replaces_gold() {
        let opened = at(2012, 4, 2, 9, 0);
        let assessments = [
            (at(2012, 5, 1, 10, 0), RiskTier::Gold),
            (at(2012, 8, 1, 10, 0), RiskTier::Silver),
            (at(2012, 11, 1, 10, 0), RiskTier::Gold),
        ];
        assert!(counts(opened, None, &assessments, q1_end()));
        assert!(!counts(opened, None, &assessments, day(2012, 9, 30)));
        assert!(counts(opened, None, &assessments, day(2012, 12, 31)));
        // Order of the list does not matter: the latest by time decides.
        let mut reversed = assessments;
        reversed.reverse();
        assert!(!counts(opened, None, &reversed, day(2012, 9, 30)));
    }

    #[test]
    fn without_a_gold_assessment_nothing_counts() {
        let opened = at(2012, 4, 2, 9, 0);
        assert!(!counts(opened, None, &[], q1_end()));
        let silver = [(at(2012, 5, 1, 10, 0), RiskTier::Silver)];
        assert!(!counts(opened, None, &silver, q1_end()));
        assert!(!AssessedBy::default().latest_is_gold());
    }

    #[test]
    fn gold_and_silver_at_the_same_moment_is_gold() {
        let moment = at(2012, 5, 1, 10, 0);
        let both = [(moment, RiskTier::Silver), (moment, RiskTier::Gold)];
        assert!(AssessedBy::of(&both, q1_end()).latest_is_gold());
    }
}
