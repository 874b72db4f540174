//! `casework import police-uk FILE...`: load police.uk street-level crime files.
//!
//! The files go in together, in one write transaction: each is checked and imported in
//! one pass, with its audit event, replacing the months it holds, so importing it
//! again changes nothing. One bad line anywhere and nothing is imported; every bad
//! line of every file is reported.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use casework_audit::{AuditAction, NewAuditEvent, append};
use casework_domain::open_data::{
    DEFAULT_CRIME_TYPE, DEFAULT_DISTRICT_PREFIXES, format_month, parse_month,
};
use casework_store::Store;
use casework_store::open_data::{ImportCheck, check_police_uk};
use clap::Subcommand;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// police.uk street-level files (`YYYY-MM-force-street.csv`). Rows outside the
    /// partnership's districts are skipped; a month already imported is replaced.
    PoliceUk {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Offences per person from a CSV file (columns in docs/iom.md); nothing is
    /// imported if any row is bad.
    Offences {
        file: PathBuf,
        /// The user to record the offences as (otherwise the command line).
        #[arg(long)]
        recorded_by: Option<String>,
    },
}

/// Who did it: whoever runs the command on the server's shell.
fn shell_user() -> String {
    let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    format!("command line ({who})")
}

fn open(path: &Path) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::new(file))
}

pub async fn run(store: &Store, what: ImportWhat) -> anyhow::Result<()> {
    match what {
        ImportWhat::PoliceUk { files } => police_uk(store, &files).await,
        ImportWhat::Offences { file, recorded_by } => {
            super::import_offences::run(store, &file, recorded_by.as_deref()).await
        }
    }
}

async fn police_uk(store: &Store, files: &[PathBuf]) -> anyhow::Result<()> {
    let prefixes = DEFAULT_DISTRICT_PREFIXES;
    let user = shell_user();
    let txn = store.begin_write().await?;
    let mut imported: Vec<(&PathBuf, ImportCheck)> = Vec::new();
    let mut bad_files = 0;
    for path in files {
        // Once a file is bad nothing will be stored: the rest are only checked.
        let check = if bad_files == 0 {
            store
                .check_and_import_police_uk(&txn, open(path)?, &prefixes, &user)
                .await
                .with_context(|| format!("importing {}", path.display()))?
        } else {
            check_police_uk(open(path)?, &prefixes)
        };
        if !check.is_clean() {
            bad_files += 1;
            for error in &check.errors {
                eprintln!("{}: {error}", path.display());
            }
            if check.error_count > check.errors.len() as u64 {
                eprintln!(
                    "{}: ... and {} more bad lines",
                    path.display(),
                    check.error_count - check.errors.len() as u64
                );
            }
            continue;
        }
        let months: Vec<String> = check.months().into_iter().map(format_month).collect();
        let mut event = NewAuditEvent::new(AuditAction::Create)
            .entity("police-uk-import", months.join(","))
            .summary(json!({
                "file": path.file_name().map(|n| n.to_string_lossy().to_string()),
                "months": months,
                "rows_read": check.rows_read,
                "rows_kept": check.rows_kept,
                "rows_without_location": check.rows_without_location,
            }));
        event.actor_username = Some(user.clone());
        append(&txn, vec![event]).await?;
        imported.push((path, check));
    }
    if bad_files > 0 {
        txn.rollback().await?;
        bail!(
            "{bad_files} of {} file(s) have bad lines: nothing was imported",
            files.len()
        );
    }
    txn.commit().await?;
    for (path, check) in imported {
        let months: Vec<String> = check.months().into_iter().map(format_month).collect();
        println!(
            "{}: months {}; {} rows read, {} kept (in the partnership's districts), {} without location",
            path.display(),
            months.join(", "),
            check.rows_read,
            check.rows_kept,
            check.rows_without_location
        );
    }
    Ok(())
}

/// `casework bench police-uk --rows N`: writes a synthetic street-level file of `rows`
/// rows (every LSOA of Allerdale and Copeland, and a third of the rows elsewhere in
/// Cumbria, as in a real force file), checks and imports it as `import police-uk`
/// does, and times `sqlite3`'s `.import` of the same file into a plain table.
/// The synthetic file's year: far ahead, so it never replaces a real month.
const BENCH_MONTHS: [&str; 12] = [
    "2098-02", "2098-03", "2098-04", "2098-05", "2098-06", "2098-07", "2098-08", "2098-09",
    "2098-10", "2098-11", "2098-12", "2099-01",
];

pub async fn bench(store: &Store, rows: u64) -> anyhow::Result<()> {
    use std::io::Write;
    use std::time::Instant;

    store.migrate_up().await.context("migrating the database")?;
    store
        .load_lsoas()
        .await
        .context("loading LSOA boundaries")?;
    let lsoas = store.lsoas().await?;
    if lsoas.is_empty() {
        bail!("no LSOAs stored");
    }
    let dir = std::env::temp_dir().join(format!("casework-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("2099-01-bench-street.csv");
    {
        let mut out = std::io::BufWriter::new(File::create(&path)?);
        out.write_all(
            b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,\
              LSOA code,LSOA name,Crime type,Last outcome category,Context\r\n",
        )?;
        let types = [
            "Anti-social behaviour",
            "Violence and sexual offences",
            "Criminal damage and arson",
            "Burglary",
            "Shoplifting",
        ];
        for i in 0..rows {
            let crime_type = types[(i % types.len() as u64) as usize];
            let (code, name) = if i % 3 == 2 {
                ("E01019200".to_string(), "Carlisle 001A".to_string())
            } else {
                let lsoa = &lsoas[(i % lsoas.len() as u64) as usize];
                (lsoa.code.clone(), lsoa.name.clone())
            };
            let (id, outcome) = if crime_type == types[0] {
                (String::new(), "")
            } else {
                (
                    format!("{i:064x}"),
                    "Investigation complete; no suspect identified",
                )
            };
            // A year, month after month as police.uk publishes it (a file a month),
            // so the map can be timed over a year.
            let month = BENCH_MONTHS[usize::try_from(i * 12 / rows).unwrap_or(11).min(11)];
            let lon = -3.5 + (i % 1000) as f64 / 2000.0;
            let lat = 54.5 + (i % 997) as f64 / 2000.0;
            write!(
                out,
                "{id},{month},Cumbria Constabulary,Cumbria Constabulary,{lon:.6},{lat:.6},\
                 On or near Main Street,{code},{name},{crime_type},{outcome},\r\n"
            )?;
        }
        out.flush()?;
    }
    let bytes = std::fs::metadata(&path)?.len();
    println!(
        "police.uk bench on {:?}: {rows} rows, {:.1} MB",
        store.backend(),
        bytes as f64 / 1e6
    );
    let prefixes = DEFAULT_DISTRICT_PREFIXES;
    let started = Instant::now();
    let txn = store.begin_write().await?;
    let check = store
        .check_and_import_police_uk(&txn, open(&path)?, &prefixes, "bench")
        .await?;
    if !check.is_clean() {
        bail!(
            "the synthetic file did not check: {:?}",
            check.errors.first()
        );
    }
    txn.commit().await?;
    let total = started.elapsed();
    let rate = |n: u64, secs: f64| n as f64 / secs.max(1e-9);
    println!(
        "check + import, one pass: {:.2} s ({:.0} rows read/s, {} rows stored, {:.0} stored/s)",
        total.as_secs_f64(),
        rate(check.rows_read, total.as_secs_f64()),
        check.rows_kept,
        rate(check.rows_kept, total.as_secs_f64()),
    );
    let (first, last) = (BENCH_MONTHS[0], BENCH_MONTHS[11]);
    let year = (
        parse_month(first).context("bench month")?,
        parse_month(last).context("bench month")?,
    );
    for district in [None, Some("copeland")] {
        let started = Instant::now();
        let counts = store
            .police_uk_counts(year.0, year.1, district, DEFAULT_CRIME_TYPE)
            .await?;
        println!(
            "counts per LSOA for {first} to {last} ({}), the map's query: {:.1} ms, {} LSOAs",
            district.unwrap_or("both districts"),
            started.elapsed().as_secs_f64() * 1e3,
            counts.len()
        );
    }
    let scratch = dir.join("sqlite3-import.db");
    let script = format!(
        "CREATE TABLE t(crime_id, month, reported_by, falls_within, longitude, latitude, \
         location, lsoa_code, lsoa_name, crime_type, outcome, context);\n\
         .mode csv\n.import --skip 1 {} t\n",
        path.display()
    );
    let started = Instant::now();
    let sqlite3 = std::process::Command::new("sqlite3")
        .arg(&scratch)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(script.as_bytes())?;
            }
            child.wait()
        });
    match sqlite3 {
        Ok(status) if status.success() => {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "sqlite3 .import of the same file into a plain table: {secs:.2} s ({:.0} rows/s)",
                rate(rows, secs)
            );
        }
        Ok(status) => println!("sqlite3 .import failed: {status}"),
        Err(err) => println!("sqlite3 not run ({err}); install it to compare"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
