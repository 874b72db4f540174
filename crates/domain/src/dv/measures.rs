//! The partnership's domestic abuse measures for a period: counts and rates only. The
//! store fetches the rows; this computes, in one sort and one pass (O(n log n)), so a
//! year of 50,000 incidents is no burden.
//!
//! - **incidents**, **arrests** and the **arrest rate** (arrests / incidents);
//! - **first-time victims**: victims whose first domestic abuse incident on record
//!   falls in the period (counted once, however many incidents they had in it);
//! - **repeat victimisation**: incidents of the period whose victim had another
//!   incident within the 12 calendar months before it *(setting)*, both ends included
//!   ([`months_up_to`]): 1 June 2011 makes 1 June 2012 a repeat, 31 May 2011 does not.
//!   Two incidents against one victim on the same day are one repeat: the second has
//!   the first before it. The rate is repeat incidents / incidents;
//! - **MARAC referrals** made in the period, and the **repeat MARAC rate** (repeat
//!   referrals / referrals).
//!
//! A rate of nothing is `None`, not 0: "no arrests in no incidents" is not a 0% arrest
//! rate, and a page must say "no incidents" rather than show a perfect or dreadful
//! figure.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::count_setting;
use crate::asb::months_up_to;
use crate::calendar::Period;
use crate::settings::Settings;

/// One incident as the measures need it: the victim, the day it happened (in the
/// partnership's calendar) and whether an arrest was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DvIncidentFact {
    pub victim: Uuid,
    pub occurred_on: NaiveDate,
    pub arrest_made: bool,
}

/// One MARAC referral: the day it was made and whether it was a repeat referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaracReferralFact {
    pub made_on: NaiveDate,
    pub is_repeat: bool,
}

/// The look-back for repeat victimisation: another incident within so many calendar
/// months before an incident makes it a repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatVictimisation {
    pub months: u32,
}

impl RepeatVictimisation {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            months: count_setting(settings.dv_repeat_victimisation_months),
        }
    }

    /// Is an incident on `this` day a repeat of one on `previous` (not after it)?
    pub fn is_repeat(&self, previous: NaiveDate, this: NaiveDate) -> bool {
        months_up_to(this, self.months).contains(previous)
    }
}

/// The measures for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct DvMeasures {
    pub period: Period,
    pub incidents: u32,
    pub arrests: u32,
    /// arrests / incidents, from 0 to 1; `None` when there were no incidents.
    pub arrest_rate: Option<f64>,
    pub first_time_victims: u32,
    pub incidents_with_repeat_victim: u32,
    /// incidents_with_repeat_victim / incidents; `None` when there were no incidents.
    pub repeat_victimisation_rate: Option<f64>,
    pub marac_referrals: u32,
    pub repeat_marac_referrals: u32,
    /// repeat_marac_referrals / marac_referrals; `None` when there were no referrals.
    pub repeat_marac_rate: Option<f64>,
}

/// Computes the measures for `period`.
///
/// - `incidents`: the period's incidents. One dated before the period serves only as
///   look-back; one after it is ignored, so an over-wide query cannot inflate a count.
/// - `earlier`: the same victims' incidents before the period, for the look-back and
///   for first-time victims. The latest earlier incident of each victim is enough,
///   **whatever its age**: leaving out older ones would not change a repeat, but
///   leaving out a victim's only (old) incident would make them a first-time victim.
///   Rows dated in or after the period are ignored (the period's own are in
///   `incidents`), so overlapping queries never count an incident twice.
/// - `referrals`: MARAC referrals; only those made in the period are counted.
pub fn measures(
    period: Period,
    incidents: &[DvIncidentFact],
    earlier: &[DvIncidentFact],
    referrals: &[MaracReferralFact],
    rule: RepeatVictimisation,
) -> DvMeasures {
    let incidents: Vec<((), DvIncidentFact)> = incidents.iter().map(|i| ((), *i)).collect();
    let referrals: Vec<((), MaracReferralFact)> = referrals.iter().map(|r| ((), *r)).collect();
    measures_by_area(period, &incidents, earlier, &referrals, rule).overall
}

/// The measures for the whole partnership and for each area (a district) at once.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaMeasures<A: Ord> {
    pub overall: DvMeasures,
    /// Only the areas with an incident or a referral (of the period or as look-back);
    /// [`AreaMeasures::area`] answers for the others.
    pub areas: BTreeMap<A, DvMeasures>,
}

impl<A: Ord> AreaMeasures<A> {
    /// One area's measures: all zeros when nothing happened there.
    pub fn area(&self, area: &A) -> DvMeasures {
        self.areas
            .get(area)
            .cloned()
            .unwrap_or_else(|| DvMeasures::empty(self.overall.period))
    }
}

impl DvMeasures {
    /// The measures of a period in which nothing happened.
    pub fn empty(period: Period) -> DvMeasures {
        Tally::default().into_measures(period)
    }
}

/// [`measures`] with each incident and referral in an area, in the same one sort and
/// one pass. Each incident of the period counts in its own area, but the look-back
/// crosses areas: the victim is one person wherever the abuse happened, so an incident
/// in Allerdale a month after one in Copeland has a repeat victim in Allerdale. A
/// first-time victim counts in the area of their first incident. So the areas add up
/// to the whole. `earlier` needs no area: it is look-back only.
pub fn measures_by_area<A: Ord + Clone>(
    period: Period,
    incidents: &[(A, DvIncidentFact)],
    earlier: &[DvIncidentFact],
    referrals: &[(A, MaracReferralFact)],
    rule: RepeatVictimisation,
) -> AreaMeasures<A> {
    let mut index: BTreeMap<&A, usize> = BTreeMap::new();
    for area in incidents
        .iter()
        .map(|(a, _)| a)
        .chain(referrals.iter().map(|(a, _)| a))
    {
        let next = index.len();
        index.entry(area).or_insert(next);
    }
    let slot = |area: &A| index.get(area).copied().unwrap_or_default();
    let mut tallies = vec![Tally::default(); index.len()];

    // `None` sorts first, so a look-back row comes before the period's on the same day.
    let mut rows: Vec<Row> = Vec::with_capacity(incidents.len() + earlier.len());
    rows.extend(
        earlier
            .iter()
            .filter(|e| e.occurred_on < period.from)
            .map(|e| (e.victim, e.occurred_on, None)),
    );
    for (area, i) in incidents.iter().filter(|(_, i)| i.occurred_on <= period.to) {
        let of_period = (i.occurred_on >= period.from).then_some((i.arrest_made, slot(area)));
        rows.push((i.victim, i.occurred_on, of_period));
    }
    rows.sort_unstable();

    for victim_rows in rows.chunk_by(|a, b| a.0 == b.0) {
        if let Some((_, area)) = victim_rows[0].2 {
            tallies[area].first_time += 1;
        }
        let mut previous: Option<NaiveDate> = None;
        for &(_, day, of_period) in victim_rows {
            if let Some((arrest_made, area)) = of_period {
                let tally = &mut tallies[area];
                tally.incidents += 1;
                tally.arrests += u32::from(arrest_made);
                if previous.is_some_and(|p| rule.is_repeat(p, day)) {
                    tally.repeats += 1;
                }
            }
            previous = Some(day);
        }
    }

    for (area, referral) in referrals.iter().filter(|(_, r)| period.contains(r.made_on)) {
        let tally = &mut tallies[slot(area)];
        tally.marac += 1;
        tally.repeat_marac += u32::from(referral.is_repeat);
    }

    let overall = tallies
        .iter()
        .fold(Tally::default(), |sum, t| sum.plus(t))
        .into_measures(period);
    let areas = index
        .into_iter()
        .map(|(area, n)| (area.clone(), tallies[n].into_measures(period)))
        .collect();
    AreaMeasures { overall, areas }
}

/// One incident in the pass: (victim, day, `Some((arrest made, area))` for an incident
/// of the period, `None` for look-back).
type Row = (Uuid, NaiveDate, Option<(bool, usize)>);

/// The counts of one area, before the rates are worked out.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    incidents: u32,
    arrests: u32,
    first_time: u32,
    repeats: u32,
    marac: u32,
    repeat_marac: u32,
}

impl Tally {
    fn plus(self, other: &Tally) -> Tally {
        Tally {
            incidents: self.incidents + other.incidents,
            arrests: self.arrests + other.arrests,
            first_time: self.first_time + other.first_time,
            repeats: self.repeats + other.repeats,
            marac: self.marac + other.marac,
            repeat_marac: self.repeat_marac + other.repeat_marac,
        }
    }

    fn into_measures(self, period: Period) -> DvMeasures {
        DvMeasures {
            period,
            incidents: self.incidents,
            arrests: self.arrests,
            arrest_rate: rate(self.arrests, self.incidents),
            first_time_victims: self.first_time,
            incidents_with_repeat_victim: self.repeats,
            repeat_victimisation_rate: rate(self.repeats, self.incidents),
            marac_referrals: self.marac,
            repeat_marac_referrals: self.repeat_marac,
            repeat_marac_rate: rate(self.repeat_marac, self.marac),
        }
    }
}

fn rate(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{FinancialYear, Quarter};
    use crate::dv::test_dates::d;

    fn rule() -> RepeatVictimisation {
        RepeatVictimisation::from_settings(&Settings::default())
    }

    /// Quarter 1 of 2012-13: 1 April to 30 June 2012.
    fn q1() -> Period {
        FinancialYear::starting(2012).quarter(Quarter::Q1)
    }

    fn person(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn fact(victim: u128, on: NaiveDate, arrest_made: bool) -> DvIncidentFact {
        DvIncidentFact {
            victim: person(victim),
            occurred_on: on,
            arrest_made,
        }
    }

    fn referral(made_on: NaiveDate, is_repeat: bool) -> MaracReferralFact {
        MaracReferralFact { made_on, is_repeat }
    }

    #[test]
    fn the_default_look_back_is_twelve_months() {
        assert_eq!(rule(), RepeatVictimisation { months: 12 });
    }

    #[test]
    fn a_worked_quarter() {
        // Q1 2012-13 (1 April to 30 June 2012). Victims 1 to 6:
        //
        // victim  earlier      in the list of incidents       repeat?  arrest
        // 1       10 May 2011  15 April 2012                  yes (1)  yes
        //                      20 June 2012                   yes (2)  no
        // 2       1 April 2011 2 April 2012: the earlier one   no       yes
        //                      is a day outside the 12 months
        // 3       none         1 May 2012                     no       no
        //                      1 May 2012 again, same day     yes (3)  yes
        // 4       1 Jan 2010   30 June 2012                   no       no
        // 5       none         1 July 2012: after the quarter, ignored
        // 6       none         31 March 2012: before the quarter, look-back only
        //                      10 April 2012                  yes (4)  no
        //
        // Incidents 7 (1: 2, 2: 1, 3: 2, 4: 1, 6: 1); arrests 3 (3/7); repeats 4 (4/7).
        // First-time victims: only victim 3 (6's first is in March, 5's in July).
        // Referrals in the quarter: 20 April (repeat), 2 May, 30 June (repeat) = 3,
        // 2 of them repeats; 31 March and 1 July are outside it.
        let earlier = [
            fact(1, d(2011, 5, 10), false),
            fact(2, d(2011, 4, 1), false),
            fact(4, d(2010, 1, 1), true),
        ];
        let incidents = [
            fact(1, d(2012, 6, 20), false),
            fact(3, d(2012, 5, 1), false),
            fact(2, d(2012, 4, 2), true),
            fact(1, d(2012, 4, 15), true),
            fact(6, d(2012, 4, 10), false),
            fact(3, d(2012, 5, 1), true),
            fact(4, d(2012, 6, 30), false),
            fact(5, d(2012, 7, 1), true),
            fact(6, d(2012, 3, 31), true),
        ];
        let referrals = [
            referral(d(2012, 3, 31), true),
            referral(d(2012, 4, 20), true),
            referral(d(2012, 5, 2), false),
            referral(d(2012, 6, 30), true),
            referral(d(2012, 7, 1), false),
        ];
        let m = measures(q1(), &incidents, &earlier, &referrals, rule());
        assert_eq!(
            m,
            DvMeasures {
                period: q1(),
                incidents: 7,
                arrests: 3,
                arrest_rate: Some(3.0 / 7.0),
                first_time_victims: 1,
                incidents_with_repeat_victim: 4,
                repeat_victimisation_rate: Some(4.0 / 7.0),
                marac_referrals: 3,
                repeat_marac_referrals: 2,
                repeat_marac_rate: Some(2.0 / 3.0),
            }
        );
    }

    #[test]
    fn an_empty_period_has_no_rates() {
        let m = measures(q1(), &[], &[], &[], rule());
        assert_eq!((m.incidents, m.arrests, m.first_time_victims), (0, 0, 0));
        assert_eq!((m.incidents_with_repeat_victim, m.marac_referrals), (0, 0));
        assert_eq!(m.arrest_rate, None);
        assert_eq!(m.repeat_victimisation_rate, None);
        assert_eq!(m.repeat_marac_rate, None);
    }

    #[test]
    fn referrals_without_incidents_still_have_a_rate() {
        let m = measures(q1(), &[], &[], &[referral(d(2012, 5, 1), false)], rule());
        assert_eq!(m.repeat_marac_rate, Some(0.0));
        assert_eq!(m.arrest_rate, None);
    }

    #[test]
    fn a_repeat_exactly_twelve_months_apart_counts_a_day_more_does_not() {
        let this = [fact(1, d(2012, 6, 1), false)];
        let m = measures(q1(), &this, &[fact(1, d(2011, 6, 1), false)], &[], rule());
        assert_eq!(m.incidents_with_repeat_victim, 1);
        assert_eq!(m.repeat_victimisation_rate, Some(1.0));
        let m = measures(q1(), &this, &[fact(1, d(2011, 5, 31), false)], &[], rule());
        assert_eq!(m.incidents_with_repeat_victim, 0);
        assert_eq!(m.repeat_victimisation_rate, Some(0.0));
        // Neither makes the victim a first-time victim: they were on record before.
        assert_eq!(m.first_time_victims, 0);
    }

    #[test]
    fn last_years_incident_is_look_back_not_an_incident_of_the_period() {
        let last_year = fact(1, d(2012, 3, 31), true);
        let this = fact(1, d(2012, 4, 1), false);
        // Whether the store passes it as earlier or among the period's incidents.
        for (incidents, earlier) in [
            (vec![this], vec![last_year]),
            (vec![last_year, this], vec![]),
        ] {
            let m = measures(q1(), &incidents, &earlier, &[], rule());
            assert_eq!((m.incidents, m.arrests), (1, 0));
            assert_eq!(m.incidents_with_repeat_victim, 1);
            assert_eq!(m.first_time_victims, 0);
        }
    }

    #[test]
    fn earlier_rows_inside_the_period_are_not_counted_twice() {
        let this = fact(1, d(2012, 5, 1), true);
        let m = measures(q1(), &[this], &[this], &[], rule());
        assert_eq!(m.incidents, 1);
        assert_eq!(m.incidents_with_repeat_victim, 0);
        assert_eq!(m.first_time_victims, 1);
    }

    #[test]
    fn the_setting_changes_the_look_back() {
        let mut settings = Settings::default();
        settings
            .set("dv.repeat-victimisation-months", "6")
            .expect("in range");
        let six = RepeatVictimisation::from_settings(&settings);
        assert!(six.is_repeat(d(2011, 12, 1), d(2012, 6, 1)));
        assert!(!six.is_repeat(d(2011, 11, 30), d(2012, 6, 1)));
        assert!(!six.is_repeat(d(2012, 6, 2), d(2012, 6, 1)), "not after");
    }

    #[test]
    fn each_area_counts_its_own_incidents_but_looks_back_across_areas() {
        // Victim 1: Copeland on 1 May, Allerdale on 10 May: the Allerdale incident has
        // a repeat victim, and the victim is a first-time victim of Copeland only.
        // Victim 2: an earlier (2011) incident somewhere, then Allerdale in June.
        let incidents = [
            ("allerdale", fact(1, d(2012, 5, 10), true)),
            ("copeland", fact(1, d(2012, 5, 1), false)),
            ("allerdale", fact(2, d(2012, 6, 1), false)),
        ];
        let earlier = [fact(2, d(2011, 12, 1), true)];
        let referrals = [
            ("allerdale", referral(d(2012, 5, 11), true)),
            ("copeland", referral(d(2012, 4, 2), false)),
            ("copeland", referral(d(2012, 7, 2), false)),
        ];
        let m = measures_by_area(q1(), &incidents, &earlier, &referrals, rule());
        let allerdale = m.area(&"allerdale");
        assert_eq!((allerdale.incidents, allerdale.arrests), (2, 1));
        assert_eq!(allerdale.incidents_with_repeat_victim, 2);
        assert_eq!(allerdale.first_time_victims, 0);
        assert_eq!(
            (allerdale.marac_referrals, allerdale.repeat_marac_referrals),
            (1, 1)
        );
        let copeland = m.area(&"copeland");
        assert_eq!(
            (copeland.incidents, copeland.incidents_with_repeat_victim),
            (1, 0)
        );
        assert_eq!(copeland.first_time_victims, 1);
        assert_eq!(
            (copeland.marac_referrals, copeland.repeat_marac_rate),
            (1, Some(0.0))
        );
        // The areas add up to the whole, which is what `measures` says on its own.
        let plain_incidents: Vec<DvIncidentFact> = incidents.iter().map(|(_, i)| *i).collect();
        let plain_referrals: Vec<MaracReferralFact> = referrals.iter().map(|(_, r)| *r).collect();
        let whole = measures(q1(), &plain_incidents, &earlier, &plain_referrals, rule());
        assert_eq!(m.overall, whole);
        assert_eq!(
            (
                whole.incidents,
                whole.incidents_with_repeat_victim,
                whole.first_time_victims
            ),
            (3, 2, 1)
        );
        assert_eq!(whole.marac_referrals, 2);
        // An area where nothing happened answers with zeros and no rates.
        let nowhere = m.area(&"carlisle");
        assert_eq!((nowhere.incidents, nowhere.arrest_rate), (0, None));
        assert_eq!(nowhere, DvMeasures::empty(q1()));
    }

    /// The same measures one incident at a time, by the words of the definitions.
    fn by_hand(
        period: Period,
        incidents: &[DvIncidentFact],
        earlier: &[DvIncidentFact],
    ) -> (u32, u32, u32, u32) {
        use std::collections::HashMap;
        let mut by_victim: HashMap<Uuid, Vec<(NaiveDate, usize)>> = HashMap::new();
        for e in earlier {
            by_victim
                .entry(e.victim)
                .or_default()
                .push((e.occurred_on, 0));
        }
        for (n, i) in incidents.iter().enumerate() {
            by_victim
                .entry(i.victim)
                .or_default()
                .push((i.occurred_on, n + 1));
        }
        let (mut count, mut arrests, mut repeats) = (0, 0, 0);
        for (n, i) in incidents.iter().enumerate() {
            count += 1;
            arrests += u32::from(i.arrest_made);
            // Another incident before this one (by day, then by place in the list).
            let other_before = by_victim[&i.victim].iter().any(|&(day, m)| {
                (day, m) < (i.occurred_on, n + 1) && rule().is_repeat(day, i.occurred_on)
            });
            repeats += u32::from(other_before);
        }
        let first_time = by_victim
            .values()
            .filter(|days| {
                days.iter()
                    .map(|(day, _)| *day)
                    .min()
                    .is_some_and(|first| period.contains(first))
            })
            .count();
        (
            count,
            arrests,
            repeats,
            u32::try_from(first_time).expect("small"),
        )
    }

    #[test]
    fn fifty_thousand_incidents_in_one_pass_agree_with_one_at_a_time() {
        let year = FinancialYear::starting(2012);
        let period = Period {
            from: year.first_day(),
            to: year.last_day(),
        };
        let mut seed = 0x2012_0401_u64;
        let mut next = move || {
            // xorshift64: repeatable pseudo-random numbers without a dependency.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut random_fact = |from: NaiveDate, days: u64| {
            let victim = u128::from(next() % 20_000);
            let offset = i64::try_from(next() % days).expect("small");
            fact(
                victim,
                from + chrono::Duration::days(offset),
                next() % 3 == 0,
            )
        };
        let incidents: Vec<DvIncidentFact> =
            (0..50_000).map(|_| random_fact(period.from, 365)).collect();
        let earlier: Vec<DvIncidentFact> = (0..20_000)
            .map(|_| random_fact(d(2009, 4, 1), 1096))
            .collect();
        let started = std::time::Instant::now();
        let m = measures(period, &incidents, &earlier, &[], rule());
        let took = started.elapsed();
        let expected = by_hand(period, &incidents, &earlier);
        assert_eq!(
            (
                m.incidents,
                m.arrests,
                m.incidents_with_repeat_victim,
                m.first_time_victims
            ),
            expected
        );
        // Both answers are exercised.
        assert!(m.first_time_victims > 1_000 && m.incidents_with_repeat_victim > 10_000);
        assert!(m.incidents_with_repeat_victim < m.incidents);
        // Far more than the sort needs even unoptimised; a pass per incident would not
        // come close.
        assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    }
}
