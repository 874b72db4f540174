//! PostgreSQL connections plan for data in memory or on SSD (`random_page_cost` 1.1,
//! `Store::connect`), unless the database URL sets its own.

use casework_store::Store;
use casework_store::testing::TestDatabase;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

async fn random_page_cost(store: &Store) -> String {
    store
        .connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('random_page_cost') AS cost",
        ))
        .await
        .expect("setting")
        .expect("a row")
        .try_get("", "cost")
        .expect("cost")
}

#[tokio::test]
async fn connections_plan_for_ssd_unless_the_url_says_otherwise() {
    // PostgreSQL only: SQLite has no planner costs to set.
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    let store = Store::connect(&db.url).await.expect("connect");
    assert_eq!(random_page_cost(&store).await, "1.1");
    store.close().await;

    let separator = if db.url.contains('?') { '&' } else { '?' };
    let own = format!("{}{separator}options=-c%20random_page_cost%3D4", db.url);
    let store = Store::connect(&own).await.expect("connect with options");
    assert_eq!(random_page_cost(&store).await, "4");
    store.close().await;
}
