//! `/api/v1/actions`: the actions list per agency and officer, by view; completing an
//! action; and `/api/v1/cases/{id}/actions`: setting one on a case.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use casework_domain::actions::is_overdue;
use casework_store::actions::ActionRecord;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{CaseActionForm, today};
use crate::auth::CurrentUser;
use crate::cases::JsonBody;
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_actions))
        .routes(routes!(complete_action))
        .routes(routes!(add_case_action))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ActionJson {
    id: Uuid,
    /// `lmaps`, `case` or `plan`.
    source: String,
    case_id: Option<Uuid>,
    case_reference: Option<String>,
    meeting_id: Option<Uuid>,
    plan_action_id: Option<Uuid>,
    description: String,
    agency: String,
    officer: Option<Uuid>,
    due_on: NaiveDate,
    /// `open` or `done`.
    status: String,
    overdue: bool,
    created_at: DateTime<Utc>,
    completed_by: Option<Uuid>,
    completed_at: Option<DateTime<Utc>>,
}

pub(crate) fn action_json(a: ActionRecord, today: NaiveDate) -> ActionJson {
    ActionJson {
        overdue: is_overdue(a.status, a.due_on, today),
        id: a.id,
        source: a.source.as_str().to_string(),
        case_id: a.case_id,
        case_reference: a.case_reference,
        meeting_id: a.meeting_id,
        plan_action_id: a.plan_action_id,
        description: a.description,
        agency: a.agency,
        officer: a.officer,
        due_on: a.due_on,
        status: a.status.as_str().to_string(),
        created_at: a.created_at,
        completed_by: a.completed_by,
        completed_at: a.completed_at,
    }
}

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// Agency code; yours if left out (you read only your own agency's list).
    agency: Option<String>,
    /// `open` (default), `due` (today to a week ahead), `overdue`, `done` or `all`.
    status: Option<String>,
    /// `me` for the actions that name you.
    officer: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
struct ActionList {
    items: Vec<ActionJson>,
    total: u64,
}

/// The actions list of an agency (yours), soonest due first.
#[utoipa::path(get, path = "/actions", tag = "actions", params(ListQuery),
    responses((status = 200, body = ActionList), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn list_actions(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<ActionList>, AppError> {
    let mine = match q.officer.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("me") => true,
        Some(_) => {
            return Err(AppError::Invalid(vec![casework_domain::FieldError::new(
                "officer",
                "Use officer=me for your own actions.",
            )]));
        }
    };
    let (_, page) = super::list(
        &state,
        &current,
        q.agency.as_deref(),
        q.status.as_deref(),
        mine,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    let today = today();
    Ok(Json(ActionList {
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|a| action_json(a, today))
            .collect(),
    }))
}

/// Complete an action (its officer, or its agency): who and when are recorded.
#[utoipa::path(post, path = "/actions/{id}/complete", tag = "actions",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ActionJson), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn complete_action(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<ActionJson>, AppError> {
    let record = super::complete(&state, &current, id).await?;
    Ok(Json(action_json(record, today())))
}

/// Set an action on a case you work.
#[utoipa::path(post, path = "/cases/{id}/actions", tag = "actions", request_body = CaseActionForm,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = ActionJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn add_case_action(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(form): JsonBody<CaseActionForm>,
) -> Result<(StatusCode, Json<ActionJson>), AppError> {
    let record = super::add_to_case(&state, &current, id, &form).await?;
    Ok((StatusCode::CREATED, Json(action_json(record, today()))))
}
