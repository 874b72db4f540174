//! The work on an ASB case after it is opened: notes, the review date, ASB Case Review
//! applications and their steps, the victim contact standard, and correcting an
//! incident logged on the wrong case or in error; and the two work
//! queues that follow from them (Case Review steps due or overdue, contacts overdue).
//! Every route goes through `cases::guard`; every change commits with its audit event.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, Actor, CaseAction, CaseFacts, CaseKind};
use casework_domain::access_scope::{Relation, reach};
use casework_domain::asb::{
    CaseReview, CaseReviewStep, check_applied_on, check_contacted_at, check_step_done_on,
};
use casework_domain::calendar::{uk_date, uk_day, uk_local_to_utc};
use casework_domain::case_work::parse_correction_reason;
use casework_store::asb::{IncidentRecord, NewCaseReview, StepDone};
use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::pages::{CaseForms, failed_form};
use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::cases::{self, ENTITY, guard};
use crate::chrome::Chrome;
use crate::error::HtmlError;
use crate::{AppError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/asb/cases/{id}/notes", post(add_note))
        .route("/asb/cases/{id}/review-date", post(set_review_date))
        .route("/asb/cases/{id}/case-reviews", post(apply_for_case_review))
        .route(
            "/asb/cases/{id}/case-reviews/{application}/steps",
            post(record_step),
        )
        .route(
            "/asb/cases/{id}/incidents/{incident}/contact",
            post(record_contact),
        )
        .route(
            "/asb/cases/{id}/incidents/{incident}/move",
            post(move_incident),
        )
        .route(
            "/asb/cases/{id}/incidents/{incident}/remove",
            post(remove_incident),
        )
        .route("/asb/case-reviews", get(case_review_queue))
        .route("/asb/contacts-overdue", get(contacts_overdue))
}

/// After a change: back to the case, or the case page again with the errors (422).
async fn answer(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    facts: &CaseFacts,
    done: Result<(), AppError>,
    forms: impl FnOnce(Vec<FieldError>) -> CaseForms,
) -> Result<Response, HtmlError> {
    let errors = match done {
        Ok(()) => return Ok(Redirect::to(&format!("/asb/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Conflict(message)) => vec![FieldError::new("case", message)],
        Err(e) => return Err(e.into()),
    };
    failed_form(state, current, id, facts, forms(errors)).await
}

fn invalid(error: FieldError) -> AppError {
    AppError::Invalid(vec![error])
}

/// A date from a form's `<input type="date">`.
fn form_date(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(FieldError::new(field, "Enter a date, like 2012-06-01.")))
}

// ---------------------------------------------------------------- notes and review date

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    text: String,
}

async fn add_note(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<NoteForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = cases::add_note(&state, &current, &facts, id, &form.text).await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        note: form.text,
        errors,
        ..CaseForms::default()
    })
    .await
}

#[derive(Deserialize)]
struct ReviewDateForm {
    #[serde(default)]
    review_date: String,
}

async fn set_review_date(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ReviewDateForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = async {
        let date = match form.review_date.trim() {
            "" => None,
            text => Some(form_date("review_date", text)?),
        };
        cases::set_review_date(&state, &current, &facts, id, date).await
    }
    .await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        review_date: Some(form.review_date),
        errors,
        ..CaseForms::default()
    })
    .await
}

// ---------------------------------------------------------------- ASB Case Review

#[derive(Deserialize)]
struct ApplicationForm {
    #[serde(default)]
    applied_on: String,
}

async fn apply_for_case_review(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ApplicationForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = async {
        let applied_on = form_date("applied_on", &form.applied_on)?;
        check_applied_on(applied_on, uk_day(Utc::now())).map_err(invalid)?;
        let case = cases::open_case(&state, id).await?;
        let rule = CaseReview::from_settings(&state.store.settings().await?);
        let txn = state.store.begin_write().await?;
        let application = state
            .store
            .record_case_review(
                &txn,
                NewCaseReview {
                    case_id: id,
                    applicant_id: case.subject_person,
                    applied_on,
                    deadlines: rule.deadlines(applied_on),
                    recorded_by: current.user.id,
                    recorded_at: Utc::now(),
                },
            )
            .await?;
        let event = current
            .event(AuditAction::Update)
            .entity(ENTITY, id)
            .subjects([case.subject_person])
            .summary(json!({
                "added": "asb-case-review-application",
                "application_id": application.id,
                "applied_on": applied_on,
            }));
        commit_with(txn, vec![event]).await
    }
    .await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        applied_on: form.applied_on,
        errors,
        ..CaseForms::default()
    })
    .await
}

#[derive(Deserialize)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    on: String,
    /// `yes` or `no`, for the threshold decision.
    #[serde(default)]
    threshold_met: String,
    #[serde(default)]
    outcome: String,
}

async fn record_step(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, application_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<StepForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = async {
        let step = CaseReviewStep::parse(&form.step)
            .ok_or_else(|| invalid(FieldError::new("step", "Choose a step of the review.")))?;
        let field = match step {
            CaseReviewStep::Acknowledge => "acknowledged_on",
            CaseReviewStep::DecideThreshold => "decided_on",
            CaseReviewStep::HoldReview => "review_held_on",
        };
        let on = form_date(field, &form.on)?;
        let case = cases::open_case(&state, id).await?;
        let application = state
            .store
            .case_reviews_of(state.store.connection(), id)
            .await?
            .into_iter()
            .find(|a| a.id == application_id)
            .ok_or(AppError::NotFound)?;
        check_step_done_on(field, application.applied_on, on, uk_day(Utc::now()))
            .map_err(invalid)?;
        let done = match step {
            CaseReviewStep::Acknowledge => StepDone::Acknowledged { on },
            CaseReviewStep::DecideThreshold => StepDone::Decided {
                on,
                threshold_met: match form.threshold_met.as_str() {
                    "yes" => true,
                    "no" => false,
                    _ => {
                        return Err(invalid(FieldError::new(
                            "threshold_met",
                            "Say whether the threshold is met.",
                        )));
                    }
                },
            },
            CaseReviewStep::HoldReview => StepDone::ReviewHeld {
                on,
                outcome: form.outcome.clone(),
            },
        };
        let txn = state.store.begin_write().await?;
        state
            .store
            .record_case_review_step(&txn, id, application_id, done)
            .await?;
        let event = current
            .event(AuditAction::Update)
            .entity(ENTITY, id)
            .subjects([case.subject_person])
            .summary(json!({
                "asb_case_review": application_id,
                "step": step.as_str(),
                "on": on,
            }));
        commit_with(txn, vec![event]).await
    }
    .await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        errors,
        ..CaseForms::default()
    })
    .await
}

// ---------------------------------------------------------------- the contact standard

#[derive(Deserialize)]
struct ContactForm {
    /// A UK wall-clock time from `<input type="datetime-local">`.
    #[serde(default)]
    contacted_at: String,
}

async fn record_contact(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<ContactForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = async {
        let local = NaiveDateTime::parse_from_str(form.contacted_at.trim(), "%Y-%m-%dT%H:%M")
            .map_err(|_| {
                invalid(FieldError::new(
                    "contacted_at",
                    "Enter the date and time of the contact.",
                ))
            })?;
        let contacted_at = uk_local_to_utc(local);
        cases::open_case(&state, id).await?;
        let incident = incident_on(&state, id, incident_id).await?;
        if incident.contact_due_at.is_none() {
            return Err(invalid(FieldError::new(
                "contacted_at",
                "The police took this report: the contact standard does not apply.",
            )));
        }
        check_contacted_at(incident.reported_at, contacted_at, Utc::now()).map_err(invalid)?;
        let txn = state.store.begin_write().await?;
        state
            .store
            .record_victim_contact(&txn, id, incident_id, contacted_at, current.user.id)
            .await?;
        let event = current
            .event(AuditAction::Update)
            .entity(ENTITY, id)
            .subjects(incident.victim_ids.iter().copied())
            .summary(json!({
                "incident_id": incident_id,
                "victim_contacted_at": contacted_at,
            }));
        commit_with(txn, vec![event]).await
    }
    .await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        errors,
        ..CaseForms::default()
    })
    .await
}

// ---------------------------------------------------------------- corrections

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    to_reference: String,
    #[serde(default)]
    reason: String,
}

/// Moves an incident logged on the wrong case to another the officer may change. Both
/// cases' trails record the move and why.
async fn move_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<MoveForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = async {
        let reason = parse_correction_reason(&form.reason).map_err(invalid)?;
        // A case the officer may not change is answered as one that does not exist.
        let unknown = || {
            invalid(FieldError::new(
                "to_reference",
                "There is no open ASB case with this reference that you may add to.",
            ))
        };
        let to = state
            .store
            .case_id_by_reference(CaseKind::Asb, &form.to_reference)
            .await?
            .filter(|to| *to != id)
            .ok_or_else(unknown)?;
        guard(&state, &current, to, Some(CaseKind::Asb), CaseAction::Edit)
            .await
            .map_err(|_| unknown())?;
        cases::open_case(&state, id).await?;
        cases::open_case(&state, to).await.map_err(|_| unknown())?;
        let incident = incident_on(&state, id, incident_id).await?;
        let people: Vec<Uuid> = incident
            .victim_ids
            .into_iter()
            .chain(incident.perpetrator_ids)
            .collect();
        let txn = state.store.begin_write().await?;
        state.store.move_incident(&txn, id, incident_id, to).await?;
        let event = |case: Uuid, direction: &str| {
            let mut event = current
                .event(AuditAction::Update)
                .entity(ENTITY, case)
                .subjects(people.iter().copied())
                .summary(json!({
                    "incident_id": incident_id,
                    direction: if case == id { to } else { id },
                }));
            event.reason = Some(reason.clone());
            event
        };
        commit_with(txn, vec![event(id, "moved_to"), event(to, "moved_from")]).await
    }
    .await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        errors,
        ..CaseForms::default()
    })
    .await
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    reason: String,
}

/// Removes an incident logged in error. The audit event keeps what it said, and why it
/// was removed.
async fn remove_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, incident_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let done = async {
        let reason = parse_correction_reason(&form.reason).map_err(invalid)?;
        cases::open_case(&state, id).await?;
        let incident = incident_on(&state, id, incident_id).await?;
        let txn = state.store.begin_write().await?;
        let people = state.store.remove_incident(&txn, id, incident_id).await?;
        let mut event = current
            .event(AuditAction::Delete)
            .entity(ENTITY, id)
            .subjects(people)
            .summary(json!({"removed": "asb-incident", "incident": incident}));
        event.reason = Some(reason);
        commit_with(txn, vec![event]).await
    }
    .await;
    answer(&state, &current, id, &facts, done, |errors| CaseForms {
        errors,
        ..CaseForms::default()
    })
    .await
}

/// One incident of an ASB case, or 404.
async fn incident_on(
    state: &AppState,
    case_id: Uuid,
    incident_id: Uuid,
) -> Result<IncidentRecord, AppError> {
    let case = state
        .store
        .asb_case(case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    case.incidents
        .into_iter()
        .find(|i| i.id == incident_id)
        .ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------- work queues

/// Work queues list the actor's agency's open cases; only roles that work ASB cases
/// have them, and each line is one the policy lets the actor view.
fn queue_reach(actor: &Actor) -> Result<impl Fn(&str) -> bool, AppError> {
    if !access::works_kind(actor, CaseKind::Asb) {
        return Err(AppError::Forbidden(
            "Your role does not work ASB cases.".into(),
        ));
    }
    let reach = reach(actor, CaseKind::Asb, CaseAction::View);
    let agency = actor.agency.clone();
    Ok(move |owner: &str| {
        let relation = if owner == agency {
            Relation::OwnedByAgency
        } else {
            Relation::SharedWithAgency
        };
        reach.allows(&BTreeSet::from([relation]))
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "asb/case_reviews.html")]
struct CaseReviewQueue {
    chrome: Chrome,
    lines: Vec<QueueLine>,
}

struct QueueLine {
    case_id: Uuid,
    reference: String,
    applied_on: String,
    step: &'static str,
    due: String,
    overdue: bool,
}

/// Open Case Review applications on the agency's cases, each with its next step and
/// when it is due; overdue ones first.
async fn case_review_queue(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    let may_view = queue_reach(&actor)?;
    let today = uk_day(Utc::now());
    let mut lines: Vec<QueueLine> = state
        .store
        .open_case_reviews_for(&actor.agency)
        .await?
        .into_iter()
        .filter(|open| may_view(&open.owner_agency))
        .filter_map(|open| {
            let a = &open.application;
            let done = a.steps_done();
            let step = CaseReviewStep::ALL
                .into_iter()
                .find(|s| !done.contains(s))?;
            let due = a.deadlines().due(step);
            Some(QueueLine {
                case_id: a.case_id,
                reference: open.case_reference.clone(),
                applied_on: uk_date(a.applied_on),
                step: step.label(),
                due: uk_date(due),
                overdue: !a.deadlines().overdue(&done, today).is_empty(),
            })
        })
        .collect();
    lines.sort_by_key(|line| !line.overdue);
    record_queue_view(&state, &current, "asb-case-reviews", lines.len()).await?;
    Ok(CaseReviewQueue {
        chrome: Chrome::for_user(&current),
        lines,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "asb/contacts_overdue.html")]
struct ContactsOverdue {
    chrome: Chrome,
    lines: Vec<ContactQueueLine>,
    limit: u64,
}

struct ContactQueueLine {
    case_id: Uuid,
    reference: String,
    reported: String,
    due: String,
}

async fn contacts_overdue(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    let may_view = queue_reach(&actor)?;
    let lines: Vec<ContactQueueLine> = state
        .store
        .contacts_overdue_for(&actor.agency, Utc::now())
        .await?
        .into_iter()
        .filter(|line| may_view(&line.owner_agency))
        .map(|line| ContactQueueLine {
            case_id: line.case_id,
            reference: line.case_reference,
            reported: format!(
                "{} to {}",
                super::pages::when(line.reported_at),
                line.reporting_agency
            ),
            due: super::pages::when(line.contact_due_at),
        })
        .collect();
    record_queue_view(&state, &current, "asb-contacts-overdue", lines.len()).await?;
    Ok(ContactsOverdue {
        chrome: Chrome::for_user(&current),
        lines,
        limit: casework_store::asb::OVERDUE_LIST_LIMIT,
    }
    .into_response())
}

/// A work queue lists case references, not people: it is recorded as a search of
/// cases, with how many it found.
async fn record_queue_view(
    state: &AppState,
    current: &CurrentUser,
    queue: &str,
    found: usize,
) -> Result<(), AppError> {
    let event = current
        .event(AuditAction::Search)
        .summary(json!({"list": queue, "results": found}));
    state.audit.record(event).await?;
    Ok(())
}
