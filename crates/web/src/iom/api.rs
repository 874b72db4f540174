//! `/api/v1/iom/...` and `/api/v1/people/{id}/offences`: select members, read them,
//! change tiers, de-select, record needs and refer housing needs, record offences,
//! and the re-offending measures of a period (counts; each member's figures only for
//! the IOM team).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use casework_audit::AuditAction;
use casework_domain::access::{CaseAction, CaseKind};
use casework_domain::iom::{CohortMeasures, MemberView, OffenceInput, may_manage_cohort};
use casework_store::iom::{IomMember, NeedRecord, OffenceRecord};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::SelectionForm;
use crate::auth::CurrentUser;
use crate::cases::{ENTITY, JsonBody, api_reason, guard};
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(select_member))
        .routes(routes!(get_member))
        .routes(routes!(change_tier))
        .routes(routes!(deselect))
        .routes(routes!(add_need))
        .routes(routes!(set_need))
        .routes(routes!(refer_need))
        .routes(routes!(record_offence, list_offences))
        .routes(routes!(reoffending))
}

#[derive(Serialize, ToSchema)]
struct TierJson {
    on: NaiveDate,
    /// `red`, `amber` or `green`.
    tier: String,
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ReferralJson {
    id: Uuid,
    /// A housing provider's agency code, or `null` for the panel.
    to_agency: Option<String>,
    /// `housing-task-finish-group`, or `null` for an agency.
    to_panel: Option<String>,
    reason: String,
    referred_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
struct NeedJson {
    id: Uuid,
    /// One of the seven resettlement pathways, e.g. `accommodation`.
    pathway: String,
    /// `identified`, `in-progress`, `met` or `no-longer-needed`.
    status: String,
    note: Option<String>,
    recorded_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    referrals: Vec<ReferralJson>,
}

fn need_json(n: NeedRecord) -> NeedJson {
    NeedJson {
        id: n.id,
        pathway: n.pathway.as_str().to_string(),
        status: n.status.as_str().to_string(),
        note: n.note,
        recorded_at: n.recorded_at,
        updated_at: n.updated_at,
        referrals: n
            .referrals
            .into_iter()
            .map(|r| ReferralJson {
                id: r.id,
                to_agency: r.to_agency,
                to_panel: r.to_panel,
                reason: r.reason,
                referred_at: r.referred_at,
            })
            .collect(),
    }
}

/// A membership. An agency a housing need was referred to sees who, the tier, and the
/// housing needs; the rest is left out.
#[derive(Serialize, ToSchema)]
struct MemberJson {
    id: Uuid,
    /// e.g. `IOM-2012-00001`
    reference: String,
    /// `open` while in the cohort, `closed` once de-selected.
    status: String,
    person_id: Uuid,
    forename: Option<String>,
    surname: Option<String>,
    entered_on: NaiveDate,
    stream: String,
    /// The tier now.
    tier: Option<String>,
    ward: String,
    owner_agency: String,
    deselected_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deselection_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// The lead offender manager.
    #[serde(skip_serializing_if = "Option::is_none")]
    lead_officer: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    police_lead: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probation_lead: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    placement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outreach_worker: Option<String>,
    /// Oldest first; the first is the tier at selection. The IOM team only.
    #[serde(skip_serializing_if = "Option::is_none")]
    tiers: Option<Vec<TierJson>>,
    needs: Vec<NeedJson>,
    /// Agencies the membership is shared with. The IOM team only.
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_with: Option<Vec<String>>,
}

async fn member_json(
    state: &AppState,
    member: IomMember,
    view: MemberView,
) -> Result<MemberJson, AppError> {
    let person = state.store.person(member.person_id).await?;
    let whole = view == MemberView::Whole;
    let keep = |v: Option<String>| v.filter(|_| whole);
    let keep_id = |v: Option<Uuid>| v.filter(|_| whole);
    Ok(MemberJson {
        id: member.case.id,
        reference: member.case.reference.clone(),
        status: member.case.status.clone(),
        person_id: member.person_id,
        forename: person.as_ref().map(|p| p.forename.clone()),
        surname: person.as_ref().map(|p| p.surname.clone()),
        entered_on: member.entered_on,
        stream: member.stream.as_str().to_string(),
        tier: member.current_tier().map(|t| t.as_str().to_string()),
        ward: member.case.ward.clone(),
        owner_agency: member.case.owner_agency.clone(),
        deselected_on: member.deselection.as_ref().map(|d| d.on),
        deselection_reason: keep(member.deselection.as_ref().map(|d| d.reason.clone())),
        reason: keep(member.selection_reason.clone()),
        lead_officer: keep_id(member.case.lead_officer),
        police_lead: keep_id(member.police_lead),
        probation_lead: keep_id(member.probation_lead),
        placement: keep(member.placement.clone()),
        outreach_worker: keep(member.outreach_worker.clone()),
        tiers: whole.then(|| {
            member
                .tiers
                .iter()
                .map(|t| TierJson {
                    on: t.change.on,
                    tier: t.change.tier.as_str().to_string(),
                    reason: t.change.reason.clone(),
                })
                .collect()
        }),
        shared_with: whole.then(|| {
            member
                .case
                .shares
                .iter()
                .map(|s| s.agency.clone())
                .collect()
        }),
        needs: member
            .needs
            .into_iter()
            .filter(|n| view.shows(n.pathway))
            .map(need_json)
            .collect(),
    })
}

/// Select a person into the IOM cohort. A person already in the cohort must be
/// de-selected first; re-selection starts a new membership.
#[utoipa::path(post, path = "/iom/members", tag = "iom", request_body = SelectionForm,
    responses((status = 201, body = MemberJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn select_member(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(form): JsonBody<SelectionForm>,
) -> Result<(StatusCode, Json<MemberJson>), AppError> {
    let member = super::select(&state, &current, &form).await?;
    let json = member_json(&state, member, MemberView::Whole).await?;
    Ok((StatusCode::CREATED, Json(json)))
}

/// Read a membership. Unless you are working on it, say why in `X-Access-Reason`.
#[utoipa::path(get, path = "/iom/members/{id}", tag = "iom",
    params(("id" = Uuid, Path), ("X-Access-Reason" = Option<String>, Header)),
    responses((status = 200, body = MemberJson), (status = 404, body = crate::error::Problem),
              (status = 428, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_member(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Json<MemberJson>, AppError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::View).await?;
    let actor = current.actor();
    let reason = api_reason(&headers, &actor, &facts)?;
    let member = super::load(&state, id).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects([member.person_id]);
    event.reason = reason;
    state.audit.record(event).await?;
    let view = MemberView::of(&actor, &facts);
    Ok(Json(member_json(&state, member, view).await?))
}

#[derive(Deserialize, ToSchema)]
struct NewTier {
    #[serde(default)]
    tier: String,
    reason: Option<String>,
    /// `YYYY-MM-DD`; today if left out.
    on: Option<String>,
}

/// Change a member's tier; the history is kept.
#[utoipa::path(post, path = "/iom/members/{id}/tier", tag = "iom", request_body = NewTier,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MemberJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn change_tier(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<NewTier>,
) -> Result<Json<MemberJson>, AppError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let member = super::change_tier(
        &state,
        &current,
        id,
        &body.tier,
        body.on.as_deref(),
        body.reason.as_deref(),
    )
    .await?;
    Ok(Json(member_json(&state, member, MemberView::Whole).await?))
}

#[derive(Deserialize, ToSchema)]
struct Deselection {
    /// `YYYY-MM-DD`
    on: Option<String>,
    reason: Option<String>,
}

/// De-select a member, with the day and reason. The membership's case closes.
#[utoipa::path(post, path = "/iom/members/{id}/deselect", tag = "iom", request_body = Deselection,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MemberJson), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn deselect(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<Deselection>,
) -> Result<Json<MemberJson>, AppError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Close).await?;
    let member = super::deselect(
        &state,
        &current,
        id,
        body.on.as_deref(),
        body.reason.as_deref(),
    )
    .await?;
    Ok(Json(member_json(&state, member, MemberView::Whole).await?))
}

#[derive(Deserialize, ToSchema)]
struct NewNeed {
    #[serde(default)]
    pathway: String,
    /// `identified` if left out.
    status: Option<String>,
    note: Option<String>,
}

/// Record a need against one of the seven resettlement pathways.
#[utoipa::path(post, path = "/iom/members/{id}/needs", tag = "iom", request_body = NewNeed,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = NeedJson), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn add_need(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<NewNeed>,
) -> Result<(StatusCode, Json<NeedJson>), AppError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let need = super::add_need(
        &state,
        &current,
        id,
        &body.pathway,
        body.status.as_deref(),
        body.note.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(need_json(need))))
}

#[derive(Deserialize, ToSchema)]
struct NeedUpdate {
    #[serde(default)]
    status: String,
    note: Option<String>,
}

/// Change a need's status (and note).
#[utoipa::path(post, path = "/iom/members/{id}/needs/{need_id}", tag = "iom",
    request_body = NeedUpdate, params(("id" = Uuid, Path), ("need_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn set_need(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, need_id)): Path<(Uuid, Uuid)>,
    JsonBody(body): JsonBody<NeedUpdate>,
) -> Result<StatusCode, AppError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    super::set_need_status(
        &state,
        &current,
        id,
        need_id,
        &body.status,
        body.note.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct NewReferral {
    /// `housing-task-finish-group`, or a housing provider's agency code.
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// Refer an accommodation need to the Housing Task & Finish Group or a housing
/// provider; a provider may then open the membership and see its housing need.
#[utoipa::path(post, path = "/iom/members/{id}/needs/{need_id}/referrals", tag = "iom",
    request_body = NewReferral, params(("id" = Uuid, Path), ("need_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn refer_need(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, need_id)): Path<(Uuid, Uuid)>,
    JsonBody(body): JsonBody<NewReferral>,
) -> Result<StatusCode, AppError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    super::refer_need(&state, &current, id, need_id, &body.to, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
struct NewOffence {
    /// `YYYY-MM-DD`
    #[serde(default)]
    committed_on: String,
    /// `YYYY-MM-DD`; left out while not proven.
    proven_on: Option<String>,
    /// `conviction` or `caution`.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    category: String,
    /// 0 or more.
    #[schema(value_type = Option<f64>)]
    harm_weight: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
struct OffenceJson {
    id: Uuid,
    person_id: Uuid,
    committed_on: NaiveDate,
    proven_on: Option<NaiveDate>,
    outcome: String,
    category: String,
    harm_weight: Option<f64>,
    recorded_at: DateTime<Utc>,
}

fn offence_json(r: OffenceRecord) -> OffenceJson {
    OffenceJson {
        id: r.id,
        person_id: r.person_id,
        committed_on: r.offence.committed_on,
        proven_on: r.offence.proven_on,
        outcome: r.offence.outcome.as_str().to_string(),
        category: r.offence.category,
        harm_weight: r.offence.harm_weight,
        recorded_at: r.recorded_at,
    }
}

/// Record an offence against a person (the IOM team).
#[utoipa::path(post, path = "/people/{id}/offences", tag = "iom", request_body = NewOffence,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = OffenceJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn record_offence(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(person): Path<Uuid>,
    JsonBody(body): JsonBody<NewOffence>,
) -> Result<(StatusCode, Json<OffenceJson>), AppError> {
    let weight = match &body.harm_weight {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let input = OffenceInput {
        committed_on: &body.committed_on,
        proven_on: body.proven_on.as_deref().unwrap_or(""),
        outcome: &body.outcome,
        category: &body.category,
        harm_weight: &weight,
    };
    let record = super::record_offence(&state, &current, person, &input).await?;
    Ok((StatusCode::CREATED, Json(offence_json(record))))
}

#[derive(Serialize, ToSchema)]
struct OffenceList {
    items: Vec<OffenceJson>,
    total: usize,
}

/// A person's offences, most recent first (the IOM team).
#[utoipa::path(get, path = "/people/{id}/offences", tag = "iom", params(("id" = Uuid, Path)),
    responses((status = 200, body = OffenceList), (status = 403, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn list_offences(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(person): Path<Uuid>,
) -> Result<Json<OffenceList>, AppError> {
    super::team_only(&current.actor())?;
    let items = state
        .store
        .offences_of(state.store.connection(), person)
        .await?;
    let event = current
        .event(AuditAction::View)
        .entity("person", person)
        .subjects([person])
        .summary(serde_json::json!({"read": "offences"}));
    state.audit.record(event).await?;
    let items: Vec<OffenceJson> = items.into_iter().map(offence_json).collect();
    Ok(Json(OffenceList {
        total: items.len(),
        items,
    }))
}

#[derive(Deserialize, IntoParams)]
struct PeriodQuery {
    /// First day of entry, `YYYY-MM-DD`.
    entered_from: Option<String>,
    /// Last day of entry, `YYYY-MM-DD`.
    entered_to: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct GroupJson {
    members: u32,
    reoffenders: u32,
    /// Re-offenders / members, 0 to 1; `null` for no members.
    binary_rate: Option<f64>,
    frequency_per_100: Option<f64>,
    offences_before: u32,
    offences_after: u32,
    harm_before: f64,
    harm_after: f64,
    provisional: bool,
}

fn group(m: &CohortMeasures) -> GroupJson {
    GroupJson {
        members: m.members,
        reoffenders: m.reoffenders,
        binary_rate: m.binary_rate,
        frequency_per_100: m.frequency_per_100,
        offences_before: m.offences_before,
        offences_after: m.offences_after,
        harm_before: m.harm_before,
        harm_after: m.harm_after,
        provisional: m.provisional,
    }
}

#[derive(Serialize, ToSchema)]
struct MemberOutcomeJson {
    membership_id: Uuid,
    person_id: Uuid,
    entered_on: NaiveDate,
    tier: String,
    stream: String,
    offences_before: u32,
    offences_after: u32,
    harm_before: f64,
    harm_after: f64,
    provisional: bool,
}

#[derive(Serialize, ToSchema)]
struct ReoffendingJson {
    entered_from: NaiveDate,
    entered_to: NaiveDate,
    follow_up_months: u32,
    proving_grace_months: u32,
    members: u32,
    reoffenders: u32,
    /// Re-offenders / members, 0 to 1; `null` for no members.
    binary_rate: Option<f64>,
    /// Re-offences per 100 members; `null` for no members.
    frequency_per_100: Option<f64>,
    offences_before: u32,
    offences_after: u32,
    harm_before: f64,
    harm_after: f64,
    /// Some member's window is still open or within the proving grace period.
    provisional: bool,
    provisional_members: u32,
    by_tier: std::collections::BTreeMap<String, GroupJson>,
    by_stream: std::collections::BTreeMap<String, GroupJson>,
    /// Each member's before and after: the IOM team only.
    #[serde(skip_serializing_if = "Option::is_none")]
    per_member: Option<Vec<MemberOutcomeJson>>,
}

/// Re-offending of the members who entered in a period, as the Ministry of Justice
/// measures it (see docs/iom.md).
#[utoipa::path(get, path = "/iom/reoffending", tag = "iom", params(PeriodQuery),
    responses((status = 200, body = ReoffendingJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn reoffending(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<ReoffendingJson>, AppError> {
    let actor = current.actor();
    super::may_see_counts(&actor)?;
    let period = super::period(q.entered_from.as_deref(), q.entered_to.as_deref())?;
    let m = super::measures(&state, period).await?;
    let c = &m.cohort;
    let per_member = may_manage_cohort(&actor).then(|| {
        c.outcomes
            .iter()
            .map(|o| MemberOutcomeJson {
                membership_id: o.entry.membership,
                person_id: o.entry.person,
                entered_on: o.entry.entered_on,
                tier: o.entry.tier.as_str().to_string(),
                stream: o.entry.stream.as_str().to_string(),
                offences_before: o.offences_before,
                offences_after: o.offences_after,
                harm_before: o.harm_before,
                harm_after: o.harm_after,
                provisional: o.provisional,
            })
            .collect()
    });
    Ok(Json(ReoffendingJson {
        entered_from: period.from,
        entered_to: period.to,
        follow_up_months: m.rule.months,
        proving_grace_months: m.rule.grace_months,
        members: c.members,
        reoffenders: c.reoffenders,
        binary_rate: c.binary_rate,
        frequency_per_100: c.frequency_per_100,
        offences_before: c.offences_before,
        offences_after: c.offences_after,
        harm_before: c.harm_before,
        harm_after: c.harm_after,
        provisional: c.provisional,
        provisional_members: c.provisional_members,
        by_tier: m
            .by_tier
            .iter()
            .map(|(t, g)| (t.as_str().to_string(), group(g)))
            .collect(),
        by_stream: m
            .by_stream
            .iter()
            .map(|(s, g)| (s.as_str().to_string(), group(g)))
            .collect(),
        per_member,
    }))
}
