//! Referral pages: the inbox and outbox (overdue decisions marked), making a referral,
//! and a referral with its history and the steps the viewer's side may take.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::calendar::uk_date;
use casework_domain::referral::{DoneReason, Panel, Side, Status, decision_due};
use casework_store::referrals::{Referral, ReferralBox};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{ReferralForm, case_workers_only, overdue};
use crate::auth::CurrentUser;
use crate::cases::reason::page_path;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

const PER_PAGE: u64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(boxes).post(create))
        .route("/referrals/new", get(new_form))
        .route("/referrals/{id}", get(view))
        .route("/referrals/{id}/transitions", post(transition))
}

fn destination(r: &Referral, names: &std::collections::HashMap<String, String>) -> String {
    let agency = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    match (r.to_panel, &r.to_agency) {
        (Some(p), _) => format!("{} (inbox: {})", p.name(), agency(&r.inbox_agency)),
        (None, Some(a)) => agency(a),
        (None, None) => agency(&r.inbox_agency),
    }
}

async fn agency_names(
    state: &AppState,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/box.html")]
struct BoxPage {
    chrome: Chrome,
    title: &'static str,
    which: &'static str,
    working_days: i64,
    lines: Vec<BoxLine>,
    total: u64,
    page: u64,
    pages: u64,
}

struct BoxLine {
    id: Uuid,
    name: String,
    from: String,
    to: String,
    referred: String,
    due: String,
    overdue: bool,
    status: &'static str,
}

#[derive(Deserialize, Default)]
struct BoxQuery {
    #[serde(rename = "box")]
    which: Option<String>,
    page: Option<u64>,
}

async fn boxes(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<BoxQuery>,
) -> Result<Response, HtmlError> {
    case_workers_only(&current)?;
    let (which, title, code) = match q.which.as_deref() {
        Some("outbox") => (ReferralBox::Outbox, "outbox", "outbox"),
        _ => (ReferralBox::Inbox, "inbox", "inbox"),
    };
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = state
        .store
        .referral_box(&current.user.agency, which, page, PER_PAGE)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let people = state
        .store
        .people_by_id(state.store.connection(), &ids)
        .await?;
    if !rows.is_empty() {
        let event = current
            .event(AuditAction::Search)
            .summary(json!({"referrals": code, "page": page, "results": rows.len()}))
            .subjects(people.keys().copied().collect::<Vec<_>>());
        state.audit.record(event).await?;
    }
    let names = agency_names(&state).await?;
    let days = state.store.settings().await?.referral_decision_working_days;
    let lines = rows
        .iter()
        .map(|r| BoxLine {
            id: r.id,
            name: people
                .get(&r.person_id)
                .map(|p| p.full_name())
                .unwrap_or_default(),
            from: names
                .get(&r.from_agency)
                .cloned()
                .unwrap_or_else(|| r.from_agency.clone()),
            to: destination(r, &names),
            referred: uk_date(r.referred_on),
            due: uk_date(decision_due(r.referred_on, days)),
            overdue: overdue(r, days),
            status: r.status.name(),
        })
        .collect();
    Ok(BoxPage {
        chrome: Chrome::for_user(&current),
        title,
        which: code,
        working_days: days,
        lines,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/new.html")]
struct NewPage {
    chrome: Chrome,
    form: ReferralForm,
    agencies: Vec<(String, String)>,
    panels: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

async fn new_page(
    state: &AppState,
    current: &CurrentUser,
    form: ReferralForm,
    errors: Vec<FieldError>,
) -> Result<NewPage, AppError> {
    Ok(NewPage {
        chrome: Chrome::for_user(current),
        form,
        agencies: state
            .store
            .agencies()
            .await?
            .into_iter()
            .filter(|a| a.code != current.user.agency)
            .map(|a| (a.code, a.name))
            .collect(),
        panels: Panel::ALL.iter().map(|p| (p.as_str(), p.name())).collect(),
        errors,
    })
}

#[derive(Deserialize, Default)]
struct NewQuery {
    person_id: Option<String>,
    case_id: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, HtmlError> {
    case_workers_only(&current)?;
    let form = ReferralForm {
        person_id: q.person_id.unwrap_or_default(),
        case_id: q.case_id,
        ..ReferralForm::default()
    };
    Ok(new_page(&state, &current, form, Vec::new())
        .await?
        .into_response())
}

/// The form as posted: blank choices are left out, and consent is `true`/`false`.
#[derive(Deserialize, Default)]
struct PostedReferral {
    #[serde(default)]
    person_id: String,
    case_id: Option<String>,
    to_agency: Option<String>,
    to_panel: Option<String>,
    #[serde(default)]
    reason: String,
    consent: Option<String>,
    consent_override_reason: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(posted): Form<PostedReferral>,
) -> Result<Response, HtmlError> {
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let form = ReferralForm {
        person_id: posted.person_id,
        case_id: blank(posted.case_id),
        to_agency: blank(posted.to_agency),
        to_panel: blank(posted.to_panel),
        reason: posted.reason,
        consent: match posted.consent.as_deref() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        consent_override_reason: blank(posted.consent_override_reason),
    };
    match super::create(&state, &current, &form).await {
        Ok(referral) => Ok(Redirect::to(&format!("/referrals/{}", referral.id)).into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_page(&state, &current, form, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/referral.html")]
struct ReferralPage {
    chrome: Chrome,
    id: Uuid,
    name: String,
    status: &'static str,
    overdue: bool,
    from: String,
    to: String,
    referred: String,
    due: String,
    reason: String,
    consent: String,
    case_link: Option<String>,
    history: Vec<String>,
    steps: Vec<(&'static str, &'static str)>,
    done_reasons: String,
    errors: Vec<FieldError>,
}

async fn referral_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    errors: Vec<FieldError>,
) -> Result<ReferralPage, AppError> {
    let (r, side) = super::read(state, current, id).await?;
    let history = state
        .store
        .referral_transitions(state.store.connection(), id)
        .await?;
    let names = agency_names(state).await?;
    let days = state.store.settings().await?.referral_decision_working_days;
    let person = state.store.person(r.person_id).await?;
    let case_link = match r.case_id {
        Some(case_id) => state
            .store
            .case(state.store.connection(), case_id)
            .await?
            .map(|c| page_path(c.kind, case_id)),
        None => None,
    };
    let steps: Vec<(&'static str, &'static str)> = match (r.status, side) {
        (Status::InProgress, Side::Receiver) => {
            vec![("accepted", "Accepted"), ("rejected", "Rejected (say why)")]
        }
        (Status::InProgress, Side::Referrer) => vec![("withdrawn", "Withdrawn")],
        (Status::Accepted, Side::Receiver) => vec![("done", "Done (choose how it ended)")],
        _ => Vec::new(),
    };
    Ok(ReferralPage {
        chrome: Chrome::for_user(current),
        id,
        name: person.map(|p| p.full_name()).unwrap_or_default(),
        status: r.status.name(),
        overdue: overdue(&r, days),
        from: names
            .get(&r.from_agency)
            .cloned()
            .unwrap_or_else(|| r.from_agency.clone()),
        to: destination(&r, &names),
        referred: uk_date(r.referred_on),
        due: uk_date(decision_due(r.referred_on, days)),
        reason: r.reason.clone(),
        consent: if r.consent {
            "Given".into()
        } else {
            format!(
                "Not given. Sharing justified: {}",
                r.consent_override_reason.clone().unwrap_or_default()
            )
        },
        case_link,
        history: history
            .into_iter()
            .map(|t| {
                let when = uk_date(casework_domain::calendar::uk_day(t.at));
                match t.reason {
                    Some(reason) => format!("{when}: {} ({reason})", t.to.name()),
                    None => format!("{when}: {}", t.to.name()),
                }
            })
            .collect(),
        steps,
        done_reasons: DoneReason::ALL.map(DoneReason::as_str).join(", "),
        errors,
    })
}

async fn view(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    Ok(referral_page(&state, &current, id, Vec::new())
        .await?
        .into_response())
}

#[derive(Deserialize, Default)]
struct StepForm {
    #[serde(default)]
    to: String,
    reason: Option<String>,
}

async fn transition(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<StepForm>,
) -> Result<Response, HtmlError> {
    match super::transition(&state, &current, id, &form.to, form.reason.as_deref()).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            referral_page(&state, &current, id, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
