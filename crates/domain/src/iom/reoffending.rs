//! Re-offending, as the Ministry of Justice measures it, for the members who entered
//! the cohort in a chosen period.
//!
//! - Each member is followed for 12 months *(setting)* from entry. The **after**
//!   window runs from the day after entry to the same date 12 months on; the
//!   **before** window is the 12 months up to and including the entry day. The two
//!   windows are the same length and never share a day.
//! - **An offence committed on the entry day counts as before.** The panel selects on
//!   the offending it knows of up to that day, so that day's offence is part of why
//!   they were selected, not a re-offence against the cohort's work.
//! - An offence counts in a window when it was committed in the window and proven
//!   (conviction or caution) by the window's end plus 6 months' grace *(setting)*.
//!   One proven later is never counted, as in the Ministry's measure, so the figures
//!   do not drift for years. Unproven offences never count.
//! - A member's figures are **provisional** until the day after their after window's
//!   proof deadline: until then an offence may yet be committed or proven.
//! - **De-selection does not stop the follow-up**: a member de-selected mid-window is
//!   followed for the whole window, or de-selecting those who re-offend (into custody,
//!   say) would flatter the cohort.
//! - **Re-selection**: a person counts once in a period, by their first entry in it
//!   (the Ministry counts an offender once per cohort); an entry in a later period
//!   counts there.
//! - **binary rate** = members with at least one counted after-offence / members;
//!   **frequency per 100** = after-offences × 100 / members. A cohort of nobody has no
//!   rate (`None`), not 0%.
//! - **harm-weighted** sums add each counted offence's harm weight; an offence with no
//!   weight recorded weighs 1, as one ordinary offence.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, Months, NaiveDate};
use uuid::Uuid;

use super::count_setting;
use super::membership::{Stream, Tier};
use crate::calendar::Period;
use crate::settings::Settings;

/// The follow-up and the grace for proof, in calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reoffending {
    pub months: u32,
    pub grace_months: u32,
}

impl Reoffending {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            months: count_setting(settings.iom_reoffending_months).max(1),
            grace_months: count_setting(settings.iom_proving_grace_months),
        }
    }

    /// The 12 months up to and including the entry day.
    pub fn before(&self, entered_on: NaiveDate) -> Period {
        let from = entered_on
            .checked_sub_months(Months::new(self.months))
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .unwrap_or(NaiveDate::MIN);
        Period {
            from,
            to: entered_on,
        }
    }

    /// The day after entry to the same date 12 months on.
    pub fn after(&self, entered_on: NaiveDate) -> Period {
        Period {
            from: entered_on.succ_opt().unwrap_or(NaiveDate::MAX),
            to: entered_on
                .checked_add_months(Months::new(self.months))
                .unwrap_or(NaiveDate::MAX),
        }
    }

    /// The last day on which a proof counts for offences in `window`.
    pub fn proof_deadline(&self, window: Period) -> NaiveDate {
        window
            .to
            .checked_add_months(Months::new(self.grace_months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Does `offence` count in `window`, as known on `today`?
    fn counts(&self, offence: &OffenceFact, window: Period, today: NaiveDate) -> bool {
        window.contains(offence.committed_on)
            && offence
                .proven_on
                .is_some_and(|p| p <= self.proof_deadline(window) && p <= today)
    }
}

/// One membership as the measure needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub membership: Uuid,
    pub person: Uuid,
    pub entered_on: NaiveDate,
    pub stream: Stream,
    /// The tier at selection: members are grouped by how they came in.
    pub tier: Tier,
}

/// One offence as the measure needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OffenceFact {
    pub person: Uuid,
    pub committed_on: NaiveDate,
    pub proven_on: Option<NaiveDate>,
    pub harm_weight: Option<f64>,
}

impl OffenceFact {
    fn harm(&self) -> f64 {
        self.harm_weight.unwrap_or(1.0)
    }
}

/// One member's before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberOutcome {
    pub entry: Entry,
    pub offences_before: u32,
    pub offences_after: u32,
    pub harm_before: f64,
    pub harm_after: f64,
    pub provisional: bool,
}

impl MemberOutcome {
    pub fn reoffended(&self) -> bool {
        self.offences_after > 0
    }
}

/// The measures for a cohort (or one tier or stream of it).
#[derive(Debug, Clone, PartialEq)]
pub struct CohortMeasures {
    pub members: u32,
    pub reoffenders: u32,
    /// reoffenders / members, 0 to 1; `None` for a cohort of nobody.
    pub binary_rate: Option<f64>,
    /// after-offences per 100 members; `None` for a cohort of nobody.
    pub frequency_per_100: Option<f64>,
    pub offences_before: u32,
    pub offences_after: u32,
    pub harm_before: f64,
    pub harm_after: f64,
    pub provisional_members: u32,
    /// Any member's figures may still change.
    pub provisional: bool,
    /// Each member, in order of entry.
    pub outcomes: Vec<MemberOutcome>,
}

impl CohortMeasures {
    pub fn of(outcomes: Vec<MemberOutcome>) -> Self {
        let members = u32::try_from(outcomes.len()).unwrap_or(u32::MAX);
        let reoffenders = outcomes.iter().filter(|o| o.reoffended()).count();
        let reoffenders = u32::try_from(reoffenders).unwrap_or(u32::MAX);
        let offences_before = outcomes.iter().map(|o| o.offences_before).sum();
        let offences_after: u32 = outcomes.iter().map(|o| o.offences_after).sum();
        let provisional_members = outcomes.iter().filter(|o| o.provisional).count();
        let provisional_members = u32::try_from(provisional_members).unwrap_or(u32::MAX);
        let share = |n: u32| (members > 0).then(|| f64::from(n) / f64::from(members));
        CohortMeasures {
            members,
            reoffenders,
            binary_rate: share(reoffenders),
            frequency_per_100: share(offences_after).map(|f| f * 100.0),
            offences_before,
            offences_after,
            harm_before: outcomes.iter().map(|o| o.harm_before).sum(),
            harm_after: outcomes.iter().map(|o| o.harm_after).sum(),
            provisional_members,
            provisional: provisional_members > 0,
            outcomes,
        }
    }
}

/// The members who entered in `period` (each person once, by their first entry in
/// it), with their offences before and after entry as known on `today`. One pass over
/// the offences, so 100,000 of them are no burden.
pub fn measure(
    rule: Reoffending,
    period: Period,
    entries: &[Entry],
    offences: &[OffenceFact],
    today: NaiveDate,
) -> CohortMeasures {
    let mut first: HashMap<Uuid, Entry> = HashMap::new();
    for e in entries.iter().filter(|e| period.contains(e.entered_on)) {
        first
            .entry(e.person)
            .and_modify(|kept| {
                if (e.entered_on, e.membership) < (kept.entered_on, kept.membership) {
                    *kept = *e;
                }
            })
            .or_insert(*e);
    }
    let mut outcomes: HashMap<Uuid, MemberOutcome> = first
        .into_values()
        .map(|entry| {
            let deadline = rule.proof_deadline(rule.after(entry.entered_on));
            (
                entry.person,
                MemberOutcome {
                    entry,
                    offences_before: 0,
                    offences_after: 0,
                    harm_before: 0.0,
                    harm_after: 0.0,
                    provisional: today <= deadline,
                },
            )
        })
        .collect();
    for offence in offences {
        let Some(o) = outcomes.get_mut(&offence.person) else {
            continue;
        };
        if rule.counts(offence, rule.before(o.entry.entered_on), today) {
            o.offences_before += 1;
            o.harm_before += offence.harm();
        } else if rule.counts(offence, rule.after(o.entry.entered_on), today) {
            o.offences_after += 1;
            o.harm_after += offence.harm();
        }
    }
    let mut outcomes: Vec<MemberOutcome> = outcomes.into_values().collect();
    outcomes.sort_by_key(|o| (o.entry.entered_on, o.entry.person));
    CohortMeasures::of(outcomes)
}

/// The cohort split by a key of each member (their tier or stream at entry).
pub fn measure_by<K: Ord>(
    cohort: &CohortMeasures,
    key: impl Fn(&Entry) -> K,
) -> BTreeMap<K, CohortMeasures> {
    let mut groups: BTreeMap<K, Vec<MemberOutcome>> = BTreeMap::new();
    for o in &cohort.outcomes {
        groups.entry(key(&o.entry)).or_default().push(o.clone());
    }
    groups
        .into_iter()
        .map(|(k, v)| (k, CohortMeasures::of(v)))
        .collect()
}

/// Distinct people in a cohort, for callers that fetch offences only for them.
pub fn people(entries: &[Entry], period: Period) -> HashSet<Uuid> {
    entries
        .iter()
        .filter(|e| period.contains(e.entered_on))
        .map(|e| e.person)
        .collect()
}

#[cfg(test)]
#[path = "reoffending_tests.rs"]
mod tests;
