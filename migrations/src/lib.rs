//! Schema migrations: one file per change, each serving SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_reference;
mod m20261128_000002_plan;
mod m20261128_000003_identity;
mod m20261128_000004_audit;
mod m20261128_000005_people;
mod m20261128_000006_asb;
mod m20261128_000007_open_data;
mod m20261128_000008_dv;
mod m20261128_000009_case_work;
mod m20261128_000010_asb_list_indexes;
mod m20261128_000011_iom;
mod m20261128_000012_referrals;
mod m20261128_000013_lmaps;
mod m20261128_000014_plan_measures;
mod m20261128_000015_drop_redundant_index;
mod m20261128_000016_asb_summaries;
mod m20261128_000017_plan_aim_link_removals;
mod m20261128_000018_asb_latest_assessments;

pub use m20261128_000018_asb_latest_assessments::LATEST_ASSESSMENTS;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_reference::Migration),
            Box::new(m20261128_000002_plan::Migration),
            Box::new(m20261128_000003_identity::Migration),
            Box::new(m20261128_000004_audit::Migration),
            Box::new(m20261128_000005_people::Migration),
            Box::new(m20261128_000006_asb::Migration),
            Box::new(m20261128_000007_open_data::Migration),
            Box::new(m20261128_000008_dv::Migration),
            Box::new(m20261128_000009_case_work::Migration),
            Box::new(m20261128_000010_asb_list_indexes::Migration),
            Box::new(m20261128_000011_iom::Migration),
            Box::new(m20261128_000012_referrals::Migration),
            Box::new(m20261128_000013_lmaps::Migration),
            Box::new(m20261128_000014_plan_measures::Migration),
            Box::new(m20261128_000015_drop_redundant_index::Migration),
            Box::new(m20261128_000016_asb_summaries::Migration),
            Box::new(m20261128_000017_plan_aim_link_removals::Migration),
            Box::new(m20261128_000018_asb_latest_assessments::Migration),
        ]
    }
}
