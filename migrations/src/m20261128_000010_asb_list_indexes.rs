//! Indexes for the ASB lists, so each reads indexes and not the incidents table:
//! - hotspots count a period's incidents per ward from the period's range of
//!   `idx_asb_incidents_window` (time, ward, type, flags; and the id, with which
//!   PostgreSQL counts repeat victims from the same range);
//! - SQLite counts repeat victims from every incident's time and ward in id order in
//!   `idx_asb_incidents_victim_lookup`, so its look-ups of each incident's victims
//!   (by incident id) go in order too; the list's access check finds each incident's
//!   case there;
//! - the access check walks each victim's incidents from
//!   `idx_asb_incident_people_victim`.
//!
//! Measured with `casework bench asb` (docs/performance.md).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const WINDOW: &str = "idx_asb_incidents_window";
const LOOKUP: &str = "idx_asb_incidents_victim_lookup";
const VICTIM: &str = "idx_asb_incident_people_victim";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(WINDOW)
                    .table(AsbIncidents::Table)
                    .col(AsbIncidents::OccurredAt)
                    .col(AsbIncidents::WardCode)
                    .col(AsbIncidents::IncidentType)
                    .col(AsbIncidents::AlcoholRelated)
                    .col(AsbIncidents::YouthRelated)
                    .col(AsbIncidents::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(LOOKUP)
                    .table(AsbIncidents::Table)
                    .col(AsbIncidents::Id)
                    .col(AsbIncidents::CaseId)
                    .col(AsbIncidents::OccurredAt)
                    .col(AsbIncidents::WardCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(VICTIM)
                    .table(AsbIncidentPeople::Table)
                    .col(AsbIncidentPeople::PersonId)
                    .col(AsbIncidentPeople::Role)
                    .col(AsbIncidentPeople::IncidentId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(VICTIM)
                    .table(AsbIncidentPeople::Table)
                    .to_owned(),
            )
            .await?;
        for name in [LOOKUP, WINDOW] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(AsbIncidents::Table)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AsbIncidents {
    Table,
    Id,
    CaseId,
    OccurredAt,
    WardCode,
    IncidentType,
    AlcoholRelated,
    YouthRelated,
}

#[derive(DeriveIden)]
enum AsbIncidentPeople {
    Table,
    IncidentId,
    PersonId,
    Role,
}
