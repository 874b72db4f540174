//! Agencies, districts, wards and the partnership's settings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Agencies::Table)
                    .col(string(Agencies::Code).primary_key())
                    .col(string(Agencies::Name))
                    .col(string(Agencies::Kind))
                    .col(boolean(Agencies::Active).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Districts::Table)
                    .col(string(Districts::Code).primary_key())
                    .col(string(Districts::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Wards::Table)
                    .col(string(Wards::Code).primary_key())
                    .col(string(Wards::Name))
                    .col(string(Wards::DistrictCode))
                    .col(string_null(Wards::Town))
                    .col(string_null(Wards::OnsCode))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Wards::Table, Wards::DistrictCode)
                            .to(Districts::Table, Districts::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_wards_district")
                    .table(Wards::Table)
                    .col(Wards::DistrictCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(string(Settings::Key).primary_key())
                    .col(text(Settings::Value))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Settings::Table.into_iden(),
            Wards::Table.into_iden(),
            Districts::Table.into_iden(),
            Agencies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Agencies {
    Table,
    Code,
    Name,
    Kind,
    Active,
}

#[derive(DeriveIden)]
pub enum Districts {
    Table,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Wards {
    Table,
    Code,
    Name,
    DistrictCode,
    Town,
    OnsCode,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}
