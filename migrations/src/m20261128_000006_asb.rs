//! Cases (every kind shares one table: kind, reference, owner, lead, status), their
//! shares with other agencies, and the ASB module: incident types, incidents, the
//! people in them, and victim risk assessments.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_reference::Agencies;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The ASB types every partnership starts with (`casework_domain::asb::STANDARD_TYPES`);
/// an administrator may add more rows later.
const STANDARD_TYPES: [(&str, &str); 10] = [
    ("rowdy-behaviour", "Rowdy or inconsiderate behaviour"),
    ("neighbour-dispute", "Neighbour dispute"),
    ("harassment", "Harassment or intimidation"),
    ("noise", "Noise"),
    ("criminal-damage", "Criminal damage or vandalism"),
    ("deliberate-fire", "Deliberate fire"),
    ("vehicle-nuisance", "Vehicle nuisance"),
    ("drug-related", "Drug or substance misuse"),
    ("littering-dumping", "Littering or fly-tipping"),
    ("other", "Other"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(pk_uuid(Cases::Id))
                    .col(string(Cases::Kind))
                    .col(string_uniq(Cases::Reference))
                    .col(integer(Cases::RefYear))
                    .col(integer(Cases::RefSequence))
                    .col(string(Cases::OwnerAgency))
                    .col(uuid_null(Cases::LeadOfficer))
                    .col(uuid(Cases::LoggedBy))
                    .col(uuid(Cases::SubjectPersonId))
                    .col(string(Cases::WardCode))
                    .col(string(Cases::Status))
                    .col(text_null(Cases::Outcome))
                    .col(text_null(Cases::Summary))
                    .col(date_null(Cases::ReviewDate))
                    .col(timestamp_with_time_zone(Cases::OpenedAt))
                    .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::OwnerAgency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::LeadOfficer)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::LoggedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::SubjectPersonId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cases::Table, Cases::WardCode)
                            .to(Wards::Table, Wards::Code),
                    )
                    .index(
                        Index::create()
                            .name("uq_cases_kind_year_sequence")
                            .col(Cases::Kind)
                            .col(Cases::RefYear)
                            .col(Cases::RefSequence)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_cases_owner_agency", Cases::OwnerAgency),
            ("idx_cases_kind", Cases::Kind),
            ("idx_cases_ward", Cases::WardCode),
            ("idx_cases_status", Cases::Status),
            ("idx_cases_subject", Cases::SubjectPersonId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Cases::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CaseShares::Table)
                    .col(uuid(CaseShares::CaseId))
                    .col(string(CaseShares::Agency))
                    .col(uuid(CaseShares::SharedBy))
                    .col(timestamp_with_time_zone(CaseShares::SharedAt))
                    .col(text(CaseShares::Reason))
                    .primary_key(
                        Index::create()
                            .col(CaseShares::CaseId)
                            .col(CaseShares::Agency),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseShares::Table, CaseShares::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseShares::Table, CaseShares::Agency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseShares::Table, CaseShares::SharedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_shares_agency")
                    .table(CaseShares::Table)
                    .col(CaseShares::Agency)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AsbIncidentTypes::Table)
                    .col(string(AsbIncidentTypes::Code).primary_key())
                    .col(string(AsbIncidentTypes::Name))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(AsbIncidentTypes::Table)
            .columns([AsbIncidentTypes::Code, AsbIncidentTypes::Name]);
        for (code, name) in STANDARD_TYPES {
            seed.values_panic([code.into(), name.into()]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(AsbIncidents::Table)
                    .col(pk_uuid(AsbIncidents::Id))
                    .col(uuid(AsbIncidents::CaseId))
                    .col(timestamp_with_time_zone(AsbIncidents::OccurredAt))
                    .col(timestamp_with_time_zone(AsbIncidents::ReportedAt))
                    .col(string(AsbIncidents::ReportingAgency))
                    .col(string(AsbIncidents::Category))
                    .col(string(AsbIncidents::IncidentType))
                    .col(string(AsbIncidents::WardCode))
                    .col(boolean(AsbIncidents::AlcoholRelated))
                    .col(boolean(AsbIncidents::YouthRelated))
                    .col(boolean(AsbIncidents::PerpetratorUnknown))
                    .col(uuid(AsbIncidents::CreatedBy))
                    .col(timestamp_with_time_zone(AsbIncidents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidents::Table, AsbIncidents::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidents::Table, AsbIncidents::ReportingAgency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidents::Table, AsbIncidents::IncidentType)
                            .to(AsbIncidentTypes::Table, AsbIncidentTypes::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidents::Table, AsbIncidents::WardCode)
                            .to(Wards::Table, Wards::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidents::Table, AsbIncidents::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_asb_incidents_case", AsbIncidents::CaseId),
            ("idx_asb_incidents_occurred_at", AsbIncidents::OccurredAt),
            ("idx_asb_incidents_ward", AsbIncidents::WardCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AsbIncidents::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AsbIncidentPeople::Table)
                    .col(uuid(AsbIncidentPeople::IncidentId))
                    .col(uuid(AsbIncidentPeople::PersonId))
                    .col(string(AsbIncidentPeople::Role))
                    .primary_key(
                        Index::create()
                            .col(AsbIncidentPeople::IncidentId)
                            .col(AsbIncidentPeople::PersonId)
                            .col(AsbIncidentPeople::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidentPeople::Table, AsbIncidentPeople::IncidentId)
                            .to(AsbIncidents::Table, AsbIncidents::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbIncidentPeople::Table, AsbIncidentPeople::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_incident_people_person")
                    .table(AsbIncidentPeople::Table)
                    .col(AsbIncidentPeople::PersonId)
                    .col(AsbIncidentPeople::Role)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AsbAssessments::Table)
                    .col(pk_uuid(AsbAssessments::Id))
                    .col(uuid(AsbAssessments::CaseId))
                    .col(integer(AsbAssessments::InstrumentVersion))
                    .col(text(AsbAssessments::Answers))
                    .col(integer(AsbAssessments::Score))
                    .col(string(AsbAssessments::ComputedTier))
                    .col(string(AsbAssessments::FinalTier))
                    .col(text_null(AsbAssessments::JudgementReason))
                    .col(uuid(AsbAssessments::AssessedBy))
                    .col(timestamp_with_time_zone(AsbAssessments::AssessedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbAssessments::Table, AsbAssessments::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbAssessments::Table, AsbAssessments::AssessedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_assessments_case")
                    .table(AsbAssessments::Table)
                    .col(AsbAssessments::CaseId)
                    .col(AsbAssessments::AssessedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AsbAssessments::Table.into_iden(),
            AsbIncidentPeople::Table.into_iden(),
            AsbIncidents::Table.into_iden(),
            AsbIncidentTypes::Table.into_iden(),
            CaseShares::Table.into_iden(),
            Cases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Kind,
    Reference,
    RefYear,
    RefSequence,
    OwnerAgency,
    LeadOfficer,
    LoggedBy,
    SubjectPersonId,
    WardCode,
    Status,
    Outcome,
    Summary,
    ReviewDate,
    OpenedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum CaseShares {
    Table,
    CaseId,
    Agency,
    SharedBy,
    SharedAt,
    Reason,
}

#[derive(DeriveIden)]
enum AsbIncidentTypes {
    Table,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum AsbIncidents {
    Table,
    Id,
    CaseId,
    OccurredAt,
    ReportedAt,
    ReportingAgency,
    Category,
    IncidentType,
    WardCode,
    AlcoholRelated,
    YouthRelated,
    PerpetratorUnknown,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AsbIncidentPeople {
    Table,
    IncidentId,
    PersonId,
    Role,
}

#[derive(DeriveIden)]
enum AsbAssessments {
    Table,
    Id,
    CaseId,
    InstrumentVersion,
    Answers,
    Score,
    ComputedTier,
    FinalTier,
    JudgementReason,
    AssessedBy,
    AssessedAt,
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

#[derive(DeriveIden)]
enum Wards {
    Table,
    Code,
}
