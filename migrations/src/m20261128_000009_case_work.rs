//! The day-to-day work on a case: notes (any kind of case), ASB Case Review
//! applications with the due date of each step, and the victim contact standard on
//! ASB incidents (when first contact is due, and when it was made).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CaseNotes::Table)
                    .col(pk_uuid(CaseNotes::Id))
                    .col(uuid(CaseNotes::CaseId))
                    .col(text(CaseNotes::Text))
                    .col(uuid(CaseNotes::WrittenBy))
                    .col(timestamp_with_time_zone(CaseNotes::WrittenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseNotes::Table, CaseNotes::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseNotes::Table, CaseNotes::WrittenBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_notes_case")
                    .table(CaseNotes::Table)
                    .col(CaseNotes::CaseId)
                    .col(CaseNotes::WrittenAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AsbCaseReviews::Table)
                    .col(pk_uuid(AsbCaseReviews::Id))
                    .col(uuid(AsbCaseReviews::CaseId))
                    .col(uuid(AsbCaseReviews::ApplicantId))
                    .col(date(AsbCaseReviews::AppliedOn))
                    .col(date(AsbCaseReviews::AcknowledgeBy))
                    .col(date(AsbCaseReviews::DecideBy))
                    .col(date(AsbCaseReviews::ReviewBy))
                    .col(date_null(AsbCaseReviews::AcknowledgedOn))
                    .col(date_null(AsbCaseReviews::DecidedOn))
                    .col(boolean_null(AsbCaseReviews::ThresholdMet))
                    .col(date_null(AsbCaseReviews::ReviewHeldOn))
                    .col(text_null(AsbCaseReviews::Outcome))
                    .col(uuid(AsbCaseReviews::RecordedBy))
                    .col(timestamp_with_time_zone(AsbCaseReviews::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbCaseReviews::Table, AsbCaseReviews::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbCaseReviews::Table, AsbCaseReviews::ApplicantId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbCaseReviews::Table, AsbCaseReviews::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_asb_case_reviews_case", AsbCaseReviews::CaseId),
            // The overdue list reads applications whose review is still to be held.
            ("idx_asb_case_reviews_open", AsbCaseReviews::ReviewHeldOn),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AsbCaseReviews::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        // SQLite takes one change per ALTER TABLE.
        for column in [
            timestamp_with_time_zone_null(AsbIncidents::ContactDueAt),
            timestamp_with_time_zone_null(AsbIncidents::VictimContactedAt),
            uuid_null(AsbIncidents::ContactedBy),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AsbIncidents::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_incidents_contact_due")
                    .table(AsbIncidents::Table)
                    .col(AsbIncidents::ContactDueAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_asb_incidents_contact_due")
                    .table(AsbIncidents::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            AsbIncidents::ContactedBy,
            AsbIncidents::VictimContactedAt,
            AsbIncidents::ContactDueAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AsbIncidents::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            AsbCaseReviews::Table.into_iden(),
            CaseNotes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CaseNotes {
    Table,
    Id,
    CaseId,
    Text,
    WrittenBy,
    WrittenAt,
}

#[derive(DeriveIden)]
enum AsbCaseReviews {
    Table,
    Id,
    CaseId,
    ApplicantId,
    AppliedOn,
    AcknowledgeBy,
    DecideBy,
    ReviewBy,
    AcknowledgedOn,
    DecidedOn,
    ThresholdMet,
    ReviewHeldOn,
    Outcome,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum AsbIncidents {
    Table,
    ContactDueAt,
    VictimContactedAt,
    ContactedBy,
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

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}
