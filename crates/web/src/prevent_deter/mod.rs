//! Prevent & Deter, as pages and as the JSON API: refer a young person (a case of kind
//! `prevent-deter` owned by the team and shared with the referring agency), move
//! them through the stages, the board, the measures, and the programme's own stages
//! (an administrator adds to them). Every referral route goes through `cases::guard`;
//! reads are audited and every change commits with its audit event. The rules are
//! `casework_domain::prevent_deter`.

mod api;
mod pages;

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, Actor, CaseKind};
use casework_domain::calendar::uk_day;
use casework_domain::prevent_deter::{
    PdReferralInput, ProgrammeStage, StepInput, check_pd_referral, check_programme_stage,
    check_step, may_refer,
};
use casework_store::prevent_deter::{NewPdReferral, PdCase, PdMeasures, TEAM_AGENCY};
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

/// The audit log's name for a programme stage.
const PROGRAMME_STAGE: &str = "pd-programme-stage";

fn today() -> NaiveDate {
    uk_day(Utc::now())
}

/// A date as typed (`YYYY-MM-DD`); blank is `None`, anything else names the field.
fn date(field: &str, text: Option<&str>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, "Enter a date as YYYY-MM-DD."));
            None
        }
    }
}

fn referrers_only(actor: &Actor) -> Result<(), AppError> {
    if may_refer(actor) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Referrals are made by those who work cases.".into(),
        ))
    }
}

fn counts_only(actor: &Actor) -> Result<(), AppError> {
    if access::may_see_counts(actor) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Your role does not see counts and measures.".into(),
        ))
    }
}

/// A referral as typed on the form or sent as JSON.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct PdReferralForm {
    /// The young person (a person id, with a date of birth on record).
    #[serde(default)]
    pub person_id: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub referred_on: String,
    /// Codes: `asb`, `alcohol-related-asb`, `criminal-damage`, `deliberate-fire`,
    /// `risk-factors`.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Codes from the risk-factor checklist.
    #[serde(default)]
    pub risk_factors: Vec<String>,
    /// Needed below the usual bar of risk factors (setting
    /// `prevent-deter.risk-factor-bar`).
    pub below_bar_reason: Option<String>,
    pub consent_young_person: Option<bool>,
    pub consent_parent: Option<bool>,
    /// The ward the referral counts in; the young person's own if left out.
    pub ward: Option<String>,
}

/// Refers a young person, audited (`create`, and the `share` with the referring
/// agency) in the same transaction.
async fn refer(
    state: &AppState,
    current: &CurrentUser,
    form: &PdReferralForm,
) -> Result<PdCase, AppError> {
    let actor = current.actor();
    referrers_only(&actor)?;
    let mut errors = Vec::new();
    let person = match Uuid::parse_str(form.person_id.trim()) {
        Ok(id) => state.store.person(id).await?,
        Err(_) => None,
    };
    if person.is_none() {
        errors.push(FieldError::new(
            "person_id",
            "Choose the young person referred.",
        ));
    }
    let referred_on = date("referred_on", Some(&form.referred_on), &mut errors);
    let date_unreadable = errors.iter().any(|e| e.field == "referred_on");
    let ward = form
        .ward
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .or_else(|| person.as_ref().and_then(|p| p.ward.clone()));
    let wards = state.store.wards().await?;
    match &ward {
        None => errors.push(FieldError::new(
            "ward",
            "They have no ward on record: choose the ward the referral counts in.",
        )),
        Some(code) if !wards.iter().any(|w| &w.code == code) => errors.push(FieldError::new(
            "ward",
            format!("'{code}' is not a ward of the partnership."),
        )),
        Some(_) => {}
    }
    let settings = state.store.settings().await?;
    let txn = state.store.begin_write().await?;
    if let Some(p) = &person
        && state.store.pd_open_referral_of(&txn, p.id).await?.is_some()
    {
        errors.push(FieldError::new(
            "person_id",
            "They already have a Prevent & Deter referral that is not closed.",
        ));
    }
    let checked = check_pd_referral(
        &PdReferralInput {
            date_of_birth: person.as_ref().and_then(|p| p.date_of_birth),
            referred_on,
            reasons: &form.reasons,
            risk_factors: &form.risk_factors,
            below_bar_reason: form.below_bar_reason.as_deref(),
            consent_young_person: form.consent_young_person,
            consent_parent: form.consent_parent,
        },
        &settings,
        today(),
    );
    let referral = match checked {
        Ok(r) => Some(r),
        Err(more) => {
            for e in more {
                let named = errors.iter().any(|x| x.field == e.field);
                let unreadable = date_unreadable && e.field == "referred_on";
                if !(named || unreadable || (person.is_none() && e.field == "person_id")) {
                    errors.push(e);
                }
            }
            None
        }
    };
    let (Some(person), Some(referral), Some(ward), true) =
        (person, referral, ward, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let case = state
        .store
        .insert_pd_referral(
            &txn,
            NewPdReferral {
                person_id: person.id,
                referral,
                ward,
                owner_agency: TEAM_AGENCY.to_string(),
                lead_officer: None,
                referring_agency: actor.agency.clone(),
                referred_by: actor.user_id,
                now: Utc::now(),
            },
        )
        .await?;
    let mut events = vec![
        current
            .event(AuditAction::Create)
            .entity(ENTITY, case.case.id)
            .subjects([person.id])
            .summary(json!({
                "kind": CaseKind::PreventDeter.as_str(),
                "reference": case.case.reference,
                "referred_on": case.referred_on,
                "age": case.age_at_referral,
                "alcohol_related": case.alcohol_related,
                "risk_factors": case.risk_factors.len(),
            })),
    ];
    for share in &case.case.shares {
        let mut event = current
            .event(AuditAction::Share)
            .entity(ENTITY, case.case.id)
            .subjects([person.id])
            .summary(json!({"agency": share.agency}));
        event.reason = Some(share.reason.clone());
        events.push(event);
    }
    commit_with(txn, events).await?;
    Ok(case)
}

/// Reads a referral (after the guard allowed).
async fn load(state: &AppState, id: Uuid) -> Result<PdCase, AppError> {
    state
        .store
        .pd_case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A step as typed on the form or sent as JSON.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct StepForm {
    /// `screened`, `assessed`, `panel-decision`, `accepted`, `declined`, `exited`, or
    /// a programme stage's code.
    #[serde(default)]
    pub to: String,
    /// `YYYY-MM-DD`; today if left out.
    pub on: Option<String>,
    /// For `exited`: `completed`, `disengaged` or `escalated-to-yot`.
    pub outcome: Option<String>,
    /// Needed to decline and to exit.
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Moves a young person on (after the guard allowed `Edit`), checked against where
/// they are as read in the write transaction, audited in it.
async fn step(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    form: &StepForm,
) -> Result<PdCase, AppError> {
    let mut errors = Vec::new();
    let on = date("on", form.on.as_deref(), &mut errors);
    let txn = state.store.begin_write().await?;
    let case = state
        .store
        .pd_case(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Declined and exited are answered by the rules, naming the stage; a case closed
    // through the shared case routes is closed to steps.
    if !case.case.is_open() && !case.stage.is_final() {
        return Err(AppError::Conflict(
            "The referral is closed: nothing more can be recorded on it.".into(),
        ));
    }
    let programme = state.store.pd_programme_stages(&txn).await?;
    let checked = check_step(
        &case.stage,
        case.stage_on,
        &StepInput {
            to: &form.to,
            on,
            outcome: form.outcome.as_deref(),
            reason: form.reason.as_deref(),
            note: form.note.as_deref(),
        },
        &programme,
        today(),
    );
    let step = match checked {
        Ok(s) if errors.is_empty() => s,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(more) => {
            errors.extend(more.into_iter().filter(|e| e.field != "on" || on.is_some()));
            return Err(AppError::Invalid(errors));
        }
    };
    state
        .store
        .record_pd_step(&txn, id, &case.stage, &step, current.user.id, Utc::now())
        .await?;
    let label = |s: &casework_domain::prevent_deter::Stage| {
        s.programme_stage()
            .map_or_else(|| s.code().to_string(), str::to_string)
    };
    let mut summary =
        casework_audit::changes(&[("stage", json!(label(&case.stage)), json!(label(&step.to)))]);
    if let Some(map) = summary.as_object_mut() {
        map.insert("on".into(), json!(step.on));
        if let Some(outcome) = step.to.exit_outcome() {
            map.insert("outcome".into(), json!(outcome.as_str()));
        }
        if step.note.is_some() {
            map.insert("note".into(), json!(true));
        }
    }
    let mut event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([case.person_id])
        .summary(summary);
    event.reason = step.reason.clone();
    commit_with(txn, vec![event]).await?;
    load(state, id).await
}

/// The measures of a period; `from` and `to` are both needed.
async fn measures(
    state: &AppState,
    current: &CurrentUser,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<PdMeasures, AppError> {
    counts_only(&current.actor())?;
    let mut errors = Vec::new();
    let from_day = date("from", from, &mut errors);
    let to_day = date("to", to, &mut errors);
    for (field, value) in [("from", from_day), ("to", to_day)] {
        if value.is_none() && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new(field, "Enter a date as YYYY-MM-DD."));
        }
    }
    let (Some(from), Some(to)) = (from_day, to_day) else {
        return Err(AppError::Invalid(errors));
    };
    if to < from {
        return Err(AppError::Invalid(vec![FieldError::new(
            "to",
            "The period cannot end before it starts.",
        )]));
    }
    let m = casework_store::prevent_deter::measures(state.store.connection(), from, to).await?;
    let event = current
        .event(AuditAction::View)
        .summary(json!({"read": "prevent-deter-measures", "from": from, "to": to}));
    state.audit.record(event).await?;
    Ok(m)
}

/// Adds a programme stage (administrators), audited.
async fn add_programme_stage(
    state: &AppState,
    current: &CurrentUser,
    code: &str,
    name: &str,
) -> Result<ProgrammeStage, AppError> {
    if !access::may_administer(&current.actor()) {
        return Err(AppError::Forbidden(
            "Administrators keep the programme's stages.".into(),
        ));
    }
    let txn = state.store.begin_write().await?;
    let existing = state.store.pd_programme_stages(&txn).await?;
    let stage = check_programme_stage(code, name, &existing).map_err(AppError::Invalid)?;
    state.store.add_pd_programme_stage(&txn, &stage).await?;
    let event = current
        .event(AuditAction::Create)
        .entity(PROGRAMME_STAGE, &stage.code)
        .summary(json!({"code": stage.code, "name": stage.name}));
    commit_with(txn, vec![event]).await?;
    Ok(stage)
}
