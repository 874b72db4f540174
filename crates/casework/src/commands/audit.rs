//! `casework audit verify|checkpoint|keygen`, and the audit log's bench (`casework bench audit`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use casework_audit::{AuditError, AuditLog, bench::sample_event, bench::sha256_time, verify};
use casework_store::Store;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the whole hash chain; exit 1 naming the first bad event.
    Verify {
        /// A signed checkpoint: also catches a cut-off tail or a rebuilt chain.
        #[arg(long, requires = "public_key")]
        checkpoint: Option<PathBuf>,
        /// The public key the checkpoint was signed for (PEM).
        #[arg(long, requires = "checkpoint")]
        public_key: Option<PathBuf>,
    },
    /// Verify the chain, then sign its head (JSON to --out, or to stdout).
    Checkpoint {
        /// The private key (PEM), kept off the database server.
        #[arg(long)]
        key: PathBuf,
        /// A new file to write; an existing file is never replaced.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Make an Ed25519 key pair for checkpoints; existing files are never replaced.
    Keygen {
        #[arg(long)]
        private: PathBuf,
        #[arg(long)]
        public: PathBuf,
    },
}

/// A database error here most often means the audit tables are not there yet.
fn explain(err: AuditError) -> anyhow::Error {
    match err {
        AuditError::Db(_) | AuditError::Head(_) => {
            anyhow::Error::new(err).context("cannot read the audit log (is the database migrated?)")
        }
        other => other.into(),
    }
}

pub async fn run(store: &Store, action: AuditAction) -> anyhow::Result<()> {
    if let AuditAction::Keygen { private, public } = &action {
        return keygen(private, public);
    }
    // Read only: verify and checkpoint may run under a read-only database role.
    match action {
        AuditAction::Verify {
            checkpoint,
            public_key,
        } => {
            let checkpoint = match (checkpoint, public_key) {
                (Some(file), Some(key)) => Some(
                    casework_audit::read_checkpoint(&file, &key)
                        .with_context(|| format!("checkpoint {}", file.display()))?,
                ),
                _ => None,
            };
            let report = verify(store.connection(), checkpoint.as_ref())
                .await
                .map_err(explain)?;
            if let Some(problem) = report.problem {
                bail!("audit log broken: {problem}");
            }
            println!(
                "audit log intact: {} events checked in {:.2?} ({}); head {} {}",
                report.events_checked,
                report.elapsed,
                rate(report.events_checked as f64, report.elapsed, "events"),
                report.head_seq,
                report.head_hash
            );
            if let Some(checkpoint) = checkpoint {
                println!(
                    "matches the checkpoint of event {} signed {}",
                    checkpoint.seq(),
                    checkpoint.time()
                );
            }
        }
        AuditAction::Checkpoint { key, out } => {
            let key = casework_audit::load_signing_key(&key)?;
            let checkpoint = casework_audit::checkpoint(store.connection(), &key)
                .await
                .map_err(explain)?;
            match out {
                Some(file) => {
                    checkpoint.write_new(&file)?;
                    println!(
                        "checkpoint of event {} ({}) written to {}",
                        checkpoint.seq,
                        checkpoint.hash,
                        file.display()
                    );
                }
                None => println!("{}", checkpoint.to_json()?),
            }
        }
        AuditAction::Keygen { .. } => {}
    }
    Ok(())
}

/// Needs no database, so a key can be made on a machine that has none.
pub fn keygen(private: &Path, public: &Path) -> anyhow::Result<()> {
    casework_audit::generate_keys(private, public)?;
    println!(
        "private key written to {} (keep it off the database server), public key to {}",
        private.display(),
        public.display()
    );
    Ok(())
}

/// Appends `events` events with 1, 16 and 64 concurrent `record` callers, verifies
/// the lot, and times SHA-256 alone over the same bytes.
pub async fn bench(store: &Store, events: u64) -> anyhow::Result<()> {
    store.migrate_up().await.context("migrating the database")?;
    let before = verify(store.connection(), None).await?;
    if before.head_seq != 0 {
        bail!(
            "this database's audit log already holds {} events; run the bench on an empty \
             scratch database (its events can never be removed)",
            before.head_seq
        );
    }
    println!(
        "audit bench on {:?}, {events} events per run",
        store.backend()
    );
    let log = AuditLog::start(store.clone());
    let mut next = 0;
    for writers in [1u64, 16, 64] {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..writers {
            let log = log.clone();
            let (first, end) = (next + w, next + events);
            tasks.push(tokio::spawn(async move {
                for i in (first..end).step_by(writers as usize) {
                    log.record(sample_event(i)).await?;
                }
                anyhow::Ok(())
            }));
        }
        for task in tasks {
            task.await??;
        }
        next += events;
        let elapsed = started.elapsed();
        println!(
            "record, {writers:>2} writers: {events} events in {elapsed:.2?} ({})",
            rate(events as f64, elapsed, "events")
        );
    }
    drop(log);
    let report = verify(store.connection(), None).await?;
    if let Some(problem) = report.problem {
        bail!("audit log broken: {problem}");
    }
    println!(
        "verify: {} events, {} bytes hashed, in {:.2?} ({})",
        report.events_checked,
        report.bytes_hashed,
        report.elapsed,
        rate(report.events_checked as f64, report.elapsed, "events")
    );
    let message_len = report.bytes_hashed / report.events_checked.max(1);
    let hashing = sha256_time(report.events_checked, message_len as usize);
    println!(
        "sha256 alone: {} chained messages of {message_len} bytes in {hashing:.2?} ({}, {})",
        report.events_checked,
        rate(report.events_checked as f64, hashing, "hashes"),
        rate(report.bytes_hashed as f64 / 1e6, hashing, "MB")
    );
    println!(
        "compare with: time head -c {} /dev/zero | sha256sum",
        report.bytes_hashed
    );
    Ok(())
}

fn rate(count: f64, elapsed: Duration, unit: &str) -> String {
    format!("{:.0} {unit}/s", count / elapsed.as_secs_f64().max(1e-9))
}
