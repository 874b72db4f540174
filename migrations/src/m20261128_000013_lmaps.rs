//! LMAPS meetings and the one actions list. A meeting (per district, on a day, with a
//! chair) invites agencies; its agenda holds cases, each with the reasons it is there
//! and the chair's choice (removed with a reason, or added by hand); its minutes are
//! entries, appended and never changed (a correction is a new entry); attendance is
//! per agency. `actions` serves every module: from LMAPS minutes, from a case, or a
//! plan action's own (linked by `plan_action_id`).
//!
//! Indexes for the agenda's reasons, so each is one indexed query for a district:
//! open cases by review date and by subject, ASB assessments by tier, IOM tier
//! changes by tier, open actions by due day.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LmapsMeetings::Table)
                    .col(pk_uuid(LmapsMeetings::Id))
                    .col(string(LmapsMeetings::DistrictCode))
                    .col(date(LmapsMeetings::HeldOn))
                    .col(uuid(LmapsMeetings::ChairId))
                    .col(string(LmapsMeetings::Status))
                    .col(uuid(LmapsMeetings::CreatedBy))
                    .col(timestamp_with_time_zone(LmapsMeetings::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        LmapsMeetings::StatusChangedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsMeetings::Table, LmapsMeetings::DistrictCode)
                            .to(Districts::Table, Districts::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsMeetings::Table, LmapsMeetings::ChairId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsMeetings::Table, LmapsMeetings::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_lmaps_meetings_district",
            LmapsMeetings::Table,
            &[LmapsMeetings::DistrictCode, LmapsMeetings::HeldOn],
        )
        .await?;
        index(
            manager,
            "idx_lmaps_meetings_held_on",
            LmapsMeetings::Table,
            &[LmapsMeetings::HeldOn],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LmapsInvitations::Table)
                    .col(uuid(LmapsInvitations::MeetingId))
                    .col(string(LmapsInvitations::Agency))
                    .primary_key(
                        Index::create()
                            .col(LmapsInvitations::MeetingId)
                            .col(LmapsInvitations::Agency),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsInvitations::Table, LmapsInvitations::MeetingId)
                            .to(LmapsMeetings::Table, LmapsMeetings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsInvitations::Table, LmapsInvitations::Agency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_lmaps_invitations_agency",
            LmapsInvitations::Table,
            &[LmapsInvitations::Agency, LmapsInvitations::MeetingId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LmapsAgendaItems::Table)
                    .col(uuid(LmapsAgendaItems::MeetingId))
                    .col(uuid(LmapsAgendaItems::CaseId))
                    .col(text(LmapsAgendaItems::Reasons))
                    .col(string_null(LmapsAgendaItems::Choice))
                    .col(text_null(LmapsAgendaItems::ChoiceReason))
                    .col(uuid_null(LmapsAgendaItems::ChosenBy))
                    .col(timestamp_with_time_zone_null(LmapsAgendaItems::ChosenAt))
                    .col(boolean(LmapsAgendaItems::OnAgenda))
                    .col(integer(LmapsAgendaItems::Position))
                    .primary_key(
                        Index::create()
                            .col(LmapsAgendaItems::MeetingId)
                            .col(LmapsAgendaItems::CaseId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsAgendaItems::Table, LmapsAgendaItems::MeetingId)
                            .to(LmapsMeetings::Table, LmapsMeetings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsAgendaItems::Table, LmapsAgendaItems::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsAgendaItems::Table, LmapsAgendaItems::ChosenBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Access to a case reads the agendas it is on.
        index(
            manager,
            "idx_lmaps_agenda_items_case",
            LmapsAgendaItems::Table,
            &[LmapsAgendaItems::CaseId, LmapsAgendaItems::OnAgenda],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LmapsMinutes::Table)
                    .col(pk_uuid(LmapsMinutes::Id))
                    .col(uuid(LmapsMinutes::MeetingId))
                    .col(uuid(LmapsMinutes::CaseId))
                    .col(string(LmapsMinutes::Kind))
                    .col(text(LmapsMinutes::Summary))
                    .col(text(LmapsMinutes::Decisions))
                    .col(date_null(LmapsMinutes::NextReviewDate))
                    .col(text_null(LmapsMinutes::Reason))
                    .col(uuid(LmapsMinutes::RecordedBy))
                    .col(timestamp_with_time_zone(LmapsMinutes::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsMinutes::Table, LmapsMinutes::MeetingId)
                            .to(LmapsMeetings::Table, LmapsMeetings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsMinutes::Table, LmapsMinutes::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsMinutes::Table, LmapsMinutes::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_lmaps_minutes_meeting",
            LmapsMinutes::Table,
            &[LmapsMinutes::MeetingId, LmapsMinutes::RecordedAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LmapsAttendance::Table)
                    .col(uuid(LmapsAttendance::MeetingId))
                    .col(string(LmapsAttendance::Agency))
                    .col(string(LmapsAttendance::Name))
                    .col(uuid(LmapsAttendance::RecordedBy))
                    .col(timestamp_with_time_zone(LmapsAttendance::RecordedAt))
                    .primary_key(
                        Index::create()
                            .col(LmapsAttendance::MeetingId)
                            .col(LmapsAttendance::Agency)
                            .col(LmapsAttendance::Name),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsAttendance::Table, LmapsAttendance::MeetingId)
                            .to(LmapsMeetings::Table, LmapsMeetings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LmapsAttendance::Table, LmapsAttendance::Agency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Actions::Table)
                    .col(pk_uuid(Actions::Id))
                    .col(string(Actions::Source))
                    .col(uuid_null(Actions::CaseId))
                    .col(uuid_null(Actions::MeetingId))
                    .col(uuid_null(Actions::PlanActionId))
                    .col(text(Actions::Description))
                    .col(string(Actions::Agency))
                    .col(uuid_null(Actions::OfficerId))
                    .col(date(Actions::DueOn))
                    .col(string(Actions::Status))
                    .col(uuid(Actions::CreatedBy))
                    .col(timestamp_with_time_zone(Actions::CreatedAt))
                    .col(uuid_null(Actions::CompletedBy))
                    .col(timestamp_with_time_zone_null(Actions::CompletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::MeetingId)
                            .to(LmapsMeetings::Table, LmapsMeetings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::PlanActionId)
                            .to(PlanActions::Table, PlanActions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::Agency)
                            .to(Agencies::Table, Agencies::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::OfficerId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Actions::Table, Actions::CompletedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_actions_agency",
                &[Actions::Agency, Actions::Status, Actions::DueOn][..],
            ),
            (
                "idx_actions_officer",
                &[Actions::OfficerId, Actions::Status, Actions::DueOn],
            ),
            (
                "idx_actions_case",
                &[Actions::CaseId, Actions::Status, Actions::DueOn],
            ),
            ("idx_actions_due", &[Actions::Status, Actions::DueOn]),
            ("idx_actions_meeting", &[Actions::MeetingId]),
        ] {
            index(manager, name, Actions::Table, columns).await?;
        }

        // The agenda's reasons, each read from its own index.
        index(
            manager,
            "idx_cases_status_review_date",
            Cases::Table,
            &[Cases::Status, Cases::ReviewDate],
        )
        .await?;
        // A repeat victim's own open cases of a kind: without it SQLite walks every
        // open case for each victim.
        index(
            manager,
            "idx_cases_subject_kind_status",
            Cases::Table,
            &[Cases::SubjectPersonId, Cases::Kind, Cases::Status],
        )
        .await?;
        index(
            manager,
            "idx_asb_assessments_final_tier",
            AsbAssessments::Table,
            &[
                AsbAssessments::FinalTier,
                AsbAssessments::CaseId,
                AsbAssessments::AssessedAt,
            ],
        )
        .await?;
        index(
            manager,
            "idx_iom_tier_changes_tier",
            IomTierChanges::Table,
            &[IomTierChanges::Tier, IomTierChanges::CaseId],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "idx_iom_tier_changes_tier",
                IomTierChanges::Table.into_iden(),
            ),
            (
                "idx_asb_assessments_final_tier",
                AsbAssessments::Table.into_iden(),
            ),
            ("idx_cases_subject_kind_status", Cases::Table.into_iden()),
            ("idx_cases_status_review_date", Cases::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for table in [
            Actions::Table.into_iden(),
            LmapsAttendance::Table.into_iden(),
            LmapsMinutes::Table.into_iden(),
            LmapsAgendaItems::Table.into_iden(),
            LmapsInvitations::Table.into_iden(),
            LmapsMeetings::Table.into_iden(),
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
enum LmapsMeetings {
    Table,
    Id,
    DistrictCode,
    HeldOn,
    ChairId,
    Status,
    CreatedBy,
    CreatedAt,
    StatusChangedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LmapsInvitations {
    Table,
    MeetingId,
    Agency,
}

#[derive(DeriveIden, Clone, Copy)]
enum LmapsAgendaItems {
    Table,
    MeetingId,
    CaseId,
    Reasons,
    Choice,
    ChoiceReason,
    ChosenBy,
    ChosenAt,
    OnAgenda,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum LmapsMinutes {
    Table,
    Id,
    MeetingId,
    CaseId,
    Kind,
    Summary,
    Decisions,
    NextReviewDate,
    Reason,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LmapsAttendance {
    Table,
    MeetingId,
    Agency,
    Name,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Actions {
    Table,
    Id,
    Source,
    CaseId,
    MeetingId,
    PlanActionId,
    Description,
    Agency,
    OfficerId,
    DueOn,
    Status,
    CreatedBy,
    CreatedAt,
    CompletedBy,
    CompletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    Id,
    Status,
    ReviewDate,
    SubjectPersonId,
    Kind,
}

#[derive(DeriveIden, Clone, Copy)]
enum AsbAssessments {
    Table,
    CaseId,
    FinalTier,
    AssessedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IomTierChanges {
    Table,
    CaseId,
    Tier,
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanActions {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Agencies {
    Table,
    Code,
}

#[derive(DeriveIden, Clone, Copy)]
enum Districts {
    Table,
    Code,
}
