//! One test body, two databases: every store and HTTP test runs on a fresh temporary
//! SQLite file and on a fresh PostgreSQL database, so the two never drift apart.
//!
//! PostgreSQL comes from `CASEWORK_TEST_POSTGRES_URL` (a database the tests may create
//! other databases from). Without it the PostgreSQL half is skipped, and says so; under
//! `CI=true` a missing URL fails instead, so CI can never skip it by accident.

use std::future::Future;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{Backend, Store};

pub const POSTGRES_URL_VAR: &str = "CASEWORK_TEST_POSTGRES_URL";

/// A fresh, empty database that removes itself when dropped.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDatabase {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("casework.db").display());
        Self {
            url,
            backend: Backend::Sqlite,
            _dir: Some(dir),
            pg_drop: None,
        }
    }

    /// A new PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = match std::env::var(POSTGRES_URL_VAR) {
            Ok(url) if !url.is_empty() => url,
            _ => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "{POSTGRES_URL_VAR} must be set under CI"
                );
                eprintln!("PostgreSQL half skipped: {POSTGRES_URL_VAR} is not set");
                return None;
            }
        };
        let name = format!("casework_test_{}", Uuid::new_v4().simple());
        let admin = Store::connect(&admin_url)
            .await
            .expect("PostgreSQL reachable");
        admin
            .connection()
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await;
        let url = with_database(&admin_url, &name);
        Some(Self {
            url,
            backend: Backend::Postgres,
            _dir: None,
            pg_drop: Some((admin_url, name)),
        })
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url).await.expect("connect");
        store.migrate_up().await.expect("migrate");
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            // Dropping needs a connection of its own; a thread keeps this out of the
            // test's runtime, which may be shutting down.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(admin) = Store::connect(&admin_url).await {
                            let _ = admin
                                .connection()
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            admin.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Runs `body` against a fresh, migrated store on SQLite, then on PostgreSQL.
pub async fn each_database<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    for db in databases().await {
        let store = db.store().await;
        body(store.clone()).await;
        store.close().await;
    }
}

/// The fresh databases a test should run on: SQLite, and PostgreSQL when configured.
pub async fn databases() -> Vec<TestDatabase> {
    let mut all = vec![TestDatabase::sqlite()];
    all.extend(TestDatabase::postgres().await);
    all
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].rfind('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A user for a test, named `username` (also their display name), of `agency`, with
/// these roles; they never sign in (no real password hash).
pub async fn test_user(
    store: &Store,
    username: &str,
    agency: &str,
    roles: &[casework_domain::roles::Role],
) -> crate::users::User {
    store
        .create_user(
            store.connection(),
            crate::users::NewUser {
                username: username.into(),
                display_name: username.into(),
                agency: agency.into(),
                roles: roles.iter().copied().collect(),
                password_hash: "x".into(),
                must_change_password: false,
            },
        )
        .await
        .expect("a test user")
}

#[cfg(test)]
mod tests {
    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
