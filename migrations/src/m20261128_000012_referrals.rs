//! Referrals between agencies, and the Prevent & Deter programme.
//!
//! A referral goes from an agency to an agency or a panel about a person (and maybe a
//! case); its inbox is the agency referred to, or the panel's coordinating agency, so
//! both boxes are one indexed filter. Each status change is kept.
//!
//! A Prevent & Deter referral is a row of the shared `cases` table (kind
//! `prevent-deter`, owned by the Prevent & Deter team, subject = the young person,
//! shared with the referring agency), with its own facts beside it and each stage it
//! passed through. The programme's own stages ("It's Your Choice") are a list an
//! administrator extends; this migration seeds the first version of it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Referrals::Table)
                    .col(pk_uuid(Referrals::Id))
                    .col(uuid(Referrals::PersonId))
                    .col(uuid_null(Referrals::CaseId))
                    .col(string(Referrals::FromAgency))
                    .col(uuid(Referrals::ReferredBy))
                    .col(string_null(Referrals::ToAgency))
                    .col(string_null(Referrals::ToPanel))
                    .col(string(Referrals::InboxAgency))
                    .col(text(Referrals::Reason))
                    .col(boolean(Referrals::Consent))
                    .col(text_null(Referrals::ConsentOverrideReason))
                    .col(string(Referrals::Status))
                    .col(text_null(Referrals::StatusReason))
                    .col(date(Referrals::ReferredOn))
                    .col(timestamp_with_time_zone(Referrals::ReferredAt))
                    .col(timestamp_with_time_zone(Referrals::UpdatedAt))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::PersonId,
                        People::Table,
                        People::Id,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::CaseId,
                        Cases::Table,
                        Cases::Id,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::FromAgency,
                        Agencies::Table,
                        Agencies::Code,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ToAgency,
                        Agencies::Table,
                        Agencies::Code,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::InboxAgency,
                        Agencies::Table,
                        Agencies::Code,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ReferredBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_referrals_inbox",
            Referrals::Table,
            &[Referrals::InboxAgency, Referrals::ReferredAt],
        )
        .await?;
        index(
            manager,
            "idx_referrals_outbox",
            Referrals::Table,
            &[Referrals::FromAgency, Referrals::ReferredAt],
        )
        .await?;
        index(
            manager,
            "idx_referrals_person",
            Referrals::Table,
            &[Referrals::PersonId],
        )
        .await?;
        index(
            manager,
            "idx_referrals_case",
            Referrals::Table,
            &[Referrals::CaseId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReferralTransitions::Table)
                    .col(pk_uuid(ReferralTransitions::Id))
                    .col(uuid(ReferralTransitions::ReferralId))
                    .col(string(ReferralTransitions::FromStatus))
                    .col(string(ReferralTransitions::ToStatus))
                    .col(text_null(ReferralTransitions::Reason))
                    .col(uuid(ReferralTransitions::ByUser))
                    .col(timestamp_with_time_zone(ReferralTransitions::At))
                    .foreign_key(&mut fk(
                        ReferralTransitions::Table,
                        ReferralTransitions::ReferralId,
                        Referrals::Table,
                        Referrals::Id,
                    ))
                    .foreign_key(&mut fk(
                        ReferralTransitions::Table,
                        ReferralTransitions::ByUser,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_referral_transitions_referral",
            ReferralTransitions::Table,
            &[ReferralTransitions::ReferralId, ReferralTransitions::At],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PdProgrammeStages::Table)
                    .col(string(PdProgrammeStages::Code).primary_key())
                    .col(string(PdProgrammeStages::Name))
                    .col(integer(PdProgrammeStages::Position))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(PdProgrammeStages::Table).columns([
            PdProgrammeStages::Code,
            PdProgrammeStages::Name,
            PdProgrammeStages::Position,
        ]);
        for (position, code, name) in [
            (
                1,
                "engagement",
                "Engagement: meeting the young person and family",
            ),
            (2, "action-plan", "Action plan agreed"),
            (
                3,
                "activities",
                "Diversionary activities and one-to-one work",
            ),
            (4, "review", "Review and moving on"),
        ] {
            seed.values_panic([code.into(), name.into(), Expr::val(position)]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(PdReferrals::Table)
                    .col(uuid(PdReferrals::CaseId).primary_key())
                    .col(uuid(PdReferrals::PersonId))
                    .col(date(PdReferrals::ReferredOn))
                    .col(string(PdReferrals::ReferringAgency))
                    .col(integer(PdReferrals::AgeAtReferral))
                    // Codes, comma-separated: a short fixed list read with the row.
                    .col(text(PdReferrals::Reasons))
                    .col(boolean(PdReferrals::AlcoholRelated))
                    .col(text(PdReferrals::RiskFactors))
                    .col(integer(PdReferrals::RiskFactorCount))
                    .col(text_null(PdReferrals::BelowBarReason))
                    .col(boolean(PdReferrals::ConsentYoungPerson))
                    .col(boolean(PdReferrals::ConsentParent))
                    // Where the young person is now (the last row of pd_stage_changes).
                    .col(string(PdReferrals::Stage))
                    .col(string_null(PdReferrals::ProgrammeStage))
                    .col(string_null(PdReferrals::ExitOutcome))
                    .col(date(PdReferrals::StageOn))
                    .foreign_key(&mut fk(
                        PdReferrals::Table,
                        PdReferrals::CaseId,
                        Cases::Table,
                        Cases::Id,
                    ))
                    .foreign_key(&mut fk(
                        PdReferrals::Table,
                        PdReferrals::PersonId,
                        People::Table,
                        People::Id,
                    ))
                    .foreign_key(&mut fk(
                        PdReferrals::Table,
                        PdReferrals::ReferringAgency,
                        Agencies::Table,
                        Agencies::Code,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_pd_referrals_referred_on",
            PdReferrals::Table,
            &[PdReferrals::ReferredOn],
        )
        .await?;
        index(
            manager,
            "idx_pd_referrals_stage",
            PdReferrals::Table,
            &[PdReferrals::Stage],
        )
        .await?;
        index(
            manager,
            "idx_pd_referrals_person",
            PdReferrals::Table,
            &[PdReferrals::PersonId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PdStageChanges::Table)
                    .col(pk_uuid(PdStageChanges::Id))
                    .col(uuid(PdStageChanges::CaseId))
                    .col(string(PdStageChanges::Stage))
                    .col(string_null(PdStageChanges::ProgrammeStage))
                    .col(string_null(PdStageChanges::ExitOutcome))
                    .col(date(PdStageChanges::ChangedOn))
                    .col(text_null(PdStageChanges::Reason))
                    .col(text_null(PdStageChanges::Note))
                    .col(uuid(PdStageChanges::Officer))
                    .col(timestamp_with_time_zone(PdStageChanges::RecordedAt))
                    .foreign_key(&mut fk(
                        PdStageChanges::Table,
                        PdStageChanges::CaseId,
                        Cases::Table,
                        Cases::Id,
                    ))
                    .foreign_key(&mut fk(
                        PdStageChanges::Table,
                        PdStageChanges::Officer,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_pd_stage_changes_case",
            PdStageChanges::Table,
            &[PdStageChanges::CaseId, PdStageChanges::RecordedAt],
        )
        .await?;
        index(
            manager,
            "idx_pd_stage_changes_stage_on",
            PdStageChanges::Table,
            &[PdStageChanges::Stage, PdStageChanges::ChangedOn],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PdStageChanges::Table.into_iden(),
            PdReferrals::Table.into_iden(),
            PdProgrammeStages::Table.into_iden(),
            ReferralTransitions::Table.into_iden(),
            Referrals::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn fk<T, C, U, D>(from: T, from_col: C, to: U, to_col: D) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    U: IntoIden,
    D: IntoIden,
{
    ForeignKey::create()
        .from(from, from_col)
        .to(to, to_col)
        .to_owned()
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
enum Referrals {
    Table,
    Id,
    PersonId,
    CaseId,
    FromAgency,
    ReferredBy,
    ToAgency,
    ToPanel,
    InboxAgency,
    Reason,
    Consent,
    ConsentOverrideReason,
    Status,
    StatusReason,
    ReferredOn,
    ReferredAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReferralTransitions {
    Table,
    Id,
    ReferralId,
    FromStatus,
    ToStatus,
    Reason,
    ByUser,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum PdProgrammeStages {
    Table,
    Code,
    Name,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum PdReferrals {
    Table,
    CaseId,
    PersonId,
    ReferredOn,
    ReferringAgency,
    AgeAtReferral,
    Reasons,
    AlcoholRelated,
    RiskFactors,
    RiskFactorCount,
    BelowBarReason,
    ConsentYoungPerson,
    ConsentParent,
    Stage,
    ProgrammeStage,
    ExitOutcome,
    StageOn,
}

#[derive(DeriveIden, Clone, Copy)]
enum PdStageChanges {
    Table,
    Id,
    CaseId,
    Stage,
    ProgrammeStage,
    ExitOutcome,
    ChangedOn,
    Reason,
    Note,
    Officer,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Agencies {
    Table,
    Code,
}
