//! Linking a case to a plan aim by hand, with the reason, where the plan's rules do not
//! see that it serves the aim (`POST /api/v1/plan/{year}/aims/{id}/cases`, and the form
//! on the aim's cases page). Only someone who may work the case may link it; the link
//! is an audited change to the case, and the case then counts towards the aim. A link
//! made in error is taken back the same way, with a reason
//! (`DELETE /api/v1/plan/{year}/aims/{id}/cases/{case_id}`, and the "Remove" form).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use casework_audit::AuditAction;
use casework_domain::access::CaseAction;
use casework_domain::asb::CaseReference;
use casework_domain::case_work::{NoHandLink, parse_aim_link_reason, parse_correction_reason};
use casework_domain::{FieldError, calendar::FinancialYear};
use casework_store::{Store, StoreError};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::report::{aim, may_read, plan_and_catalogue, today, year_of};
use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::cases::{JsonBody, guard};
use crate::{AppError, AppState};

/// Links `case_id` to the aim `aim_id` of `year`'s plan. Returns the link's id.
pub(crate) async fn link_case(
    state: &AppState,
    current: &CurrentUser,
    year: FinancialYear,
    aim_id: Uuid,
    case_id: Uuid,
    reason: &str,
) -> Result<Uuid, AppError> {
    may_read(&current.actor())?;
    let (plan, _) = plan_and_catalogue(state, year).await?;
    let aim = aim(&plan, aim_id).cloned().ok_or(AppError::NotFound)?;
    let reason = parse_aim_link_reason(reason).map_err(|e| AppError::Invalid(vec![e]))?;
    guard(state, current, case_id, None, CaseAction::Edit).await?;
    let txn = state.store.begin_write().await?;
    let now = Utc::now();
    let id = Store::link_case_to_aim(&txn, aim.id, case_id, &reason, current.user.id, now).await?;
    let mut event = current
        .event(AuditAction::Update)
        .entity("case", case_id)
        .summary(serde_json::json!({
            "linked_to_aim": aim.key,
            "plan_year": plan.year,
            "link": id,
        }));
    event.reason = Some(reason);
    commit_with(txn, vec![event]).await?;
    Ok(id)
}

/// Takes back the hand link of `case_id` to the aim `aim_id` of `year`'s plan, with
/// the reason, under the same rule as linking. Returns the link's id. A case with no
/// hand link is 409 when the plan's rules count it, else 404.
pub(crate) async fn unlink_case(
    state: &AppState,
    current: &CurrentUser,
    year: FinancialYear,
    aim_id: Uuid,
    case_id: Uuid,
    reason: &str,
) -> Result<Uuid, AppError> {
    may_read(&current.actor())?;
    let (plan, catalogue) = plan_and_catalogue(state, year).await?;
    let aim = aim(&plan, aim_id).cloned().ok_or(AppError::NotFound)?;
    let reason = parse_correction_reason(reason).map_err(|e| AppError::Invalid(vec![e]))?;
    guard(state, current, case_id, None, CaseAction::Edit).await?;
    let txn = state.store.begin_write().await?;
    let now = Utc::now();
    let removed =
        Store::unlink_case_from_aim(&txn, aim.id, case_id, &reason, current.user.id, now).await?;
    let Some(id) = removed else {
        txn.rollback().await.map_err(StoreError::from)?;
        let settings = state.store.settings().await?;
        let serving = state
            .store
            .aim_case_ids(&catalogue, &aim.key, aim.id, &settings, today())
            .await?;
        return Err(match NoHandLink::of(serving.contains_key(&case_id)) {
            refusal @ NoHandLink::ServesByRule => AppError::Conflict(refusal.message().into()),
            NoHandLink::NotLinked => AppError::NotFound,
        });
    };
    let mut event = current
        .event(AuditAction::Update)
        .entity("case", case_id)
        .summary(serde_json::json!({
            "unlinked_from_aim": aim.key,
            "plan_year": plan.year,
            "link": id,
        }));
    event.reason = Some(reason);
    commit_with(txn, vec![event]).await?;
    Ok(id)
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct LinkInput {
    /// The case that serves the aim.
    pub case_id: Option<Uuid>,
    /// Why it serves the aim, in the officer's words.
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct LinkJson {
    id: Uuid,
    aim_id: Uuid,
    case_id: Uuid,
}

/// Link a case to an aim by hand, with the reason. Needs the right to work the case.
#[utoipa::path(post, path = "/plan/{year}/aims/{id}/cases", tag = "plan", params(
        ("year" = String, Path, description = "Plan year, e.g. `2012-13`"),
        ("id" = Uuid, Path, description = "The aim's id")),
    request_body = LinkInput,
    responses((status = 201, body = LinkJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub(crate) async fn link_api(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id)): Path<(String, Uuid)>,
    JsonBody(input): JsonBody<LinkInput>,
) -> Result<(StatusCode, Json<LinkJson>), AppError> {
    let year = year_of(&year)?;
    let case_id = input
        .case_id
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("case_id", "Name the case.")]))?;
    let link = link_case(&state, &current, year, id, case_id, &input.reason).await?;
    Ok((
        StatusCode::CREATED,
        Json(LinkJson {
            id: link,
            aim_id: id,
            case_id,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct UnlinkInput {
    /// Why the link is taken back (it was made in error, say).
    #[serde(default)]
    pub reason: String,
}

/// Take back a case's hand link to an aim, with the reason. Needs the right to work
/// the case; a case the plan's rules count has no hand link to remove (409). The case
/// then no longer counts towards the aim by hand, and may be linked again.
#[utoipa::path(delete, path = "/plan/{year}/aims/{id}/cases/{case_id}", tag = "plan", params(
        ("year" = String, Path, description = "Plan year, e.g. `2012-13`"),
        ("id" = Uuid, Path, description = "The aim's id"),
        ("case_id" = Uuid, Path, description = "The linked case")),
    request_body = UnlinkInput,
    responses((status = 204, description = "The link is removed"),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub(crate) async fn unlink_api(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id, case_id)): Path<(String, Uuid, Uuid)>,
    JsonBody(input): JsonBody<UnlinkInput>,
) -> Result<StatusCode, AppError> {
    let year = year_of(&year)?;
    unlink_case(&state, &current, year, id, case_id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The form's answer for a reference that names no case the officer may work.
pub(crate) fn no_such_reference() -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "reference",
        "There is no case with that reference that you may work on.",
    )])
}

/// The case a form names by its reference (`ASB-2012-00001`), or the field's error.
pub(crate) async fn case_by_reference(state: &AppState, reference: &str) -> Result<Uuid, AppError> {
    let parsed = CaseReference::parse(reference.trim())
        .map_err(|message| AppError::Invalid(vec![FieldError::new("reference", message)]))?;
    state
        .store
        .case_id_by_reference(parsed.kind(), reference)
        .await?
        .ok_or_else(no_such_reference)
}
