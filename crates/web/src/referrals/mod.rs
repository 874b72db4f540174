//! Referrals between agencies, as pages and as the JSON API: make a referral (about a
//! person and optionally a case your agency may share), an agency's inbox and outbox
//! with overdue decisions marked, a referral with its history, and its steps
//! (accept, reject, withdraw, done). Accepting shares the referred case with the
//! receiving agency, audited as a share in the same transaction. The rules are
//! `casework_domain::referral`.

mod api;
mod pages;

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::CaseAction;
use casework_domain::calendar::uk_day;
use casework_domain::prevent_deter::may_refer;
use casework_domain::referral::{
    self, Destination, ReferralInput, Refusal, Side, Status, TransitionInput, check_referral,
    check_transition, side_of,
};
use casework_store::referrals::{NewReferral, Referral};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::cases::{self, guard};
use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The audit log's name for a referral.
pub const ENTITY: &str = "referral";

/// The most referrals one page of a box shows.
pub const MAX_PER_PAGE: u64 = 100;

/// A new referral as typed on the form or sent as JSON.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ReferralForm {
    /// The person referred (a person id).
    #[serde(default)]
    pub person_id: String,
    /// The case referred, if any (a case id your agency may share).
    pub case_id: Option<String>,
    /// An agency code, e.g. `derwent-solway-ha`; or give `to_panel`.
    pub to_agency: Option<String>,
    /// `marac`, `iom-panel`, `prevent-deter-panel` or `lmaps`.
    pub to_panel: Option<String>,
    #[serde(default)]
    pub reason: String,
    /// Whether the person consented to the referral.
    pub consent: Option<bool>,
    /// Without consent: why sharing is justified.
    pub consent_override_reason: Option<String>,
}

fn today() -> NaiveDate {
    uk_day(Utc::now())
}

fn case_workers_only(current: &CurrentUser) -> Result<(), AppError> {
    if may_refer(&current.actor()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Referrals are made and answered by those who work cases.".into(),
        ))
    }
}

/// Makes a referral, audited in the same transaction. A case named must be one the
/// actor's agency may share (it is shared with the receiver on acceptance).
async fn create(
    state: &AppState,
    current: &CurrentUser,
    form: &ReferralForm,
) -> Result<Referral, AppError> {
    case_workers_only(current)?;
    let actor = current.actor();
    let mut errors = Vec::new();
    let person = match Uuid::parse_str(form.person_id.trim()) {
        Ok(id) => state.store.person(id).await?,
        Err(_) => None,
    };
    if person.is_none() {
        errors.push(FieldError::new("person_id", "Choose the person referred."));
    }
    let case_text = form
        .case_id
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let case = match case_text {
        None => None,
        Some(text) => match Uuid::parse_str(text) {
            Ok(id) => {
                // The door every case goes through: only an agency that may share the
                // case may refer it on; anyone else is answered as for no such case.
                let facts = guard(state, current, id, None, CaseAction::Share).await?;
                Some((id, facts))
            }
            Err(_) => {
                errors.push(FieldError::new(
                    "case_id",
                    format!("'{text}' is not a case id."),
                ));
                None
            }
        },
    };
    let agencies = state.store.agencies().await?;
    let codes: Vec<&str> = agencies.iter().map(|a| a.code.as_str()).collect();
    let checked = check_referral(
        &ReferralInput {
            to_agency: form.to_agency.as_deref(),
            to_panel: form.to_panel.as_deref(),
            reason: &form.reason,
            consent: form.consent,
            consent_override_reason: form.consent_override_reason.as_deref(),
        },
        &actor.agency,
        &codes,
    );
    let checked = match checked {
        Ok(c) => Some(c),
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let (Some(person), Some(checked), true) = (person, checked, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let inbox_agency = match &checked.destination {
        Destination::Agency(a) => a.clone(),
        Destination::Panel(p) => {
            let ward = match &case {
                Some((id, _)) => state
                    .store
                    .case(state.store.connection(), *id)
                    .await?
                    .map(|c| c.ward),
                None => person.ward.clone(),
            };
            let wards = state.store.wards().await?;
            let district = ward
                .and_then(|w| wards.into_iter().find(|x| x.code == w))
                .map(|w| w.district)
                .unwrap_or_default();
            p.inbox_agency(&district).to_string()
        }
    };
    if let Some((_, facts)) = &case
        && facts.owner_agency == inbox_agency
    {
        return Err(AppError::Invalid(vec![FieldError::new(
            "to_agency",
            "That agency owns the case already.",
        )]));
    }
    let txn = state.store.begin_write().await?;
    let referral = state
        .store
        .insert_referral(
            &txn,
            NewReferral {
                person_id: person.id,
                case_id: case.as_ref().map(|(id, _)| *id),
                checked,
                inbox_agency,
                from_agency: actor.agency.clone(),
                referred_by: actor.user_id,
                referred_on: today(),
                now: Utc::now(),
            },
        )
        .await?;
    let mut event = current
        .event(AuditAction::Create)
        .entity(ENTITY, referral.id)
        .subjects([person.id])
        .summary(json!({
            "to_agency": referral.to_agency,
            "to_panel": referral.to_panel.map(|p| p.as_str()),
            "inbox_agency": referral.inbox_agency,
            "case_id": referral.case_id,
            "consent": referral.consent,
            "status": referral.status.as_str(),
        }));
    event.reason = referral.consent_override_reason.clone();
    commit_with(txn, vec![event]).await?;
    Ok(referral)
}

/// The referral, if the actor's agency is on one of its sides; anyone else is
/// answered as for a missing referral, and the refusal is audited.
async fn open(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
) -> Result<(Referral, Side), AppError> {
    let actor = current.actor();
    let found = state.store.referral(state.store.connection(), id).await?;
    let side = found
        .as_ref()
        .filter(|_| may_refer(&actor))
        .and_then(|r| side_of(&actor.agency, &r.from_agency, &r.inbox_agency));
    match (found, side) {
        (Some(r), Some(side)) => Ok((r, side)),
        _ => {
            let event = current
                .event(AuditAction::AccessDenied)
                .entity(ENTITY, id)
                .summary(json!({"action": "view"}));
            state.audit.record(event).await?;
            Err(AppError::NotFound)
        }
    }
}

/// Reads a referral (audited) for one of its sides.
async fn read(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
) -> Result<(Referral, Side), AppError> {
    let (referral, side) = open(state, current, id).await?;
    let event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects([referral.person_id]);
    state.audit.record(event).await?;
    Ok((referral, side))
}

/// Takes a step on a referral: checked against the status read in the write
/// transaction, recorded with its audit event; accepting also shares the referred
/// case with the receiving agency, audited as a share, in the same transaction.
async fn transition(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    to: &str,
    reason: Option<&str>,
) -> Result<Referral, AppError> {
    let (before, side) = open(state, current, id).await?;
    let subjects = match before.case_id {
        Some(case_id) => {
            let kind = state
                .store
                .case(state.store.connection(), case_id)
                .await?
                .ok_or(AppError::NotFound)?
                .kind;
            cases::people_on(state, kind, case_id).await?
        }
        None => Vec::new(),
    };
    let txn = state.store.begin_write().await?;
    let referral = state
        .store
        .referral(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let step = check_transition(referral.status, side, &TransitionInput { to, reason }).map_err(
        |refusal| match refusal {
            Refusal::Fields(errors) => AppError::Invalid(errors),
            Refusal::NotYourSide(message) => AppError::Forbidden(message),
        },
    )?;
    let now = Utc::now();
    state
        .store
        .record_referral_transition(&txn, id, &step, current.user.id, now)
        .await?;
    let mut events = Vec::new();
    let mut change = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([referral.person_id])
        .summary(casework_audit::changes(&[(
            "status",
            json!(step.from.as_str()),
            json!(step.to.as_str()),
        )]));
    change.reason = step.reason.clone();
    events.push(change);
    if step.to == Status::Accepted
        && let Some(case_id) = referral.case_id
    {
        let case = state
            .store
            .case(&txn, case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let has_it = case.owner_agency == referral.inbox_agency
            || case
                .shares
                .iter()
                .any(|s| s.agency == referral.inbox_agency);
        if !has_it {
            let share = state
                .store
                .share_case(
                    &txn,
                    case_id,
                    &referral.inbox_agency,
                    &format!("Referral accepted: {}", referral.reason),
                    current.user.id,
                    now,
                )
                .await?;
            let mut event = current
                .event(AuditAction::Share)
                .entity(cases::ENTITY, case_id)
                .subjects(subjects)
                .summary(json!({"agency": share.agency, "referral_id": id}));
            event.reason = Some(share.reason);
            events.push(event);
        }
    }
    commit_with(txn, events).await?;
    state
        .store
        .referral(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether the receiving side's answer is overdue today.
fn overdue(referral: &Referral, working_days: i64) -> bool {
    referral::decision_overdue(referral.status, referral.referred_on, working_days, today())
}
