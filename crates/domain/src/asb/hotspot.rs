//! Hotspots: where ASB is worst this period and whether it is rising. The store counts
//! incidents per ward in SQL; the rules here choose the period to compare against and
//! rank the wards.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::calendar::Period;

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

/// One ward's counts for one period, as the store returns them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WardCounts {
    pub ward: String,
    pub incidents: u64,
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
                alcohol_related_youth: 3,
                criminal_damage: 2,
                deliberate_fire: 1,
            },
            WardCounts {
                ward: "harbour".into(),
                incidents: 1,
                alcohol_related_youth: 0,
                criminal_damage: 1,
                deliberate_fire: 0,
            },
        ];
        let ranked = rank_hotspots(&current, &[]);
        assert_eq!(ranked.len(), 1);
        let h = &ranked[0];
        assert_eq!(
            (
                h.incidents,
                h.alcohol_related_youth,
                h.criminal_damage,
                h.deliberate_fire
            ),
            (10, 3, 3, 1)
        );
        assert!(rank_hotspots(&[], &[]).is_empty());
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
