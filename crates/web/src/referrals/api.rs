//! `/api/v1/referrals`: make a referral, an agency's inbox and outbox, one referral
//! with its history, and its steps.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use casework_audit::AuditAction;
use casework_store::referrals::{Referral, ReferralBox};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{MAX_PER_PAGE, ReferralForm, case_workers_only, overdue};
use crate::auth::CurrentUser;
use crate::cases::JsonBody;
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_referral, list_referrals))
        .routes(routes!(get_referral))
        .routes(routes!(transition))
}

#[derive(Serialize, ToSchema)]
struct TransitionJson {
    from: String,
    to: String,
    reason: Option<String>,
    by_user: Uuid,
    at: DateTime<Utc>,
}

/// A referral. Both sides see it whole: they are party to it.
#[derive(Serialize, ToSchema)]
struct ReferralJson {
    id: Uuid,
    person_id: Uuid,
    forename: Option<String>,
    surname: Option<String>,
    case_id: Option<Uuid>,
    from_agency: String,
    to_agency: Option<String>,
    to_panel: Option<String>,
    /// The agency whose inbox holds it: the agency referred to, or the panel's
    /// coordinating agency.
    inbox_agency: String,
    reason: String,
    consent: bool,
    consent_override_reason: Option<String>,
    /// `in-progress`, `accepted`, `rejected`, `withdrawn` or `done`.
    status: String,
    status_reason: Option<String>,
    referred_on: NaiveDate,
    /// The day by which the receiving agency should answer (working days).
    decision_due: NaiveDate,
    /// Still in progress after `decision_due`.
    overdue: bool,
    /// Oldest first; only when reading one referral.
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<Vec<TransitionJson>>,
}

fn referral_json(r: Referral, names: Option<(String, String)>, working_days: i64) -> ReferralJson {
    ReferralJson {
        decision_due: casework_domain::referral::decision_due(r.referred_on, working_days),
        overdue: overdue(&r, working_days),
        id: r.id,
        person_id: r.person_id,
        forename: names.as_ref().map(|n| n.0.clone()),
        surname: names.map(|n| n.1),
        case_id: r.case_id,
        from_agency: r.from_agency,
        to_agency: r.to_agency,
        to_panel: r.to_panel.map(|p| p.as_str().to_string()),
        inbox_agency: r.inbox_agency,
        reason: r.reason,
        consent: r.consent,
        consent_override_reason: r.consent_override_reason,
        status: r.status.as_str().to_string(),
        status_reason: r.status_reason,
        referred_on: r.referred_on,
        history: None,
    }
}

async fn names_of(state: &AppState, person: Uuid) -> Result<Option<(String, String)>, AppError> {
    Ok(state
        .store
        .person(person)
        .await?
        .map(|p| (p.forename, p.surname)))
}

/// Make a referral to an agency or a panel. Without the person's consent, say why
/// sharing is justified. A case named must be one your agency may share.
#[utoipa::path(post, path = "/referrals", tag = "referrals", request_body = ReferralForm,
    responses((status = 201, body = ReferralJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn create_referral(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(form): JsonBody<ReferralForm>,
) -> Result<(StatusCode, Json<ReferralJson>), AppError> {
    let referral = super::create(&state, &current, &form).await?;
    let settings = state.store.settings().await?;
    let names = names_of(&state, referral.person_id).await?;
    let json = referral_json(referral, names, settings.referral_decision_working_days);
    Ok((StatusCode::CREATED, Json(json)))
}

#[derive(Deserialize, IntoParams)]
struct BoxQuery {
    /// `inbox` (referrals to your agency, or to a panel it coordinates) or `outbox`
    /// (referrals your agency made).
    #[serde(rename = "box")]
    which: Option<String>,
    /// From 1.
    page: Option<u64>,
    /// Up to 100; 25 if left out.
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
struct ReferralList {
    items: Vec<ReferralJson>,
    total: u64,
    page: u64,
    per_page: u64,
}

/// Your agency's inbox or outbox, newest first, with overdue decisions marked.
#[utoipa::path(get, path = "/referrals", tag = "referrals", params(BoxQuery),
    responses((status = 200, body = ReferralList), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn list_referrals(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<BoxQuery>,
) -> Result<Json<ReferralList>, AppError> {
    case_workers_only(&current)?;
    let which = match q.which.as_deref().map(str::trim) {
        None | Some("inbox") => ReferralBox::Inbox,
        Some("outbox") => ReferralBox::Outbox,
        Some(_) => {
            return Err(AppError::Invalid(vec![casework_domain::FieldError::new(
                "box",
                "Choose inbox or outbox.",
            )]));
        }
    };
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(25).clamp(1, MAX_PER_PAGE);
    let (rows, total) = state
        .store
        .referral_box(&current.user.agency, which, page, per_page)
        .await?;
    let people: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let people = state
        .store
        .people_by_id(state.store.connection(), &people)
        .await?;
    let event = current
        .event(AuditAction::Search)
        .summary(
            json!({"referrals": if which == ReferralBox::Inbox { "inbox" } else { "outbox" },
                        "page": page, "results": rows.len()}),
        )
        .subjects(people.keys().copied().collect::<Vec<_>>());
    state.audit.record(event).await?;
    let days = state.store.settings().await?.referral_decision_working_days;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let names = people
            .get(&r.person_id)
            .map(|p| (p.forename.clone(), p.surname.clone()));
        items.push(referral_json(r, names, days));
    }
    Ok(Json(ReferralList {
        items,
        total,
        page,
        per_page,
    }))
}

/// A referral with its history, for either side of it.
#[utoipa::path(get, path = "/referrals/{id}", tag = "referrals", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReferralJson), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_referral(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<ReferralJson>, AppError> {
    let (referral, _) = super::read(&state, &current, id).await?;
    let history = state
        .store
        .referral_transitions(state.store.connection(), id)
        .await?;
    let days = state.store.settings().await?.referral_decision_working_days;
    let names = names_of(&state, referral.person_id).await?;
    let mut json = referral_json(referral, names, days);
    json.history = Some(
        history
            .into_iter()
            .map(|t| TransitionJson {
                from: t.from.as_str().to_string(),
                to: t.to.as_str().to_string(),
                reason: t.reason,
                by_user: t.by_user,
                at: t.at,
            })
            .collect(),
    );
    Ok(Json(json))
}

#[derive(Deserialize, ToSchema)]
struct TransitionBody {
    /// `accepted`, `rejected`, `withdrawn` or `done`.
    #[serde(default)]
    to: String,
    /// Needed to reject; for `done`, one of `need-met`, `risk-reduced`,
    /// `declined-by-person`, `lost-contact`, `moved-away`, `not-eligible`.
    reason: Option<String>,
}

/// Take a step: the receiving agency accepts (sharing the referred case with it),
/// rejects with a reason, and records it done; the referring agency withdraws. An
/// impossible step is a 422 naming the current status.
#[utoipa::path(post, path = "/referrals/{id}/transitions", tag = "referrals",
    request_body = TransitionBody, params(("id" = Uuid, Path)),
    responses((status = 200, body = ReferralJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn transition(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<TransitionBody>,
) -> Result<Json<ReferralJson>, AppError> {
    let referral =
        super::transition(&state, &current, id, &body.to, body.reason.as_deref()).await?;
    let days = state.store.settings().await?.referral_decision_working_days;
    let names = names_of(&state, referral.person_id).await?;
    Ok(Json(referral_json(referral, names, days)))
}
