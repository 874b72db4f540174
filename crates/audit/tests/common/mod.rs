//! Helpers shared by the audit tests.
#![allow(dead_code)]

use casework_audit::{NewAuditEvent, StoredEvent, VerifiedCheckpoint, append, bench::sample_event};
use casework_store::{Backend, ConnectionTrait, Store};

/// Appends `count` sample events, numbered from `first`, in transactions of `batch`.
pub async fn append_samples(store: &Store, first: u64, count: u64, batch: u64) -> Vec<StoredEvent> {
    let mut stored = Vec::new();
    let mut next = first;
    while next < first + count {
        let end = (next + batch).min(first + count);
        let events: Vec<NewAuditEvent> = (next..end).map(sample_event).collect();
        let txn = store.begin_write().await.expect("begin");
        stored.extend(append(&txn, events).await.expect("append"));
        txn.commit().await.expect("commit");
        next = end;
    }
    stored
}

pub async fn exec(store: &Store, sql: &str) {
    store
        .connection()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// What an attacker with the database's owner rights would do first.
pub async fn drop_triggers(store: &Store) {
    let statements: &[&str] = match store.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
            "DROP TRIGGER audit_subjects_no_update",
            "DROP TRIGGER audit_subjects_no_delete",
            "DROP TRIGGER audit_head_no_delete",
            "DROP TRIGGER audit_head_no_rewind",
        ],
        Backend::Postgres => &[
            "DROP TRIGGER audit_events_append_only ON audit_events",
            "DROP TRIGGER audit_subjects_append_only ON audit_subjects",
            "DROP TRIGGER audit_head_forward_only ON audit_head",
        ],
    };
    for sql in statements {
        exec(store, sql).await;
    }
}

/// Removes events `from..` and points the head at the event before, as a careful
/// attacker would.
pub async fn cut_tail(store: &Store, from: i64, stored: &[StoredEvent]) {
    exec(
        store,
        &format!("DELETE FROM audit_subjects WHERE seq >= {from}"),
    )
    .await;
    exec(
        store,
        &format!("DELETE FROM audit_events WHERE seq >= {from}"),
    )
    .await;
    let hash = stored
        .iter()
        .find(|e| e.seq == from - 1)
        .map_or(casework_audit::GENESIS_HASH.to_string(), |e| e.hash.clone());
    exec(
        store,
        &format!(
            "UPDATE audit_head SET seq = {}, hash = '{hash}' WHERE id = 1",
            from - 1
        ),
    )
    .await;
}

/// A checkpoint signed with a fresh key and checked with its public half.
pub async fn signed_checkpoint(store: &Store) -> VerifiedCheckpoint {
    let dir = tempfile::tempdir().expect("temporary directory");
    let private = dir.path().join("audit.key");
    let public = dir.path().join("audit.pub");
    casework_audit::generate_keys(&private, &public).expect("keygen");
    let key = casework_audit::load_signing_key(&private).expect("key");
    let checkpoint = casework_audit::checkpoint(store.connection(), &key)
        .await
        .expect("checkpoint");
    let file = dir.path().join("checkpoint.json");
    checkpoint.write_new(&file).expect("write");
    casework_audit::read_checkpoint(&file, &public).expect("signature verifies")
}

pub async fn problem(
    store: &Store,
    checkpoint: Option<&VerifiedCheckpoint>,
) -> Option<casework_audit::Problem> {
    casework_audit::verify(store.connection(), checkpoint)
        .await
        .expect("verify runs")
        .problem
}
