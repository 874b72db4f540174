//! `casework bench ...`: each module's performance figure, measured on a scratch
//! database. The code of each bench lives with its module's command; this is the menu.

use casework_store::Store;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BenchAction {
    /// Audit appends (1, 16 and 64 writers), verify, and raw SHA-256, on an empty
    /// scratch database: the events it writes can never be removed.
    Audit {
        /// Events appended per writer count.
        #[arg(long, default_value_t = 10_000)]
        events: u64,
    },
    /// Import a synthetic police.uk street-level file of `--rows` rows (checked, then
    /// stored) and compare with `sqlite3`'s `.import` of the same file.
    PoliceUk {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
    },
    /// Load a year of `--incidents` domestic abuse incidents (with earlier incidents and
    /// MARAC referrals) into a scratch database and time that year's measures, overall
    /// and by district, `--runs` times.
    DvMeasures {
        #[arg(long, default_value_t = 50_000)]
        incidents: usize,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Load `--incidents` ASB incidents into an empty scratch database (or reuse the
    /// ones it loaded before), then time the repeat-victims list and the hotspots in
    /// process and over HTTP.
    Asb {
        #[arg(long, default_value_t = 100_000)]
        incidents: u64,
        /// On PostgreSQL, time the database as loaded, without the `VACUUM ANALYZE`
        /// that autovacuum would run (as on a server whose autovacuum is off).
        #[arg(long)]
        as_loaded: bool,
    },
    /// Load an IOM cohort of `--members` (a tenth re-selected) with `--offences`
    /// offences into a scratch database and time the re-offending measures of their
    /// year, `--runs` times.
    IomReoffending {
        #[arg(long, default_value_t = 2_000)]
        members: u64,
        #[arg(long, default_value_t = 100_000)]
        offences: u64,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Load a district of `--cases` open cases (with the records each agenda reason
    /// reads) into a scratch database and time proposing an LMAPS agenda, `--runs` times.
    Lmaps {
        #[arg(long, default_value_t = 100_000)]
        cases: u64,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Load a year of `--asb-incidents` ASB incidents, `--dv-incidents` domestic abuse
    /// incidents and an IOM cohort of `--iom-members` into a scratch database and time
    /// the plan's quarterly report in process and over HTTP, `--runs` times.
    PlanReport {
        #[arg(long, default_value_t = 1_000_000)]
        asb_incidents: usize,
        #[arg(long, default_value_t = 50_000)]
        dv_incidents: usize,
        #[arg(long, default_value_t = 2_000)]
        iom_members: u64,
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

pub async fn run(store: &Store, action: BenchAction) -> anyhow::Result<()> {
    match action {
        BenchAction::Audit { events } => super::audit::bench(store, events).await,
        BenchAction::PoliceUk { rows } => super::import::bench(store, rows).await,
        BenchAction::DvMeasures { incidents, runs } => {
            super::bench_dv::run(store, incidents, runs).await
        }
        BenchAction::Asb {
            incidents,
            as_loaded,
        } => super::bench_asb::bench(store, incidents, !as_loaded).await,
        BenchAction::IomReoffending {
            members,
            offences,
            runs,
        } => super::bench_iom::run(store, members, offences, runs).await,
        BenchAction::Lmaps { cases, runs } => super::bench_lmaps::run(store, cases, runs).await,
        BenchAction::PlanReport {
            asb_incidents,
            dv_incidents,
            iom_members,
            runs,
        } => super::bench_plan::run(store, asb_incidents, dv_incidents, iom_members, runs).await,
    }
}
