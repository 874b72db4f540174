//! `casework bench iom-reoffending`: fills a scratch database with an IOM cohort
//! (2,000 members entering over 2012-13 by default, a tenth of them re-selected, and
//! 100,000 offences spread over the years either side), then times the re-offending
//! measures of that year as `GET /api/v1/iom/reoffending` computes them: the facts
//! read from the database, and the counting in `casework_domain::iom`.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use casework_domain::calendar::{FinancialYear, Period};
use casework_domain::iom::{
    Membership, Offence, Outcome, Reoffending, Stream, Tier, TierChange, measure, measure_by,
};
use casework_domain::people::PersonDetails;
use casework_domain::roles::Role;
use casework_domain::settings::Settings;
use casework_store::Store;
use casework_store::iom::{ImportedOffence, NewIomMember};
use casework_store::people::Creator;
use casework_store::users::NewUser;
use chrono::{Days, NaiveDate, Utc};

const BENCH_USER: &str = "bench.iom";
const OWNER: &str = "iom-team";

/// Repeatable pseudo-random numbers (xorshift64), so every run loads the same records.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn day(from: NaiveDate, days: u64) -> NaiveDate {
    from.checked_add_days(Days::new(days)).unwrap_or(from)
}

pub async fn run(store: &Store, members: u64, offences: u64, runs: usize) -> anyhow::Result<()> {
    store.migrate_up().await.context("migrating the database")?;
    store
        .load_reference_data()
        .await
        .context("loading reference data")?;
    if store.user_by_username(BENCH_USER).await?.is_some() {
        bail!("the database already holds an IOM bench: give the bench a scratch database");
    }
    let by = store
        .create_user(
            store.connection(),
            NewUser {
                username: BENCH_USER.into(),
                display_name: "IOM re-offending bench".into(),
                agency: OWNER.into(),
                roles: [Role::Iom].into(),
                password_hash: "!".into(),
                must_change_password: true,
            },
        )
        .await?
        .id;
    let wards = store.wards().await?;
    if wards.is_empty() {
        bail!("no wards stored");
    }
    let year = FinancialYear::starting(2012);
    let period = Period {
        from: year.first_day(),
        to: year.last_day(),
    };
    let mut dice = Dice(0x1f0a_2012);
    let loading = Instant::now();
    let txn = store.begin_write().await?;
    let mut people = Vec::new();
    for i in 0..members {
        let ward = &wards[usize::try_from(i).unwrap_or_default() % wards.len()];
        let details = PersonDetails {
            forename: format!("Member{i}"),
            surname: "Bench".into(),
            date_of_birth: None,
            address: None,
            ward: Some(ward.code.clone()),
        };
        let person = store
            .create_person(
                &txn,
                &details,
                Creator {
                    user_id: by,
                    agency: OWNER,
                },
            )
            .await?
            .id;
        // A tenth were in the cohort before and come back in this year.
        let entered_on = day(period.from, dice.below(365));
        let stream = Stream::ALL[usize::try_from(dice.below(3)).unwrap_or_default()];
        let tier = Tier::ALL[usize::try_from(dice.below(3)).unwrap_or_default()];
        let mut entries = vec![entered_on];
        if i % 10 == 0 {
            entries.insert(0, day(year.first_day(), 0) - Days::new(200));
        }
        for (n, on) in entries.iter().enumerate() {
            let member = store
                .select_iom_member(
                    &txn,
                    NewIomMember {
                        person_id: person,
                        membership: Membership {
                            entered_on: *on,
                            stream,
                            tiers: vec![TierChange {
                                on: *on,
                                tier,
                                reason: None,
                            }],
                            deselected: None,
                        },
                        selection_reason: None,
                        ward: None,
                        owner_agency: OWNER.into(),
                        logged_by: by,
                        lead_officer: Some(by),
                        police_lead: None,
                        probation_lead: None,
                        placement: None,
                        outreach_worker: None,
                        now: Utc::now(),
                    },
                )
                .await?;
            if n + 1 < entries.len() {
                let out = casework_domain::iom::Deselection {
                    on: *on + Days::new(30),
                    reason: "bench".into(),
                };
                store
                    .deselect_iom_member(&txn, member.case.id, &out, Utc::now())
                    .await?;
            }
        }
        people.push(person);
    }
    // Offences from two years before the year to two years after, most proven
    // within weeks, some never.
    let first = period.from - Days::new(730);
    let mut rows = Vec::with_capacity(usize::try_from(offences).unwrap_or_default());
    for i in 0..offences {
        let person = people[usize::try_from(i % members.max(1)).unwrap_or_default()];
        let committed_on = day(first, dice.below(365 * 5));
        let proven_on = (dice.below(10) > 0).then(|| day(committed_on, dice.below(200)));
        rows.push(ImportedOffence {
            person_id: person,
            offence: Offence {
                committed_on,
                proven_on,
                outcome: if dice.below(4) == 0 {
                    Outcome::Caution
                } else {
                    Outcome::Conviction
                },
                category: "theft".into(),
                harm_weight: (dice.below(2) == 0).then(|| (dice.below(500) as f64) / 10.0),
            },
        });
    }
    store
        .import_offences(&txn, &rows, Some(by), Utc::now())
        .await?;
    txn.commit().await?;
    println!(
        "IOM bench on {:?}: {members} members ({} re-selected), {offences} offences, loaded in {:.1} s",
        store.backend(),
        members.div_ceil(10),
        loading.elapsed().as_secs_f64()
    );

    let rule = Reoffending::from_settings(&Settings::default());
    let today = Utc::now().date_naive();
    let mut totals = Vec::new();
    let mut reads = Vec::new();
    let mut result = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let (entries, facts) = store
            .iom_reoffending_facts(store.connection(), period, rule)
            .await?;
        let read = started.elapsed();
        let cohort = measure(rule, period, &entries, &facts, today);
        let tiers = measure_by(&cohort, |e| e.tier);
        let streams = measure_by(&cohort, |e| e.stream);
        totals.push(started.elapsed());
        reads.push(read);
        result = Some((cohort, tiers.len(), streams.len(), facts.len()));
    }
    let Some((cohort, tiers, streams, facts)) = result else {
        bail!("no runs");
    };
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    totals.sort();
    reads.sort();
    let median = |v: &[Duration]| v.get(v.len() / 2).map(ms).unwrap_or_default();
    println!(
        "measures of {} to {}: {} members, {} re-offenders, {} before / {} after ({} offences read, {tiers} tiers, {streams} streams)",
        period.from,
        period.to,
        cohort.members,
        cohort.reoffenders,
        cohort.offences_before,
        cohort.offences_after,
        facts
    );
    println!(
        "{} runs: median {:.1} ms (database read {:.1} ms), slowest {:.1} ms",
        totals.len(),
        median(&totals),
        median(&reads),
        totals.last().map(ms).unwrap_or_default()
    );
    Ok(())
}
