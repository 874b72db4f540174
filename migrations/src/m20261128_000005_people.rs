//! People: one record per person, shared by every module.

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
                    .table(People::Table)
                    .col(pk_uuid(People::Id))
                    .col(string(People::Forename))
                    .col(string(People::Surname))
                    .col(string(People::FoldedName))
                    .col(date_null(People::DateOfBirth))
                    .col(text_null(People::Address))
                    .col(string_null(People::FoldedAddress))
                    .col(string_null(People::WardCode))
                    .col(uuid(People::CreatedBy))
                    .col(string(People::CreatedByAgency))
                    .col(timestamp_with_time_zone(People::CreatedAt))
                    .col(timestamp_with_time_zone(People::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(People::Table, People::WardCode)
                            .to(Wards::Table, Wards::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(People::Table, People::CreatedByAgency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_people_folded_name", People::FoldedName),
            ("idx_people_date_of_birth", People::DateOfBirth),
            ("idx_people_folded_address", People::FoldedAddress),
            ("idx_people_ward", People::WardCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(People::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(People::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    Forename,
    Surname,
    FoldedName,
    DateOfBirth,
    Address,
    FoldedAddress,
    WardCode,
    CreatedBy,
    CreatedByAgency,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Wards {
    Table,
    Code,
}
