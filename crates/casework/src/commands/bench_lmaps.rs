//! `casework bench lmaps`: fills a scratch database with a district of `--cases` open
//! cases (by default 100,000, with the records each agenda reason reads, plus another
//! district's and closed cases to be left out), then times proposing the agenda of a
//! meeting in that district, as creating a meeting does: one query per reason, the
//! domain's proposal, and storing the items, in one write transaction (rolled back,
//! so every run proposes from the same state). The target is under 300 ms.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use casework_domain::asb::RepeatVictimRule;
use casework_domain::calendar::uk_day;
use casework_domain::lmaps::NewMeeting;
use casework_domain::roles::Role;
use casework_store::Store;
use casework_store::users::NewUser;
use chrono::Utc;

const BENCH_USER: &str = "bench.lmaps";
const AGENCY: &str = "copeland-bc";
const DISTRICT: &str = "copeland";

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(store: &Store, cases: u64, runs: usize) -> anyhow::Result<()> {
    store.migrate_up().await.context("migrating the database")?;
    store
        .load_reference_data()
        .await
        .context("loading reference data")?;
    if store.user_by_username(BENCH_USER).await?.is_some() {
        bail!("the database already holds an LMAPS bench: give the bench a scratch database");
    }
    let by = store
        .create_user(
            store.connection(),
            NewUser {
                username: BENCH_USER.into(),
                display_name: "LMAPS agenda bench".into(),
                agency: AGENCY.into(),
                roles: [Role::Lmaps, Role::Officer].into(),
                password_hash: "!".into(),
                must_change_password: true,
            },
        )
        .await?
        .id;
    let wards = store.wards().await?;
    let (here, there): (Vec<_>, Vec<_>) = wards.into_iter().partition(|w| w.district == DISTRICT);
    let here: Vec<String> = here.into_iter().map(|w| w.code).collect();
    let there: Vec<String> = there.into_iter().map(|w| w.code).collect();
    if here.is_empty() || there.is_empty() {
        bail!("the bench needs wards in {DISTRICT} and in another district");
    }
    let today = uk_day(Utc::now());
    let loading = Instant::now();
    let load = store
        .bulk_load_lmaps_bench(AGENCY, by, &here, &there, cases, today)
        .await?;
    println!(
        "Loaded {} open cases in {DISTRICT} ({} Gold, {} repeat victims) and {} others in {}",
        load.open_in_district,
        load.gold,
        load.repeat_victims,
        load.other_cases,
        ms(loading.elapsed())
    );
    if store.vacuum_analyze().await? {
        println!("Ran VACUUM ANALYZE on PostgreSQL, as autovacuum would after the load.");
    }
    let new = NewMeeting {
        district: DISTRICT.into(),
        held_on: today,
        invited_agencies: [AGENCY.to_string()].into(),
    };
    let meeting = {
        let txn = store.begin_write().await?;
        let meeting = store
            .create_lmaps_meeting(&txn, &new, by, Utc::now())
            .await?;
        txn.commit().await?;
        meeting
    };
    let repeat = RepeatVictimRule::from_settings(&store.settings().await?);
    let mut signals_times = Vec::new();
    let mut propose_times = Vec::new();
    let mut items = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let signals = store
            .lmaps_signals(store.connection(), DISTRICT, today, repeat, today)
            .await?;
        signals_times.push(started.elapsed());
        let started = Instant::now();
        let txn = store.begin_write().await?;
        items = store
            .propose_lmaps_agenda(&txn, &meeting, today)
            .await?
            .len();
        propose_times.push(started.elapsed());
        txn.rollback().await?;
        if signals.is_empty() {
            bail!("no agenda facts found: the load went wrong");
        }
    }
    signals_times.sort();
    propose_times.sort();
    let median = |t: &[Duration]| t[t.len() / 2];
    println!(
        "Agenda facts (one query per reason) on {:?}: median {}, best {}, worst {} over {} runs",
        store.backend(),
        ms(median(&signals_times)),
        ms(signals_times[0]),
        ms(signals_times[signals_times.len() - 1]),
        signals_times.len()
    );
    println!(
        "Agenda proposed and stored ({items} items): median {}, best {}, worst {}",
        ms(median(&propose_times)),
        ms(propose_times[0]),
        ms(propose_times[propose_times.len() - 1]),
    );
    Ok(())
}
