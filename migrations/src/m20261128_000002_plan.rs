//! The Partnership Plan: years, priorities, aims, actions and who owns them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_reference::Agencies;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlanYears::Table)
                    .col(pk_uuid(PlanYears::Id))
                    .col(string_uniq(PlanYears::Year))
                    .col(string(PlanYears::Title))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanPriorities::Table)
                    .col(pk_uuid(PlanPriorities::Id))
                    .col(uuid(PlanPriorities::PlanYearId))
                    .col(string(PlanPriorities::Key))
                    .col(integer(PlanPriorities::Position))
                    .col(string(PlanPriorities::Title))
                    .col(text_null(PlanPriorities::Statement))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanPriorities::Table, PlanPriorities::PlanYearId)
                            .to(PlanYears::Table, PlanYears::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_plan_priorities_key")
                            .col(PlanPriorities::PlanYearId)
                            .col(PlanPriorities::Key)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanAims::Table)
                    .col(pk_uuid(PlanAims::Id))
                    .col(uuid(PlanAims::PriorityId))
                    .col(string(PlanAims::Key))
                    .col(integer(PlanAims::Position))
                    .col(text(PlanAims::Title))
                    .col(text_null(PlanAims::Description))
                    .col(text_null(PlanAims::BaselineSource))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanAims::Table, PlanAims::PriorityId)
                            .to(PlanPriorities::Table, PlanPriorities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_plan_aims_key")
                            .col(PlanAims::PriorityId)
                            .col(PlanAims::Key)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanAimPartners::Table)
                    .col(uuid(PlanAimPartners::AimId))
                    .col(string(PlanAimPartners::AgencyCode))
                    .primary_key(
                        Index::create()
                            .col(PlanAimPartners::AimId)
                            .col(PlanAimPartners::AgencyCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanAimPartners::Table, PlanAimPartners::AimId)
                            .to(PlanAims::Table, PlanAims::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanAimPartners::Table, PlanAimPartners::AgencyCode)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanActions::Table)
                    .col(pk_uuid(PlanActions::Id))
                    .col(uuid(PlanActions::AimId))
                    .col(string(PlanActions::Key))
                    .col(integer(PlanActions::Position))
                    .col(text(PlanActions::Text))
                    .col(date_null(PlanActions::ReviewDate))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanActions::Table, PlanActions::AimId)
                            .to(PlanAims::Table, PlanAims::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_plan_actions_key")
                            .col(PlanActions::AimId)
                            .col(PlanActions::Key)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanActionAgencies::Table)
                    .col(uuid(PlanActionAgencies::ActionId))
                    .col(string(PlanActionAgencies::AgencyCode))
                    .primary_key(
                        Index::create()
                            .col(PlanActionAgencies::ActionId)
                            .col(PlanActionAgencies::AgencyCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanActionAgencies::Table, PlanActionAgencies::ActionId)
                            .to(PlanActions::Table, PlanActions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanActionAgencies::Table, PlanActionAgencies::AgencyCode)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PlanActionAgencies::Table.into_iden(),
            PlanActions::Table.into_iden(),
            PlanAimPartners::Table.into_iden(),
            PlanAims::Table.into_iden(),
            PlanPriorities::Table.into_iden(),
            PlanYears::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum PlanYears {
    Table,
    Id,
    Year,
    Title,
}

#[derive(DeriveIden)]
enum PlanPriorities {
    Table,
    Id,
    PlanYearId,
    Key,
    Position,
    Title,
    Statement,
}

#[derive(DeriveIden)]
enum PlanAims {
    Table,
    Id,
    PriorityId,
    Key,
    Position,
    Title,
    Description,
    BaselineSource,
}

#[derive(DeriveIden)]
enum PlanAimPartners {
    Table,
    AimId,
    AgencyCode,
}

#[derive(DeriveIden)]
enum PlanActions {
    Table,
    Id,
    AimId,
    Key,
    Position,
    Text,
    ReviewDate,
}

#[derive(DeriveIden)]
enum PlanActionAgencies {
    Table,
    ActionId,
    AgencyCode,
}
