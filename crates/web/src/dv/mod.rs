//! Domestic abuse: restricted cases, incidents, the DASH checklist, the MARAC referral
//! decision and the partnership's measures, as pages and as the JSON API. Every case
//! route goes through `cases::guard`; reads are audited before the answer goes out and
//! every change commits with its audit event. The rules are `casework_domain::dv`.

mod api;
mod pages;

use std::collections::BTreeMap;

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, Actor, CaseAction, CaseKind, Decision};
use casework_domain::calendar::{Period, uk_day};
use casework_domain::dv::{
    DashAnswers, DashAssessment, DashCutOffs, DashLevel, DvIncidentInput, MaracDecision,
    MaracReason, MaracReferralInput, MaracRule, RepeatVictimisation, assess,
};
use casework_store::cases::Case;
use casework_store::dv::{DvCase, NewDvCase, dash_instrument};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::cases::ENTITY;
use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The flag on a person who is the victim in a domestic abuse case the viewer may open.
pub const VICTIM_FLAG: &str = "dv-victim";
/// The flag on a person named as perpetrator in a case the viewer may open.
pub const PERPETRATOR_FLAG: &str = "dv-perpetrator";
/// The flag telling a domestic abuse specialist that a case they may not open names the
/// person: that it exists, nothing of what is in it.
pub const RESTRICTED_FLAG: &str = "dv-restricted-record";

/// Refuses actors whose roles do not open domestic abuse cases.
fn may_open(actor: &Actor) -> Result<(), AppError> {
    if access::works_kind(actor, CaseKind::DomesticAbuse) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Your role does not open domestic abuse cases.".into(),
        ))
    }
}

/// Refuses roles that may not see counts and measures.
fn may_see_counts(actor: &Actor) -> Result<(), AppError> {
    if access::may_see_counts(actor) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Your role does not see counts and measures.".into(),
        ))
    }
}

/// A person id as typed: a field error naming `field` otherwise.
fn person_id(field: &str, text: &str, missing: &str) -> Result<Uuid, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, missing));
    }
    Uuid::parse_str(text)
        .map_err(|_| FieldError::new(field, format!("'{text}' is not a person's id.")))
}

/// Opens a case for a victim (and a perpetrator, or unknown), owned by the actor's
/// agency and led by the actor, audited in the same transaction.
async fn open_case(
    state: &AppState,
    current: &CurrentUser,
    victim_id: &str,
    perpetrator_id: Option<&str>,
    ward: &str,
    summary: Option<String>,
) -> Result<Case, AppError> {
    let actor = current.actor();
    may_open(&actor)?;
    let mut errors = Vec::new();
    let victim = person_id(
        "victim_id",
        victim_id,
        "Choose the victim: give their person id.",
    )
    .map_err(|e| errors.push(e))
    .ok();
    let perpetrator = match perpetrator_id.map(str::trim) {
        None | Some("") => None,
        Some(text) if text.eq_ignore_ascii_case(casework_domain::dv::incident::UNKNOWN) => None,
        Some(text) => person_id("perpetrator_id", text, "")
            .map_err(|_| {
                errors.push(FieldError::new(
                    "perpetrator_id",
                    format!("'{text}' is not a person's id: give an id, or write \"unknown\"."),
                ))
            })
            .ok(),
    };
    let Some(victim) = victim.filter(|_| errors.is_empty()) else {
        // The store names the rest once the ids read; name the ward now too, so every
        // bad field is named at once.
        let ward = ward.trim();
        if !state.store.wards().await?.iter().any(|w| w.code == ward) {
            errors.push(FieldError::new(
                "ward",
                format!("'{ward}' is not a ward of the partnership."),
            ));
        }
        return Err(AppError::Invalid(errors));
    };
    let txn = state.store.begin_write().await?;
    let case = state
        .store
        .open_dv_case(
            &txn,
            NewDvCase {
                victim_id: victim,
                perpetrator_id: perpetrator,
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
        .subjects([Some(victim), perpetrator].into_iter().flatten())
        .summary(json!({
            "kind": CaseKind::DomesticAbuse.as_str(),
            "reference": case.reference,
            "ward": case.ward,
        }));
    commit_with(txn, vec![event]).await?;
    Ok(case)
}

/// Reads a domestic abuse case (after the guard allowed).
async fn load(state: &AppState, id: Uuid) -> Result<DvCase, AppError> {
    state
        .store
        .dv_case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses changes to a closed case.
fn still_open(case: &Case) -> Result<(), AppError> {
    if case.is_open() {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The case is closed: re-open it before adding to it.".into(),
        ))
    }
}

/// Whether a MARAC referral is required for the case's victim today, and why: the
/// victim's whole record and their latest checklist, under the current settings.
async fn marac_decision(state: &AppState, case: &DvCase) -> Result<MaracDecision, AppError> {
    let settings = state.store.settings().await?;
    let record = &case.victim_record;
    Ok(MaracRule::from_settings(&settings).decide(
        &record.history(),
        record.latest_assessment(),
        uk_day(Utc::now()),
    ))
}

/// Logs an incident on an open case (after the guard allowed `Edit`), audited in the
/// same transaction. The victim is the case's; the perpetrator is the case's unless the
/// incident names another (or `unknown`). Returns the incident's id.
async fn log_incident(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    mut input: DvIncidentInput,
) -> Result<Uuid, AppError> {
    let case = load(state, id).await?;
    still_open(&case.case)?;
    input.victim_id = case.victim().to_string();
    if input.perpetrator_id.trim().is_empty()
        && let Some(perpetrator) = case.perpetrator
    {
        input.perpetrator_id = perpetrator.to_string();
    }
    let incident = input.parse(Utc::now()).map_err(AppError::Invalid)?;
    let txn = state.store.begin_write().await?;
    let incident_id = state
        .store
        .log_dv_incident(&txn, &case.case, &incident, current.user.id, Utc::now())
        .await?;
    let mut subjects = vec![incident.victim];
    if let casework_domain::dv::Perpetrator::Known(p) = incident.perpetrator {
        subjects.push(p);
    }
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects(subjects)
        .summary(json!({
            "added": "dv-incident",
            "incident_id": incident_id,
            "reported_by": incident.reported_by.as_str(),
        }));
    commit_with(txn, vec![event]).await?;
    Ok(incident_id)
}

/// The checklist's answers and professional judgement, scored with the instrument and
/// cut-offs in force, naming every bad field at once. `judgement_level`, when given,
/// must be `high`: judgement raises the level, never lowers it.
async fn score(
    state: &AppState,
    answers: &BTreeMap<String, String>,
    judgement_level: Option<&str>,
    judgement_reason: Option<&str>,
) -> Result<(DashAnswers, DashAssessment), AppError> {
    let instrument = dash_instrument();
    let settings = state.store.settings().await?;
    let mut errors = Vec::new();
    let parsed = DashAnswers::parse(answers, instrument)
        .map_err(|e| errors.extend(e))
        .ok();
    if let Some(level) = judgement_level.map(str::trim).filter(|l| !l.is_empty())
        && DashLevel::parse(level) != Some(DashLevel::High)
    {
        errors.push(FieldError::new(
            "professional_judgement.level",
            "Professional judgement raises the level to high; it never lowers it.",
        ));
    }
    let cut_offs = DashCutOffs::from_settings(&settings);
    let assessed = match &parsed {
        Some(answers) => assess(instrument, answers, cut_offs, judgement_reason)
            .map_err(|e| errors.extend(e))
            .ok(),
        None => {
            // Still check the reason, so every bad field is named at once.
            if let Some(reason) = judgement_reason
                && reason.trim().is_empty()
            {
                errors.push(FieldError::new(
                    "professional_judgement.reason",
                    "Write down why you judge the victim to be at high risk.",
                ));
            }
            None
        }
    };
    match (parsed, assessed) {
        (Some(answers), Some(assessment)) if errors.is_empty() => Ok((answers, assessment)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Records a scored checklist on an open case (after the guard allowed `Edit`),
/// audited in the same transaction. Returns its id.
async fn record_dash(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    answers: &DashAnswers,
    assessment: &DashAssessment,
) -> Result<Uuid, AppError> {
    let case = load(state, id).await?;
    still_open(&case.case)?;
    let victim = case.victim();
    let txn = state.store.begin_write().await?;
    let assessment_id = state
        .store
        .record_dash(
            &txn,
            &case.case,
            answers,
            assessment,
            current.user.id,
            Utc::now(),
        )
        .await?;
    let outcome = assessment.outcome;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([victim])
        .summary(json!({
            "added": "dash-checklist",
            "assessment_id": assessment_id,
            "yes_count": outcome.yes_count,
            "computed_level": outcome.computed_level.as_str(),
            "level": outcome.level.as_str(),
        }));
    commit_with(txn, vec![event]).await?;
    Ok(assessment_id)
}

/// Records a MARAC referral of the case's victim (after the guard allowed `Edit`): the
/// reasons are settled by the domain against the victim's record as it is inside the
/// write transaction, and the referral commits with its audit event. Returns its id.
async fn record_referral(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    input: &MaracReferralInput,
) -> Result<Uuid, AppError> {
    let case = load(state, id).await?;
    still_open(&case.case)?;
    let checked = input.parse(uk_day(Utc::now())).map_err(AppError::Invalid)?;
    let settings = state.store.settings().await?;
    let rule = MaracRule::from_settings(&settings);
    let victim = case.victim();
    let txn = state.store.begin_write().await?;
    let record = state
        .store
        .victim_records(&txn, &[victim])
        .await?
        .remove(&victim)
        .unwrap_or_default();
    let day = checked.referred_on;
    let referral = rule
        .referral(checked, &record.history(), record.assessment_on(day))
        .map_err(AppError::Invalid)?;
    let referral_id = state
        .store
        .record_marac_referral(&txn, &case.case, &referral, current.user.id, Utc::now())
        .await?;
    let reasons: Vec<&str> = referral.reasons.iter().map(|r| r.as_str()).collect();
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([victim])
        .summary(json!({
            "added": "marac-referral",
            "referral_id": referral_id,
            "referred_on": referral.referred_on,
            "reasons": reasons,
            "is_repeat": referral.is_repeat,
        }));
    commit_with(txn, vec![event]).await?;
    Ok(referral_id)
}

/// The reasons in plain words, joined: "visible high risk, repeat referral".
pub fn reasons_in_words(reasons: &[MaracReason]) -> String {
    reasons
        .iter()
        .map(|r| r.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a person page or the person API may say about domestic abuse, for one viewer.
#[derive(Debug, Default)]
pub struct PersonDv {
    /// Cases the viewer may open: (id, reference, how the person is named, open).
    pub cases: Vec<PersonDvLine>,
    /// Agencies holding a case about the person that the viewer may not open, told
    /// only to those the policy lets know such records exist.
    pub restricted_held_by: Vec<String>,
    pub flags: Vec<String>,
}

#[derive(Debug)]
pub struct PersonDvLine {
    pub id: Uuid,
    pub reference: String,
    pub role: &'static str,
    pub status: String,
}

/// Asks `domain::access`, case by case, what `actor` may know of the domestic abuse
/// cases naming `person`: the cases they may open; that others exist, for specialists;
/// otherwise nothing at all.
pub async fn person_dv(
    state: &AppState,
    actor: &Actor,
    person: Uuid,
) -> Result<PersonDv, AppError> {
    let mut found = PersonDv::default();
    let told_of_others = access::may_know_restricted_records_exist(actor, CaseKind::DomesticAbuse);
    let named = state.store.dv_cases_naming(person).await?;
    let (mut victim, mut perpetrator) = (false, false);
    for line in named {
        if access::decide(actor, CaseAction::View, &line.case.facts()) == Decision::Allow {
            victim |= line.as_victim;
            perpetrator |= line.as_perpetrator;
            found.cases.push(PersonDvLine {
                id: line.case.id,
                reference: line.case.reference,
                role: if line.as_victim {
                    "victim"
                } else {
                    "perpetrator"
                },
                status: line.case.status,
            });
        } else if told_of_others && !found.restricted_held_by.contains(&line.case.owner_agency) {
            found.restricted_held_by.push(line.case.owner_agency);
        }
    }
    if victim {
        found.flags.push(VICTIM_FLAG.to_string());
    }
    if perpetrator {
        found.flags.push(PERPETRATOR_FLAG.to_string());
    }
    if !found.restricted_held_by.is_empty() {
        found.flags.push(RESTRICTED_FLAG.to_string());
    }
    Ok(found)
}

/// A measures request as sent: `from` and `to` are `YYYY-MM-DD` (both included);
/// `district` a district code, or none for the whole partnership.
async fn measures_period(
    state: &AppState,
    from: Option<&str>,
    to: Option<&str>,
    district: Option<&str>,
) -> Result<(Period, Option<String>), AppError> {
    let mut errors = Vec::new();
    let mut day = |field: &str, text: Option<&str>| {
        let text = text.map(str::trim).unwrap_or_default();
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                errors.push(FieldError::new(
                    field,
                    format!("Enter the {field} date like 2012-04-01."),
                ));
                None
            }
        }
    };
    let (from, to) = (day("from", from), day("to", to));
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(FieldError::new(
            "to",
            "The period cannot end before it starts.",
        ));
    }
    let district = district
        .map(str::trim)
        .filter(|d| !d.is_empty() && *d != "all");
    if let Some(code) = district {
        let known = state.store.districts().await?;
        if !known.iter().any(|d| d.code == code) {
            errors.push(FieldError::new(
                "district",
                format!("'{code}' is not a district of the partnership."),
            ));
        }
    }
    match (from, to) {
        (Some(from), Some(to)) if errors.is_empty() => {
            Ok((Period { from, to }, district.map(str::to_string)))
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The measures for a period under the current settings, overall and by district.
async fn measures(
    state: &AppState,
    period: Period,
) -> Result<casework_domain::dv::AreaMeasures<String>, AppError> {
    let settings = state.store.settings().await?;
    Ok(state
        .store
        .dv_measures(period, RepeatVictimisation::from_settings(&settings))
        .await?)
}
