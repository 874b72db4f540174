//! What every kind of case shares: the need-to-know guard every case route goes
//! through, the reason asked of someone reading a case they are not working on,
//! sharing with another agency, closing, and the case's audit trail.

mod api;
pub mod reason;

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use casework_audit::{AuditAction, StoredEvent, changes};
use casework_domain::FieldError;
use casework_domain::access::{self, Actor, CaseAction, CaseFacts, CaseKind, Decision};
use casework_domain::access_reason::AccessReason;
use casework_domain::calendar::uk_day;
use casework_domain::case_work;
use casework_store::cases::{Case, Share};
use chrono::{NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The audit log's name for a case.
pub const ENTITY: &str = "case";

/// How many events the "who has viewed or changed this" panel shows.
pub const PANEL_EVENTS: u64 = 50;

/// The one door to a case: loads its facts and asks `domain::access::decide`.
///
/// A case the actor may not know exists is answered exactly as a missing id (404); an
/// action they may not take on a case they may see is 403. Both are written to the
/// audit log as `access-denied` before the answer goes out. `kind`, when given, is the
/// kind the route serves: a case of another kind is not found there.
pub async fn guard(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    kind: Option<CaseKind>,
    action: CaseAction,
) -> Result<CaseFacts, AppError> {
    let actor = current.actor();
    let facts = state
        .store
        .case_facts(id)
        .await?
        .filter(|facts| kind.is_none_or(|k| facts.kind == k));
    let decision = facts.as_ref().map_or(Decision::NotFound, |facts| {
        access::decide(&actor, action, facts)
    });
    match (decision, facts) {
        (Decision::Allow, Some(facts)) => Ok(facts),
        (Decision::Forbidden, _) => {
            deny(state, current, id, action).await?;
            Err(AppError::Forbidden(format!(
                "Your role and agency let you see this case but not {} it.",
                verb(action)
            )))
        }
        _ => {
            deny(state, current, id, action).await?;
            Err(AppError::NotFound)
        }
    }
}

fn verb(action: CaseAction) -> &'static str {
    match action {
        CaseAction::View => "open",
        CaseAction::Edit => "work on",
        CaseAction::Share => "share",
        CaseAction::Close => "close",
        CaseAction::ViewAudit => "read the audit trail of",
    }
}

async fn deny(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    action: CaseAction,
) -> Result<(), AppError> {
    let event = current
        .event(AuditAction::AccessDenied)
        .entity(ENTITY, id)
        .summary(json!({"action": action.as_str()}));
    state.audit.record(event).await?;
    Ok(())
}

/// Whether the actor is working on the case: their agency owns it, or they lead it or
/// logged it. Anyone else reading it says why.
pub fn working_on(actor: &Actor, facts: &CaseFacts) -> bool {
    facts.owner_agency == actor.agency
        || facts.lead_officer == Some(actor.user_id)
        || facts.logged_by == Some(actor.user_id)
}

/// The reason for reading a case over the API: `X-Access-Reason`, required (428)
/// unless the actor is working on the case.
pub fn api_reason(
    headers: &HeaderMap,
    actor: &Actor,
    facts: &CaseFacts,
) -> Result<Option<String>, AppError> {
    match headers.get("x-access-reason").and_then(|v| v.to_str().ok()) {
        Some(text) => Ok(Some(
            AccessReason::from_header(text)
                .map_err(|e| AppError::Invalid(vec![e]))?
                .as_text(),
        )),
        None if !working_on(actor, facts) => Err(AppError::ReasonRequired),
        None => Ok(None),
    }
}

/// The reason given for a case earlier in this browser session, if any.
pub async fn page_reason(current: &CurrentUser, id: Uuid) -> Option<String> {
    match &current.session {
        Some(session) => crate::people::remembered_reason(session, id).await,
        None => None,
    }
}

/// Everyone a case concerns, for the audit log's subjects.
pub async fn people_on(state: &AppState, kind: CaseKind, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    let people: BTreeSet<Uuid> = match kind {
        CaseKind::Asb => state
            .store
            .asb_case(id)
            .await?
            .map(|case| case.people())
            .unwrap_or_default(),
        CaseKind::DomesticAbuse => state
            .store
            .dv_case(state.store.connection(), id)
            .await?
            .map(|case| case.people().into_iter().collect())
            .unwrap_or_default(),
        _ => state
            .store
            .case(state.store.connection(), id)
            .await?
            .map(|case| BTreeSet::from([case.subject_person]))
            .unwrap_or_default(),
    };
    Ok(people.into_iter().collect())
}

/// Shares a case with another agency (after [`guard`] with `Share`), with its audited
/// `share` event in the same transaction.
pub async fn share(
    state: &AppState,
    current: &CurrentUser,
    facts: &CaseFacts,
    id: Uuid,
    agency: &str,
    reason: &str,
) -> Result<Share, AppError> {
    let subjects = people_on(state, facts.kind, id).await?;
    let txn = state.store.begin_write().await?;
    let share = state
        .store
        .share_case(&txn, id, agency, reason, current.user.id, Utc::now())
        .await?;
    let mut event = current
        .event(AuditAction::Share)
        .entity(ENTITY, id)
        .subjects(subjects)
        .summary(json!({"agency": share.agency}));
    event.reason = Some(share.reason.clone());
    commit_with(txn, vec![event]).await?;
    Ok(share)
}

/// Closes a case (after [`guard`] with `Close`), audited in the same transaction.
pub async fn close(
    state: &AppState,
    current: &CurrentUser,
    facts: &CaseFacts,
    id: Uuid,
    outcome: &str,
) -> Result<(), AppError> {
    let subjects = people_on(state, facts.kind, id).await?;
    let txn = state.store.begin_write().await?;
    let before = state
        .store
        .close_case(&txn, id, outcome, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects(subjects)
        .summary(changes(&[
            ("status", json!(before.status), json!("closed")),
            ("outcome", json!(before.outcome), json!(outcome.trim())),
        ]));
    commit_with(txn, vec![event]).await?;
    Ok(())
}

/// Adds a note to an open case (after the guard allowed `Edit`), audited in the same
/// transaction. The audit event names the note, not its words: the note is the record.
pub async fn add_note(
    state: &AppState,
    current: &CurrentUser,
    facts: &CaseFacts,
    id: Uuid,
    text: &str,
) -> Result<(), AppError> {
    let text = case_work::parse_note(text).map_err(|e| AppError::Invalid(vec![e]))?;
    open_case(state, id).await?;
    let subjects = people_on(state, facts.kind, id).await?;
    let txn = state.store.begin_write().await?;
    let note = state
        .store
        .add_note(&txn, id, &text, current.user.id, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects(subjects)
        .summary(json!({"added": "note", "note_id": note.id}));
    commit_with(txn, vec![event]).await
}

/// Sets or clears the date an open case is next reviewed (after the guard allowed
/// `Edit`), audited with the old and new dates.
pub async fn set_review_date(
    state: &AppState,
    current: &CurrentUser,
    facts: &CaseFacts,
    id: Uuid,
    date: Option<NaiveDate>,
) -> Result<(), AppError> {
    case_work::check_review_date(date, uk_day(Utc::now()))
        .map_err(|e| AppError::Invalid(vec![e]))?;
    open_case(state, id).await?;
    let subjects = people_on(state, facts.kind, id).await?;
    let txn = state.store.begin_write().await?;
    let before = state.store.set_review_date(&txn, id, date).await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects(subjects)
        .summary(changes(&[("review_date", json!(before), json!(date))]));
    commit_with(txn, vec![event]).await
}

/// The case, to change it: a closed case is refused.
pub(crate) async fn open_case(state: &AppState, id: Uuid) -> Result<Case, AppError> {
    let case = state
        .store
        .case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if case.is_open() {
        Ok(case)
    } else {
        Err(AppError::Conflict(
            "The case is closed: re-open it before adding to it.".into(),
        ))
    }
}

/// Who has viewed or changed a case, newest first.
pub async fn audit_events(state: &AppState, id: Uuid) -> Result<Vec<StoredEvent>, AppError> {
    Ok(casework_audit::events_for_entity(
        state.store.connection(),
        ENTITY,
        &id.to_string(),
        PANEL_EVENTS,
    )
    .await?)
}

/// A JSON body whose unreadable parts are answered as 422 problem+json naming
/// `body`, like every other bad input, rather than as plain text.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(rejected(&rejection)),
        }
    }
}

fn rejected(rejection: &JsonRejection) -> AppError {
    AppError::Invalid(vec![FieldError::new("body", rejection.body_text())])
}
