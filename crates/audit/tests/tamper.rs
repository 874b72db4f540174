//! With the triggers dropped (as someone with the database owner's rights could), every
//! kind of tampering is caught and named by its sequence number.

mod common;

use casework_audit::Problem;
use casework_store::ConnectionTrait;
use casework_store::testing::each_database;
use common::{append_samples, cut_tail, drop_triggers, exec, problem, signed_checkpoint};

#[tokio::test]
async fn the_triggers_refuse_update_and_delete() {
    each_database(|store| async move {
        append_samples(&store, 0, 5, 5).await;
        for sql in [
            "UPDATE audit_events SET actor_username = 'someone' WHERE seq = 2",
            "DELETE FROM audit_events WHERE seq = 5",
            "UPDATE audit_subjects SET seq = 3 WHERE seq = 1",
            "DELETE FROM audit_subjects",
            "DELETE FROM audit_head",
            "UPDATE audit_head SET seq = 1 WHERE id = 1",
        ] {
            let err = store
                .connection()
                .execute_unprepared(sql)
                .await
                .expect_err(sql);
            let text = err.to_string();
            assert!(
                text.contains("append-only") || text.contains("only moves forward"),
                "{sql}: {text}"
            );
        }
        if store.backend() == casework_store::Backend::Postgres {
            let err = store
                .connection()
                .execute_unprepared("TRUNCATE audit_subjects, audit_events")
                .await
                .expect_err("truncate refused");
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(problem(&store, None).await, None);
    })
    .await;
}

#[tokio::test]
async fn an_altered_field_is_caught_at_its_event() {
    each_database(|store| async move {
        append_samples(&store, 0, 30, 10).await;
        drop_triggers(&store).await;
        exec(
            &store,
            "UPDATE audit_events SET reason = 'covering my tracks' WHERE seq = 17",
        )
        .await;
        assert_eq!(
            problem(&store, None).await,
            Some(Problem::ContentAltered { seq: 17 })
        );
    })
    .await;
}

#[tokio::test]
async fn a_deleted_event_is_caught_as_a_gap() {
    each_database(|store| async move {
        append_samples(&store, 0, 30, 30).await;
        drop_triggers(&store).await;
        exec(&store, "DELETE FROM audit_subjects WHERE seq = 12").await;
        exec(&store, "DELETE FROM audit_events WHERE seq = 12").await;
        let found = problem(&store, None).await.expect("gap found");
        assert_eq!(
            found,
            Problem::Gap {
                expected: 12,
                found: 13
            }
        );
        assert_eq!(found.seq(), 12);
    })
    .await;
}

#[tokio::test]
async fn swapped_events_are_caught_at_the_first() {
    each_database(|store| async move {
        append_samples(&store, 0, 10, 10).await;
        drop_triggers(&store).await;
        exec(
            &store,
            "CREATE TABLE swap AS SELECT * FROM audit_events WHERE seq IN (3, 6)",
        )
        .await;
        // Whole rows swapped (hashes too, only seq kept): the links break at 3.
        let columns = "prev_hash, hash, occurred_at, actor_user_id, actor_username, actor_agency, \
                       action, entity_kind, entity_id, subjects, reason, summary, query, \
                       result_count, request_id, client_addr";
        for (at, from) in [(3, 6), (6, 3)] {
            exec(
                &store,
                &format!(
                    "UPDATE audit_events SET ({columns}) = \
                     (SELECT {columns} FROM swap WHERE seq = {from}) WHERE seq = {at}"
                ),
            )
            .await;
        }
        assert_eq!(
            problem(&store, None).await,
            Some(Problem::OutOfOrder { seq: 3 })
        );

        // Content swapped back by a more careful hand, links left alone: the hash at 3
        // no longer matches.
        for (at, from) in [(3, 3), (6, 6)] {
            exec(
                &store,
                &format!(
                    "UPDATE audit_events SET (prev_hash, hash) = \
                     (SELECT prev_hash, hash FROM swap WHERE seq = {from}) WHERE seq = {at}"
                ),
            )
            .await;
        }
        assert_eq!(
            problem(&store, None).await,
            Some(Problem::ContentAltered { seq: 3 })
        );
    })
    .await;
}

#[tokio::test]
async fn a_cut_tail_is_caught_only_with_a_checkpoint() {
    each_database(|store| async move {
        let stored = append_samples(&store, 0, 20, 7).await;
        let checkpoint = signed_checkpoint(&store).await;
        assert_eq!(checkpoint.seq(), 20);
        // Later events do not disturb an earlier checkpoint.
        let stored = [stored, append_samples(&store, 20, 5, 5).await].concat();
        assert_eq!(problem(&store, Some(&checkpoint)).await, None);

        drop_triggers(&store).await;
        // Careless: events removed, head left alone.
        exec(&store, "DELETE FROM audit_subjects WHERE seq >= 24").await;
        exec(&store, "DELETE FROM audit_events WHERE seq >= 24").await;
        assert_eq!(
            problem(&store, None).await,
            Some(Problem::HeadMismatch {
                head_seq: 25,
                last_seq: 23
            })
        );
        // Careful: the head moved back too. Only the checkpoint knows.
        cut_tail(&store, 16, &stored).await;
        assert_eq!(problem(&store, None).await, None);
        assert_eq!(
            problem(&store, Some(&checkpoint)).await,
            Some(Problem::Truncated {
                first_missing: 16,
                checkpoint_seq: 20
            })
        );
    })
    .await;
}

#[tokio::test]
async fn a_chain_rebuilt_from_scratch_is_caught_by_the_checkpoint() {
    each_database(|store| async move {
        append_samples(&store, 0, 20, 20).await;
        let checkpoint = signed_checkpoint(&store).await;
        drop_triggers(&store).await;
        cut_tail(&store, 1, &[]).await;
        // A new, internally consistent chain, longer than the old one.
        append_samples(&store, 1_000, 30, 30).await;
        assert_eq!(problem(&store, None).await, None);
        assert_eq!(
            problem(&store, Some(&checkpoint)).await,
            Some(Problem::Rewritten { seq: 20 })
        );
    })
    .await;
}

#[tokio::test]
async fn a_tampered_subject_index_is_caught() {
    each_database(|store| async move {
        append_samples(&store, 0, 10, 10).await;
        drop_triggers(&store).await;
        // Event 4 (a search) concerns nobody; event 5 concerns one person.
        exec(&store, "DELETE FROM audit_subjects WHERE seq = 5").await;
        assert_eq!(
            problem(&store, None).await,
            Some(Problem::SubjectsAltered { seq: 5 })
        );
    })
    .await;
}

#[tokio::test]
async fn a_broken_chain_is_not_checkpointed() {
    each_database(|store| async move {
        append_samples(&store, 0, 5, 5).await;
        drop_triggers(&store).await;
        exec(
            &store,
            "UPDATE audit_events SET action = 'view' WHERE seq = 3",
        )
        .await;
        let key = ed25519_key();
        let err = casework_audit::checkpoint(store.connection(), &key)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("event 3"), "{err}");
    })
    .await;
}

fn ed25519_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[7; 32])
}
