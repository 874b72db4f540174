//! Upkeep after a bulk load. On PostgreSQL, autovacuum vacuums a table after many
//! inserts (which lets index-only scans skip the table) and gathers the planner's
//! statistics; right after a bulk load (a benchmark's) both are done at once, as
//! autovacuum would shortly. SQLite needs neither: the queries that depend on a plan
//! name it themselves.

use sea_orm::ConnectionTrait;

use crate::{Backend, Store, StoreError};

impl Store {
    /// `VACUUM ANALYZE` on PostgreSQL; nothing on SQLite. Returns whether it ran.
    pub async fn vacuum_analyze(&self) -> Result<bool, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(false);
        }
        self.connection()
            .execute_unprepared("VACUUM ANALYZE")
            .await?;
        Ok(true)
    }
}
