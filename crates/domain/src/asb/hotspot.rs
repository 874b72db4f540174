//! Hotspots: where ASB is worst this period and whether it is rising. The store counts
//! incidents per ward in SQL; the rules here choose the period to compare against and
//! rank the wards.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::FieldError;
use crate::calendar::{FinancialYear, Period, Quarter};

impl Period {
    /// The period just before this one, of the same length, for "compared with last
    /// time". A period of whole calendar months (a month, a quarter, a year) is
    /// compared with as many whole months before it, so a quarter follows a quarter
    /// and March follows February, although their days differ. Any other period is
    /// compared with the same number of days just before it. Periods run forwards
    /// (`from <= to`).
    pub fn previous_of_same_length(&self) -> Period {
        if let Some(months) = whole_months(self) {
            let from = self
                .from
                .checked_sub_months(Months::new(months))
                .unwrap_or(NaiveDate::MIN);
            let to = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
            return Period { from, to };
        }
        let days = u64::try_from((self.to - self.from).num_days()).unwrap_or(0) + 1;
        let to = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
        let from = self
            .from
            .checked_sub_days(Days::new(days))
            .unwrap_or(NaiveDate::MIN);
        Period { from, to }
    }
}

/// How many calendar months the period is, if it starts on a 1st and ends on a
/// month's last day.
fn whole_months(period: &Period) -> Option<u32> {
    let ends_a_month = period.to.succ_opt().is_some_and(|next| next.day() == 1);
    if period.from.day() != 1 || !ends_a_month || period.to < period.from {
        return None;
    }
    let months = (period.to.year() - period.from.year()) * 12
        + i32::try_from(period.to.month()).ok()?
        - i32::try_from(period.from.month()).ok()?
        + 1;
    u32::try_from(months).ok()
}

/// The plan-year quarter (Q1 = April to June, ...) that `day` falls in.
pub fn quarter_containing(day: NaiveDate) -> Period {
    let year = FinancialYear::containing(day);
    Quarter::ALL
        .into_iter()
        .map(|q| year.quarter(q))
        .find(|period| period.contains(day))
        .unwrap_or_else(|| year.quarter(Quarter::Q1))
}

/// The period hotspots show unless asked for another: the last whole quarter before
/// the one `today` is in (on 15 May 2012, January to March 2012), so a whole quarter
/// is compared with the whole quarter before it, as the Tactical Delivery Group
/// reports. The quarter so far would be compared with a stub of as many days and,
/// early in a quarter, would show almost nothing.
pub fn default_hotspot_period(today: NaiveDate) -> Period {
    let this_quarter = quarter_containing(today);
    quarter_containing(this_quarter.from.pred_opt().unwrap_or(this_quarter.from))
}

/// The period asked for, from `from` and `to` as typed (`YYYY-MM-DD`, both days
/// included; blank is the same as not given). Neither: [`default_hotspot_period`].
/// Only `from`: from then up to `today`. Only `to`: refused, as is a first day after
/// the last. Every bad field is named.
pub fn hotspot_period(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<Period, Vec<FieldError>> {
    let (from_text, to_text) = (given(from), given(to));
    let mut errors = Vec::new();
    let from = from_text.and_then(|text| {
        let day = parse_day(text);
        if day.is_none() {
            errors.push(FieldError::new(
                "from",
                "Give the first day as a date, for example 2012-04-01.",
            ));
        }
        day
    });
    let to = to_text.and_then(|text| {
        let day = parse_day(text);
        if day.is_none() {
            errors.push(FieldError::new(
                "to",
                "Give the last day as a date, for example 2012-06-30.",
            ));
        }
        day
    });
    if from_text.is_none() && to_text.is_some() {
        errors.push(FieldError::new(
            "from",
            "Give the first day too, or leave both days empty for the last whole quarter.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(from) = from else {
        return Ok(default_hotspot_period(today));
    };
    let to = to.unwrap_or(today);
    if from > to {
        return Err(vec![FieldError::new(
            "from",
            "The first day must not be after the last day.",
        )]);
    }
    Ok(Period { from, to })
}

/// Text with something in it, trimmed.
fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// A day written exactly `YYYY-MM-DD`.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// One ward's counts for one period, as the store returns them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WardCounts {
    pub ward: String,
    pub incidents: u64,
    pub alcohol_related: u64,
    pub youth_related: u64,
    /// Incidents flagged both alcohol-related and youth-related.
    pub alcohol_related_youth: u64,
    pub criminal_damage: u64,
    pub deliberate_fire: u64,
}

/// One ward's place in the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotspot {
    /// 1 for the ward with most incidents.
    pub position: usize,
    pub ward: String,
    pub incidents: u64,
    pub previous_incidents: u64,
    /// This period's incidents less the previous period's.
    pub change: i64,
    /// The change as a whole percentage of the previous period's, rounded half away
    /// from zero; `None` when the previous period had none (no percentage of nothing).
    pub change_percent: Option<i64>,
    pub alcohol_related: u64,
    pub youth_related: u64,
    pub alcohol_related_youth: u64,
    pub criminal_damage: u64,
    pub deliberate_fire: u64,
}

/// Ranks wards by incidents this period, most first, ties by ward name. A ward with
/// incidents only in the previous period is listed too (at zero), so a fall to nothing
/// shows. A ward given twice has its counts added.
pub fn rank_hotspots(current: &[WardCounts], previous: &[WardCounts]) -> Vec<Hotspot> {
    let mut wards: BTreeMap<&str, (WardCounts, u64)> = BTreeMap::new();
    for counts in current {
        let (now, _) = wards.entry(counts.ward.as_str()).or_default();
        now.incidents += counts.incidents;
        now.alcohol_related += counts.alcohol_related;
        now.youth_related += counts.youth_related;
        now.alcohol_related_youth += counts.alcohol_related_youth;
        now.criminal_damage += counts.criminal_damage;
        now.deliberate_fire += counts.deliberate_fire;
    }
    for counts in previous {
        wards.entry(counts.ward.as_str()).or_default().1 += counts.incidents;
    }
    let mut ranked: Vec<Hotspot> = wards
        .into_iter()
        .map(|(ward, (now, before))| {
            let change = signed(now.incidents) - signed(before);
            Hotspot {
                position: 0,
                ward: ward.to_string(),
                incidents: now.incidents,
                previous_incidents: before,
                change,
                change_percent: percent(change, before),
                alcohol_related: now.alcohol_related,
                youth_related: now.youth_related,
                alcohol_related_youth: now.alcohol_related_youth,
                criminal_damage: now.criminal_damage,
                deliberate_fire: now.deliberate_fire,
            }
        })
        .collect();
    // The map gave ward-name order; a stable sort keeps it within equal counts.
    ranked.sort_by_key(|h| std::cmp::Reverse(h.incidents));
    for (i, hotspot) in ranked.iter_mut().enumerate() {
        hotspot.position = i + 1;
    }
    ranked
}

fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn percent(change: i64, before: u64) -> Option<i64> {
    let before = i128::from(before);
    if before == 0 {
        return None;
    }
    let scaled = i128::from(change) * 100;
    let rounded = (scaled.abs() * 2 + before) / (before * 2);
    i64::try_from(rounded * scaled.signum()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asb::test_dates::d;
    use crate::calendar::{FinancialYear, Quarter};

    fn period(from: NaiveDate, to: NaiveDate) -> Period {
        Period { from, to }
    }

    fn ward(name: &str, incidents: u64) -> WardCounts {
        WardCounts {
            ward: name.into(),
            incidents,
            ..WardCounts::default()
        }
    }

    #[test]
    fn the_quarter_before_q1_is_january_to_march() {
        let q1 = FinancialYear::starting(2012).quarter(Quarter::Q1);
        assert_eq!(
            q1.previous_of_same_length(),
            period(d(2012, 1, 1), d(2012, 3, 31))
        );
        // In 2013 January to March is 90 days and April to June 91: still the quarter.
        let q1 = FinancialYear::starting(2013).quarter(Quarter::Q1);
        assert_eq!(
            q1.previous_of_same_length(),
            period(d(2013, 1, 1), d(2013, 3, 31))
        );
    }

    #[test]
    fn a_31_day_month_follows_the_month_before() {
        assert_eq!(
            period(d(2012, 3, 1), d(2012, 3, 31)).previous_of_same_length(),
            period(d(2012, 2, 1), d(2012, 2, 29))
        );
        assert_eq!(
            period(d(2012, 1, 1), d(2012, 1, 31)).previous_of_same_length(),
            period(d(2011, 12, 1), d(2011, 12, 31))
        );
    }

    #[test]
    fn a_plan_year_follows_the_plan_year_before() {
        let year = FinancialYear::starting(2012);
        let whole = period(year.first_day(), year.last_day());
        let before = FinancialYear::starting(2011);
        assert_eq!(
            whole.previous_of_same_length(),
            period(before.first_day(), before.last_day())
        );
    }

    #[test]
    fn other_periods_follow_as_many_days_before() {
        // 31 days not on month boundaries.
        assert_eq!(
            period(d(2012, 3, 5), d(2012, 4, 4)).previous_of_same_length(),
            period(d(2012, 2, 3), d(2012, 3, 4))
        );
        // One day: the day before.
        assert_eq!(
            period(d(2012, 3, 1), d(2012, 3, 1)).previous_of_same_length(),
            period(d(2012, 2, 29), d(2012, 2, 29))
        );
        // Starts on the 1st but ends mid-month.
        assert_eq!(
            period(d(2012, 3, 1), d(2012, 3, 14)).previous_of_same_length(),
            period(d(2012, 2, 16), d(2012, 2, 29))
        );
    }

    #[test]
    fn wards_rank_most_first_ties_by_name() {
        let current = [
            ward("mirehouse", 12),
            ward("harbour", 30),
            ward("kells", 12),
            ward("sandwith", 5),
        ];
        let previous = [ward("harbour", 20), ward("kells", 12), ward("moss-bay", 4)];
        let ranked = rank_hotspots(&current, &previous);
        let order: Vec<(usize, &str, u64)> = ranked
            .iter()
            .map(|h| (h.position, h.ward.as_str(), h.incidents))
            .collect();
        assert_eq!(
            order,
            [
                (1, "harbour", 30),
                (2, "kells", 12),
                (3, "mirehouse", 12),
                (4, "sandwith", 5),
                (5, "moss-bay", 0),
            ]
        );
        let change: Vec<(i64, Option<i64>)> = ranked
            .iter()
            .map(|h| (h.change, h.change_percent))
            .collect();
        assert_eq!(
            change,
            [
                (10, Some(50)),
                (0, Some(0)),
                (12, None),
                (5, None),
                (-4, Some(-100))
            ]
        );
    }

    #[test]
    fn the_counted_types_are_carried_and_duplicates_added() {
        let current = [
            WardCounts {
                ward: "harbour".into(),
                incidents: 9,
                alcohol_related: 5,
                youth_related: 4,
                alcohol_related_youth: 3,
                criminal_damage: 2,
                deliberate_fire: 1,
            },
            WardCounts {
                ward: "harbour".into(),
                incidents: 1,
                alcohol_related: 1,
                youth_related: 0,
                alcohol_related_youth: 0,
                criminal_damage: 1,
                deliberate_fire: 0,
            },
        ];
        // The previous period's flags are not carried: only its incidents compare.
        let previous = [WardCounts {
            ward: "harbour".into(),
            incidents: 4,
            alcohol_related: 4,
            youth_related: 4,
            alcohol_related_youth: 4,
            criminal_damage: 4,
            deliberate_fire: 4,
        }];
        let ranked = rank_hotspots(&current, &previous);
        assert_eq!(ranked.len(), 1);
        let h = &ranked[0];
        assert_eq!(
            (
                h.incidents,
                h.previous_incidents,
                h.alcohol_related,
                h.youth_related,
                h.alcohol_related_youth,
                h.criminal_damage,
                h.deliberate_fire
            ),
            (10, 4, 6, 4, 3, 3, 1)
        );
        assert!(rank_hotspots(&[], &[]).is_empty());
    }

    #[test]
    fn the_default_is_the_last_whole_quarter() {
        // In Q1 2012-13 (April to June 2012): Q4 of 2011-12.
        assert_eq!(
            default_hotspot_period(d(2012, 5, 15)),
            period(d(2012, 1, 1), d(2012, 3, 31))
        );
        // The first and last days of a quarter still show the quarter before.
        assert_eq!(
            default_hotspot_period(d(2012, 4, 1)),
            period(d(2012, 1, 1), d(2012, 3, 31))
        );
        assert_eq!(
            default_hotspot_period(d(2012, 6, 30)),
            period(d(2012, 1, 1), d(2012, 3, 31))
        );
        assert_eq!(
            default_hotspot_period(d(2012, 7, 1)),
            period(d(2012, 4, 1), d(2012, 6, 30))
        );
        // In Q4 (January to March 2013): Q3, October to December 2012.
        assert_eq!(
            default_hotspot_period(d(2013, 2, 28)),
            period(d(2012, 10, 1), d(2012, 12, 31))
        );
        // And it is compared with the whole quarter before.
        assert_eq!(
            default_hotspot_period(d(2012, 5, 15)).previous_of_same_length(),
            period(d(2011, 10, 1), d(2011, 12, 31))
        );
    }

    #[test]
    fn periods_are_read_from_both_days_or_neither() {
        let today = d(2012, 8, 20);
        assert_eq!(
            hotspot_period(Some("2012-04-01"), Some("2012-06-30"), today),
            Ok(period(d(2012, 4, 1), d(2012, 6, 30)))
        );
        assert_eq!(
            hotspot_period(None, None, today),
            Ok(default_hotspot_period(today))
        );
        assert_eq!(
            hotspot_period(Some(" "), Some(""), today),
            Ok(default_hotspot_period(today))
        );
        // Only the first day: up to today.
        assert_eq!(
            hotspot_period(Some("2012-08-01"), None, today),
            Ok(period(d(2012, 8, 1), today))
        );
        // One day is a period.
        assert_eq!(
            hotspot_period(Some("2012-05-05"), Some("2012-05-05"), today),
            Ok(period(d(2012, 5, 5), d(2012, 5, 5)))
        );
    }

    #[test]
    fn bad_days_are_named() {
        let today = d(2012, 8, 20);
        let fields = |from: Option<&str>, to: Option<&str>| -> Vec<String> {
            hotspot_period(from, to, today)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(Some("2012-13-01"), Some("2012-06-30")), ["from"]);
        assert_eq!(fields(Some("2012-04-01"), Some("30/06/2012")), ["to"]);
        assert_eq!(
            fields(Some("yesterday"), Some("2012-02-30")),
            ["from", "to"]
        );
        assert_eq!(fields(Some("2012-4-1"), None), ["from"]);
        assert_eq!(fields(Some("+2012-04-01"), None), ["from"]);
        assert_eq!(fields(None, Some("2012-06-30")), ["from"]);
        assert_eq!(fields(Some("2012-07-01"), Some("2012-06-30")), ["from"]);
        // A first day after today with no last day is after the last day.
        assert_eq!(fields(Some("2012-08-21"), None), ["from"]);
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(-1, 8), Some(-13)); // -12.5
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(5, 0), None);
    }
}
