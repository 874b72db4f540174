//! The one actions list across Casework: per agency and per officer, with open, due,
//! overdue and done views; actions set on a case; completing an action records who
//! and when. Actions minuted at LMAPS come from `crate::lmaps`. The rules are
//! `casework_domain::actions`.

mod api;
mod pages;

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::CaseAction;
use casework_domain::actions::{
    ActionInput, ActionSource, ActionView, Officer, check_action, check_complete, check_officer,
    may_complete, may_read_actions_of,
};
use casework_domain::calendar::uk_day;
use casework_store::actions::{ActionFilter, ActionRecord, NewActionRow};
use casework_store::people::Page;
use chrono::{NaiveDate, Utc};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The audit log's name for an action.
pub const ACTION: &str = "action";

fn today() -> NaiveDate {
    uk_day(Utc::now())
}

/// A list's filter as asked: the agency (yours if left out), `status` (a view:
/// `open`, `due`, `overdue`, `done`, `all`; `open` if left out), and `officer=me` for
/// your own.
pub(crate) async fn list(
    state: &AppState,
    current: &CurrentUser,
    agency: Option<&str>,
    status: Option<&str>,
    mine: bool,
    page: u64,
    per_page: u64,
) -> Result<(ActionFilter, Page<ActionRecord>), AppError> {
    let actor = current.actor();
    let agency = agency
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or(&actor.agency)
        .to_string();
    let view = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => ActionView::Open,
        Some(text) => ActionView::parse(text).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "status",
                "Choose open, due, overdue, done or all.",
            )])
        })?,
    };
    if !may_read_actions_of(&actor, &agency) {
        return Err(AppError::Forbidden(
            "You read your own agency's actions list.".into(),
        ));
    }
    let filter = ActionFilter {
        agency: Some(agency),
        officer: mine.then_some(actor.user_id),
        view,
    };
    let page_of = state
        .store
        .actions(&filter, today(), page, per_page)
        .await?;
    let event = current
        .event(AuditAction::Search)
        .entity(ACTION, "list")
        .summary(json!({
            "agency": filter.agency,
            "view": view.as_str(),
            "mine": mine,
            "results": page_of.total,
        }));
    state.audit.record(event).await?;
    Ok((filter, page_of))
}

/// An action set on a case, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct CaseActionForm {
    #[serde(default)]
    pub description: String,
    /// Agency code.
    #[serde(default)]
    pub agency: String,
    /// The id of an active user of `agency`; blank for the agency as a whole.
    pub officer: Option<String>,
    /// `YYYY-MM-DD`, today or later.
    #[serde(default)]
    pub due_on: String,
    /// Links the action to one of the Partnership Plan's actions.
    pub plan_action_id: Option<Uuid>,
}

/// Sets an action on a case the actor works, audited with it.
pub(crate) async fn add_to_case(
    state: &AppState,
    current: &CurrentUser,
    case_id: Uuid,
    form: &CaseActionForm,
) -> Result<ActionRecord, AppError> {
    crate::cases::guard(state, current, case_id, None, CaseAction::Edit).await?;
    let mut errors = Vec::new();
    let due_on = crate::lmaps::date("due_on", Some(&form.due_on), &mut errors);
    let agencies: Vec<String> = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let input = ActionInput {
        description: &form.description,
        agency: &form.agency,
        officer: form.officer.as_deref(),
        due_on,
    };
    let checked = check_action(&input, "", &agencies, today());
    let officer = officer_refused(state, form, &agencies).await?;
    let new = match checked {
        Ok(new) if errors.is_empty() && officer.is_none() => new,
        checked => {
            let mut more = checked.err().unwrap_or_default();
            if let Some(e) = officer {
                // In the form's order, as the minutes name it: before the due day.
                let at = more
                    .iter()
                    .position(|x| x.field == "due_on")
                    .unwrap_or(more.len());
                more.insert(at, e);
            }
            for e in more {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let txn = state.store.begin_write().await?;
    let record = state
        .store
        .create_action(
            &txn,
            NewActionRow {
                source: if form.plan_action_id.is_some() {
                    ActionSource::Plan
                } else {
                    ActionSource::Case
                },
                case_id: Some(case_id),
                meeting_id: None,
                plan_action_id: form.plan_action_id,
                action: new,
            },
            current.user.id,
            Utc::now(),
        )
        .await?;
    let event = current
        .event(AuditAction::Create)
        .entity(ACTION, record.id)
        .summary(json!({
            "case_id": case_id,
            "agency": record.agency,
            "officer": record.officer,
            "due_on": record.due_on,
        }));
    commit_with(txn, vec![event]).await?;
    Ok(record)
}

/// The refusal of the officer a case action names, if any: as in LMAPS minutes, the
/// officer must be an active user of the action's agency (`check_officer`). Looked up
/// only when the officer is an id and the agency one of ours; a bad one is named
/// already by `check_action`.
async fn officer_refused(
    state: &AppState,
    form: &CaseActionForm,
    agencies: &[String],
) -> Result<Option<FieldError>, AppError> {
    let typed = form.officer.as_deref().map(str::trim).unwrap_or_default();
    let agency = form.agency.trim();
    let Ok(id) = Uuid::parse_str(typed) else {
        return Ok(None);
    };
    if !agencies.iter().any(|a| a == agency) {
        return Ok(None);
    }
    let found = state.store.user_by_id(id).await?.map(as_officer);
    Ok(check_officer(found.as_ref(), agency, "officer").err())
}

/// A user as the officer rule sees them: id, agency, and whether still active.
pub(crate) fn as_officer(user: casework_store::users::User) -> Officer {
    Officer {
        id: user.id,
        agency: user.agency,
        active: !user.disabled,
    }
}

/// Completes an action: who and when are recorded, once. An action the actor may
/// not read is answered as missing.
pub(crate) async fn complete(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
) -> Result<ActionRecord, AppError> {
    let actor = current.actor();
    let txn = state.store.begin_write().await?;
    let Some(record) = state
        .store
        .action(&txn, id)
        .await?
        .filter(|a| may_complete(&actor, &a.agency, a.officer))
    else {
        drop(txn);
        let event = current
            .event(AuditAction::AccessDenied)
            .entity(ACTION, id)
            .summary(json!({"action": "complete"}));
        state.audit.record(event).await?;
        return Err(AppError::NotFound);
    };
    check_complete(record.status).map_err(AppError::Conflict)?;
    let now = Utc::now();
    state
        .store
        .complete_action(&txn, id, current.user.id, now)
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ACTION, id)
        .summary(json!({"status": {"from": "open", "to": "done"}}));
    commit_with(txn, vec![event]).await?;
    Ok(ActionRecord {
        status: casework_domain::actions::ActionStatus::Done,
        completed_by: Some(current.user.id),
        completed_at: Some(now),
        ..record
    })
}
