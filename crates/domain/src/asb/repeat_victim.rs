//! Repeat victims: a person who is the victim in at least 3 ASB incidents within a
//! rolling 12 months *(settings)*, across every case and agency. The count is per
//! victim, never per case, so incidents logged on different cases, or moved between
//! them, all count.
//!
//! "Within 12 months" of `as_of` is [`months_up_to`]: from the same day 12 calendar
//! months earlier up to `as_of`, both ends included. So a third incident exactly 12
//! months after the first still makes a repeat victim on that day, and no longer the
//! day after. The flag on a person is as of today; a report for a period is as of the
//! period's last day. Incidents after `as_of` never count. An incident's day is the
//! day it happened, in the partnership's (UK) calendar: the caller converts.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{count_setting, months_up_to};
use crate::calendar::Period;
use crate::settings::Settings;

/// The threshold: so many incidents within so many calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatVictimRule {
    pub incidents: u32,
    pub months: u32,
}

/// A person who meets the rule, with the incidents that made them one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatVictim {
    pub person: Uuid,
    pub incidents_in_window: u32,
}

impl RepeatVictimRule {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            incidents: count_setting(settings.asb_repeat_victim_incidents),
            months: count_setting(settings.asb_repeat_victim_months),
        }
    }

    /// The days whose incidents count as of `as_of`.
    pub fn window(&self, as_of: NaiveDate) -> Period {
        months_up_to(as_of, self.months)
    }

    /// Is one person, with incidents on these days (in any order, from any case), a
    /// repeat victim as of `as_of`?
    pub fn is_repeat_victim(&self, incident_days: &[NaiveDate], as_of: NaiveDate) -> bool {
        let window = self.window(as_of);
        let in_window = incident_days
            .iter()
            .filter(|d| window.contains(**d))
            .count();
        in_window >= self.incidents as usize
    }

    /// Every repeat victim among `(person, incident day)` pairs, one pair per victim of
    /// each incident, in any order: sorted once (O(n log n)), then one pass. The
    /// result is ordered by person.
    pub fn repeat_victims(
        &self,
        mut pairs: Vec<(Uuid, NaiveDate)>,
        as_of: NaiveDate,
    ) -> Vec<RepeatVictim> {
        let window = self.window(as_of);
        pairs.retain(|(_, day)| window.contains(*day));
        pairs.sort_unstable();
        let mut found = Vec::new();
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            let count = u32::try_from(group.len()).unwrap_or(u32::MAX);
            if count >= self.incidents {
                found.push(RepeatVictim {
                    person: group[0].0,
                    incidents_in_window: count,
                });
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asb::test_dates::d;

    fn rule() -> RepeatVictimRule {
        RepeatVictimRule::from_settings(&Settings::default())
    }

    fn person(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_defaults_are_three_in_twelve_months() {
        assert_eq!(
            rule(),
            RepeatVictimRule {
                incidents: 3,
                months: 12
            }
        );
    }

    #[test]
    fn two_incidents_are_not_enough_three_are() {
        let days = [d(2012, 1, 10), d(2012, 3, 5)];
        assert!(!rule().is_repeat_victim(&days, d(2012, 6, 1)));
        let days = [d(2012, 1, 10), d(2012, 3, 5), d(2012, 5, 31)];
        assert!(rule().is_repeat_victim(&days, d(2012, 6, 1)));
    }

    #[test]
    fn the_third_incident_exactly_twelve_months_after_the_first_counts() {
        let days = [d(2011, 6, 1), d(2011, 12, 1), d(2012, 6, 1)];
        assert!(rule().is_repeat_victim(&days, d(2012, 6, 1)));
        // The day after, the first incident is outside the window.
        assert!(!rule().is_repeat_victim(&days, d(2012, 6, 2)));
    }

    #[test]
    fn a_third_incident_a_day_too_late_does_not_count() {
        let days = [d(2011, 6, 1), d(2011, 12, 1), d(2012, 6, 2)];
        assert!(!rule().is_repeat_victim(&days, d(2012, 6, 2)));
    }

    #[test]
    fn incidents_after_as_of_do_not_count() {
        // A report for Q1 2012-13 is as of 30 June 2012.
        let days = [d(2012, 4, 2), d(2012, 5, 2), d(2012, 7, 1)];
        assert!(!rule().is_repeat_victim(&days, d(2012, 6, 30)));
        assert!(rule().is_repeat_victim(&days, d(2012, 7, 1)));
    }

    #[test]
    fn leap_day_windows_count_calendar_months() {
        // 12 months back from 29 February 2012 is 28 February 2011.
        let days = [d(2011, 2, 28), d(2011, 9, 1), d(2012, 2, 29)];
        assert!(rule().is_repeat_victim(&days, d(2012, 2, 29)));
        let days = [d(2011, 2, 27), d(2011, 9, 1), d(2012, 2, 29)];
        assert!(!rule().is_repeat_victim(&days, d(2012, 2, 29)));
    }

    #[test]
    fn the_setting_changes_the_rule() {
        let strict = RepeatVictimRule {
            incidents: 2,
            months: 6,
        };
        let days = [d(2011, 12, 1), d(2012, 6, 1)];
        assert!(strict.is_repeat_victim(&days, d(2012, 6, 1)));
        assert!(!strict.is_repeat_victim(&days, d(2012, 6, 2)));
    }

    #[test]
    fn moving_incidents_between_cases_changes_nothing() {
        let victim = person(1);
        // Three incidents logged by three agencies on three cases...
        let by_case: Vec<Vec<(Uuid, NaiveDate)>> = vec![
            vec![(victim, d(2012, 1, 5))],
            vec![(victim, d(2012, 2, 5)), (person(2), d(2012, 2, 5))],
            vec![(victim, d(2012, 3, 5))],
        ];
        // ...then merged onto one case, and one moved off again.
        let regrouped: Vec<Vec<(Uuid, NaiveDate)>> = vec![
            vec![(victim, d(2012, 3, 5)), (victim, d(2012, 1, 5))],
            vec![(person(2), d(2012, 2, 5)), (victim, d(2012, 2, 5))],
        ];
        let as_of = d(2012, 6, 1);
        let before = rule().repeat_victims(by_case.concat(), as_of);
        let after = rule().repeat_victims(regrouped.concat(), as_of);
        assert_eq!(before, after);
        assert_eq!(
            before,
            [RepeatVictim {
                person: victim,
                incidents_in_window: 3
            }]
        );
    }

    #[test]
    fn many_people_in_one_pass_agree_with_one_at_a_time() {
        let as_of = d(2012, 6, 30);
        let start = d(2010, 1, 1);
        // 100,000 incidents over 20,000 people and about three and a half years.
        let mut seed = 0x2012_0601_u64;
        let mut next = move || {
            // xorshift64: repeatable pseudo-random numbers without a dependency.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pairs: Vec<(Uuid, NaiveDate)> = (0..100_000)
            .map(|_| {
                let who = person(u128::from(next() % 20_000));
                let offset = i64::try_from(next() % 1300).expect("small");
                (who, start + chrono::Duration::days(offset))
            })
            .collect();
        let found = rule().repeat_victims(pairs.clone(), as_of);
        let mut by_person: std::collections::HashMap<Uuid, Vec<NaiveDate>> =
            std::collections::HashMap::new();
        for (who, day) in &pairs {
            by_person.entry(*who).or_default().push(*day);
        }
        assert!(by_person.len() > 19_000);
        let mut expected: Vec<Uuid> = by_person
            .iter()
            .filter(|(_, days)| rule().is_repeat_victim(days, as_of))
            .map(|(who, _)| *who)
            .collect();
        expected.sort_unstable();
        let got: Vec<Uuid> = found.iter().map(|v| v.person).collect();
        assert_eq!(got, expected);
        // Some are repeat victims and most are not, so both answers are exercised.
        assert!(!got.is_empty() && got.len() < 10_000, "{}", got.len());
        assert!(found.windows(2).all(|w| w[0].person < w[1].person));
    }

    #[test]
    fn the_one_pass_counts_only_the_window() {
        let pairs = vec![
            (person(2), d(2012, 5, 1)),
            (person(1), d(2011, 5, 31)),
            (person(1), d(2011, 6, 1)),
            (person(2), d(2012, 5, 2)),
            (person(1), d(2012, 1, 1)),
            (person(1), d(2012, 6, 1)),
            (person(1), d(2012, 6, 2)),
            (person(2), d(2012, 5, 3)),
            (person(3), d(2012, 5, 3)),
        ];
        let found = rule().repeat_victims(pairs, d(2012, 6, 1));
        assert_eq!(
            found,
            [
                RepeatVictim {
                    person: person(1),
                    incidents_in_window: 3
                },
                RepeatVictim {
                    person: person(2),
                    incidents_in_window: 3
                },
            ]
        );
        assert!(rule().repeat_victims(Vec::new(), d(2012, 6, 1)).is_empty());
    }
}
