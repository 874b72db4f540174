//! An audit event commits or rolls back with the change it records.

mod common;

use casework_audit::{AuditAction, NewAuditEvent, append, verify};
use casework_store::testing::each_database;
use casework_store::{ConnectionTrait, DatabaseTransaction, Store};
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use common::exec;

async fn scratch_rows(store: &Store) -> i64 {
    let row = store
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(
            store.connection().get_database_backend(),
            "SELECT COUNT(*) AS n FROM scratch",
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("count is a number")
}

async fn insert_scratch(txn: &DatabaseTransaction) {
    txn.execute_unprepared("INSERT INTO scratch (id, note) VALUES (1, 'a change')")
        .await
        .expect("insert scratch row");
}

#[tokio::test]
async fn a_failed_append_leaves_no_change_behind() {
    each_database(|store| async move {
        exec(&store, "CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT)").await;
        // Someone else's row already holds seq 1, so our insert will collide.
        exec(
            &store,
            "INSERT INTO audit_events (seq, prev_hash, hash, occurred_at, action, subjects, summary) \
             VALUES (1, 'x', 'y', '2026-01-01T00:00:00Z', 'view', '', '{}')",
        )
        .await;
        let txn = store.begin_write().await.expect("begin");
        insert_scratch(&txn).await;
        let result = append(&txn, vec![NewAuditEvent::new(AuditAction::Create)]).await;
        assert!(result.is_err(), "append must fail");
        drop(txn); // the caller's `?` would do this: rolled back
        assert_eq!(scratch_rows(&store).await, 0);
        let report = verify(store.connection(), None).await.expect("verify");
        assert_eq!(report.head_seq, 0, "head unchanged");
    })
    .await;
}

#[tokio::test]
async fn events_roll_back_with_their_transaction_and_round_trip_exactly() {
    each_database(|store| async move {
        exec(
            &store,
            "CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT)",
        )
        .await;
        let txn = store.begin_write().await.expect("begin");
        insert_scratch(&txn).await;
        append(&txn, vec![NewAuditEvent::new(AuditAction::Create)])
            .await
            .expect("append");
        txn.rollback().await.expect("rollback");
        assert_eq!(scratch_rows(&store).await, 0);
        assert_eq!(
            verify(store.connection(), None)
                .await
                .expect("verify")
                .head_seq,
            0
        );

        // Committed, every field filled in: what is read back hashes the same, so
        // nanoseconds, Unicode and numbers survive both databases.
        let mut event = NewAuditEvent::new(AuditAction::Update)
            .entity("person", Uuid::from_u128(9))
            .subjects([Uuid::from_u128(3), Uuid::from_u128(2), Uuid::from_u128(3)])
            .summary(json!({"surname": {"old": "O'Brien", "new": "Ó Briain — 🙂"}}));
        event.occurred_at = Utc::now() + chrono::Duration::nanoseconds(789);
        event.actor_user_id = Some(Uuid::from_u128(1));
        event.actor_username = Some("jsmith".into());
        event.actor_agency = Some("allerdale-bc".into());
        event.reason = Some("MARAC review".into());
        event.query = Some("smith".into());
        event.result_count = Some(i64::MAX);
        event.request_id = Some("req-42".into());
        event.client_addr = Some("2001:db8::1".into());
        let txn = store.begin_write().await.expect("begin");
        insert_scratch(&txn).await;
        let stored = append(&txn, vec![event]).await.expect("append");
        txn.commit().await.expect("commit");
        assert_eq!(stored[0].seq, 1);
        assert_eq!(stored[0].subjects, [Uuid::from_u128(2), Uuid::from_u128(3)]);
        assert_eq!(scratch_rows(&store).await, 1);
        let report = verify(store.connection(), None).await.expect("verify");
        assert!(report.is_intact(), "{:?}", report.problem);
        assert_eq!((report.events_checked, report.head_seq), (1, 1));
        assert_eq!(report.head_hash, stored[0].hash);
    })
    .await;
}
