//! Integrated Offender Management: the cohort (selection, tiers, de-selection), needs
//! against the resettlement pathways and housing referrals, offences, the cohort board
//! and the re-offending measures, as pages and as the JSON API. Every membership route
//! goes through `cases::guard`; reads are audited before the answer goes out and every
//! change commits with its audit event. The rules are `casework_domain::iom`.

mod api;
mod chart;
mod pages;

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, Actor, CaseKind};
use casework_domain::calendar::{Period, uk_day};
use casework_domain::iom::{
    CohortMeasures, HousingTarget, MembershipInput, NeedInput, NeedStatus, Offence, OffenceInput,
    Reoffending, Stream, Tier, check_deselection, check_selection, check_tier_change,
    may_manage_cohort, measure, measure_by,
};
use casework_store::iom::{IomMember, NeedRecord, NewIomMember, NewNeedReferral, OffenceRecord};
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

/// The audit log's name for an offence.
const OFFENCE: &str = "offence";

/// Refuses anyone but the IOM team.
fn team_only(actor: &Actor) -> Result<(), AppError> {
    if may_manage_cohort(actor) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the IOM team selects members and records offences.".into(),
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

/// A user or person id as typed; blank is `None`.
fn id(field: &str, text: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Uuid> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    match Uuid::parse_str(text) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(FieldError::new(field, format!("'{text}' is not an id.")));
            None
        }
    }
}

/// A selection as typed on the form or sent as JSON.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct SelectionForm {
    /// The offender (a person id).
    #[serde(default)]
    pub person_id: String,
    /// `YYYY-MM-DD`, the day the panel selected them.
    #[serde(default)]
    pub entered_on: String,
    /// `fixed`, `flex` or `free`.
    #[serde(default)]
    pub stream: String,
    /// `red`, `amber` or `green`.
    #[serde(default)]
    pub tier: String,
    pub reason: Option<String>,
    /// The ward the membership counts in; the person's own if left out.
    pub ward: Option<String>,
    /// The lead offender manager (a user id); you, if left out.
    pub lead_officer: Option<String>,
    pub police_lead: Option<String>,
    pub probation_lead: Option<String>,
    /// e.g. the housing association's accommodation pilot.
    pub placement: Option<String>,
    pub outreach_worker: Option<String>,
}

/// Selects a person into the cohort, audited in the same transaction. The person's
/// earlier memberships are read in that transaction, so the rule sees what is stored.
async fn select(
    state: &AppState,
    current: &CurrentUser,
    form: &SelectionForm,
) -> Result<IomMember, AppError> {
    let actor = current.actor();
    team_only(&actor)?;
    let mut errors = Vec::new();
    let person = match id("person_id", Some(&form.person_id), &mut errors) {
        None if errors.is_empty() => {
            errors.push(FieldError::new("person_id", "Choose the person to select."));
            None
        }
        other => other,
    };
    let entered_on = date("entered_on", Some(&form.entered_on), &mut errors);
    let lead = id("lead_officer", form.lead_officer.as_deref(), &mut errors);
    let police = id("police_lead", form.police_lead.as_deref(), &mut errors);
    let probation = id(
        "probation_lead",
        form.probation_lead.as_deref(),
        &mut errors,
    );
    let txn = state.store.begin_write().await?;
    let earlier: Vec<_> = match person {
        Some(p) => state
            .store
            .iom_memberships_of(&txn, p)
            .await?
            .into_iter()
            .map(|(_, m)| m)
            .collect(),
        None => Vec::new(),
    };
    let input = MembershipInput {
        entered_on,
        stream: &form.stream,
        tier: &form.tier,
        reason: form.reason.as_deref(),
    };
    let checked = check_selection(&input, &earlier, today());
    let (membership, reason) = match (checked, person) {
        (Ok(ok), Some(_)) if errors.is_empty() => ok,
        (Err(mut more), _) => {
            // A date that did not read is named once.
            more.retain(|e| {
                !(e.field == "entered_on" && errors.iter().any(|x| x.field == e.field))
            });
            errors.extend(more);
            return Err(AppError::Invalid(errors));
        }
        _ => return Err(AppError::Invalid(errors)),
    };
    let person = person.ok_or_else(|| AppError::Invalid(errors.clone()))?;
    let member = state
        .store
        .select_iom_member(
            &txn,
            NewIomMember {
                person_id: person,
                membership,
                selection_reason: reason,
                ward: form.ward.clone(),
                owner_agency: actor.agency.clone(),
                logged_by: actor.user_id,
                lead_officer: lead.or(Some(actor.user_id)),
                police_lead: police,
                probation_lead: probation,
                placement: form.placement.clone(),
                outreach_worker: form.outreach_worker.clone(),
                now: Utc::now(),
            },
        )
        .await?;
    let event = current
        .event(AuditAction::Create)
        .entity(ENTITY, member.case.id)
        .subjects([person])
        .summary(json!({
            "kind": CaseKind::Iom.as_str(),
            "reference": member.case.reference,
            "entered_on": member.entered_on,
            "stream": member.stream.as_str(),
            "tier": member.current_tier().map(Tier::as_str),
        }));
    commit_with(txn, vec![event]).await?;
    Ok(member)
}

/// Reads a membership (after the guard allowed).
async fn load(state: &AppState, id: Uuid) -> Result<IomMember, AppError> {
    state
        .store
        .iom_member(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Changes a member's tier (after the guard allowed `Edit`), audited.
async fn change_tier(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    tier: &str,
    on: Option<&str>,
    reason: Option<&str>,
) -> Result<IomMember, AppError> {
    let mut errors = Vec::new();
    let on = date("on", on, &mut errors).unwrap_or_else(today);
    let txn = state.store.begin_write().await?;
    let member = state
        .store
        .iom_member(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let change = check_tier_change(&member.membership(), tier, on, reason, today());
    let change = match change {
        Ok(c) if errors.is_empty() => c,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(more) => {
            errors.extend(more);
            return Err(AppError::Invalid(errors));
        }
    };
    state
        .store
        .change_iom_tier(&txn, id, &change, current.user.id, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([member.person_id])
        .summary(casework_audit::changes(&[(
            "tier",
            json!(member.current_tier().map(Tier::as_str)),
            json!(change.tier.as_str()),
        )]));
    commit_with(txn, vec![event]).await?;
    load(state, id).await
}

/// De-selects a member (after the guard allowed `Close`), audited; the case closes.
async fn deselect(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    on: Option<&str>,
    reason: Option<&str>,
) -> Result<IomMember, AppError> {
    let mut errors = Vec::new();
    let day = date("on", on, &mut errors);
    let txn = state.store.begin_write().await?;
    let member = state
        .store
        .iom_member(&txn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = match check_deselection(&member.membership(), day, reason, today()) {
        Ok(out) if errors.is_empty() => out,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(more) => {
            // A date that did not read is named once.
            let unreadable = !errors.is_empty();
            errors.extend(
                more.into_iter()
                    .filter(|e| !(unreadable && e.field == "on")),
            );
            return Err(AppError::Invalid(errors));
        }
    };
    state
        .store
        .deselect_iom_member(&txn, id, &out, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([member.person_id])
        .summary(json!({"deselected_on": out.on, "status": "closed"}));
    commit_with(txn, vec![event]).await?;
    load(state, id).await
}

/// Refuses changes once the member has been de-selected.
fn still_member(member: &IomMember) -> Result<(), AppError> {
    if member.deselection.is_none() {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "They have been de-selected: select them again to work with them.".into(),
        ))
    }
}

/// Records a need (after the guard allowed `Edit`), audited.
async fn add_need(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    pathway: &str,
    status: Option<&str>,
    note: Option<&str>,
) -> Result<NeedRecord, AppError> {
    let need = NeedInput::parse(pathway, status, note).map_err(AppError::Invalid)?;
    let member = load(state, id).await?;
    still_member(&member)?;
    let txn = state.store.begin_write().await?;
    let record = state
        .store
        .add_iom_need(&txn, id, &need, current.user.id, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([member.person_id])
        .summary(json!({"added": "need", "need_id": record.id,
            "pathway": need.pathway.as_str(), "status": need.status.as_str()}));
    commit_with(txn, vec![event]).await?;
    Ok(record)
}

/// Changes a need's status (after the guard allowed `Edit`), audited.
async fn set_need_status(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    need_id: Uuid,
    status: &str,
    note: Option<&str>,
) -> Result<(), AppError> {
    let status = NeedStatus::parse(status).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "status",
            "Choose identified, in progress, met or no longer needed.",
        )])
    })?;
    let member = load(state, id).await?;
    still_member(&member)?;
    let note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let txn = state.store.begin_write().await?;
    let before = state
        .store
        .set_iom_need_status(&txn, id, need_id, status, note, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(ENTITY, id)
        .subjects([member.person_id])
        .summary(json!({"need_id": need_id, "status": {
            "from": before.status.as_str(), "to": status.as_str()}}));
    commit_with(txn, vec![event]).await
}

/// Refers a housing need (after the guard allowed `Edit`), audited as a share when it
/// goes to an agency.
async fn refer_need(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    need_id: Uuid,
    to: &str,
    reason: &str,
) -> Result<(), AppError> {
    let target = HousingTarget::parse(to).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "to",
            "Choose the Housing Task & Finish Group or a housing provider.",
        )])
    })?;
    let member = load(state, id).await?;
    still_member(&member)?;
    let txn = state.store.begin_write().await?;
    let referral = state
        .store
        .refer_iom_need(
            &txn,
            id,
            &NewNeedReferral {
                need_id,
                to: target,
                reason: reason.to_string(),
                by: current.user.id,
                now: Utc::now(),
            },
        )
        .await?;
    let action = if referral.to_agency.is_some() {
        AuditAction::Share
    } else {
        AuditAction::Update
    };
    let mut event = current
        .event(action)
        .entity(ENTITY, id)
        .subjects([member.person_id])
        .summary(json!({"need_id": need_id, "agency": referral.to_agency,
            "panel": referral.to_panel}));
    event.reason = Some(referral.reason);
    commit_with(txn, vec![event]).await
}

/// Records an offence against a person (the IOM team only), audited.
async fn record_offence(
    state: &AppState,
    current: &CurrentUser,
    person: Uuid,
    input: &OffenceInput<'_>,
) -> Result<OffenceRecord, AppError> {
    team_only(&current.actor())?;
    let offence = Offence::parse(input, today()).map_err(AppError::Invalid)?;
    let txn = state.store.begin_write().await?;
    let record = state
        .store
        .record_offence(&txn, person, &offence, current.user.id, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Create)
        .entity(OFFENCE, record.id)
        .subjects([person])
        .summary(json!({"committed_on": offence.committed_on,
            "category": offence.category, "outcome": offence.outcome.as_str()}));
    commit_with(txn, vec![event]).await?;
    Ok(record)
}

/// The period a measure is asked for: both ends, as typed.
fn period(from: Option<&str>, to: Option<&str>) -> Result<Period, AppError> {
    let mut errors = Vec::new();
    let from_day = date("entered_from", from, &mut errors);
    let to_day = date("entered_to", to, &mut errors);
    if from.is_none_or(|f| f.trim().is_empty()) {
        errors.push(FieldError::new(
            "entered_from",
            "Enter the first day of entry.",
        ));
    }
    if to.is_none_or(|t| t.trim().is_empty()) {
        errors.push(FieldError::new(
            "entered_to",
            "Enter the last day of entry.",
        ));
    }
    match (from_day, to_day) {
        (Some(from), Some(to)) if errors.is_empty() && from <= to => Ok(Period { from, to }),
        (Some(_), Some(_)) if errors.is_empty() => Err(AppError::Invalid(vec![FieldError::new(
            "entered_to",
            "The last day must not be before the first.",
        )])),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The re-offending measures for members who entered in `period`, as known today,
/// with the cohort split by tier and stream at entry.
pub struct Measures {
    pub rule: Reoffending,
    pub cohort: CohortMeasures,
    pub by_tier: Vec<(Tier, CohortMeasures)>,
    pub by_stream: Vec<(Stream, CohortMeasures)>,
}

async fn measures(state: &AppState, period: Period) -> Result<Measures, AppError> {
    let settings = state.store.settings().await?;
    let rule = Reoffending::from_settings(&settings);
    let (entries, offences) = state
        .store
        .iom_reoffending_facts(state.store.connection(), period, rule)
        .await?;
    let cohort = measure(rule, period, &entries, &offences, today());
    let by_tier = measure_by(&cohort, |e| e.tier).into_iter().collect();
    let by_stream = measure_by(&cohort, |e| e.stream).into_iter().collect();
    Ok(Measures {
        rule,
        cohort,
        by_tier,
        by_stream,
    })
}
