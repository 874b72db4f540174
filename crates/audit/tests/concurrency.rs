//! Many writers, one linear chain.

mod common;

use casework_audit::{AuditLog, append, bench::sample_event, verify};
use casework_store::Store;
use casework_store::testing::{databases, each_database};

async fn assert_intact(store: &Store, events: u64) {
    let report = verify(store.connection(), None).await.expect("verify");
    assert!(report.is_intact(), "{:?}", report.problem);
    assert_eq!(report.events_checked, events);
    assert_eq!(report.head_seq, events as i64);
}

#[tokio::test]
async fn concurrent_records_make_one_chain() {
    each_database(|store| async move {
        let log = AuditLog::start(store.clone());
        let writers: Vec<_> = (0..64)
            .map(|i| {
                let log = log.clone();
                tokio::spawn(async move { log.record(sample_event(i)).await })
            })
            .collect();
        let mut seqs = Vec::new();
        for writer in writers {
            seqs.push(writer.await.expect("task").expect("recorded"));
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=64).collect::<Vec<i64>>());
        assert_intact(&store, 64).await;
        // Dropping the last handle stops the writer; nothing is left waiting.
        drop(log);
    })
    .await;
}

#[tokio::test]
async fn two_servers_on_one_database_keep_one_chain() {
    // Two stores with pools of their own, as two `casework serve` processes have.
    for db in databases().await {
        let stores = [db.store().await, db.store().await];
        let mut writers = Vec::new();
        for (s, store) in stores.iter().enumerate() {
            for w in 0..4u64 {
                let store = store.clone();
                writers.push(tokio::spawn(async move {
                    for t in 0..25u64 {
                        let first = ((s as u64 * 4 + w) * 25 + t) * 4;
                        let txn = store.begin_write().await.expect("begin");
                        append(&txn, (first..first + 4).map(sample_event).collect())
                            .await
                            .expect("append");
                        txn.commit().await.expect("commit");
                    }
                }));
            }
            let log = AuditLog::start(store.clone());
            for i in 0..16u64 {
                let log = log.clone();
                writers.push(tokio::spawn(async move {
                    log.record(sample_event(10_000 + i)).await.expect("record");
                }));
            }
        }
        for writer in writers {
            writer.await.expect("writer finished");
        }
        // 2 stores x (4 writers x 25 transactions x 4 events + 16 records).
        assert_intact(&stores[0], 2 * (4 * 25 * 4 + 16)).await;
        for store in stores {
            store.close().await;
        }
    }
}

#[tokio::test]
async fn a_long_chain_verifies() {
    each_database(|store| async move {
        common::append_samples(&store, 0, 100_000, 25_000).await;
        let report = verify(store.connection(), None).await.expect("verify");
        assert!(report.is_intact(), "{:?}", report.problem);
        assert_eq!(report.events_checked, 100_000);
        eprintln!(
            "{:?}: 100,000 events verified in {:.2?} ({:.0} events/s)",
            store.backend(),
            report.elapsed,
            report.events_per_second()
        );
    })
    .await;
}
