//! Prevent & Deter pages: the board (young people by stage, for the team), referring
//! a young person, a referral with its steps (and, for the team, the next step), and
//! the measures of a period (counts only).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseAction, CaseKind, Decision};
use casework_domain::calendar::{FinancialYear, uk_date};
use casework_domain::prevent_deter::{
    ExitOutcome, ProgrammeStage, Reason, RiskFactor, Stage, may_refer, may_run_programme,
};
use casework_store::prevent_deter::PdMeasures;
use serde::Deserialize;
use uuid::Uuid;

use super::{PdReferralForm, StepForm, today};
use crate::auth::CurrentUser;
use crate::cases::reason::Why;
use crate::cases::{self, ENTITY, guard};
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/prevent-deter", get(board))
        .route("/prevent-deter/referrals", post(create))
        .route("/prevent-deter/referrals/new", get(new_form))
        .route("/prevent-deter/referrals/{id}", get(view))
        .route("/prevent-deter/referrals/{id}/stage", post(move_on))
        .route("/prevent-deter/measures", get(measures))
        .route(
            "/prevent-deter/programme-stages",
            get(stages).post(add_stage),
        )
}

fn back_to(id: Uuid) -> Response {
    Redirect::to(&format!("/prevent-deter/referrals/{id}")).into_response()
}

/// The board's column of a stage, and its words: fixed stages by their code,
/// programme stages by theirs.
fn column_of(stage: &Stage) -> String {
    stage
        .programme_stage()
        .map_or_else(|| stage.code().to_string(), str::to_string)
}

fn fixed_words(code: &str) -> &'static str {
    match code {
        "referred" => "Referred",
        "screened" => "Screened",
        "assessed" => "Assessed",
        "panel-decision" => "Awaiting the panel's decision",
        "accepted" => "Accepted onto the programme",
        "declined" => "Declined",
        "exited" => "Exited",
        _ => "",
    }
}

fn stage_words(stage: &Stage, programme: &[ProgrammeStage]) -> String {
    match stage {
        Stage::Programme(code) => programme
            .iter()
            .find(|p| &p.code == code)
            .map_or_else(|| code.clone(), |p| p.name.clone()),
        Stage::Exited(o) => format!("Exited: {}", o.name()),
        other => fixed_words(other.code()).to_string(),
    }
}

// ---------------------------------------------------------------- the board

#[derive(Template, WebTemplate)]
#[template(path = "prevent_deter/board.html")]
struct BoardPage {
    chrome: Chrome,
    columns: Vec<Column>,
}

struct Column {
    title: String,
    lines: Vec<BoardLine>,
}

struct BoardLine {
    id: Uuid,
    reference: String,
    name: String,
    since: String,
    agency: String,
    risk_factors: u32,
    alcohol: bool,
}

async fn board(State(state): State<AppState>, current: CurrentUser) -> Result<Response, HtmlError> {
    if !may_run_programme(&current.actor()) {
        return Err(AppError::NotFound.into());
    }
    let store = &state.store;
    let programme = store.pd_programme_stages(store.connection()).await?;
    let lines = store.pd_board(store.connection()).await?;
    let ids: Vec<Uuid> = lines.iter().map(|l| l.person_id).collect();
    let people = store.people_by_id(store.connection(), &ids).await?;
    let agencies: HashMap<String, String> = store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    if !lines.is_empty() {
        let event = current
            .event(AuditAction::Search)
            .entity("prevent-deter", "board")
            .subjects(ids.clone());
        state.audit.record(event).await?;
    }
    let mut columns: Vec<(String, Column)> = [
        "referred",
        "screened",
        "assessed",
        "panel-decision",
        "accepted",
    ]
    .into_iter()
    .map(|code| {
        (
            code.to_string(),
            Column {
                title: fixed_words(code).to_string(),
                lines: Vec::new(),
            },
        )
    })
    .chain(programme.iter().map(|p| {
        (
            p.code.clone(),
            Column {
                title: format!("Programme: {}", p.name),
                lines: Vec::new(),
            },
        )
    }))
    .collect();
    for line in lines {
        let key = column_of(&line.stage);
        let entry = match columns.iter_mut().find(|(code, _)| *code == key) {
            Some((_, column)) => column,
            None => {
                // A stage an administrator has since removed from the list.
                columns.push((
                    key.clone(),
                    Column {
                        title: format!("Programme: {key}"),
                        lines: Vec::new(),
                    },
                ));
                &mut columns.last_mut().expect("just pushed").1
            }
        };
        entry.lines.push(BoardLine {
            id: line.case_id,
            reference: line.reference,
            name: people
                .get(&line.person_id)
                .map(|p| p.full_name())
                .unwrap_or_default(),
            since: uk_date(line.stage_on),
            agency: agencies
                .get(&line.referring_agency)
                .cloned()
                .unwrap_or(line.referring_agency),
            risk_factors: line.risk_factor_count,
            alcohol: line.alcohol_related,
        });
    }
    Ok(BoardPage {
        chrome: Chrome::for_user(&current),
        columns: columns.into_iter().map(|(_, c)| c).collect(),
    }
    .into_response())
}

// ---------------------------------------------------------------- referring

#[derive(Template, WebTemplate)]
#[template(path = "prevent_deter/new.html")]
struct NewPage {
    chrome: Chrome,
    min_age: i64,
    max_age: i64,
    bar: i64,
    person_id: String,
    referred_on: String,
    reasons: Vec<Choice>,
    factors: Vec<Choice>,
    below_bar_reason: String,
    consent_young_person: bool,
    consent_parent: bool,
    ward: String,
    errors: Vec<FieldError>,
}

struct Choice {
    code: &'static str,
    words: &'static str,
    checked: bool,
}

async fn new_page(
    state: &AppState,
    current: &CurrentUser,
    form: PdReferralForm,
    errors: Vec<FieldError>,
) -> Result<NewPage, AppError> {
    let settings = state.store.settings().await?;
    Ok(NewPage {
        chrome: Chrome::for_user(current),
        min_age: settings.pd_min_age,
        max_age: settings.pd_max_age,
        bar: settings.pd_risk_factor_bar,
        reasons: Reason::ALL
            .into_iter()
            .map(|r| Choice {
                code: r.as_str(),
                words: r.name(),
                checked: form.reasons.iter().any(|c| c == r.as_str()),
            })
            .collect(),
        factors: RiskFactor::ALL
            .into_iter()
            .map(|r| Choice {
                code: r.as_str(),
                words: r.name(),
                checked: form.risk_factors.iter().any(|c| c == r.as_str()),
            })
            .collect(),
        person_id: form.person_id,
        referred_on: form.referred_on,
        below_bar_reason: form.below_bar_reason.unwrap_or_default(),
        consent_young_person: form.consent_young_person == Some(true),
        consent_parent: form.consent_parent == Some(true),
        ward: form.ward.unwrap_or_default(),
        errors,
    })
}

#[derive(Deserialize, Default)]
struct NewQuery {
    person_id: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, HtmlError> {
    if !may_refer(&current.actor()) {
        return Err(AppError::NotFound.into());
    }
    let form = PdReferralForm {
        person_id: q.person_id.unwrap_or_default(),
        referred_on: today().to_string(),
        ..PdReferralForm::default()
    };
    Ok(new_page(&state, &current, form, Vec::new())
        .await?
        .into_response())
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let mut form = PdReferralForm::default();
    for (key, value) in pairs {
        match key.as_str() {
            "person_id" => form.person_id = value,
            "referred_on" => form.referred_on = value,
            "reasons" => form.reasons.push(value),
            "risk_factors" => form.risk_factors.push(value),
            "below_bar_reason" => form.below_bar_reason = Some(value),
            "consent_young_person" => form.consent_young_person = Some(value == "true"),
            "consent_parent" => form.consent_parent = Some(value == "true"),
            "ward" => form.ward = Some(value),
            _ => {}
        }
    }
    match super::refer(&state, &current, &form).await {
        Ok(case) => Ok(back_to(case.case.id)),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_page(&state, &current, form, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- a referral

#[derive(Template, WebTemplate)]
#[template(path = "prevent_deter/referral.html")]
struct ReferralPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    name: String,
    stage: String,
    stage_on: String,
    referred: String,
    agency: String,
    age: u32,
    reasons: String,
    risk_factor_count: usize,
    bar: i64,
    risk_factors: String,
    below_bar_reason: Option<String>,
    steps: Vec<StepLine>,
    may_move: bool,
    targets: Vec<(String, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

struct StepLine {
    on: String,
    stage: String,
    officer: String,
    words: String,
}

/// The next stages on offer from `stage` (the rules decide; this only lists them).
fn targets(stage: &Stage, programme: &[ProgrammeStage]) -> Vec<(String, String)> {
    let fixed = |code: &str| (code.to_string(), fixed_words(code).to_string());
    let later = |from: Option<usize>| -> Vec<(String, String)> {
        programme
            .iter()
            .enumerate()
            .filter(|(i, _)| from.is_none_or(|f| *i > f))
            .map(|(_, p)| (p.code.clone(), format!("Programme: {}", p.name)))
            .collect()
    };
    match stage {
        Stage::Referred => vec![fixed("screened"), fixed("declined")],
        Stage::Screened => vec![fixed("assessed"), fixed("declined")],
        Stage::Assessed => vec![fixed("panel-decision"), fixed("declined")],
        Stage::PanelDecision => vec![fixed("accepted"), fixed("declined")],
        Stage::Accepted => {
            let mut t = later(None);
            t.push(fixed("exited"));
            t
        }
        Stage::Programme(code) => {
            let mut t = later(programme.iter().position(|p| &p.code == code));
            t.push(fixed("exited"));
            t
        }
        Stage::Declined | Stage::Exited(_) => Vec::new(),
    }
}

async fn referral_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    errors: Vec<FieldError>,
) -> Result<Response, HtmlError> {
    let facts = guard(
        state,
        current,
        id,
        Some(CaseKind::PreventDeter),
        CaseAction::View,
    )
    .await?;
    let reason = match cases::reason::why(state, current, id, &facts).await? {
        Why::Known(reason) => reason,
        Why::Ask(question) => return Ok(question),
    };
    let case = super::load(state, id).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects([case.person_id]);
    event.reason = reason;
    state.audit.record(event).await?;
    let store = &state.store;
    let programme = store.pd_programme_stages(store.connection()).await?;
    let settings = store.settings().await?;
    let person = store.person(case.person_id).await?;
    let officers: Vec<Uuid> = case.steps.iter().map(|s| s.officer).collect();
    let names = store.user_names(&officers).await?;
    let agency = store
        .agencies()
        .await?
        .into_iter()
        .find(|a| a.code == case.referring_agency)
        .map_or(case.referring_agency.clone(), |a| a.name);
    let may_move = access::decide(&current.actor(), CaseAction::Edit, &facts) == Decision::Allow
        && case.case.is_open();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ReferralPage {
        chrome: Chrome::for_user(current),
        id,
        reference: case.case.reference.clone(),
        name: person.map(|p| p.full_name()).unwrap_or_default(),
        stage: stage_words(&case.stage, &programme),
        stage_on: uk_date(case.stage_on),
        referred: uk_date(case.referred_on),
        agency,
        age: case.age_at_referral,
        reasons: case
            .reasons
            .iter()
            .map(|r| r.name())
            .collect::<Vec<_>>()
            .join("; "),
        risk_factor_count: case.risk_factors.len(),
        bar: settings.pd_risk_factor_bar,
        risk_factors: case
            .risk_factors
            .iter()
            .map(|r| r.name())
            .collect::<Vec<_>>()
            .join("; "),
        below_bar_reason: case.below_bar_reason.clone(),
        steps: case
            .steps
            .iter()
            .map(|s| StepLine {
                on: uk_date(s.on),
                stage: stage_words(&s.stage, &programme),
                officer: names.get(&s.officer).cloned().unwrap_or_default(),
                words: [s.reason.clone(), s.note.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(". "),
            })
            .collect(),
        may_move,
        targets: targets(&case.stage, &programme),
        outcomes: ExitOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), o.name()))
            .collect(),
        errors,
    };
    Ok((status, page).into_response())
}

async fn view(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    referral_page(&state, &current, id, Vec::new()).await
}

async fn move_on(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<StepForm>,
) -> Result<Response, HtmlError> {
    guard(
        &state,
        &current,
        id,
        Some(CaseKind::PreventDeter),
        CaseAction::Edit,
    )
    .await?;
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let form = StepForm {
        on: blank(form.on),
        outcome: blank(form.outcome),
        reason: blank(form.reason),
        note: blank(form.note),
        to: form.to,
    };
    match super::step(&state, &current, id, &form).await {
        Ok(_) => Ok(back_to(id)),
        Err(AppError::Invalid(errors)) => referral_page(&state, &current, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- measures

#[derive(Template, WebTemplate)]
#[template(path = "prevent_deter/measures.html")]
struct MeasuresPage {
    chrome: Chrome,
    from: String,
    to: String,
    from_words: String,
    to_words: String,
    measures: Option<PdMeasures>,
    by_stage: Vec<(String, u64)>,
    exited: Vec<(String, u64)>,
    by_agency: Vec<(String, u64)>,
    errors: Vec<FieldError>,
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn measures(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, HtmlError> {
    let today = today();
    // The plan year so far, unless asked otherwise.
    let from = q
        .from
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| FinancialYear::containing(today).first_day().to_string());
    let to =
        q.to.filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| today.to_string());
    let mut page = MeasuresPage {
        chrome: Chrome::for_user(&current),
        from: from.clone(),
        to: to.clone(),
        from_words: String::new(),
        to_words: String::new(),
        measures: None,
        by_stage: Vec::new(),
        exited: Vec::new(),
        by_agency: Vec::new(),
        errors: Vec::new(),
    };
    match super::measures(&state, &current, Some(&from), Some(&to)).await {
        Ok(m) => {
            let store = &state.store;
            let programme = store.pd_programme_stages(store.connection()).await?;
            let agencies: HashMap<String, String> = store
                .agencies()
                .await?
                .into_iter()
                .map(|a| (a.code, a.name))
                .collect();
            page.from_words = uk_date(m.from);
            page.to_words = uk_date(m.to);
            page.by_stage = [
                "referred",
                "screened",
                "assessed",
                "panel-decision",
                "accepted",
            ]
            .into_iter()
            .map(|c| (c.to_string(), fixed_words(c).to_string()))
            .chain(
                programme
                    .iter()
                    .map(|p| (p.code.clone(), format!("Programme: {}", p.name))),
            )
            .map(|(code, words)| (words, m.by_stage.get(&code).copied().unwrap_or(0)))
            .collect();
            page.exited = ExitOutcome::ALL
                .iter()
                .map(|o| {
                    (
                        o.name().to_string(),
                        m.exited.get(o.as_str()).copied().unwrap_or(0),
                    )
                })
                .collect();
            page.by_agency = m
                .by_agency
                .iter()
                .map(|(code, n)| {
                    (
                        agencies.get(code).cloned().unwrap_or_else(|| code.clone()),
                        *n,
                    )
                })
                .collect();
            page.measures = Some(m);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- programme stages

#[derive(Template, WebTemplate)]
#[template(path = "prevent_deter/stages.html")]
struct StagesPage {
    chrome: Chrome,
    stages: Vec<(String, String)>,
    may_add: bool,
    code: String,
    name: String,
    errors: Vec<FieldError>,
}

async fn stages_page(
    state: &AppState,
    current: &CurrentUser,
    code: String,
    name: String,
    errors: Vec<FieldError>,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    let may_add = access::may_administer(&actor);
    if !may_add && !may_run_programme(&actor) {
        return Err(AppError::NotFound.into());
    }
    let stages = state
        .store
        .pd_programme_stages(state.store.connection())
        .await?
        .into_iter()
        .map(|p| (p.code, p.name))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = StagesPage {
        chrome: Chrome::for_user(current),
        stages,
        may_add,
        code,
        name,
        errors,
    };
    Ok((status, page).into_response())
}

async fn stages(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, HtmlError> {
    stages_page(&state, &current, String::new(), String::new(), Vec::new()).await
}

#[derive(Deserialize, Default)]
struct NewStage {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

async fn add_stage(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<NewStage>,
) -> Result<Response, HtmlError> {
    match super::add_programme_stage(&state, &current, &form.code, &form.name).await {
        Ok(_) => Ok(Redirect::to("/prevent-deter/programme-stages").into_response()),
        Err(AppError::Invalid(errors)) => {
            stages_page(&state, &current, form.code, form.name, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
