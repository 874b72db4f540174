//! Anti-social behaviour: cases, incidents, repeat victims and the Gold/Silver/Bronze
//! victim risk assessment, as pages and as the JSON API. Every case route goes
//! through `cases::guard`; reads are audited before the answer goes out and every
//! change commits with its audit event.

mod api;
mod case_work;
mod hotspot_chart;
mod hotspots;
mod pages;
mod repeat_victims;

use std::collections::{BTreeMap, HashSet};

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, Actor, CaseKind};
use casework_domain::asb::{
    Answers, Assessment, CaseReview, ContactStandard, Incident, IncidentInput, RepeatVictimRule,
    RiskTier,
};
use casework_domain::calendar::uk_day;
use casework_store::asb::{NewAsbCase, asb_instrument};
use casework_store::cases::Case;
use chrono::Utc;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::cases::ENTITY;
use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
        .merge(case_work::router())
        .merge(repeat_victims::pages())
        .merge(hotspots::pages())
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
        .merge(repeat_victims::api())
        .merge(hotspots::api())
}

/// The flag a repeat victim of ASB carries.
pub const REPEAT_VICTIM: &str = "asb-repeat-victim";

/// The flag of someone who has complained often enough to ask for an ASB Case Review.
pub const CASE_REVIEW_THRESHOLD: &str = "asb-case-review-threshold";

/// Which of `people` are repeat victims today, under the partnership's current
/// settings (one query for all of them).
pub async fn repeat_victims(state: &AppState, people: &[Uuid]) -> Result<HashSet<Uuid>, AppError> {
    let settings = state.store.settings().await?;
    let rule = RepeatVictimRule::from_settings(&settings);
    Ok(state
        .store
        .repeat_victims_among(people, rule, uk_day(Utc::now()))
        .await?)
}

/// The ASB flags of one person, as far as the actor may know them: only those who
/// work ASB cases see who is a repeat victim or may apply for a Case Review.
pub async fn person_flags(
    state: &AppState,
    actor: &Actor,
    person: Uuid,
) -> Result<Vec<String>, AppError> {
    if !access::works_kind(actor, CaseKind::Asb) {
        return Ok(Vec::new());
    }
    let settings = state.store.settings().await?;
    let today = uk_day(Utc::now());
    let repeat = RepeatVictimRule::from_settings(&settings);
    let review = CaseReview::from_settings(&settings);
    // One read covers both windows: the longer of the two.
    let since = repeat.window(today).from.min(review.window(today).from);
    let days: Vec<_> = state
        .store
        .victim_incident_days(&[person], since)
        .await?
        .into_iter()
        .map(|(_, day)| day)
        .collect();
    let mut flags = Vec::new();
    if repeat.is_repeat_victim(&days, today) {
        flags.push(REPEAT_VICTIM.to_string());
    }
    if review.meets_threshold(&days, today) {
        flags.push(CASE_REVIEW_THRESHOLD.to_string());
    }
    Ok(flags)
}

/// A flag in words, for pages.
pub fn flag_words(flag: &str) -> Option<&'static str> {
    match flag {
        REPEAT_VICTIM => Some("Repeat victim of ASB"),
        CASE_REVIEW_THRESHOLD => Some("May apply for an ASB Case Review"),
        _ => None,
    }
}

/// Refuses actors whose roles do not open ASB cases.
fn may_open(actor: &Actor) -> Result<(), AppError> {
    if access::works_kind(actor, CaseKind::Asb) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Your role does not open ASB cases.".into(),
        ))
    }
}

/// Opens a case owned by the actor's agency and led by the actor, audited in the same
/// transaction.
async fn open_case(
    state: &AppState,
    current: &CurrentUser,
    person_id: &str,
    ward: &str,
    summary: Option<String>,
) -> Result<Case, AppError> {
    let actor = current.actor();
    may_open(&actor)?;
    let person_id = Uuid::parse_str(person_id.trim()).map_err(|_| {
        AppError::Invalid(vec![FieldError::new(
            "person_id",
            "Choose the victim or complainant: give their person id.",
        )])
    })?;
    let txn = state.store.begin_write().await?;
    let case = state
        .store
        .open_asb_case(
            &txn,
            NewAsbCase {
                person_id,
                ward: ward.to_string(),
                summary,
                owner_agency: actor.agency.clone(),
                logged_by: actor.user_id,
                lead_officer: Some(actor.user_id),
                opened_at: Utc::now(),
            },
        )
        .await?;
    let event = current
        .event(AuditAction::Create)
        .entity(ENTITY, case.id)
        .subjects([person_id])
        .summary(json!({"kind": "asb", "reference": case.reference, "ward": case.ward}));
    commit_with(txn, vec![event]).await?;
    Ok(case)
}

/// Checks an incident as sent: against the partnership's wards and ASB types and the
/// time now. An incident sent without a reporting agency was reported to the actor's.
async fn check_incident(
    state: &AppState,
    actor: &Actor,
    mut input: IncidentInput,
) -> Result<Incident, AppError> {
    if input.reporting_agency.trim().is_empty() {
        input.reporting_agency = actor.agency.clone();
    }
    let wards: HashSet<String> = state
        .store
        .wards()
        .await?
        .into_iter()
        .map(|w| w.code)
        .collect();
    let types: HashSet<String> = state
        .store
        .asb_incident_types()
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    input
        .parse(&wards, &types, Utc::now())
        .map_err(AppError::Invalid)
}

/// Logs an incident on an open case (after the guard allowed `Edit`), audited in the
/// same transaction. Returns its id.
async fn log_incident(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    incident: &Incident,
) -> Result<Uuid, AppError> {
    crate::cases::open_case(state, id).await?;
    let contact = ContactStandard::from_settings(&state.store.settings().await?);
    let txn = state.store.begin_write().await?;
    let incident_id = state
        .store
        .log_incident(&txn, id, incident, contact, current.user.id, Utc::now())
        .await?;
    let mut subjects = incident.victim_ids.clone();
    if let casework_domain::asb::Perpetrators::Known(ids) = &incident.perpetrators {
        subjects.extend(ids);
    }
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects(subjects)
        .summary(json!({
            "added": "asb-incident",
            "incident_id": incident_id,
            "type": incident.incident_type,
        }));
    commit_with(txn, vec![event]).await?;
    Ok(incident_id)
}

/// Scores answers with the current instrument and applies any professional
/// judgement, naming every bad field at once.
fn score(
    answers: &BTreeMap<String, bool>,
    judgement: Option<(&str, &str)>,
) -> Result<Assessment, AppError> {
    let instrument = asb_instrument();
    let mut errors: Vec<FieldError> = Vec::new();
    let parsed = Answers::parse(answers, instrument)
        .map_err(|e| errors.extend(e))
        .ok();
    let judgement = match judgement {
        Some((tier, reason)) if !tier.trim().is_empty() => match RiskTier::parse(tier.trim()) {
            Some(tier) => Some((tier, reason)),
            None => {
                errors.push(FieldError::new(
                    "professional_judgement.tier",
                    "Choose gold, silver or bronze.",
                ));
                None
            }
        },
        _ => None,
    };
    match parsed {
        Some(answers) if errors.is_empty() => {
            casework_domain::asb::assess(instrument, &answers, judgement).map_err(AppError::Invalid)
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Records an assessment on an open case (after the guard allowed `Edit`), audited in
/// the same transaction. Returns its id.
async fn record_assessment(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    answers: &BTreeMap<String, bool>,
    assessment: &Assessment,
) -> Result<Uuid, AppError> {
    let case = crate::cases::open_case(state, id).await?;
    let txn = state.store.begin_write().await?;
    let assessment_id = state
        .store
        .record_assessment(&txn, id, answers, assessment, current.user.id, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([case.subject_person])
        .summary(json!({
            "added": "risk-assessment",
            "assessment_id": assessment_id,
            "score": assessment.score,
            "computed_tier": assessment.computed_tier.as_str(),
            "final_tier": assessment.final_tier.as_str(),
        }));
    commit_with(txn, vec![event]).await?;
    Ok(assessment_id)
}
