pub mod audit;
pub mod bench;
mod bench_asb;
mod bench_dv;
mod bench_http;
mod bench_iom;
mod bench_lmaps;
mod bench_plan;
pub mod import;
mod import_offences;
mod migrate;
mod plan;
mod serve;
mod user;

use anyhow::Context;
use casework_store::Store;

use crate::cli::{Cli, Command};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database.database_url;
    match cli.command {
        Command::Serve(args) => serve::run(&url, args).await,
        // Keygen needs no database: keys are made away from the database server.
        Command::Audit {
            action: audit::AuditAction::Keygen { private, public },
        } => audit::keygen(&private, &public),
        Command::Audit { action } => audit::run(&open(&url).await?, action).await,
        Command::Bench { what } => bench::run(&open(&url).await?, what).await,
        Command::Migrate { action } => migrate::run(&open(&url).await?, action).await,
        Command::Plan { action } => plan::run(&open(&url).await?, action).await,
        Command::Import { what } => import::run(&open_ready(&url).await?, what).await,
        Command::User { action } => user::run(&open_ready(&url).await?, action).await,
        Command::Demo => {
            let store = open_ready(&url).await?;
            let password = casework_web::auth::bootstrap::ensure_demo_users(&store).await?;
            println!("Demo accounts are ready; every one has the password '{password}'.");
            Ok(())
        }
    }
}

/// Opens the database, brings its schema up to date and tops up the reference
/// data and the built-in plan. Every command starts here, so any of them works on
/// a brand-new database.
pub async fn open_ready(url: &str) -> anyhow::Result<Store> {
    let store = open(url).await?;
    store.migrate_up().await.context("migrating the database")?;
    store
        .load_reference_data()
        .await
        .context("loading reference data")?;
    store
        .load_lsoas()
        .await
        .context("loading LSOA boundaries")?;
    store
        .load_built_in_plan()
        .await
        .context("loading the built-in plan")?;
    Ok(store)
}

async fn open(url: &str) -> anyhow::Result<Store> {
    Ok(Store::connect(url).await?)
}
