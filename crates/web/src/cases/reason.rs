//! "Why are you opening this case?": asked once per browser session of anyone who is
//! not working on a case (the law-enforcement logging duty, Data Protection Act 2018
//! s.62, asks for the justification of each consultation). One question page and one
//! answer route serve every kind of case.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_domain::FieldError;
use casework_domain::access::{CaseAction, CaseFacts, CaseKind};
use casework_domain::access_reason::AccessReason;
use serde::Deserialize;
use uuid::Uuid;

use super::{guard, page_reason, working_on};
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}", get(open))
        .route("/cases/{id}/reason", post(give_reason))
}

/// Where a case of `kind` is worked in the browser.
pub fn page_path(kind: CaseKind, id: Uuid) -> String {
    match kind {
        CaseKind::Asb => format!("/asb/cases/{id}"),
        CaseKind::DomesticAbuse => format!("/dv/cases/{id}"),
        CaseKind::Iom => format!("/iom/members/{id}"),
        CaseKind::PreventDeter => format!("/prevent-deter/referrals/{id}"),
    }
}

/// Whether a case page may be shown, and with which reason for the audit log.
pub enum Why {
    /// Go on: the reason given this session, or none because the actor works the case.
    Known(Option<String>),
    /// Ask first: the question page to answer with.
    Ask(Response),
}

/// The reason to record for reading a case page, or the question to ask first.
pub async fn why(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    facts: &CaseFacts,
) -> Result<Why, HtmlError> {
    let reason = page_reason(current, id).await;
    if reason.is_none() && !working_on(&current.actor(), facts) {
        let page = question(state, current, id, Vec::new()).await?;
        return Ok(Why::Ask(page.into_response()));
    }
    Ok(Why::Known(reason))
}

/// A link to any case, for lists that hold several kinds (agendas, an aim's cases):
/// the guard decides, then the browser goes to the kind's own page.
async fn open(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, None, CaseAction::View).await?;
    Ok(Redirect::to(&page_path(facts.kind, id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/reason.html")]
struct QuestionPage {
    chrome: Chrome,
    action: String,
    reference: String,
    choices: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

async fn question(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    errors: Vec<FieldError>,
) -> Result<QuestionPage, HtmlError> {
    let case = state
        .store
        .case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(QuestionPage {
        chrome: Chrome::for_user(current),
        action: format!("/cases/{id}/reason"),
        reference: case.reference,
        choices: AccessReason::CHOICES.to_vec(),
        errors,
    })
}

#[derive(Deserialize)]
struct ReasonForm {
    reason: Option<String>,
    reason_text: Option<String>,
}

async fn give_reason(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, None, CaseAction::View).await?;
    match AccessReason::from_form(
        form.reason.as_deref().unwrap_or_default(),
        form.reason_text.as_deref().unwrap_or_default(),
    ) {
        Ok(reason) => {
            let session = current
                .session
                .as_ref()
                .ok_or_else(|| AppError::Internal("page without a session".into()))?;
            crate::people::remember_reason(session, id, &reason).await?;
            Ok(Redirect::to(&page_path(facts.kind, id)).into_response())
        }
        Err(error) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            question(&state, &current, id, vec![error]).await?,
        )
            .into_response()),
    }
}
