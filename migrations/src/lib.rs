//! Schema migrations: one file per change, each serving SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_reference;
mod m20261128_000002_plan;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_reference::Migration),
            Box::new(m20261128_000002_plan::Migration),
        ]
    }
}
