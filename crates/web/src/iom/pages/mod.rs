//! IOM pages: the cohort board (filters: district, manager, placement, outreach
//! worker) and selecting a member here; the member page with its forms in `member`;
//! the re-offending measures with their before/after chart in `measures`.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::CaseKind;
use casework_domain::access_scope;
use casework_domain::calendar::{uk_date, uk_day};
use casework_domain::iom::{MemberView, Stream, Tier, may_manage_cohort};
use casework_store::iom::BoardFilter;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::SelectionForm;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

mod measures;
mod member;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/iom", get(board))
        .route("/iom/members", post(create))
        .route("/iom/members/new", get(new_form))
        .merge(member::router())
        .merge(measures::router())
}

/// Refuses, as if nothing were there, those the policy lets open no membership at all
/// (`access_scope::reach`): the IOM team, housing officers it has referred a need to,
/// and LMAPS members whose meetings have a member on the agenda may read the board.
fn may_read_board(current: &CurrentUser) -> Result<(), AppError> {
    if access_scope::may_list(&current.actor(), CaseKind::Iom) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn back_to(id: Uuid) -> Response {
    Redirect::to(&format!("/iom/members/{id}")).into_response()
}

fn blank(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A tier as the board shows it: words, with the colour as a class.
pub struct TierTag {
    pub class: &'static str,
    pub label: &'static str,
}

fn tier_tag(tier: Tier) -> TierTag {
    TierTag {
        class: match tier {
            Tier::Red => "tag tag-bad",
            Tier::Amber => "tag tag-gold",
            Tier::Green => "tag tag-silver",
        },
        label: tier.name(),
    }
}

// ---------------------------------------------------------------- the board

#[derive(Template, WebTemplate)]
#[template(path = "iom/board.html")]
struct BoardPage {
    chrome: Chrome,
    may_select: bool,
    lines: Vec<BoardLine>,
    districts: Vec<(String, String)>,
    managers: Vec<(String, String)>,
    placements: Vec<String>,
    workers: Vec<String>,
    district: String,
    manager: String,
    placement: String,
    worker: String,
}

struct BoardLine {
    id: Uuid,
    reference: String,
    name: String,
    tier: TierTag,
    entered: String,
    needs: String,
    latest_offence: String,
    placement: String,
    worker: String,
}

#[derive(Deserialize, Default)]
struct BoardQuery {
    district: Option<String>,
    manager: Option<String>,
    placement: Option<String>,
    worker: Option<String>,
}

async fn board(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<BoardQuery>,
) -> Result<Response, HtmlError> {
    may_read_board(&current)?;
    let actor = current.actor();
    let filter = BoardFilter {
        district: blank(q.district.clone()),
        manager: blank(q.manager.clone()).and_then(|m| Uuid::parse_str(&m).ok()),
        placement: blank(q.placement.clone()),
        worker: blank(q.worker.clone()),
    };
    let store = &state.store;
    let all = store
        .iom_board(store.connection(), &actor, &filter, uk_day(Utc::now()))
        .await?;
    let mut people = BTreeSet::new();
    let mut managers = BTreeSet::new();
    let mut lines = Vec::new();
    for line in all {
        let view = MemberView::of(&actor, &line.facts);
        people.insert(line.case.subject_person);
        managers.extend(line.case.lead_officer);
        let needs: Vec<String> = line
            .open_needs
            .iter()
            .filter(|(p, _)| view.shows(*p))
            .map(|(p, s)| format!("{} ({})", p.name(), s.name().to_lowercase()))
            .collect();
        lines.push(BoardLine {
            id: line.case.id,
            reference: line.case.reference.clone(),
            name: line
                .person
                .as_ref()
                .map(|p| p.full_name())
                .unwrap_or_default(),
            tier: tier_tag(line.tier),
            entered: uk_date(line.entered_on),
            needs: if needs.is_empty() {
                "None open".into()
            } else {
                needs.join("; ")
            },
            latest_offence: match (&line.latest_offence, view.shows_offences()) {
                (Some((on, category)), true) => format!("{} ({category})", uk_date(*on)),
                (None, true) => "None recorded".into(),
                (_, false) => "Not shown".into(),
            },
            placement: if view.shows_offences() {
                line.placement.clone().unwrap_or_default()
            } else {
                String::new()
            },
            worker: if view.shows_offences() {
                line.outreach_worker.clone().unwrap_or_default()
            } else {
                String::new()
            },
        });
    }
    if !lines.is_empty() {
        let event = current
            .event(AuditAction::Search)
            .entity("iom-cohort", "board")
            .subjects(people);
        state.audit.record(event).await?;
    }
    let managers: Vec<Uuid> = managers.into_iter().collect();
    let names = store.user_names(&managers).await?;
    let (placements, workers) = if may_manage_cohort(&actor) {
        store.iom_placements_and_workers(store.connection()).await?
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(BoardPage {
        chrome: Chrome::for_user(&current),
        may_select: may_manage_cohort(&actor),
        lines,
        districts: store
            .districts()
            .await?
            .into_iter()
            .map(|d| (d.code, d.name))
            .collect(),
        managers: managers
            .iter()
            .map(|m| (m.to_string(), names.get(m).cloned().unwrap_or_default()))
            .collect(),
        placements,
        workers,
        district: q.district.unwrap_or_default(),
        manager: q.manager.unwrap_or_default(),
        placement: q.placement.unwrap_or_default(),
        worker: q.worker.unwrap_or_default(),
    }
    .into_response())
}

// ---------------------------------------------------------------- selecting

#[derive(Template, WebTemplate)]
#[template(path = "iom/new.html")]
struct NewPage {
    chrome: Chrome,
    form: SelectionForm,
    streams: Vec<(&'static str, &'static str)>,
    tiers: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

fn new_page(current: &CurrentUser, form: SelectionForm, errors: Vec<FieldError>) -> NewPage {
    NewPage {
        chrome: Chrome::for_user(current),
        form,
        streams: Stream::ALL.iter().map(|s| (s.as_str(), s.name())).collect(),
        tiers: Tier::ALL.iter().map(|t| (t.as_str(), t.name())).collect(),
        errors,
    }
}

#[derive(Deserialize, Default)]
struct NewQuery {
    person_id: Option<String>,
}

async fn new_form(current: CurrentUser, Query(q): Query<NewQuery>) -> Result<Response, HtmlError> {
    super::team_only(&current.actor())?;
    let form = SelectionForm {
        person_id: q.person_id.unwrap_or_default(),
        ..SelectionForm::default()
    };
    Ok(new_page(&current, form, Vec::new()).into_response())
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<SelectionForm>,
) -> Result<Response, HtmlError> {
    match super::select(&state, &current, &form).await {
        Ok(member) => Ok(back_to(member.case.id)),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_page(&current, form, errors),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
