//! The forms that add to a case: logging an incident, the DASH checklist on one page
//! with its running count, and recording a MARAC referral.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use casework_domain::FieldError;
use casework_domain::access::CaseAction;
use casework_domain::calendar::{uk_day, uk_local_to_utc};
use casework_domain::dv::{
    DashAnswer, DashCutOffs, DvIncidentInput, MaracReason, MaracReferralInput, ReportedBy,
};
use casework_store::dv::dash_instrument;
use chrono::{NaiveDateTime, SecondsFormat, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{Choice, LevelTag, back_to, guarded_case, reporter_words, tag};
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::dv::reasons_in_words;
use crate::{AppError, AppState, HtmlError};

#[derive(Template, WebTemplate)]
#[template(path = "dv/incident_form.html")]
pub(super) struct IncidentPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    perpetrator_name: String,
    form: IncidentFields,
    reporters: Vec<Choice>,
    errors: Vec<FieldError>,
}

/// The incident form as typed: the time is a UK wall-clock time.
#[derive(Default, Deserialize)]
pub(super) struct IncidentFields {
    #[serde(default)]
    occurred_at: String,
    #[serde(default)]
    reported_by: String,
    #[serde(default)]
    arrest_made: String,
    #[serde(default)]
    children_present: String,
    #[serde(default)]
    perpetrator_id: String,
    #[serde(default)]
    summary: String,
}

/// A form's yes/no radio: unanswered stays unanswered, for the domain to name.
fn answered(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

impl IncidentFields {
    fn input(&self) -> DvIncidentInput {
        DvIncidentInput {
            occurred_at: uk_time(&self.occurred_at),
            reported_by: self.reported_by.clone(),
            victim_id: String::new(),
            perpetrator_id: self.perpetrator_id.clone(),
            arrest_made: answered(&self.arrest_made),
            children_present: answered(&self.children_present),
            summary: self.summary.clone(),
        }
    }
}

/// A form's `datetime-local` (UK wall-clock) as RFC 3339; anything else as typed, for
/// the domain to name.
fn uk_time(text: &str) -> String {
    let text = text.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|local| uk_local_to_utc(local).to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| text.to_string())
}

async fn incident_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    form: IncidentFields,
    errors: Vec<FieldError>,
) -> Result<IncidentPage, HtmlError> {
    let case = crate::dv::load(state, id).await?;
    let perpetrator_name = match case.perpetrator {
        Some(p) => state
            .store
            .people_by_id(state.store.connection(), &[p])
            .await?
            .remove(&p)
            .map(|p| p.full_name())
            .unwrap_or_else(|| "unknown".into()),
        None => "not known".into(),
    };
    let reporters = ReportedBy::ALL
        .into_iter()
        .map(|r| Choice {
            code: r.as_str(),
            words: reporter_words(r),
            selected: r.as_str() == form.reported_by,
        })
        .collect();
    Ok(IncidentPage {
        chrome: Chrome::for_user(current),
        id,
        reference: case.case.reference,
        perpetrator_name,
        form,
        reporters,
        errors,
    })
}

pub(super) async fn incident_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<IncidentPage, HtmlError> {
    guarded_case(&state, &current, id, CaseAction::Edit).await?;
    incident_page(&state, &current, id, IncidentFields::default(), Vec::new()).await
}

pub(super) async fn add_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<IncidentFields>,
) -> Result<Response, HtmlError> {
    guarded_case(&state, &current, id, CaseAction::Edit).await?;
    let result = crate::dv::log_incident(&state, &current, id, form.input()).await;
    match result {
        Err(AppError::Invalid(errors)) => {
            let page = incident_page(&state, &current, id, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(_) => Ok(back_to(id)),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the DASH checklist

#[derive(Template, WebTemplate)]
#[template(path = "dv/dash_form.html")]
pub(super) struct DashPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    title: String,
    groups: Vec<QuestionGroup>,
    question_count: usize,
    yes_count: u32,
    meaning: LevelTag,
    /// The level each possible count gives, "0:Standard risk:tag ..." for the script.
    levels: String,
    medium_from: u32,
    high_from: u32,
    judgement_reason: String,
    errors: Vec<FieldError>,
}

struct QuestionGroup {
    heading: String,
    questions: Vec<QuestionLine>,
}

struct QuestionLine {
    key: String,
    text: String,
    answers: Vec<Choice>,
}

async fn dash_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    reference: String,
    answers: &BTreeMap<String, String>,
    judgement_reason: String,
    errors: Vec<FieldError>,
) -> Result<DashPage, AppError> {
    let instrument = dash_instrument();
    let cut = DashCutOffs::from_settings(&state.store.settings().await?);
    let groups = instrument
        .groups()
        .into_iter()
        .map(|g| QuestionGroup {
            heading: g.title.unwrap_or("Other questions").to_string(),
            questions: g
                .questions
                .iter()
                .map(|q| QuestionLine {
                    key: q.key.clone(),
                    text: q.text.clone(),
                    answers: DashAnswer::ALL
                        .into_iter()
                        .map(|a| Choice {
                            code: a.as_str(),
                            words: match a {
                                DashAnswer::Yes => "Yes",
                                DashAnswer::No => "No",
                                DashAnswer::NotKnown => "Not known",
                            },
                            selected: answers.get(&q.key).map(String::as_str) == Some(a.as_str()),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let count = instrument.questions().len();
    let yes_count = instrument
        .questions()
        .iter()
        .filter(|q| answers.get(&q.key).map(String::as_str) == Some(DashAnswer::Yes.as_str()))
        .count();
    let yes_count = u32::try_from(yes_count).unwrap_or_default();
    // The domain's level for every count the form can reach, so the script never
    // works out a level itself.
    let levels = (0..=count)
        .map(|n| {
            let t = tag(cut.level(u32::try_from(n).unwrap_or_default()));
            format!("{}|{}", t.label, t.class)
        })
        .collect::<Vec<_>>()
        .join(";");
    Ok(DashPage {
        chrome: Chrome::for_user(current),
        id,
        reference,
        title: instrument.title().to_string(),
        groups,
        question_count: count,
        yes_count,
        meaning: tag(cut.level(yes_count)),
        levels,
        medium_from: cut.medium_from,
        high_from: cut.high_from,
        judgement_reason,
        errors,
    })
}

pub(super) async fn dash_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<DashPage, HtmlError> {
    let case = guarded_case(&state, &current, id, CaseAction::Edit).await?;
    Ok(dash_page(
        &state,
        &current,
        id,
        case.reference,
        &BTreeMap::new(),
        String::new(),
        Vec::new(),
    )
    .await?)
}

pub(super) async fn add_dash(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let case = guarded_case(&state, &current, id, CaseAction::Edit).await?;
    let mut answers = BTreeMap::new();
    let mut reason = String::new();
    let mut count_only = false;
    for (key, value) in pairs {
        if let Some(question) = key.strip_prefix("answers.") {
            answers.insert(question.to_string(), value);
        } else if key == "professional_judgement.reason" {
            reason = value;
        } else if key == "intent" {
            count_only = value == "count";
        }
    }
    // Without the script, "Count the answers" shows the count without saving.
    if count_only {
        let page = dash_page(
            &state,
            &current,
            id,
            case.reference,
            &answers,
            reason,
            Vec::new(),
        )
        .await?;
        return Ok(page.into_response());
    }
    let judgement = (!reason.trim().is_empty()).then_some(reason.as_str());
    let result = match crate::dv::score(&state, &answers, None, judgement).await {
        Ok((parsed, assessment)) => {
            crate::dv::record_dash(&state, &current, id, &parsed, &assessment).await
        }
        Err(e) => Err(e),
    };
    match result {
        Err(AppError::Invalid(errors)) => {
            let page = dash_page(
                &state,
                &current,
                id,
                case.reference,
                &answers,
                reason,
                errors,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(_) => Ok(back_to(id)),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- a MARAC referral

#[derive(Template, WebTemplate)]
#[template(path = "dv/referral_form.html")]
pub(super) struct ReferralPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    referred_on: String,
    meeting_on: String,
    reasons: Vec<ReasonChoice>,
    required_now: String,
    errors: Vec<FieldError>,
}

struct ReasonChoice {
    code: &'static str,
    words: &'static str,
    checked: bool,
}

#[derive(Default)]
struct ReferralFields {
    referred_on: String,
    meeting_on: String,
    reasons: Vec<String>,
}

async fn referral_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    fields: Option<ReferralFields>,
    errors: Vec<FieldError>,
) -> Result<ReferralPage, AppError> {
    let case = crate::dv::load(state, id).await?;
    let decision = crate::dv::marac_decision(state, &case).await?;
    // A fresh form offers the reasons that stand today, ticked.
    let fields = fields.unwrap_or_else(|| ReferralFields {
        referred_on: uk_day(Utc::now()).format("%Y-%m-%d").to_string(),
        meeting_on: String::new(),
        reasons: decision
            .reasons
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
    });
    Ok(ReferralPage {
        chrome: Chrome::for_user(current),
        id,
        reference: case.case.reference,
        reasons: MaracReason::ALL
            .into_iter()
            .map(|r| ReasonChoice {
                code: r.as_str(),
                words: r.label(),
                checked: fields.reasons.iter().any(|c| c == r.as_str()),
            })
            .collect(),
        referred_on: fields.referred_on,
        meeting_on: fields.meeting_on,
        required_now: if decision.reasons.is_empty() {
            "No reason for a referral stands today.".into()
        } else {
            format!("Reasons today: {}.", reasons_in_words(&decision.reasons))
        },
        errors,
    })
}

pub(super) async fn referral_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<ReferralPage, HtmlError> {
    guarded_case(&state, &current, id, CaseAction::Edit).await?;
    Ok(referral_page(&state, &current, id, None, Vec::new()).await?)
}

pub(super) async fn add_referral(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    guarded_case(&state, &current, id, CaseAction::Edit).await?;
    let mut fields = ReferralFields::default();
    for (key, value) in pairs {
        match key.as_str() {
            "referred_on" => fields.referred_on = value,
            "meeting_on" => fields.meeting_on = value,
            "reasons" => fields.reasons.push(value),
            _ => {}
        }
    }
    let input = MaracReferralInput {
        referred_on: fields.referred_on.clone(),
        reasons: fields.reasons.clone(),
        meeting_on: Some(fields.meeting_on.clone()),
    };
    let result = crate::dv::record_referral(&state, &current, id, &input).await;
    match result {
        Err(AppError::Invalid(errors)) => {
            let page = referral_page(&state, &current, id, Some(fields), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(_) => Ok(back_to(id)),
        Err(e) => Err(e.into()),
    }
}
