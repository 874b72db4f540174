//! `casework bench plan-report`: the plan's quarterly report on a year as large as the
//! issue asks — 1,000,000 ASB incidents, 50,000 domestic abuse incidents and an IOM
//! cohort of 2,000 — in a scratch database. The domestic abuse and IOM data are loaded
//! by their own benches (`bench dv-measures`, `bench iom-reoffending`, which also time
//! their measures once); the ASB incidents are inserted in bulk. Then the report is
//! timed in process (the store call the handlers make) and over HTTP (the JSON API
//! with a token, and the page with a session), for the first and the last quarter.

use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use casework_domain::calendar::{FinancialYear, Quarter, uk_day};
use casework_domain::roles::Role;
use casework_store::plan_report::{BulkAsbCase, BulkAsbIncident};
use casework_store::users::NewUser;
use casework_store::{Backend, ConnectionTrait, Store};
use chrono::{Duration, Utc};
use uuid::Uuid;

use super::bench_http::{http, serve, sign_in};

const BENCH_USER: &str = "bench.plan";
const OWNER: &str = "cumbria-constabulary";
/// Who reads the report: the partnership's analyst (a demo account).
const READER: &str = "analyst";
/// Incidents per write transaction while loading.
const BATCH: usize = 50_000;

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

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

pub async fn run(
    store: &Store,
    asb_incidents: usize,
    dv_incidents: usize,
    iom_members: u64,
    runs: usize,
) -> anyhow::Result<()> {
    store.migrate_up().await.context("migrating the database")?;
    store
        .load_reference_data()
        .await
        .context("loading reference data")?;
    store
        .load_built_in_plan()
        .await
        .context("loading the plan")?;
    if store.user_by_username(BENCH_USER).await?.is_some() {
        bail!("the database already holds a plan report bench: give the bench a scratch database");
    }
    let started = Instant::now();
    println!("Loading {dv_incidents} domestic abuse incidents (bench dv-measures):");
    super::bench_dv::run(store, dv_incidents, 1).await?;
    println!("Loading an IOM cohort of {iom_members} (bench iom-reoffending):");
    super::bench_iom::run(store, iom_members, 100_000, 1).await?;
    load_asb(store, asb_incidents).await?;
    if store.backend() == Backend::Postgres {
        // As autovacuum would after a bulk load (see docs/performance.md).
        store
            .connection()
            .execute_unprepared("VACUUM ANALYZE")
            .await?;
    }
    println!(
        "Loaded everything in {:.1} s.",
        started.elapsed().as_secs_f64()
    );

    let year = FinancialYear::starting(2012);
    let today = uk_day(Utc::now());
    for quarter in [Quarter::Q1, Quarter::Q4] {
        time(
            &format!("report {quarter:?}, in process"),
            runs,
            || async move {
                let report = store
                    .plan_report(year, quarter, today)
                    .await?
                    .context("no plan stored")?;
                let rows: usize = report
                    .priorities
                    .iter()
                    .flat_map(|p| p.aims.iter().flat_map(|a| a.measures.iter()))
                    .map(|m| m.rows.len())
                    .sum();
                Ok(format!("{rows} measure rows"))
            },
        )
        .await?;
    }
    measure_http(store, year, runs).await
}

/// A year of ASB: cases spread over the partnership's wards, incidents through the
/// year (criminal damage and deliberate fires among them), a third with a victim
/// drawn mostly from a smaller group, so that thousands are repeat victims.
async fn load_asb(store: &Store, incidents: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let by = store
        .create_user(
            store.connection(),
            NewUser {
                username: BENCH_USER.into(),
                display_name: "Plan report bench".into(),
                agency: OWNER.into(),
                roles: [Role::Officer].into(),
                password_hash: "!".into(),
                must_change_password: true,
            },
        )
        .await?
        .id;
    let wards: Vec<String> = store.wards().await?.into_iter().map(|w| w.code).collect();
    if wards.is_empty() {
        bail!("no wards stored");
    }
    let year = FinancialYear::starting(2012);
    let start = casework_domain::calendar::uk_midnight(year.first_day());
    let seconds = (casework_domain::calendar::uk_midnight(year.last_day() + Duration::days(1))
        - start)
        .num_seconds();
    let mut dice = Dice(0x00a5_b2012);
    let case_count = (incidents / 10).max(1);
    let cases: Vec<BulkAsbCase> = (0..case_count)
        .map(|n| BulkAsbCase {
            case_id: Uuid::new_v4(),
            person_id: Uuid::new_v4(),
            sequence: i32::try_from(n + 1).unwrap_or(i32::MAX),
            ward: wards[n % wards.len()].clone(),
            opened_at: start,
        })
        .collect();
    store.bulk_insert_asb_cases(&cases, by, OWNER).await?;
    // Victims: the cases' people. A fifth of them are persistent.
    let persistent = (case_count / 5).max(1);
    let types = casework_domain::asb::STANDARD_TYPES;
    let mut loaded = 0;
    while loaded < incidents {
        let n = BATCH.min(incidents - loaded);
        let batch: Vec<BulkAsbIncident> = (0..n)
            .map(|_| {
                let case = &cases[dice.below(case_count)];
                let at = start
                    + Duration::seconds(
                        i64::try_from(dice.next() % seconds.max(1) as u64).unwrap_or_default(),
                    );
                let kind = match dice.below(100) {
                    0..15 => casework_domain::asb::CRIMINAL_DAMAGE,
                    15..20 => casework_domain::asb::DELIBERATE_FIRE,
                    _ => types[dice.below(types.len())],
                };
                let victim = dice.chance(33).then(|| {
                    if dice.chance(60) {
                        cases[dice.below(persistent)].person_id
                    } else {
                        cases[dice.below(case_count)].person_id
                    }
                });
                BulkAsbIncident {
                    case_id: case.case_id,
                    occurred_at: at,
                    incident_type: kind,
                    ward: wards[dice.below(wards.len())].clone(),
                    alcohol_related: dice.chance(20),
                    youth_related: dice.chance(25),
                    victim,
                }
            })
            .collect();
        store.bulk_insert_asb_incidents(&batch, by, OWNER).await?;
        loaded += n;
    }
    println!(
        "Loaded {incidents} ASB incidents on {case_count} cases in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Times `run` `runs` times after one untimed run and prints the median, min and max.
async fn time<F, Fut>(label: &str, runs: usize, mut run: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    let note = run().await?;
    let runs = runs.max(1);
    let mut took = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        run().await?;
        took.push(started.elapsed());
    }
    took.sort_unstable();
    let ms = |d: StdDuration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({runs} runs; {note})",
        ms(took[runs / 2]),
        ms(took[0]),
        ms(took[runs - 1]),
    );
    Ok(())
}

/// The report over HTTP from a server started in process: the JSON API with a token,
/// the page and the CSV with a session, as the partnership's analyst.
async fn measure_http(store: &Store, year: FinancialYear, runs: usize) -> anyhow::Result<()> {
    let password = casework_web::auth::bootstrap::ensure_demo_users(store).await?;
    let (address, server) = serve(store).await?;
    let body = serde_json::json!({"username": READER, "password": password}).to_string();
    let reply = http(
        address,
        "POST",
        "/api/v1/auth/token",
        &[("Content-Type", "application/json")],
        &body,
    )
    .await?;
    if reply.status != 200 {
        bail!("the token request answered {}", reply.status);
    }
    let token: serde_json::Value = serde_json::from_str(&reply.body)?;
    let bearer = format!(
        "Bearer {}",
        token["token"].as_str().context("no token in the answer")?
    );
    let cookie = sign_in(address, READER, &password).await?;
    for quarter in ["Q1", "Q4"] {
        for (path, header) in [
            (
                format!("/api/v1/plan/{year}/report?quarter={quarter}"),
                ("Authorization", bearer.as_str()),
            ),
            (
                format!("/plan/{year}/report?quarter={quarter}"),
                ("Cookie", cookie.as_str()),
            ),
            (
                format!("/plan/{year}/report.csv?quarter={quarter}"),
                ("Cookie", cookie.as_str()),
            ),
        ] {
            let path = path.as_str();
            time(&format!("GET {path}"), runs, || async move {
                let reply = http(address, "GET", path, &[header], "").await?;
                if reply.status != 200 {
                    bail!("{path} answered {}", reply.status);
                }
                Ok(format!("{} bytes", reply.body.len()))
            })
            .await?;
        }
    }
    server.abort();
    Ok(())
}
