//! The police.uk import on both databases, through the store: one pass that checks
//! and inserts, a bad row after several batches have gone in (nothing stored, every
//! bad line named, the month imported before left as it was), identical rows all
//! kept, a month replaced by its re-import, and the two-pass import of a checked file.
//! On PostgreSQL, two imports of the same months in opposite order at once both finish.

use casework_domain::open_data::DEFAULT_DISTRICT_PREFIXES;
use casework_store::Store;
use casework_store::entities::{police_uk_import, police_uk_row};
use casework_store::open_data::{ImportCheck, check_police_uk};
use casework_store::testing::{TestDatabase, each_database};
use chrono::NaiveDate;
use sea_orm::{EntityTrait, PaginatorTrait};

const MARCH_2016: &str =
    include_str!("../../../tests/fixtures/police-uk/2016-03-cumbria-street.csv");
const OURS: [&str; 2] = DEFAULT_DISTRICT_PREFIXES;

/// The header of the real file, then its rows `times` times over.
fn repeated(times: usize) -> String {
    let mut lines = MARCH_2016.split_inclusive('\n');
    let header = lines.next().expect("header");
    let rows: String = lines.collect();
    let mut file = header.to_string();
    for _ in 0..times {
        file.push_str(&rows);
    }
    file
}

async fn import(store: &Store, file: &str) -> ImportCheck {
    let txn = store.begin_write().await.expect("begin");
    let check = store
        .check_and_import_police_uk(&txn, file.as_bytes(), &OURS, "tester")
        .await
        .expect("import");
    txn.commit().await.expect("commit");
    check
}

async fn stored_rows(store: &Store) -> u64 {
    police_uk_row::Entity::find()
        .count(store.connection())
        .await
        .expect("count")
}

async fn recorded(store: &Store) -> Vec<(String, NaiveDate, i64)> {
    police_uk_import::Entity::find()
        .all(store.connection())
        .await
        .expect("imports")
        .into_iter()
        .map(|i| (i.force, i.month, i.rows))
        .collect()
}

fn march() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 3, 1).expect("date")
}

#[tokio::test]
async fn a_bad_row_after_several_batches_stores_nothing_and_every_bad_line_is_named() {
    each_database(|store| async move {
        let good = import(&store, MARCH_2016).await;
        assert!(good.is_clean(), "{:?}", good.errors);
        assert_eq!(good.rows_kept, 1003);
        assert_eq!(stored_rows(&store).await, 1003);
        let before = recorded(&store).await;

        // Six copies of the month (6,018 kept rows: more than one batch on either
        // database) before the first bad line, then more rows and a second one.
        let mut file = repeated(6);
        let first_bad = file.lines().count() as u64 + 1;
        file.push_str(",2016-13,Cumbria Constabulary,Cumbria Constabulary,,,On or near X,E01019126,Allerdale 001A,Burglary,,\r\n");
        file.push_str(&repeated(1)[MARCH_2016.find('\n').expect("header") + 1..]);
        let second_bad = file.lines().count() as u64 + 1;
        file.push_str("only,three,columns\r\n");
        file.push_str(&repeated(1)[MARCH_2016.find('\n').expect("header") + 1..]);

        let txn = store.begin_write().await.expect("begin");
        let check = store
            .check_and_import_police_uk(&txn, file.as_bytes(), &OURS, "tester")
            .await
            .expect("a bad file is an answer, not an error");
        // Committing the caller's transaction stores nothing of the bad file.
        txn.commit().await.expect("commit");

        assert!(!check.is_clean());
        assert_eq!(check.error_count, 2);
        let lines: Vec<u64> = check.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [first_bad, second_bad], "{:?}", check.errors);
        assert!(check.errors[0].message.starts_with("bad month"));
        assert!(check.errors[1].message.contains("columns"));
        assert_eq!(check.rows_read, 3326 * 8 + 2, "every line was read");
        assert_eq!(
            stored_rows(&store).await,
            1003,
            "the month imported before is as it was"
        );
        assert_eq!(recorded(&store).await, before);
    })
    .await;
}

#[tokio::test]
async fn identical_rows_are_all_kept_and_a_month_imported_again_is_replaced() {
    each_database(|store| async move {
        let twice = import(&store, &repeated(2)).await;
        assert!(twice.is_clean(), "{:?}", twice.errors);
        assert_eq!(twice.rows_read, 3326 * 2);
        assert_eq!(twice.rows_kept, 2006);
        assert_eq!(stored_rows(&store).await, 2006);
        let force = "Cumbria Constabulary".to_string();
        assert_eq!(recorded(&store).await, [(force.clone(), march(), 2006)]);

        let once = import(&store, MARCH_2016).await;
        assert!(once.is_clean());
        assert_eq!(stored_rows(&store).await, 1003);
        assert_eq!(recorded(&store).await, [(force, march(), 1003)]);
        assert_eq!(
            store.police_uk_crime_types().await.expect("types").len(),
            once.crime_types.len()
        );
    })
    .await;
}

#[tokio::test]
async fn a_checked_file_imports_in_a_second_pass_and_a_changed_one_is_refused() {
    each_database(|store| async move {
        let check = check_police_uk(MARCH_2016.as_bytes(), &OURS);
        assert!(check.is_clean());
        let txn = store.begin_write().await.expect("begin");
        store
            .import_police_uk(&txn, MARCH_2016.as_bytes(), &OURS, &check, "tester")
            .await
            .expect("import");
        txn.commit().await.expect("commit");
        assert_eq!(stored_rows(&store).await, 1003);

        let txn = store.begin_write().await.expect("begin");
        let changed = repeated(2);
        let refused = store
            .import_police_uk(&txn, changed.as_bytes(), &OURS, &check, "tester")
            .await;
        assert!(refused.is_err(), "a file that changed since its check");
        drop(txn);
        assert_eq!(stored_rows(&store).await, 1003);
    })
    .await;
}

#[tokio::test]
async fn two_imports_of_the_same_months_in_opposite_order_at_once_both_finish() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    let store = database.store().await;
    // Five copies of March, then of April: more than a batch each, so each import
    // holds its first month while it reaches the second.
    let march_file = repeated(5);
    let april_file = march_file.replace(",2016-03,", ",2016-04,");
    let body = |file: &str| file[file.find('\n').expect("header") + 1..].to_string();
    let march_then_april = format!("{march_file}{}", body(&april_file));
    let april_then_march = format!("{april_file}{}", body(&march_file));

    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let start = |file: String| {
        let (store, barrier) = (store.clone(), barrier.clone());
        tokio::spawn(async move {
            // Each on its own connection, both begun before either imports.
            let txn = store.begin_write().await.expect("begin");
            barrier.wait().await;
            let check = store
                .check_and_import_police_uk(&txn, file.as_bytes(), &OURS, "tester")
                .await
                .expect("no deadlock");
            txn.commit().await.expect("commit");
            check
        })
    };
    let (first, second) = tokio::join!(start(march_then_april), start(april_then_march));
    for check in [first.expect("first"), second.expect("second")] {
        assert!(check.is_clean(), "{:?}", check.errors);
        assert_eq!(check.rows_kept, 2 * 5015);
    }

    // Each month holds one import's rows, not both.
    let force = "Cumbria Constabulary".to_string();
    let april_1 = NaiveDate::from_ymd_opt(2016, 4, 1).expect("date");
    let mut months = recorded(&store).await;
    months.sort();
    assert_eq!(
        months,
        [(force.clone(), march(), 5015), (force, april_1, 5015)]
    );
    assert_eq!(stored_rows(&store).await, 2 * 5015);
    store.close().await;
}
