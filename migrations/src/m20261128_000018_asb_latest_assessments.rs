//! Each ASB case's latest assessment, kept by the store beside every assessment
//! recorded, so "the case's tier now" is one indexed row rather than a search of all
//! its assessments for the one with none later. PostgreSQL cannot estimate how many
//! assessments have none later, so it read every case to find LMAPS's Gold victims.
//!
//! Filled here from the assessments already stored, by the rule the store keeps it
//! with (`LATEST_ASSESSMENTS`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Writes the latest assessment of the cases that `{cases}` (a condition on
/// `a.case_id`) selects: the one with no assessment later, or at the same moment with
/// a greater id, so a case has exactly one.
pub const LATEST_ASSESSMENTS: &str = "INSERT INTO asb_latest_assessments \
    (case_id, assessment_id, final_tier, assessed_at) \
    SELECT a.case_id, a.id, a.final_tier, a.assessed_at FROM asb_assessments a \
    WHERE {cases} AND NOT EXISTS (SELECT 1 FROM asb_assessments b \
      WHERE b.case_id = a.case_id \
        AND (b.assessed_at > a.assessed_at OR (b.assessed_at = a.assessed_at AND b.id > a.id)))";

const BY_TIER: &str = "idx_asb_latest_assessments_tier";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AsbLatestAssessments::Table)
                    .col(uuid(AsbLatestAssessments::CaseId).primary_key())
                    .col(uuid(AsbLatestAssessments::AssessmentId))
                    .col(string(AsbLatestAssessments::FinalTier))
                    .col(timestamp_with_time_zone(AsbLatestAssessments::AssessedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbLatestAssessments::Table, AsbLatestAssessments::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                AsbLatestAssessments::Table,
                                AsbLatestAssessments::AssessmentId,
                            )
                            .to(AsbAssessments::Table, AsbAssessments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_TIER)
                    .table(AsbLatestAssessments::Table)
                    .col(AsbLatestAssessments::FinalTier)
                    .col(AsbLatestAssessments::CaseId)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            LATEST_ASSESSMENTS.replace("{cases}", "1 = 1"),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AsbLatestAssessments::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AsbLatestAssessments {
    Table,
    CaseId,
    AssessmentId,
    FinalTier,
    AssessedAt,
}

#[derive(DeriveIden)]
enum AsbAssessments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}
