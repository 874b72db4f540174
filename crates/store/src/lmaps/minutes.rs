//! Minutes entries and attendance. An entry is appended and never changed: before the
//! minutes are approved a newer entry for an item replaces the older one on the page
//! (both are kept); after approval only corrections are added, each with its reason.

use casework_domain::actions::{ActionSource, NewAction};
use casework_domain::lmaps::ItemMinutes;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Query,
};
use serde::Serialize;
use uuid::Uuid;

use crate::actions::NewActionRow;
use crate::entities::{action, case, lmaps_agenda_item, lmaps_attendance, lmaps_minute};
use crate::{Store, StoreError};

/// `minute` or `correction`.
pub const MINUTE: &str = "minute";
pub const CORRECTION: &str = "correction";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinuteEntry {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub summary: String,
    pub decisions: String,
    pub next_review_date: Option<NaiveDate>,
    pub reason: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// An action minuted at a meeting, as the minutes list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinutedAction {
    pub id: Uuid,
    pub case_id: Uuid,
    pub description: String,
    pub agency: String,
    pub officer: Option<Uuid>,
    pub due_on: NaiveDate,
    /// `open` or `done`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    pub agency: String,
    pub name: String,
}

impl Store {
    /// Appends an item's minutes (or, with `correction`, a correction with its reason),
    /// stores its actions on the actions list and sets the case's next review date.
    /// Returns the entry and the actions' ids. Call it inside the transaction that
    /// appends the audit event.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_lmaps_minutes(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
        case_id: Uuid,
        minutes: &ItemMinutes,
        correction: Option<&str>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(MinuteEntry, Vec<Uuid>), StoreError> {
        let id = Uuid::new_v4();
        let kind = if correction.is_some() {
            CORRECTION
        } else {
            MINUTE
        };
        lmaps_minute::ActiveModel {
            id: Set(id),
            meeting_id: Set(meeting),
            case_id: Set(case_id),
            kind: Set(kind.to_string()),
            summary: Set(minutes.summary.clone()),
            decisions: Set(minutes.decisions.clone()),
            next_review_date: Set(minutes.next_review_date),
            reason: Set(correction.map(str::to_string)),
            recorded_by: Set(by),
            recorded_at: Set(now),
        }
        .insert(conn)
        .await?;
        let mut actions = Vec::with_capacity(minutes.actions.len());
        for action in &minutes.actions {
            actions.push(
                self.create_action(conn, lmaps_action(action, meeting, case_id), by, now)
                    .await?
                    .id,
            );
        }
        if let Some(day) = minutes.next_review_date {
            self.set_review_date(conn, case_id, Some(day)).await?;
        }
        Ok((
            MinuteEntry {
                id,
                case_id,
                kind: kind.to_string(),
                summary: minutes.summary.clone(),
                decisions: minutes.decisions.clone(),
                next_review_date: minutes.next_review_date,
                reason: correction.map(str::to_string),
                recorded_by: by,
                recorded_at: now,
            },
            actions,
        ))
    }

    /// The person a case is about, if it is on the meeting's agenda now: one row, read
    /// by the agenda's key and the case's, so minuting or removing an item never reads
    /// the whole agenda.
    pub async fn lmaps_item_subject(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
        case_id: Uuid,
    ) -> Result<Option<Uuid>, StoreError> {
        let on_agenda = Query::select()
            .column(lmaps_agenda_item::Column::CaseId)
            .from(lmaps_agenda_item::Entity)
            .and_where(lmaps_agenda_item::Column::MeetingId.eq(meeting))
            .and_where(lmaps_agenda_item::Column::CaseId.eq(case_id))
            .and_where(lmaps_agenda_item::Column::OnAgenda.eq(true))
            .to_owned();
        Ok(case::Entity::find()
            .select_only()
            .column(case::Column::SubjectPersonId)
            .filter(case::Column::Id.eq(case_id))
            .filter(case::Column::Id.in_subquery(on_agenda))
            .into_tuple::<Uuid>()
            .one(conn)
            .await?)
    }

    /// Every minutes entry of a meeting, oldest first.
    pub async fn lmaps_minutes(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
    ) -> Result<Vec<MinuteEntry>, StoreError> {
        Ok(lmaps_minute::Entity::find()
            .filter(lmaps_minute::Column::MeetingId.eq(meeting))
            .order_by_asc(lmaps_minute::Column::RecordedAt)
            .order_by_asc(lmaps_minute::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|row| MinuteEntry {
                id: row.id,
                case_id: row.case_id,
                kind: row.kind,
                summary: row.summary,
                decisions: row.decisions,
                next_review_date: row.next_review_date,
                reason: row.reason,
                recorded_by: row.recorded_by,
                recorded_at: row.recorded_at,
            })
            .collect())
    }

    /// Every action minuted at a meeting, in the order they were set (one query on
    /// the actions' meeting index).
    pub async fn lmaps_minuted_actions(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
    ) -> Result<Vec<MinutedAction>, StoreError> {
        Ok(action::Entity::find()
            .filter(action::Column::MeetingId.eq(meeting))
            .filter(action::Column::Source.eq(ActionSource::Lmaps.as_str()))
            .order_by_asc(action::Column::CreatedAt)
            .order_by_asc(action::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .filter_map(|row| {
                Some(MinutedAction {
                    id: row.id,
                    case_id: row.case_id?,
                    description: row.description,
                    agency: row.agency,
                    officer: row.officer_id,
                    due_on: row.due_on,
                    status: row.status,
                })
            })
            .collect())
    }

    /// Records who attended (replacing the list while the minutes are open).
    pub async fn set_lmaps_attendance(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
        attendees: &[Attendee],
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        lmaps_attendance::Entity::delete_many()
            .filter(lmaps_attendance::Column::MeetingId.eq(meeting))
            .exec(conn)
            .await?;
        if attendees.is_empty() {
            return Ok(());
        }
        lmaps_attendance::Entity::insert_many(attendees.iter().map(|a| {
            lmaps_attendance::ActiveModel {
                meeting_id: Set(meeting),
                agency: Set(a.agency.clone()),
                name: Set(a.name.clone()),
                recorded_by: Set(by),
                recorded_at: Set(now),
            }
        }))
        .exec(conn)
        .await?;
        Ok(())
    }

    pub async fn lmaps_attendance(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
    ) -> Result<Vec<Attendee>, StoreError> {
        Ok(lmaps_attendance::Entity::find()
            .filter(lmaps_attendance::Column::MeetingId.eq(meeting))
            .order_by_asc(lmaps_attendance::Column::Agency)
            .order_by_asc(lmaps_attendance::Column::Name)
            .all(conn)
            .await?
            .into_iter()
            .map(|row| Attendee {
                agency: row.agency,
                name: row.name,
            })
            .collect())
    }
}

fn lmaps_action(action: &NewAction, meeting: Uuid, case_id: Uuid) -> NewActionRow {
    NewActionRow {
        source: ActionSource::Lmaps,
        case_id: Some(case_id),
        meeting_id: Some(meeting),
        plan_action_id: None,
        action: action.clone(),
    }
}
