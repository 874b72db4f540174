//! `/api/v1/cases/{id}/...`: what every kind of case shares: shares, closing and
//! the audit trail.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use casework_audit::AuditAction;
use casework_domain::access::CaseAction;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ENTITY, JsonBody, api_reason, audit_events, guard};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(share_case))
        .routes(routes!(close_case))
        .routes(routes!(case_audit))
}

#[derive(Deserialize, ToSchema)]
struct NewShare {
    /// Agency code, e.g. `derwent-solway-ha`.
    #[serde(default)]
    agency: String,
    /// Why the case is shared: written to the audit log.
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
struct ShareJson {
    case_id: Uuid,
    agency: String,
    shared_at: DateTime<Utc>,
    reason: String,
}

/// Share a case with another agency. Its officers may then work it (not share it on
/// or close it).
#[utoipa::path(post, path = "/cases/{id}/shares", tag = "cases", request_body = NewShare,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = ShareJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn share_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(new): JsonBody<NewShare>,
) -> Result<(StatusCode, Json<ShareJson>), AppError> {
    let facts = guard(&state, &current, id, None, CaseAction::Share).await?;
    let share = super::share(&state, &current, &facts, id, &new.agency, &new.reason).await?;
    Ok((
        StatusCode::CREATED,
        Json(ShareJson {
            case_id: id,
            agency: share.agency,
            shared_at: share.shared_at,
            reason: share.reason,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
struct Closing {
    /// How the case ended.
    #[serde(default)]
    outcome: String,
}

#[derive(Serialize, ToSchema)]
struct ClosedJson {
    id: Uuid,
    status: String,
}

/// Close a case with its outcome.
#[utoipa::path(post, path = "/cases/{id}/close", tag = "cases", request_body = Closing,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ClosedJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn close_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(closing): JsonBody<Closing>,
) -> Result<Json<ClosedJson>, AppError> {
    let facts = guard(&state, &current, id, None, CaseAction::Close).await?;
    super::close(&state, &current, &facts, id, &closing.outcome).await?;
    Ok(Json(ClosedJson {
        id,
        status: casework_store::cases::CLOSED.into(),
    }))
}

#[derive(Serialize, ToSchema)]
struct AuditEventJson {
    seq: i64,
    occurred_at: DateTime<Utc>,
    actor_username: Option<String>,
    actor_agency: Option<String>,
    action: String,
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct CaseAuditJson {
    events: Vec<AuditEventJson>,
}

/// Who has viewed or changed a case: its latest 50 audit events, newest first. Unless
/// you are working on the case, say why in `X-Access-Reason`.
#[utoipa::path(get, path = "/cases/{id}/audit", tag = "cases",
    params(("id" = Uuid, Path), ("X-Access-Reason" = Option<String>, Header)),
    responses((status = 200, body = CaseAuditJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 428, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn case_audit(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Json<CaseAuditJson>, AppError> {
    let facts = guard(&state, &current, id, None, CaseAction::ViewAudit).await?;
    let reason = api_reason(&headers, &current.actor(), &facts)?;
    let events = audit_events(&state, id).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .summary(json!({"read": "audit-trail"}));
    event.reason = reason;
    state.audit.record(event).await?;
    Ok(Json(CaseAuditJson {
        events: events
            .into_iter()
            .map(|e| AuditEventJson {
                seq: e.seq,
                occurred_at: e.occurred_at,
                actor_username: e.actor_username,
                actor_agency: e.actor_agency,
                action: e.action,
                reason: e.reason,
            })
            .collect(),
    }))
}
