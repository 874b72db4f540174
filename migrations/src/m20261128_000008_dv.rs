//! Domestic abuse. A DV case is a row of the shared `cases` table (kind
//! `domestic-abuse`, subject = the victim); beside it: the perpetrator (a person, or
//! unknown), incidents, DASH risk checklists and MARAC referrals. Victims are stored
//! on each incident, checklist and referral so that the rules that follow a victim
//! across cases (first-time reports, repeats, escalation) read one index.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DvCases::Table)
                    .col(uuid(DvCases::CaseId).primary_key())
                    // NULL: the perpetrator is not known.
                    .col(uuid_null(DvCases::PerpetratorId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvCases::Table, DvCases::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvCases::Table, DvCases::PerpetratorId)
                            .to(People::Table, People::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_dv_cases_perpetrator",
            DvCases::Table,
            &[DvCases::PerpetratorId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DvIncidents::Table)
                    .col(pk_uuid(DvIncidents::Id))
                    .col(uuid(DvIncidents::CaseId))
                    .col(uuid(DvIncidents::VictimId))
                    .col(uuid_null(DvIncidents::PerpetratorId))
                    .col(timestamp_with_time_zone(DvIncidents::OccurredAt))
                    // The ward the incident counts in: its case's when it was logged.
                    .col(string(DvIncidents::WardCode))
                    .col(string(DvIncidents::ReportedBy))
                    .col(boolean(DvIncidents::ArrestMade))
                    .col(boolean(DvIncidents::ChildrenPresent))
                    .col(text_null(DvIncidents::Summary))
                    .col(uuid(DvIncidents::CreatedBy))
                    .col(timestamp_with_time_zone(DvIncidents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvIncidents::Table, DvIncidents::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvIncidents::Table, DvIncidents::VictimId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvIncidents::Table, DvIncidents::PerpetratorId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvIncidents::Table, DvIncidents::WardCode)
                            .to(Wards::Table, Wards::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvIncidents::Table, DvIncidents::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A case's incidents in order; a victim's history; a period's incidents for the
        // measures, covering the columns they read so that neither this table nor
        // `cases` is visited for each of a year's incidents.
        index(
            manager,
            "idx_dv_incidents_case",
            DvIncidents::Table,
            &[DvIncidents::CaseId, DvIncidents::OccurredAt],
        )
        .await?;
        index(
            manager,
            "idx_dv_incidents_victim",
            DvIncidents::Table,
            &[DvIncidents::VictimId, DvIncidents::OccurredAt],
        )
        .await?;
        index(
            manager,
            "idx_dv_incidents_occurred",
            DvIncidents::Table,
            &[
                DvIncidents::OccurredAt,
                DvIncidents::VictimId,
                DvIncidents::ArrestMade,
                DvIncidents::WardCode,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DvAssessments::Table)
                    .col(pk_uuid(DvAssessments::Id))
                    .col(uuid(DvAssessments::CaseId))
                    .col(uuid(DvAssessments::VictimId))
                    .col(integer(DvAssessments::InstrumentVersion))
                    .col(text(DvAssessments::Answers))
                    .col(integer(DvAssessments::YesCount))
                    .col(string(DvAssessments::ComputedLevel))
                    .col(string(DvAssessments::Level))
                    .col(text_null(DvAssessments::JudgementReason))
                    .col(uuid(DvAssessments::AssessedBy))
                    .col(timestamp_with_time_zone(DvAssessments::AssessedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvAssessments::Table, DvAssessments::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvAssessments::Table, DvAssessments::VictimId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DvAssessments::Table, DvAssessments::AssessedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_dv_assessments_case",
            DvAssessments::Table,
            &[DvAssessments::CaseId, DvAssessments::AssessedAt],
        )
        .await?;
        index(
            manager,
            "idx_dv_assessments_victim",
            DvAssessments::Table,
            &[DvAssessments::VictimId, DvAssessments::AssessedAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MaracReferrals::Table)
                    .col(pk_uuid(MaracReferrals::Id))
                    .col(uuid(MaracReferrals::CaseId))
                    .col(uuid(MaracReferrals::VictimId))
                    .col(date(MaracReferrals::ReferredOn))
                    // JSON list of reason codes.
                    .col(text(MaracReferrals::Reasons))
                    .col(boolean(MaracReferrals::IsRepeat))
                    .col(date_null(MaracReferrals::MeetingOn))
                    .col(uuid(MaracReferrals::RecordedBy))
                    .col(timestamp_with_time_zone(MaracReferrals::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaracReferrals::Table, MaracReferrals::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaracReferrals::Table, MaracReferrals::VictimId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaracReferrals::Table, MaracReferrals::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    // One referral of a victim a day: a second is the same one told twice.
                    .index(
                        Index::create()
                            .name("uq_marac_referrals_victim_day")
                            .col(MaracReferrals::VictimId)
                            .col(MaracReferrals::ReferredOn)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_marac_referrals_case",
            MaracReferrals::Table,
            &[MaracReferrals::CaseId, MaracReferrals::ReferredOn],
        )
        .await?;
        index(
            manager,
            "idx_marac_referrals_referred_on",
            MaracReferrals::Table,
            &[MaracReferrals::ReferredOn],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MaracReferrals::Table.into_iden(),
            DvAssessments::Table.into_iden(),
            DvIncidents::Table.into_iden(),
            DvCases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: &[C],
) -> Result<(), DbErr>
where
    T: IntoTableRef + Copy,
    C: IntoIndexColumn + Copy,
{
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum DvCases {
    Table,
    CaseId,
    PerpetratorId,
}

#[derive(DeriveIden, Clone, Copy)]
enum DvIncidents {
    Table,
    Id,
    CaseId,
    VictimId,
    PerpetratorId,
    OccurredAt,
    WardCode,
    ReportedBy,
    ArrestMade,
    ChildrenPresent,
    Summary,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DvAssessments {
    Table,
    Id,
    CaseId,
    VictimId,
    InstrumentVersion,
    Answers,
    YesCount,
    ComputedLevel,
    Level,
    JudgementReason,
    AssessedBy,
    AssessedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MaracReferrals {
    Table,
    Id,
    CaseId,
    VictimId,
    ReferredOn,
    Reasons,
    IsRepeat,
    MeetingOn,
    RecordedBy,
    RecordedAt,
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
enum Wards {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}
