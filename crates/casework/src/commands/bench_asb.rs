//! `casework bench asb`: the repeat-victims list and the hotspots as their pages run
//! them, with `--incidents` ASB incidents in a scratch database. The incidents are
//! logged the way officers log them (people, cases, shares and incidents through the
//! store), spread over the partnership's wards and the last two years, with a pool of
//! persistent victims so that a few thousand are repeat victims. Each measurement is
//! timed in process (the store calls each page makes) and over HTTP (a signed-in
//! officer fetching each page from a server started in process).

use std::collections::{HashMap, HashSet};
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use casework_domain::access::Actor;
use casework_domain::asb::hotspot::default_hotspot_period;
use casework_domain::asb::{
    Category, ContactStandard, Incident, Perpetrators, RepeatVictimRule, rank_hotspots,
};
use casework_domain::calendar::{Period, uk_day};
use casework_domain::people::PersonDetails;
use casework_domain::roles::Role;
use casework_store::Store;
use casework_store::asb::NewAsbCase;
use casework_store::people::Creator;
use casework_store::users::NewUser;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::bench_http::{http, serve, sign_in};

/// Timed runs of each measurement, after two untimed ones.
const RUNS: usize = 20;
/// The page size of the repeat-victims page.
const PER_PAGE: u64 = 25;
/// Who the bench reads as: a police officer, who sees the cases the constabulary owns
/// and those shared with it.
const READER: &str = "police.officer";
/// Operations per write transaction while loading.
const BATCH: usize = 2_000;

/// The wards (all seven the plan names) and how often ASB happens in each.
const WARDS: [(&str, u64); 7] = [
    ("harbour", 24),
    ("mirehouse", 18),
    ("moss-bay", 16),
    ("st-michaels", 14),
    ("john-st-johns", 11),
    ("hensingham", 9),
    ("sandwith", 8),
];

const TYPES: [(&str, Category, u64); 10] = [
    ("rowdy-behaviour", Category::Nuisance, 30),
    ("neighbour-dispute", Category::Personal, 14),
    ("harassment", Category::Personal, 10),
    ("noise", Category::Nuisance, 12),
    ("criminal-damage", Category::Environmental, 11),
    ("deliberate-fire", Category::Environmental, 4),
    ("vehicle-nuisance", Category::Nuisance, 7),
    ("drug-related", Category::Nuisance, 5),
    ("littering-dumping", Category::Environmental, 5),
    ("other", Category::Nuisance, 2),
];

const FORENAMES: [&str; 20] = [
    "Alex", "Bethany", "Callum", "Dawn", "Ewan", "Fiona", "Gary", "Hannah", "Ian", "Jade", "Kyle",
    "Leanne", "Martin", "Nicola", "Owen", "Paula", "Rhys", "Shona", "Tom", "Wendy",
];
const SURNAMES: [&str; 20] = [
    "Armstrong",
    "Bell",
    "Carr",
    "Dixon",
    "Elliott",
    "Fletcher",
    "Graham",
    "Hodgson",
    "Irving",
    "Jackson",
    "Kerr",
    "Little",
    "Moore",
    "Nixon",
    "Pattinson",
    "Robinson",
    "Scott",
    "Tyson",
    "Walker",
    "Young",
];

/// Repeatable pseudo-random numbers without a dependency (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn weighted<T: Copy>(&mut self, choices: &[(T, u64)]) -> T {
        let total: u64 = choices.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total);
        for (choice, weight) in choices {
            if pick < *weight {
                return *choice;
            }
            pick -= weight;
        }
        choices[0].0
    }
}

/// An incident to log, before its victim has a case.
struct Planned {
    victim: usize,
    occurred_at: DateTime<Utc>,
    reported_at: DateTime<Utc>,
    ward: &'static str,
    kind: usize,
    alcohol: bool,
    youth: bool,
}

pub async fn bench(store: &Store, incidents: u64, vacuum: bool) -> anyhow::Result<()> {
    store.migrate_up().await.context("migrating the database")?;
    store
        .load_reference_data()
        .await
        .context("loading reference data")?;
    let password = casework_web::auth::bootstrap::ensure_demo_users(store).await?;
    let held = incidents_held(store).await?;
    if held == 0 {
        load(store, incidents).await?;
    } else if held == incidents {
        println!("The database holds {held} ASB incidents already: timing them as they are.");
    } else {
        bail!(
            "the database holds {held} ASB incidents, not {incidents}: give the bench an empty \
             scratch database (or the one it filled before)"
        );
    }
    if vacuum && store.vacuum_analyze().await? {
        println!("Ran VACUUM ANALYZE on PostgreSQL, as autovacuum would after the load.");
    } else if store.backend() == casework_store::Backend::Postgres {
        println!("Timing PostgreSQL as loaded: no VACUUM ANALYZE first.");
    }
    let reader = store
        .user_by_username(READER)
        .await?
        .context("the demo officer is missing")?;
    measure_store(store, &reader.actor()).await?;
    measure_http(store, &password).await
}

/// ASB incidents on record, whenever they happened.
async fn incidents_held(store: &Store) -> anyhow::Result<u64> {
    let all = Period {
        from: NaiveDate::from_ymd_opt(1900, 1, 1).context("date")?,
        to: NaiveDate::from_ymd_opt(2999, 12, 31).context("date")?,
    };
    Ok(store
        .asb_ward_counts(all, None)
        .await?
        .iter()
        .map(|w| w.incidents)
        .sum())
}

/// The agencies that open cases in each district, with the officer who logs them.
async fn case_owners(store: &Store) -> anyhow::Result<HashMap<&'static str, Vec<(String, Uuid)>>> {
    // Allerdale's council has no demo officer: the bench adds one (who cannot sign in).
    if store.user_by_username("bench.allerdale").await?.is_none() {
        store
            .create_user(
                store.connection(),
                NewUser {
                    username: "bench.allerdale".into(),
                    display_name: "Bench officer, Allerdale".into(),
                    agency: "allerdale-bc".into(),
                    roles: [Role::Officer].into(),
                    password_hash: "!".into(),
                    must_change_password: false,
                },
            )
            .await?;
    }
    let police = user(store, "police.officer").await?;
    let housing = user(store, "housing.officer").await?;
    let copeland = user(store, "council.officer").await?;
    let allerdale = user(store, "bench.allerdale").await?;
    let of = |u: &casework_store::users::User| (u.agency.clone(), u.id);
    Ok(HashMap::from([
        ("copeland", vec![of(&copeland), of(&police), of(&housing)]),
        ("allerdale", vec![of(&allerdale), of(&police), of(&housing)]),
    ]))
}

async fn user(store: &Store, name: &str) -> anyhow::Result<casework_store::users::User> {
    store
        .user_by_username(name)
        .await?
        .with_context(|| format!("user {name} is missing"))
}

fn district_of(ward: &str) -> &'static str {
    match ward {
        "moss-bay" | "st-michaels" | "john-st-johns" => "allerdale",
        _ => "copeland",
    }
}

/// Plans `incidents` incidents over two years: 30% fall on a pool of persistent
/// victims (about one in every 40 incidents' worth of people), the rest on a wide pool
/// who mostly report once or twice.
fn plan(incidents: u64, now: DateTime<Utc>) -> (Vec<&'static str>, Vec<Planned>) {
    let mut rng = Rng(0x2012_0401_5afe_c0de);
    let persistent = usize::try_from(incidents / 40).unwrap_or(1).max(1);
    let occasional = usize::try_from(incidents * 2 / 5).unwrap_or(1).max(1);
    let homes: Vec<&'static str> = (0..persistent + occasional)
        .map(|_| rng.weighted(&WARDS))
        .collect();
    let span = 730 * 24 * 3600;
    let planned = (0..incidents)
        .map(|_| {
            let victim = if rng.chance(30) {
                usize::try_from(rng.below(persistent as u64)).unwrap_or(0)
            } else {
                persistent + usize::try_from(rng.below(occasional as u64)).unwrap_or(0)
            };
            let ago = i64::try_from(rng.below(span)).unwrap_or(0) + 3600;
            let occurred_at = now - Duration::seconds(ago);
            let delay = Duration::minutes(i64::try_from(rng.below(48 * 60)).unwrap_or(0));
            let reported_at = (occurred_at + delay).min(now);
            let ward = if rng.chance(80) {
                homes[victim]
            } else {
                rng.weighted(&WARDS)
            };
            let kinds: Vec<(usize, u64)> =
                TYPES.iter().enumerate().map(|(i, t)| (i, t.2)).collect();
            Planned {
                victim,
                occurred_at,
                reported_at,
                ward,
                kind: rng.weighted(&kinds),
                alcohol: rng.chance(25),
                youth: rng.chance(30),
            }
        })
        .collect();
    (homes, planned)
}

/// Logs the planned incidents through the store, as officers would: each victim is
/// recorded, gets a case (opened when their first incident was reported, by one of
/// their district's agencies, shared with another in 15% of cases), and their
/// incidents are logged on it.
async fn load(store: &Store, incidents: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = Utc::now();
    let (homes, planned) = plan(incidents, now);
    let owners = case_owners(store).await?;
    let settings = store.settings().await?;
    let contact = ContactStandard::from_settings(&settings);
    let mut first_report: HashMap<usize, DateTime<Utc>> = HashMap::new();
    for p in &planned {
        let first = first_report.entry(p.victim).or_insert(p.reported_at);
        *first = (*first).min(p.reported_at);
    }
    let mut victims: Vec<usize> = first_report.keys().copied().collect();
    victims.sort_unstable();
    let mut rng = Rng(0xc0de_1a2d);
    // victim -> (person, case, owner agency, logger)
    let mut cases: HashMap<usize, (Uuid, Uuid, String, Uuid)> = HashMap::new();
    let mut shared = 0_u64;
    let mut txn = store.begin_write().await?;
    let mut pending = 0;
    for (n, victim) in victims.iter().enumerate() {
        let home = homes[*victim];
        let agencies = &owners[district_of(home)];
        let (agency, logger) = agencies[usize::try_from(rng.below(3)).unwrap_or(0)].clone();
        let details = PersonDetails {
            forename: FORENAMES[n % FORENAMES.len()].into(),
            surname: format!("{}{}", SURNAMES[(n / FORENAMES.len()) % SURNAMES.len()], n),
            date_of_birth: NaiveDate::from_ymd_opt(1940 + i32::try_from(n % 60).unwrap_or(0), 6, 1),
            address: None,
            ward: Some(home.into()),
        };
        let creator = Creator {
            user_id: logger,
            agency: &agency,
        };
        let person = store.create_person(&txn, &details, creator).await?;
        let opened_at = first_report[victim];
        let case = store
            .open_asb_case(
                &txn,
                NewAsbCase {
                    person_id: person.id,
                    ward: home.into(),
                    summary: None,
                    owner_agency: agency.clone(),
                    logged_by: logger,
                    lead_officer: Some(logger),
                    opened_at,
                },
            )
            .await?;
        if rng.chance(15) {
            let others: Vec<&(String, Uuid)> =
                agencies.iter().filter(|(a, _)| *a != agency).collect();
            let (to, _) = others[usize::try_from(rng.below(others.len() as u64)).unwrap_or(0)];
            store
                .share_case(
                    &txn,
                    case.id,
                    to,
                    "Joint working (bench data)",
                    logger,
                    opened_at,
                )
                .await?;
            shared += 1;
        }
        cases.insert(*victim, (person.id, case.id, agency, logger));
        pending += 1;
        if pending >= BATCH {
            txn.commit().await?;
            txn = store.begin_write().await?;
            pending = 0;
        }
    }
    for p in &planned {
        let (person, case, agency, logger) = &cases[&p.victim];
        let (kind, category, _) = TYPES[p.kind];
        let incident = Incident {
            occurred_at: p.occurred_at,
            reported_at: p.reported_at,
            reporting_agency: agency.clone(),
            category,
            incident_type: kind.into(),
            ward: p.ward.into(),
            alcohol_related: p.alcohol,
            youth_related: p.youth,
            victim_ids: vec![*person],
            perpetrators: Perpetrators::Unknown,
        };
        store
            .log_incident(&txn, *case, &incident, contact, *logger, p.reported_at)
            .await?;
        pending += 1;
        if pending >= BATCH {
            txn.commit().await?;
            txn = store.begin_write().await?;
            pending = 0;
        }
    }
    txn.commit().await?;
    let rule = RepeatVictimRule::from_settings(&settings);
    let as_of = uk_day(now);
    let window = rule.window(as_of);
    let pairs: Vec<(Uuid, NaiveDate)> = planned
        .iter()
        .map(|p| (cases[&p.victim].0, uk_day(p.occurred_at)))
        .collect();
    let repeat = rule.repeat_victims(pairs, as_of);
    let repeat_ids: HashSet<Uuid> = repeat.iter().map(|v| v.person).collect();
    let mut in_district: HashMap<&str, HashSet<Uuid>> = HashMap::new();
    for p in &planned {
        let person = cases[&p.victim].0;
        if repeat_ids.contains(&person) && window.contains(uk_day(p.occurred_at)) {
            in_district
                .entry(district_of(p.ward))
                .or_default()
                .insert(person);
        }
    }
    println!(
        "Loaded {incidents} ASB incidents over two years into {:?}: {} people, each with a \
         case ({shared} shared), in {:.1} s. Repeat victims today (all agencies): {} in all, \
         {} with an incident in Copeland, {} in Allerdale.",
        store.backend(),
        cases.len(),
        started.elapsed().as_secs_f64(),
        repeat.len(),
        in_district.get("copeland").map_or(0, HashSet::len),
        in_district.get("allerdale").map_or(0, HashSet::len),
    );
    Ok(())
}

/// Times `run` RUNS times after two untimed runs and prints min, median and max.
async fn time<F, Fut>(label: &str, mut run: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    let mut note = String::new();
    for _ in 0..2 {
        note = run().await?;
    }
    let mut took = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        run().await?;
        took.push(started.elapsed());
    }
    took.sort_unstable();
    let ms = |d: StdDuration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({RUNS} runs; {note})",
        ms(took[RUNS / 2]),
        ms(took[0]),
        ms(took[RUNS - 1]),
    );
    Ok(())
}

/// The store calls each page makes, timed in process.
async fn measure_store(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    println!("In process, as {READER} ({}):", actor.agency);
    for district in ["copeland", "allerdale"] {
        time(
            &format!("  repeat victims, {district}, page 1"),
            || async move {
                let rule = RepeatVictimRule::from_settings(&store.settings().await?);
                let found = store
                    .repeat_victims_in_district(
                        actor,
                        district,
                        rule,
                        uk_day(Utc::now()),
                        1,
                        PER_PAGE,
                    )
                    .await?;
                Ok(format!("{} listed", found.total))
            },
        )
        .await?;
    }
    for district in [None, Some("copeland")] {
        let label = format!(
            "  hotspots, {}, last whole quarter",
            district.unwrap_or("both districts")
        );
        time(&label, || async move {
            let period = default_hotspot_period(uk_day(Utc::now()));
            let now = store.asb_ward_counts(period, district).await?;
            let before = store
                .asb_ward_counts(period.previous_of_same_length(), district)
                .await?;
            let wards = store.wards().await?;
            let ranked = rank_hotspots(&now, &before);
            let incidents: u64 = ranked.iter().map(|h| h.incidents).sum();
            Ok(format!(
                "{} wards of {}, {incidents} incidents",
                ranked.len(),
                wards.len()
            ))
        })
        .await?;
    }
    Ok(())
}

/// Each page over HTTP from a server started in process, as a signed-in officer.
async fn measure_http(store: &Store, password: &str) -> anyhow::Result<()> {
    let (address, server) = serve(store).await?;
    let cookie = sign_in(address, READER, password).await?;
    println!("Over HTTP, signed in as {READER}:");
    for path in [
        "/asb/repeat-victims?district=copeland",
        "/asb/repeat-victims?district=allerdale",
        "/asb/hotspots",
        "/asb/hotspots?district=copeland",
    ] {
        let cookie = cookie.as_str();
        time(&format!("  GET {path}"), || async move {
            let reply = http(address, "GET", path, &[("Cookie", cookie)], "").await?;
            if reply.status != 200 {
                bail!("{path} answered {}", reply.status);
            }
            Ok(format!("{} bytes", reply.body.len()))
        })
        .await?;
    }
    server.abort();
    Ok(())
}
