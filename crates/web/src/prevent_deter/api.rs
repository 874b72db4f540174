//! `/api/v1/prevent-deter/...`: refer a young person, read a referral, move them on,
//! the measures of a period (counts only), and the programme's stages.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use casework_audit::AuditAction;
use casework_domain::access::{CaseAction, CaseKind};
use casework_store::prevent_deter::PdCase;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{PdReferralForm, StepForm};
use crate::auth::CurrentUser;
use crate::cases::{ENTITY, JsonBody, api_reason, guard};
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(refer))
        .routes(routes!(get_referral))
        .routes(routes!(move_on))
        .routes(routes!(measures))
        .routes(routes!(list_programme_stages, add_programme_stage))
}

#[derive(Serialize, ToSchema)]
struct StepJson {
    /// A fixed stage's code (`referred`, ..., `programme`, `exited`).
    stage: String,
    /// The programme stage's code, at `programme`.
    programme_stage: Option<String>,
    /// At `exited`: `completed`, `disengaged` or `escalated-to-yot`.
    outcome: Option<String>,
    on: NaiveDate,
    officer: Uuid,
    reason: Option<String>,
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct PdReferralJson {
    id: Uuid,
    /// e.g. `PD-2012-00001`
    reference: String,
    /// `open`, or `closed` once declined or exited.
    status: String,
    person_id: Uuid,
    forename: Option<String>,
    surname: Option<String>,
    referred_on: NaiveDate,
    referring_agency: String,
    age_at_referral: u32,
    reasons: Vec<String>,
    alcohol_related: bool,
    risk_factors: Vec<String>,
    risk_factor_count: usize,
    below_bar_reason: Option<String>,
    consent_young_person: bool,
    consent_parent: bool,
    ward: String,
    /// Where the young person is now (as in `steps`).
    stage: String,
    programme_stage: Option<String>,
    outcome: Option<String>,
    stage_on: NaiveDate,
    shared_with: Vec<String>,
    /// Oldest first.
    steps: Vec<StepJson>,
}

async fn referral_json(state: &AppState, c: PdCase) -> Result<PdReferralJson, AppError> {
    let person = state.store.person(c.person_id).await?;
    Ok(PdReferralJson {
        id: c.case.id,
        reference: c.case.reference.clone(),
        status: c.case.status.clone(),
        person_id: c.person_id,
        forename: person.as_ref().map(|p| p.forename.clone()),
        surname: person.map(|p| p.surname),
        referred_on: c.referred_on,
        referring_agency: c.referring_agency.clone(),
        age_at_referral: c.age_at_referral,
        reasons: c.reasons.iter().map(|r| r.as_str().to_string()).collect(),
        alcohol_related: c.alcohol_related,
        risk_factor_count: c.risk_factors.len(),
        risk_factors: c
            .risk_factors
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        below_bar_reason: c.below_bar_reason.clone(),
        consent_young_person: c.consent_young_person,
        consent_parent: c.consent_parent,
        ward: c.case.ward.clone(),
        stage: c.stage.code().to_string(),
        programme_stage: c.stage.programme_stage().map(str::to_string),
        outcome: c.stage.exit_outcome().map(|o| o.as_str().to_string()),
        stage_on: c.stage_on,
        shared_with: c.case.shares.iter().map(|s| s.agency.clone()).collect(),
        steps: c
            .steps
            .into_iter()
            .map(|s| StepJson {
                stage: s.stage.code().to_string(),
                programme_stage: s.stage.programme_stage().map(str::to_string),
                outcome: s.stage.exit_outcome().map(|o| o.as_str().to_string()),
                on: s.on,
                officer: s.officer,
                reason: s.reason,
                note: s.note,
            })
            .collect(),
    })
}

/// Refer a young person aged 8 to 17 on the referral date (settings) to Prevent &
/// Deter, with the consent of the young person and of a parent or carer. Below the
/// usual bar of risk factors, say why. The referral is shared with your agency.
#[utoipa::path(post, path = "/prevent-deter/referrals", tag = "prevent-deter",
    request_body = PdReferralForm,
    responses((status = 201, body = PdReferralJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn refer(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(form): JsonBody<PdReferralForm>,
) -> Result<(StatusCode, Json<PdReferralJson>), AppError> {
    let case = super::refer(&state, &current, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(referral_json(&state, case).await?),
    ))
}

/// A referral with its steps: the Prevent & Deter team, and the referring agency
/// (read only). Unless you are working on it, say why in `X-Access-Reason`.
#[utoipa::path(get, path = "/prevent-deter/referrals/{id}", tag = "prevent-deter",
    params(("id" = Uuid, Path), ("X-Access-Reason" = Option<String>, Header)),
    responses((status = 200, body = PdReferralJson), (status = 404, body = crate::error::Problem),
              (status = 428, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_referral(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Json<PdReferralJson>, AppError> {
    let facts = guard(
        &state,
        &current,
        id,
        Some(CaseKind::PreventDeter),
        CaseAction::View,
    )
    .await?;
    let reason = api_reason(&headers, &current.actor(), &facts)?;
    let case = super::load(&state, id).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects([case.person_id]);
    event.reason = reason;
    state.audit.record(event).await?;
    Ok(Json(referral_json(&state, case).await?))
}

/// Move a young person on: referred → screened → assessed → panel-decision →
/// accepted (or declined, with a reason) → the programme's stages → exited (with an
/// outcome and a reason). An impossible step is a 422 naming where they are.
#[utoipa::path(post, path = "/prevent-deter/referrals/{id}/stage", tag = "prevent-deter",
    request_body = StepForm, params(("id" = Uuid, Path)),
    responses((status = 200, body = PdReferralJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn move_on(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(form): JsonBody<StepForm>,
) -> Result<Json<PdReferralJson>, AppError> {
    guard(
        &state,
        &current,
        id,
        Some(CaseKind::PreventDeter),
        CaseAction::Edit,
    )
    .await?;
    let case = super::step(&state, &current, id, &form).await?;
    Ok(Json(referral_json(&state, case).await?))
}

#[derive(Deserialize, IntoParams)]
struct PeriodQuery {
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct MeasuresJson {
    from: NaiveDate,
    to: NaiveDate,
    /// Young people referred in the period.
    referred: u64,
    /// Accepted onto the programme in the period.
    accepted: u64,
    /// Referred in the period for alcohol-related anti-social behaviour.
    alcohol_related: u64,
    /// Of those, accepted onto the programme.
    alcohol_related_accepted: u64,
    /// Where young people are now (fixed stage codes and programme stage codes).
    by_stage: BTreeMap<String, u64>,
    /// Exits in the period by outcome.
    exited: BTreeMap<String, u64>,
    /// Referrals in the period by referring agency.
    by_agency: BTreeMap<String, u64>,
}

/// The programme's measures for a period: counts only.
#[utoipa::path(get, path = "/prevent-deter/measures", tag = "prevent-deter", params(PeriodQuery),
    responses((status = 200, body = MeasuresJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn measures(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<MeasuresJson>, AppError> {
    let m = super::measures(&state, &current, q.from.as_deref(), q.to.as_deref()).await?;
    Ok(Json(MeasuresJson {
        from: m.from,
        to: m.to,
        referred: m.referred,
        accepted: m.accepted,
        alcohol_related: m.alcohol_related,
        alcohol_related_accepted: m.alcohol_related_accepted,
        by_stage: m.by_stage,
        exited: m.exited,
        by_agency: m.by_agency,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
struct ProgrammeStageJson {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

/// The programme's own stages ("It's Your Choice"), in order.
#[utoipa::path(get, path = "/prevent-deter/programme-stages", tag = "prevent-deter",
    responses((status = 200, body = Vec<ProgrammeStageJson>)),
    security(("bearer" = [])))]
async fn list_programme_stages(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<Vec<ProgrammeStageJson>>, AppError> {
    let stages = state
        .store
        .pd_programme_stages(state.store.connection())
        .await?;
    Ok(Json(
        stages
            .into_iter()
            .map(|s| ProgrammeStageJson {
                code: s.code,
                name: s.name,
            })
            .collect(),
    ))
}

/// Add a programme stage at the end of the list (administrators).
#[utoipa::path(post, path = "/prevent-deter/programme-stages", tag = "prevent-deter",
    request_body = ProgrammeStageJson,
    responses((status = 201, body = ProgrammeStageJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn add_programme_stage(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(body): JsonBody<ProgrammeStageJson>,
) -> Result<(StatusCode, Json<ProgrammeStageJson>), AppError> {
    let stage = super::add_programme_stage(&state, &current, &body.code, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(ProgrammeStageJson {
            code: stage.code,
            name: stage.name,
        }),
    ))
}
