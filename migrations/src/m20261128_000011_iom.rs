//! Integrated Offender Management. A membership of the cohort is a row of the shared
//! `cases` table (kind `iom`, subject = the offender, lead officer = the lead offender
//! manager; open while the member is in the cohort), so re-selection is a new case and
//! access, shares and the audit trail work as for every case. Beside it: the
//! membership's own facts, its tier history, needs against the resettlement pathways
//! and their referrals to housing. Offences belong to the person, not the membership.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IomMemberships::Table)
                    .col(uuid(IomMemberships::CaseId).primary_key())
                    .col(uuid(IomMemberships::PersonId))
                    .col(date(IomMemberships::EnteredOn))
                    .col(string(IomMemberships::Stream))
                    .col(text_null(IomMemberships::SelectionReason))
                    .col(uuid_null(IomMemberships::PoliceLead))
                    .col(uuid_null(IomMemberships::ProbationLead))
                    .col(string_null(IomMemberships::Placement))
                    .col(string_null(IomMemberships::OutreachWorker))
                    .col(date_null(IomMemberships::DeselectedOn))
                    .col(text_null(IomMemberships::DeselectionReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomMemberships::Table, IomMemberships::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomMemberships::Table, IomMemberships::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomMemberships::Table, IomMemberships::PoliceLead)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomMemberships::Table, IomMemberships::ProbationLead)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_iom_memberships_person",
            IomMemberships::Table,
            &[IomMemberships::PersonId, IomMemberships::EnteredOn],
        )
        .await?;
        index(
            manager,
            "idx_iom_memberships_entered_on",
            IomMemberships::Table,
            &[IomMemberships::EnteredOn],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IomTierChanges::Table)
                    .col(pk_uuid(IomTierChanges::Id))
                    .col(uuid(IomTierChanges::CaseId))
                    .col(date(IomTierChanges::ChangedOn))
                    .col(string(IomTierChanges::Tier))
                    .col(text_null(IomTierChanges::Reason))
                    .col(uuid(IomTierChanges::RecordedBy))
                    .col(timestamp_with_time_zone(IomTierChanges::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomTierChanges::Table, IomTierChanges::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomTierChanges::Table, IomTierChanges::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_iom_tier_changes_case",
            IomTierChanges::Table,
            &[IomTierChanges::CaseId, IomTierChanges::ChangedOn],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IomNeeds::Table)
                    .col(pk_uuid(IomNeeds::Id))
                    .col(uuid(IomNeeds::CaseId))
                    .col(string(IomNeeds::Pathway))
                    .col(string(IomNeeds::Status))
                    .col(text_null(IomNeeds::Note))
                    .col(uuid(IomNeeds::RecordedBy))
                    .col(timestamp_with_time_zone(IomNeeds::RecordedAt))
                    .col(timestamp_with_time_zone(IomNeeds::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomNeeds::Table, IomNeeds::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomNeeds::Table, IomNeeds::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_iom_needs_case",
            IomNeeds::Table,
            &[IomNeeds::CaseId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IomNeedReferrals::Table)
                    .col(pk_uuid(IomNeedReferrals::Id))
                    .col(uuid(IomNeedReferrals::NeedId))
                    .col(uuid(IomNeedReferrals::CaseId))
                    // One of the two: a housing provider agency, or the Housing Task &
                    // Finish Group (a panel, not an agency).
                    .col(string_null(IomNeedReferrals::ToAgency))
                    .col(string_null(IomNeedReferrals::ToPanel))
                    .col(text(IomNeedReferrals::Reason))
                    .col(uuid(IomNeedReferrals::ReferredBy))
                    .col(timestamp_with_time_zone(IomNeedReferrals::ReferredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomNeedReferrals::Table, IomNeedReferrals::NeedId)
                            .to(IomNeeds::Table, IomNeeds::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomNeedReferrals::Table, IomNeedReferrals::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomNeedReferrals::Table, IomNeedReferrals::ToAgency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IomNeedReferrals::Table, IomNeedReferrals::ReferredBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_iom_need_referrals_need",
            IomNeedReferrals::Table,
            &[IomNeedReferrals::NeedId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Offences::Table)
                    .col(pk_uuid(Offences::Id))
                    .col(uuid(Offences::PersonId))
                    .col(date(Offences::CommittedOn))
                    .col(date_null(Offences::ProvenOn))
                    .col(string(Offences::Outcome))
                    .col(string(Offences::Category))
                    .col(double_null(Offences::HarmWeight))
                    // NULL: loaded by `casework import offences` without naming a user.
                    .col(uuid_null(Offences::RecordedBy))
                    .col(timestamp_with_time_zone(Offences::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offences::Table, Offences::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offences::Table, Offences::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_offences_person",
            Offences::Table,
            &[Offences::PersonId, Offences::CommittedOn],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Offences::Table.into_iden(),
            IomNeedReferrals::Table.into_iden(),
            IomNeeds::Table.into_iden(),
            IomTierChanges::Table.into_iden(),
            IomMemberships::Table.into_iden(),
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
enum IomMemberships {
    Table,
    CaseId,
    PersonId,
    EnteredOn,
    Stream,
    SelectionReason,
    PoliceLead,
    ProbationLead,
    Placement,
    OutreachWorker,
    DeselectedOn,
    DeselectionReason,
}

#[derive(DeriveIden, Clone, Copy)]
enum IomTierChanges {
    Table,
    Id,
    CaseId,
    ChangedOn,
    Tier,
    Reason,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IomNeeds {
    Table,
    Id,
    CaseId,
    Pathway,
    Status,
    Note,
    RecordedBy,
    RecordedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IomNeedReferrals {
    Table,
    Id,
    NeedId,
    CaseId,
    ToAgency,
    ToPanel,
    Reason,
    ReferredBy,
    ReferredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Offences {
    Table,
    Id,
    PersonId,
    CommittedOn,
    ProvenOn,
    Outcome,
    Category,
    HarmWeight,
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
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Code,
}
