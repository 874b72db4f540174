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
}

pub async fn run(store: &Store, action: BenchAction) -> anyhow::Result<()> {
    match action {
        BenchAction::Audit { events } => super::audit::bench(store, events).await,
        BenchAction::PoliceUk { rows } => super::import::bench(store, rows).await,
    }
}
