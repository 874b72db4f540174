//! `casework bench dv-measures`: fills a scratch database with a year of domestic abuse
//! records (50,000 incidents by default, with the earlier incidents and MARAC referrals
//! a partnership would hold), then times the measures of that year for the whole
//! partnership and by district, as `GET /api/v1/dv/measures` computes them.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use casework_domain::calendar::{FinancialYear, Period, uk_midnight};
use casework_domain::dv::{MaracReason, RepeatVictimisation, ReportedBy, measures_by_area};
use casework_domain::roles::Role;
use casework_domain::settings::Settings;
use casework_store::Store;
use casework_store::dv::{BulkIncident, BulkReferral, BulkVictim};
use casework_store::users::NewUser;
use chrono::{DateTime, Duration as Days, Utc};
use uuid::Uuid;

const BENCH_USER: &str = "bench.dv";
const OWNER: &str = "cumbria-constabulary";

/// Repeatable pseudo-random numbers (xorshift64), so every run loads the same records.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or_default()
    }

    /// True about `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

pub async fn run(store: &Store, incidents: usize, runs: usize) -> anyhow::Result<()> {
    store.migrate_up().await.context("migrating the database")?;
    store
        .load_reference_data()
        .await
        .context("loading reference data")?;
    if store.dv_case_count().await? > 0 {
        bail!("the database already holds domestic abuse cases: give the bench a scratch database");
    }
    let by = match store.user_by_username(BENCH_USER).await? {
        Some(user) => user.id,
        None => {
            store
                .create_user(
                    store.connection(),
                    NewUser {
                        username: BENCH_USER.into(),
                        display_name: "DV measures bench".into(),
                        agency: OWNER.into(),
                        roles: [Role::DvSpecialist].into(),
                        password_hash: "!".into(),
                        must_change_password: true,
                    },
                )
                .await?
                .id
        }
    };
    let wards = store.wards().await?;
    if wards.is_empty() {
        bail!("no wards stored");
    }

    // 2012-13, the plan's year. Victims: about three in five incidents are a victim's
    // only one that year; the rest fall on a smaller group, many of them repeats.
    let year = FinancialYear::starting(2012);
    let period = Period {
        from: year.first_day(),
        to: year.last_day(),
    };
    let start = uk_midnight(period.from);
    let seconds_in_year = (uk_midnight(period.to + Days::days(1)) - start).num_seconds();
    let earlier_start = start - Days::days(3 * 365);
    let mut dice = Dice(0x2012_0401_dead_beef);
    let victim_count = incidents * 3 / 5;
    let frequent = victim_count / 4;
    let victims: Vec<BulkVictim> = (0..victim_count)
        .map(|n| {
            let ward = &wards[dice.below(wards.len())];
            BulkVictim {
                person_id: Uuid::new_v4(),
                case_id: Uuid::new_v4(),
                forename: format!("Victim{n}"),
                surname: "Bench".into(),
                ward: ward.code.clone(),
                opened_at: start,
            }
        })
        .collect();
    let mut rows = Vec::with_capacity(incidents + incidents / 3);
    for n in 0..incidents {
        let v = if n < victim_count {
            &victims[n]
        } else {
            &victims[dice.below(frequent)]
        };
        let reported_by = match dice.below(10) {
            0 => ReportedBy::Victim,
            1 | 2 => ReportedBy::Agency,
            _ => ReportedBy::Police,
        };
        rows.push(BulkIncident {
            case_id: v.case_id,
            ward: v.ward.clone(),
            victim_id: v.person_id,
            occurred_at: moment(&mut dice, start, seconds_in_year),
            reported_by,
            arrest_made: dice.chance(30),
            children_present: dice.chance(25),
        });
    }
    // Earlier incidents (the three years before) for a third as many, mostly the
    // frequent victims: the look-back and first-time reports need them.
    for _ in 0..incidents / 3 {
        let v = if dice.chance(70) {
            &victims[dice.below(frequent)]
        } else {
            &victims[dice.below(victim_count)]
        };
        rows.push(BulkIncident {
            case_id: v.case_id,
            ward: v.ward.clone(),
            victim_id: v.person_id,
            occurred_at: moment(&mut dice, earlier_start, 3 * 365 * 86_400),
            reported_by: ReportedBy::Police,
            arrest_made: dice.chance(30),
            children_present: dice.chance(25),
        });
    }
    // MARAC referrals for about one incident in twenty-five, a quarter of them repeats;
    // at most one a victim a day, as the schema holds.
    let mut referred = std::collections::HashSet::new();
    let mut referrals = Vec::new();
    for incident in rows.iter().take(incidents) {
        if !dice.chance(4) {
            continue;
        }
        let day = casework_domain::calendar::uk_day(incident.occurred_at);
        if referred.insert((incident.victim_id, day)) {
            let is_repeat = dice.chance(25);
            let mut reasons = vec![MaracReason::VisibleHighRisk];
            if is_repeat {
                reasons.push(MaracReason::Repeat);
            }
            referrals.push(BulkReferral {
                case_id: incident.case_id,
                victim_id: incident.victim_id,
                referred_on: day,
                reasons,
                is_repeat,
            });
        }
    }
    println!(
        "dv-measures bench on {:?}: {} incidents in {year} and {} before it, {} victims, {} MARAC referrals",
        store.backend(),
        incidents,
        rows.len() - incidents,
        victims.len(),
        referrals.len()
    );
    let loading = Instant::now();
    store
        .bulk_load_dv(OWNER, by, &victims, &rows, &referrals)
        .await
        .context("loading the records")?;
    println!("loaded in {:.1} s", loading.elapsed().as_secs_f64());

    let rule = RepeatVictimisation::from_settings(&Settings::default());
    let mut totals = Vec::new();
    for run in 1..=runs.max(1) {
        let started = Instant::now();
        let facts = store.dv_measure_facts(period).await?;
        let fetched = started.elapsed();
        let found = measures_by_area(
            period,
            &facts.incidents,
            &facts.earlier,
            &facts.referrals,
            rule,
        );
        let total = started.elapsed();
        let m = &found.overall;
        println!(
            "run {run}: {:.1} ms (3 queries {:.1} ms, {} + {} rows; counting {:.1} ms): \
             {} incidents, {} arrests, {} first-time victims, {} with a repeat victim, \
             {} referrals ({} repeat); {}",
            ms(total),
            ms(fetched),
            facts.incidents.len(),
            facts.earlier.len(),
            ms(total - fetched),
            m.incidents,
            m.arrests,
            m.first_time_victims,
            m.incidents_with_repeat_victim,
            m.marac_referrals,
            m.repeat_marac_referrals,
            found
                .areas
                .iter()
                .map(|(district, d)| format!("{district} {} incidents", d.incidents))
                .collect::<Vec<_>>()
                .join(", ")
        );
        totals.push(total);
    }
    totals.sort();
    println!(
        "measures of the year, overall and by district: fastest {:.1} ms, median {:.1} ms, slowest {:.1} ms over {} runs",
        ms(totals[0]),
        ms(totals[totals.len() / 2]),
        ms(totals[totals.len() - 1]),
        totals.len()
    );
    Ok(())
}

/// A moment up to `seconds` after `from`.
fn moment(dice: &mut Dice, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    let offset = dice.next() % u64::try_from(seconds.max(1)).unwrap_or(1);
    from + Days::seconds(i64::try_from(offset).unwrap_or(0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
