use std::time::Duration;

use casework_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::StoreError;

/// Each SQLite connection's page cache, in KiB.
const SQLITE_CACHE_KIB: u32 = 64 * 1024;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The one door to the database. Cheap to clone: it holds a connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
}

/// Connections in the pool. SQLite in WAL mode reads in parallel; writes queue on
/// the busy timeout, so a handful of connections is enough for both.
const POOL_SIZE: u32 = 8;
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// PostgreSQL's `random_page_cost` for Casework's connections (see `Store::connect`).
const RANDOM_PAGE_COST: &str = "1.1";

impl Store {
    /// Opens a database: `postgres://...`, `sqlite://path`, or a plain file path
    /// (SQLite, created if missing).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let (url, backend) = normalise_url(url);
        if backend == Backend::Postgres {
            probe_postgres(&url).await?;
        }
        let mut options = ConnectOptions::new(url.clone());
        options
            .max_connections(POOL_SIZE)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(30))
            .sqlx_logging(false);
        if backend == Backend::Postgres {
            // The planner's default cost of a random read (4, four sequential reads)
            // is for spinning disks. Casework's tables are read from memory or SSD,
            // where it is close to 1; at 4, PostgreSQL reads the whole of `cases` to
            // join a few thousand ids rather than look each up by its key (LMAPS's
            // agenda: docs/performance.md). A URL that sets its own (`?options=-c
            // random_page_cost=4`) keeps it.
            if !url.contains("random_page_cost") {
                options.map_sqlx_postgres_opts(|opts| {
                    opts.options([("random_page_cost", RANDOM_PAGE_COST)])
                });
            }
        }
        if backend == Backend::Sqlite {
            // Pragmas are per connection: set them on every connection the pool opens.
            options.map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    // SQLite's default page cache is 2 MB: too small for the indexes of
                    // a large table, whose inserts then go to disk page by page.
                    .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
            });
        }
        let db = Database::connect(options)
            .await
            .map_err(|e| StoreError::Connect {
                url: redact(&url),
                reason: first_line(&e.to_string()),
            })?;
        Ok(Self { db, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`, so it
    /// waits for the write lock up front rather than failing half way with SQLITE_BUSY.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }

    pub async fn migrate_up(&self) -> Result<(), StoreError> {
        Ok(Migrator::up(&self.db, None).await?)
    }

    /// Rolls back `steps` migrations (all of them when `None`).
    pub async fn migrate_down(&self, steps: Option<u32>) -> Result<(), StoreError> {
        Ok(Migrator::down(&self.db, steps).await?)
    }

    /// Reverts the applied migrations from the newest back to `name`, inclusive: a
    /// test of one migration's `up` runs this, then `migrate_up`.
    pub async fn migrate_back_through(&self, name: &str) -> Result<(), StoreError> {
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        let at = names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| StoreError::Invalid(format!("no migration named '{name}'")))?;
        let steps = u32::try_from(names.len() - at).unwrap_or(u32::MAX);
        self.migrate_down(Some(steps)).await
    }

    /// Each known migration with whether it has been applied.
    pub async fn migration_status(&self) -> Result<Vec<(String, bool)>, StoreError> {
        let applied: Vec<String> = Migrator::get_applied_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        Ok(Migrator::migrations()
            .iter()
            .map(|m| {
                let name = m.name().to_string();
                let done = applied.contains(&name);
                (name, done)
            })
            .collect())
    }

    pub async fn close(self) {
        let _ = self.db.close().await;
    }
}

/// One plain connection first, so an unreachable server is reported with its real
/// cause ("connection refused", "password authentication failed") at once, rather
/// than as a pool timing out.
async fn probe_postgres(url: &str) -> Result<(), StoreError> {
    use sea_orm::sqlx::Connection;
    let failed = |reason: String| StoreError::Connect {
        url: redact(url),
        reason,
    };
    let attempt = sea_orm::sqlx::PgConnection::connect(url);
    match tokio::time::timeout(Duration::from_secs(10), attempt).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(err)) => Err(failed(first_line(&err.to_string()))),
        Err(_) => Err(failed("no answer within 10 seconds".into())),
    }
}

/// The database URL as sea-orm wants it, and which backend it names.
fn normalise_url(url: &str) -> (String, Backend) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        (url.to_string(), Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        (url.to_string(), Backend::Sqlite)
    } else {
        (format!("sqlite://{url}"), Backend::Sqlite)
    }
}

/// A URL fit to print: the password, if any, is replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// `$1, $2 ...` as each database writes its parameters (`?1, ?2 ...` on SQLite).
pub(crate) fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_sqlite_files() {
        assert_eq!(
            normalise_url("./casework.db"),
            ("sqlite://./casework.db".to_string(), Backend::Sqlite)
        );
        assert_eq!(normalise_url("postgres://u@h/db").1, Backend::Postgres);
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://casework:secret@db/casework"),
            "postgres://casework:***@db/casework"
        );
        assert_eq!(redact("postgres://db/casework"), "postgres://db/casework");
    }

    #[test]
    fn parameters_suit_each_database() {
        assert_eq!(placeholders(DbBackend::Sqlite, "a = $1"), "a = ?1");
        assert_eq!(placeholders(DbBackend::Postgres, "a = $1"), "a = $1");
    }
}
