//! Domestic abuse pages: the cases an officer may open, opening a case, the case page
//! (asking why when the case is not theirs), logging an incident, the DASH checklist on
//! one page with its running count, recording a MARAC referral, the cases needing a
//! referral, and the measures. Forms work without JavaScript; the one small script
//! (same-origin, as the CSP allows) only updates the DASH count as answers are given.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseAction, CaseKind};
use casework_domain::access_scope;
use casework_domain::calendar::{uk_date, uk_day};
use casework_domain::dv::{DashLevel, MaracRule, ReportedBy};
use casework_store::dv::DvCaseLine;
use casework_store::people::Page;
use casework_store::reference::Ward;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::reasons_in_words;
use crate::auth::CurrentUser;
use crate::cases::{ENTITY, guard};
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

mod case;
mod forms;
mod measures;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dv/cases", get(list).post(create))
        .route("/dv/cases/new", get(new_form))
        .route("/dv/cases/{id}", get(case::view))
        .route(
            "/dv/cases/{id}/incidents",
            get(forms::incident_form).post(forms::add_incident),
        )
        .route(
            "/dv/cases/{id}/dash",
            get(forms::dash_form).post(forms::add_dash),
        )
        .route(
            "/dv/cases/{id}/marac-referrals",
            get(forms::referral_form).post(forms::add_referral),
        )
        .route("/dv/cases/{id}/share", post(case::share))
        .route("/dv/cases/{id}/close", post(case::close))
        .route("/dv/marac", get(needing_referral))
        .route("/dv/measures", get(measures::measures_page))
        .route("/static/dv-dash.js", get(dash_script))
}

/// The script that keeps the DASH count up to date as answers are given.
const DASH_SCRIPT: &str = include_str!("../../../static/dv-dash.js");

async fn dash_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        DASH_SCRIPT,
    )
}

/// A level as officers read it: words, with the colour as a class.
pub struct LevelTag {
    pub class: &'static str,
    pub label: &'static str,
}

fn tag(level: DashLevel) -> LevelTag {
    LevelTag {
        class: match level {
            DashLevel::High => "tag tag-bad",
            DashLevel::Medium => "tag tag-gold",
            DashLevel::Standard => "tag tag-silver",
        },
        label: level.label(),
    }
}

fn when(at: DateTime<Utc>) -> String {
    format!("{} {}", uk_date(uk_day(at)), at.format("%H:%M UTC"))
}

fn yes_no(value: bool) -> &'static str {
    if value { "Yes" } else { "No" }
}

fn reporter_words(r: ReportedBy) -> &'static str {
    match r {
        ReportedBy::Police => "The police",
        ReportedBy::Agency => "Another agency",
        ReportedBy::Victim => "The victim",
    }
}

/// Refuses, as if nothing were there, roles that do not work domestic abuse cases.
fn works_dv(current: &CurrentUser) -> Result<(), AppError> {
    if access::works_kind(&current.actor(), CaseKind::DomesticAbuse) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Refuses, as if nothing were there, those the policy lets open no domestic abuse
/// case at all (`access_scope::reach`): the lists are for those who work the cases and
/// for LMAPS members, whose agency's open meetings may have a case on the agenda.
fn may_list(current: &CurrentUser) -> Result<(), AppError> {
    if access_scope::may_list(&current.actor(), CaseKind::DomesticAbuse) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// One option of a radio group, and whether it is chosen.
pub struct Choice {
    pub code: &'static str,
    pub words: &'static str,
    pub selected: bool,
}

// ---------------------------------------------------------------- the lists

/// Cases a page of either list.
const PER_PAGE: u64 = 25;

#[derive(Template, WebTemplate)]
#[template(path = "dv/list.html")]
struct ListPage {
    chrome: Chrome,
    lines: Vec<ListLine>,
    total: u64,
    page: u64,
    pages: u64,
    may_see_counts: bool,
    /// Whether the actor opens cases (an LMAPS member only reads agenda cases).
    may_open: bool,
}

struct ListLine {
    id: Uuid,
    reference: String,
    victim: String,
    ward: String,
    opened: String,
    last_incident: String,
    level: Option<LevelTag>,
    marac: String,
    marac_required: bool,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

/// Which list is read.
#[derive(Clone, Copy)]
enum Listing {
    Open,
    NeedingReferral,
}

/// One page of the open cases the actor may see (or of those needing a MARAC
/// referral), with the MARAC decision as of today, audited as a search naming the
/// page's victims.
async fn open_lines(
    state: &AppState,
    current: &CurrentUser,
    listing: Listing,
    page: u64,
) -> Result<Page<DvCaseLine>, AppError> {
    let actor = current.actor();
    let settings = state.store.settings().await?;
    let rule = MaracRule::from_settings(&settings);
    let today = uk_day(Utc::now());
    let store = &state.store;
    let (what, found) = match listing {
        Listing::NeedingReferral => (
            "dv-marac-needed",
            store
                .dv_cases_needing_referral(&actor, &rule, today, page, PER_PAGE)
                .await?,
        ),
        Listing::Open => (
            "dv-open-cases",
            store
                .open_dv_cases_for(&actor, &rule, today, page, PER_PAGE)
                .await?,
        ),
    };
    let mut event = current
        .event(AuditAction::Search)
        .entity(ENTITY, what)
        .subjects(found.items.iter().map(|l| l.case.subject_person));
    event.query = Some(format!("{what} for {}, page {page}", actor.agency));
    event.result_count = i64::try_from(found.total).ok();
    state.audit.record(event).await?;
    Ok(found)
}

fn list_line(line: DvCaseLine) -> ListLine {
    let marac = if line.marac.required {
        format!("Required: {}", reasons_in_words(&line.marac.reasons))
    } else if let Some(on) = line.marac.covered_by {
        format!("Referred {}", uk_date(on))
    } else {
        "Not required".into()
    };
    ListLine {
        id: line.case.id,
        reference: line.case.reference,
        victim: line
            .victim
            .map(|p| p.full_name())
            .unwrap_or_else(|| "unknown".into()),
        ward: line.case.ward,
        opened: uk_date(uk_day(line.case.opened_at)),
        last_incident: line
            .last_incident
            .map(|at| uk_date(uk_day(at)))
            .unwrap_or_else(|| "none yet".into()),
        level: line.level.map(tag),
        marac_required: line.marac.required,
        marac,
    }
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<ListPage, HtmlError> {
    may_list(&current)?;
    let page = query.page.unwrap_or(1).max(1);
    let found = open_lines(&state, &current, Listing::Open, page).await?;
    Ok(ListPage {
        chrome: Chrome::for_user(&current),
        lines: found.items.into_iter().map(list_line).collect(),
        total: found.total,
        page,
        pages: found.total.div_ceil(PER_PAGE).max(1),
        may_see_counts: access::may_see_counts(&current.actor()),
        may_open: access::works_kind(&current.actor(), CaseKind::DomesticAbuse),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "dv/marac.html")]
struct NeedingPage {
    chrome: Chrome,
    lines: Vec<ListLine>,
    total: u64,
    page: u64,
    pages: u64,
}

async fn needing_referral(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<NeedingPage, HtmlError> {
    may_list(&current)?;
    let page = query.page.unwrap_or(1).max(1);
    let found = open_lines(&state, &current, Listing::NeedingReferral, page).await?;
    Ok(NeedingPage {
        chrome: Chrome::for_user(&current),
        lines: found.items.into_iter().map(list_line).collect(),
        total: found.total,
        page,
        pages: found.total.div_ceil(PER_PAGE).max(1),
    })
}

// ---------------------------------------------------------------- opening a case

#[derive(Template, WebTemplate)]
#[template(path = "dv/new.html")]
struct NewCasePage {
    chrome: Chrome,
    victim_id: String,
    victim_name: Option<String>,
    perpetrator_id: String,
    ward: String,
    summary: String,
    wards: Vec<Ward>,
    errors: Vec<FieldError>,
}

#[derive(Deserialize)]
struct NewCaseQuery {
    person: Option<String>,
}

#[derive(Deserialize, Default)]
struct NewCaseFields {
    #[serde(default)]
    victim_id: String,
    #[serde(default)]
    perpetrator_id: String,
    #[serde(default)]
    ward: String,
    summary: Option<String>,
}

async fn new_case_page(
    state: &AppState,
    current: &CurrentUser,
    fields: NewCaseFields,
    errors: Vec<FieldError>,
) -> Result<NewCasePage, HtmlError> {
    let (victim, ward) =
        crate::people::person_and_ward(state, &current.actor(), &fields.victim_id, fields.ward)
            .await;
    Ok(NewCasePage {
        chrome: Chrome::for_user(current),
        victim_name: victim.map(|p| p.full_name()),
        victim_id: fields.victim_id,
        perpetrator_id: fields.perpetrator_id,
        ward,
        summary: fields.summary.unwrap_or_default(),
        wards: state.store.wards().await?,
        errors,
    })
}

async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<NewCaseQuery>,
) -> Result<NewCasePage, HtmlError> {
    works_dv(&current)?;
    let fields = NewCaseFields {
        victim_id: query.person.unwrap_or_default(),
        ..Default::default()
    };
    new_case_page(&state, &current, fields, Vec::new()).await
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(fields): Form<NewCaseFields>,
) -> Result<Response, HtmlError> {
    works_dv(&current)?;
    match super::open_case(
        &state,
        &current,
        &fields.victim_id,
        Some(&fields.perpetrator_id),
        &fields.ward,
        fields.summary.clone(),
    )
    .await
    {
        Ok(case) => Ok(Redirect::to(&format!("/dv/cases/{}", case.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = new_case_page(&state, &current, fields, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Asks the guard for `action` on a DV case, then loads the case as the forms need it.
async fn guarded_case(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    action: CaseAction,
) -> Result<casework_store::cases::Case, AppError> {
    guard(state, current, id, Some(CaseKind::DomesticAbuse), action).await?;
    state
        .store
        .case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Back to the case after a change.
fn back_to(id: Uuid) -> Response {
    Redirect::to(&format!("/dv/cases/{id}")).into_response()
}
