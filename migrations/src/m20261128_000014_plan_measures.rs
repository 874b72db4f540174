//! The plan, measured: each plan year's measure catalogue (the file next to the plan,
//! stored as checked), the quarterly figures officers enter for the measures Casework
//! cannot compute, progress notes on the plan's actions, and cases linked to aims by
//! hand (links by rule are worked out when asked, never stored).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlanMeasureCatalogues::Table)
                    .col(string(PlanMeasureCatalogues::PlanYear).primary_key())
                    .col(text(PlanMeasureCatalogues::Document))
                    .col(timestamp_with_time_zone(PlanMeasureCatalogues::LoadedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanMeasureFigures::Table)
                    .col(pk_uuid(PlanMeasureFigures::Id))
                    .col(string(PlanMeasureFigures::PlanYear))
                    .col(string(PlanMeasureFigures::MeasureKey))
                    .col(string(PlanMeasureFigures::Quarter))
                    .col(string(PlanMeasureFigures::District))
                    .col(double(PlanMeasureFigures::Value))
                    .col(text(PlanMeasureFigures::Source))
                    .col(uuid(PlanMeasureFigures::EnteredBy))
                    .col(string(PlanMeasureFigures::EnteredByAgency))
                    .col(timestamp_with_time_zone(PlanMeasureFigures::EnteredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanMeasureFigures::Table, PlanMeasureFigures::EnteredBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_measure_figures_slot")
                    .table(PlanMeasureFigures::Table)
                    .col(PlanMeasureFigures::PlanYear)
                    .col(PlanMeasureFigures::MeasureKey)
                    .col(PlanMeasureFigures::Quarter)
                    .col(PlanMeasureFigures::District)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanActionUpdates::Table)
                    .col(pk_uuid(PlanActionUpdates::Id))
                    .col(uuid(PlanActionUpdates::ActionId))
                    .col(string(PlanActionUpdates::Status))
                    .col(text(PlanActionUpdates::Note))
                    .col(string(PlanActionUpdates::Agency))
                    .col(uuid(PlanActionUpdates::WrittenBy))
                    .col(timestamp_with_time_zone(PlanActionUpdates::WrittenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanActionUpdates::Table, PlanActionUpdates::ActionId)
                            .to(PlanActions::Table, PlanActions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanActionUpdates::Table, PlanActionUpdates::WrittenBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_action_updates_action")
                    .table(PlanActionUpdates::Table)
                    .col(PlanActionUpdates::ActionId)
                    .col(PlanActionUpdates::WrittenAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanAimCaseLinks::Table)
                    .col(pk_uuid(PlanAimCaseLinks::Id))
                    .col(uuid(PlanAimCaseLinks::AimId))
                    .col(uuid(PlanAimCaseLinks::CaseId))
                    .col(text(PlanAimCaseLinks::Reason))
                    .col(uuid(PlanAimCaseLinks::LinkedBy))
                    .col(timestamp_with_time_zone(PlanAimCaseLinks::LinkedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanAimCaseLinks::Table, PlanAimCaseLinks::AimId)
                            .to(PlanAims::Table, PlanAims::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanAimCaseLinks::Table, PlanAimCaseLinks::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanAimCaseLinks::Table, PlanAimCaseLinks::LinkedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_aim_case_links_pair")
                    .table(PlanAimCaseLinks::Table)
                    .col(PlanAimCaseLinks::AimId)
                    .col(PlanAimCaseLinks::CaseId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_aim_case_links_case")
                    .table(PlanAimCaseLinks::Table)
                    .col(PlanAimCaseLinks::CaseId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PlanAimCaseLinks::Table.into_iden(),
            PlanActionUpdates::Table.into_iden(),
            PlanMeasureFigures::Table.into_iden(),
            PlanMeasureCatalogues::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum PlanMeasureCatalogues {
    Table,
    PlanYear,
    Document,
    LoadedAt,
}

#[derive(DeriveIden)]
enum PlanMeasureFigures {
    Table,
    Id,
    PlanYear,
    MeasureKey,
    Quarter,
    District,
    Value,
    Source,
    EnteredBy,
    EnteredByAgency,
    EnteredAt,
}

#[derive(DeriveIden)]
enum PlanActionUpdates {
    Table,
    Id,
    ActionId,
    Status,
    Note,
    Agency,
    WrittenBy,
    WrittenAt,
}

#[derive(DeriveIden)]
enum PlanAimCaseLinks {
    Table,
    Id,
    AimId,
    CaseId,
    Reason,
    LinkedBy,
    LinkedAt,
}

#[derive(DeriveIden)]
enum PlanActions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanAims {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
