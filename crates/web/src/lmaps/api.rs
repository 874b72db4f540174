//! `/api/v1/lmaps/meetings/...`: create a meeting, read it and its agenda (items with
//! `case_id`, `reference`, `reasons`), propose again, remove or add items, move its
//! status, minute items and record attendance, and read the minutes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use casework_store::lmaps::{Attendee, Meeting, MinuteEntry};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{MeetingForm, MinutesForm, VisibleItem, meeting_for};
use crate::auth::CurrentUser;
use crate::cases::JsonBody;
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(get_agenda, propose_agenda))
        .routes(routes!(choose_item))
        .routes(routes!(move_meeting))
        .routes(routes!(add_minutes, get_minutes))
        .routes(routes!(set_attendance))
}

#[derive(Serialize, ToSchema)]
struct MeetingJson {
    id: Uuid,
    district: String,
    held_on: NaiveDate,
    chair_id: Uuid,
    /// `planned`, `held` or `minutes-approved`.
    status: String,
    invited_agencies: Vec<String>,
    created_at: DateTime<Utc>,
}

fn meeting_json(m: Meeting) -> MeetingJson {
    MeetingJson {
        id: m.id,
        district: m.district,
        held_on: m.held_on,
        chair_id: m.chair_id,
        status: m.status.as_str().to_string(),
        invited_agencies: m.invited_agencies,
        created_at: m.created_at,
    }
}

#[derive(Serialize, ToSchema)]
struct AgendaItemJson {
    case_id: Uuid,
    /// e.g. `ASB-2012-00042`
    reference: String,
    /// `asb`, `domestic-abuse`, `iom`, `prevent-deter`
    kind: String,
    /// e.g. `gold-asb-victim`, `review-due`, `added-by-chair`
    reasons: Vec<String>,
    ward: String,
    forename: Option<String>,
    surname: Option<String>,
    /// For items the chair removed: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_reason: Option<String>,
}

fn item_json(item: VisibleItem) -> AgendaItemJson {
    let removed = !item.entry.on_agenda;
    AgendaItemJson {
        case_id: item.entry.case_id,
        reference: item.entry.reference,
        kind: item.entry.kind.as_str().to_string(),
        reasons: item
            .entry
            .reasons
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        ward: item.entry.ward,
        forename: item.forename,
        surname: item.surname,
        removed_reason: if removed {
            item.entry.choice_reason
        } else {
            None
        },
    }
}

#[derive(Serialize, ToSchema)]
struct AgendaJson {
    meeting_id: Uuid,
    status: String,
    /// The cases on the agenda that you may see, in order.
    items: Vec<AgendaItemJson>,
    total: usize,
    /// Items the chair took off the agenda (the chair only).
    removed: Vec<AgendaItemJson>,
}

/// Create a meeting you chair; its agenda is proposed at once.
#[utoipa::path(post, path = "/lmaps/meetings", tag = "lmaps", request_body = MeetingForm,
    responses((status = 201, body = MeetingJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn create_meeting(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(form): JsonBody<MeetingForm>,
) -> Result<(StatusCode, Json<MeetingJson>), AppError> {
    let meeting = super::create(&state, &current, &form).await?;
    Ok((StatusCode::CREATED, Json(meeting_json(meeting))))
}

/// A meeting: for `lmaps` members of the invited agencies.
#[utoipa::path(get, path = "/lmaps/meetings/{id}", tag = "lmaps",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MeetingJson), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_meeting(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<MeetingJson>, AppError> {
    Ok(Json(meeting_json(meeting_for(&state, &current, id).await?)))
}

/// The agenda: each case you may see, once, with every reason it is there. Never an
/// address.
#[utoipa::path(get, path = "/lmaps/meetings/{id}/agenda", tag = "lmaps",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AgendaJson), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_agenda(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<AgendaJson>, AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let (on, off) = super::visible_agenda(&state, &current, &meeting, "agenda").await?;
    let items: Vec<AgendaItemJson> = on.into_iter().map(item_json).collect();
    Ok(Json(AgendaJson {
        meeting_id: meeting.id,
        status: meeting.status.as_str().to_string(),
        total: items.len(),
        items,
        removed: off.into_iter().map(item_json).collect(),
    }))
}

/// Propose the agenda again (the chair, until the meeting is held). Items removed or
/// added by hand stay as the chair left them.
#[utoipa::path(post, path = "/lmaps/meetings/{id}/agenda", tag = "lmaps",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AgendaJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn propose_agenda(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<AgendaJson>, AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    super::propose_again(&state, &current, &meeting).await?;
    get_agenda(State(state), current, Path(id)).await
}

#[derive(Deserialize, ToSchema)]
struct ItemChoice {
    /// The case.
    case_id: Option<Uuid>,
    /// `add` or `remove`.
    #[serde(default)]
    action: String,
    /// Required to remove.
    reason: Option<String>,
}

/// The chair adds a case they may see, or removes an item with a reason.
#[utoipa::path(post, path = "/lmaps/meetings/{id}/items", tag = "lmaps", request_body = ItemChoice,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AgendaJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn choose_item(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<ItemChoice>,
) -> Result<Json<AgendaJson>, AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    super::choose(
        &state,
        &current,
        &meeting,
        body.case_id,
        &body.action,
        body.reason.as_deref(),
    )
    .await?;
    get_agenda(State(state), current, Path(id)).await
}

#[derive(Deserialize, ToSchema)]
struct StatusMove {
    /// `held`, then `minutes-approved`.
    #[serde(default)]
    to: String,
}

/// Move the meeting on: planned → held → minutes approved. Approved minutes are
/// read-only.
#[utoipa::path(post, path = "/lmaps/meetings/{id}/status", tag = "lmaps", request_body = StatusMove,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MeetingJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn move_meeting(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<StatusMove>,
) -> Result<Json<MeetingJson>, AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    super::move_to(&state, &current, &meeting, &body.to).await?;
    get_meeting(State(state), current, Path(id)).await
}

#[derive(Serialize, ToSchema)]
struct MinuteJson {
    id: Uuid,
    case_id: Uuid,
    /// `minute`, or `correction` after approval.
    kind: String,
    summary: String,
    decisions: String,
    next_review_date: Option<NaiveDate>,
    reason: Option<String>,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
}

fn minute_json(e: MinuteEntry) -> MinuteJson {
    MinuteJson {
        id: e.id,
        case_id: e.case_id,
        kind: e.kind,
        summary: e.summary,
        decisions: e.decisions,
        next_review_date: e.next_review_date,
        reason: e.reason,
        recorded_by: e.recorded_by,
        recorded_at: e.recorded_at,
    }
}

#[derive(Serialize, ToSchema)]
struct MinutedJson {
    entry: MinuteJson,
    /// The actions put on the actions list.
    action_ids: Vec<Uuid>,
}

/// Minute an agenda item (the chair, once the meeting is held): summary, decisions,
/// actions and the next review date, which becomes the case's. Once approved, only a
/// correction with `correction_reason` is accepted, as a new entry.
#[utoipa::path(post, path = "/lmaps/meetings/{id}/minutes", tag = "lmaps", request_body = MinutesForm,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = MinutedJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn add_minutes(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(form): JsonBody<MinutesForm>,
) -> Result<(StatusCode, Json<MinutedJson>), AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let (entry, action_ids) =
        super::minute(&state, &current, &meeting, &form, super::NamedBy::Id).await?;
    Ok((
        StatusCode::CREATED,
        Json(MinutedJson {
            entry: minute_json(entry),
            action_ids,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
struct MinutesJson {
    meeting_id: Uuid,
    status: String,
    attendance: Vec<AttendeeJson>,
    /// Entries about the cases you may see, oldest first.
    items: Vec<MinuteJson>,
}

#[derive(Serialize, Deserialize, ToSchema)]
struct AttendeeJson {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    name: String,
}

/// The minutes: attendance and the entries about cases you may see.
#[utoipa::path(get, path = "/lmaps/meetings/{id}/minutes", tag = "lmaps",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MinutesJson), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_minutes(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<MinutesJson>, AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let minutes = super::visible_minutes(&state, &current, &meeting, "minutes").await?;
    Ok(Json(MinutesJson {
        meeting_id: meeting.id,
        status: meeting.status.as_str().to_string(),
        attendance: minutes
            .attendance
            .into_iter()
            .map(|a| AttendeeJson {
                agency: a.agency,
                name: a.name,
            })
            .collect(),
        items: minutes.entries.into_iter().map(minute_json).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
struct AttendanceBody {
    #[serde(default)]
    attendance: Vec<AttendeeJson>,
}

/// Record who attended, for which agency (replaces the list until the minutes are
/// approved).
#[utoipa::path(put, path = "/lmaps/meetings/{id}/attendance", tag = "lmaps", request_body = AttendanceBody,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MinutesJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn set_attendance(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<AttendanceBody>,
) -> Result<Json<MinutesJson>, AppError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let attendees: Vec<Attendee> = body
        .attendance
        .into_iter()
        .map(|a| Attendee {
            agency: a.agency.trim().to_string(),
            name: a.name,
        })
        .collect();
    super::attend(&state, &current, &meeting, &attendees).await?;
    get_minutes(State(state), current, Path(id)).await
}
