//! Drops `idx_asb_incident_people_person` (person, role): every look-up it served is
//! served by `idx_asb_incident_people_victim` (person, role, incident), of which it is
//! a prefix, so it only cost space and time on every incident logged.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PERSON: &str = "idx_asb_incident_people_person";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(PERSON)
                    .table(AsbIncidentPeople::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(PERSON)
                    .table(AsbIncidentPeople::Table)
                    .col(AsbIncidentPeople::PersonId)
                    .col(AsbIncidentPeople::Role)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum AsbIncidentPeople {
    Table,
    PersonId,
    Role,
}
