//! Hand links to plan aims taken back: the link row moves here with who removed it,
//! when and why, so that `plan_aim_case_links` holds only the links in force (every
//! reader of it counts a case without knowing removals exist, and the same case can be
//! linked again) while the history stays. The primary key is the link's own id, the
//! one its audit events name.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let removals = PlanAimCaseLinkRemovals::Table;
        manager
            .create_table(
                Table::create()
                    .table(removals)
                    .col(pk_uuid(PlanAimCaseLinkRemovals::Id))
                    .col(uuid(PlanAimCaseLinkRemovals::AimId))
                    .col(uuid(PlanAimCaseLinkRemovals::CaseId))
                    .col(text(PlanAimCaseLinkRemovals::Reason))
                    .col(uuid(PlanAimCaseLinkRemovals::LinkedBy))
                    .col(timestamp_with_time_zone(PlanAimCaseLinkRemovals::LinkedAt))
                    .col(uuid(PlanAimCaseLinkRemovals::RemovedBy))
                    .col(timestamp_with_time_zone(PlanAimCaseLinkRemovals::RemovedAt))
                    .col(text(PlanAimCaseLinkRemovals::RemovedReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(removals, PlanAimCaseLinkRemovals::AimId)
                            .to(PlanAims::Table, PlanAims::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(removals, PlanAimCaseLinkRemovals::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(removals, PlanAimCaseLinkRemovals::LinkedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(removals, PlanAimCaseLinkRemovals::RemovedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_plan_aim_case_link_removals_case")
                    .table(removals)
                    .col(PlanAimCaseLinkRemovals::CaseId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(PlanAimCaseLinkRemovals::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanAimCaseLinkRemovals {
    Table,
    Id,
    AimId,
    CaseId,
    Reason,
    LinkedBy,
    LinkedAt,
    RemovedBy,
    RemovedAt,
    RemovedReason,
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
