//! `casework import offences FILE`: load offences from a CSV file (columns in
//! docs/iom.md). The whole file is checked first, every row and field, and every
//! person it names must be on record; one bad row and nothing is imported. The rows
//! then go in with one audit event in one transaction.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::{Context, bail};
use casework_audit::{AuditAction, NewAuditEvent, append};
use casework_domain::calendar::uk_day;
use casework_store::Store;
use casework_store::iom::check_offences_csv;
use chrono::Utc;
use serde_json::json;

/// The rows are recorded as the user named in `--recorded-by`, or as the command
/// line (whoever runs it on the server's shell, in the audit log).
pub async fn run(store: &Store, file: &Path, recorded_by: Option<&str>) -> anyhow::Result<()> {
    let user = match recorded_by {
        None => None,
        Some(name) => match store.user_by_username(name).await? {
            Some(user) => Some(user),
            None => bail!("there is no user '{name}' to record the offences as"),
        },
    };
    let reader = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let mut check = check_offences_csv(reader, uk_day(Utc::now()));
    // Rows that read are checked for their person too, so one report names every
    // bad row.
    let known = store
        .existing_people(store.connection(), &check.people())
        .await?;
    check.refuse_unknown_people(&known);
    if !check.is_clean() {
        for error in &check.errors {
            eprintln!("{}: {error}", file.display());
        }
        let lines: std::collections::BTreeSet<u64> = check.errors.iter().map(|e| e.line).collect();
        bail!(
            "{} bad row(s) in {}: nothing was imported",
            lines.len(),
            file.display()
        );
    }
    let rows: Vec<_> = check.rows.iter().map(|(_, r)| r.clone()).collect();
    let now = Utc::now();
    let txn = store.begin_write().await?;
    let count = store
        .import_offences(&txn, &rows, user.as_ref().map(|u| u.id), now)
        .await?;
    let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let mut event = NewAuditEvent::new(AuditAction::Create)
        .entity("offence-import", now.to_rfc3339())
        .subjects(check.people())
        .summary(json!({
            "file": file.file_name().map(|n| n.to_string_lossy().to_string()),
            "rows": count,
        }));
    event.actor_user_id = user.as_ref().map(|u| u.id);
    event.actor_username = Some(match &user {
        Some(u) => format!("command line ({who}) as {}", u.username),
        None => format!("command line ({who})"),
    });
    append(&txn, vec![event]).await?;
    txn.commit().await?;
    println!("{}: {count} offences imported", file.display());
    Ok(())
}
