//! Open data: police.uk street-level rows for the partnership's districts, the record
//! of which force and month were imported, and the LSOA boundaries drawn on the map.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PoliceUkRows::Table)
                    .col(pk_auto(PoliceUkRows::Id))
                    .col(string(PoliceUkRows::Force))
                    .col(date(PoliceUkRows::Month))
                    .col(string_null(PoliceUkRows::CrimeId))
                    .col(string(PoliceUkRows::ReportedBy))
                    .col(double_null(PoliceUkRows::Longitude))
                    .col(double_null(PoliceUkRows::Latitude))
                    .col(string(PoliceUkRows::Location))
                    .col(string(PoliceUkRows::LsoaCode))
                    .col(string(PoliceUkRows::LsoaName))
                    .col(string(PoliceUkRows::District))
                    .col(string(PoliceUkRows::CrimeType))
                    .col(string_null(PoliceUkRows::Outcome))
                    .to_owned(),
            )
            .await?;
        // One index only: every index is kept up to date on each of a year's million
        // rows. Month first, so a month's file adds to one end of it (police.uk
        // publishes a file a month); it answers the map's count per LSOA of a crime
        // type over a range of months on its own, without reading the rows, and serves
        // the delete by force and month when a month is imported again.
        manager
            .create_index(
                Index::create()
                    .name("idx_police_uk_rows_month_type")
                    .table(PoliceUkRows::Table)
                    .col(PoliceUkRows::Month)
                    .col(PoliceUkRows::CrimeType)
                    .col(PoliceUkRows::District)
                    .col(PoliceUkRows::LsoaCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PoliceUkCrimeTypes::Table)
                    .col(string(PoliceUkCrimeTypes::Name).primary_key())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PoliceUkImports::Table)
                    .col(string(PoliceUkImports::Force))
                    .col(date(PoliceUkImports::Month))
                    .col(big_integer(PoliceUkImports::Rows))
                    .col(timestamp_with_time_zone(PoliceUkImports::ImportedAt))
                    .col(string(PoliceUkImports::ImportedBy))
                    .primary_key(
                        Index::create()
                            .col(PoliceUkImports::Force)
                            .col(PoliceUkImports::Month),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Lsoas::Table)
                    .col(string(Lsoas::Code).primary_key())
                    .col(string(Lsoas::Name))
                    .col(string(Lsoas::District))
                    .col(text(Lsoas::Geometry))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PoliceUkCrimeTypes::Table.into_iden(),
            Lsoas::Table.into_iden(),
            PoliceUkImports::Table.into_iden(),
            PoliceUkRows::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum PoliceUkRows {
    Table,
    Id,
    Force,
    Month,
    CrimeId,
    ReportedBy,
    Longitude,
    Latitude,
    Location,
    LsoaCode,
    LsoaName,
    District,
    CrimeType,
    Outcome,
}

/// The crime types imported, for the map's filter: the rows' own column would need a
/// scan of the whole table to list them.
#[derive(DeriveIden)]
enum PoliceUkCrimeTypes {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum PoliceUkImports {
    Table,
    Force,
    Month,
    Rows,
    ImportedAt,
    ImportedBy,
}

#[derive(DeriveIden)]
enum Lsoas {
    Table,
    Code,
    Name,
    District,
    Geometry,
}
