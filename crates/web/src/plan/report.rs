//! The plan, measured, over the JSON API: the quarterly report, an aim's cases, the
//! figures officers enter, and progress on the plan's actions. The same functions
//! serve the pages (`pages.rs`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use casework_audit::AuditAction;
use casework_domain::access::{self, Actor};
use casework_domain::calendar::{FinancialYear, Quarter, uk_day};
use casework_domain::plan_measures::{
    ActionProgress, Catalogue, EnteredFigure, MeasureDoc, Source, may_enter_figure,
    may_update_action, parse_figure,
};
use casework_store::plan::{Aim, Plan};
use casework_store::plan_report::{
    AimCase, EnteredBy, Report, add_action_update, put_measure_figure,
};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::cases::JsonBody;
use crate::{AppError, AppState};

pub(crate) fn today() -> NaiveDate {
    uk_day(Utc::now())
}

/// Anyone whose roles see counts may read the plan's report; an administrator
/// without a case role may not.
pub(crate) fn may_read(actor: &Actor) -> Result<(), AppError> {
    if access::may_see_counts(actor) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Your role does not see counts and measures.".into(),
        ))
    }
}

pub(crate) fn year_of(text: &str) -> Result<FinancialYear, AppError> {
    FinancialYear::parse(text).map_err(|_| AppError::NotFound)
}

/// The quarter asked for, or the one today falls in (the last for a past year).
pub(crate) fn quarter_of(year: FinancialYear, asked: Option<&str>) -> Result<Quarter, AppError> {
    match asked.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Quarter::parse(q).ok_or_else(|| {
            AppError::Invalid(vec![casework_domain::FieldError::new(
                "quarter",
                "Choose Q1, Q2, Q3 or Q4.",
            )])
        }),
        None => {
            let today = today();
            Ok(
                casework_domain::plan_measures::quarter_of(year, today).unwrap_or(
                    if today > year.last_day() {
                        Quarter::Q4
                    } else {
                        Quarter::Q1
                    },
                ),
            )
        }
    }
}

pub(crate) async fn report(
    state: &AppState,
    year: FinancialYear,
    quarter: Quarter,
) -> Result<Report, AppError> {
    state
        .store
        .plan_report(year, quarter, today())
        .await?
        .ok_or(AppError::NotFound)
}

pub(crate) async fn plan_and_catalogue(
    state: &AppState,
    year: FinancialYear,
) -> Result<(Plan, Catalogue), AppError> {
    let plan = state.store.plan(year).await?.ok_or(AppError::NotFound)?;
    let catalogue = state
        .store
        .measure_catalogue(&plan)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((plan, catalogue))
}

pub(crate) fn aim(plan: &Plan, id: Uuid) -> Option<&Aim> {
    plan.priorities
        .iter()
        .flat_map(|p| p.aims.iter())
        .find(|a| a.id == id)
}

/// The agencies the plan names against an aim: its actions' owners and its partners.
fn aim_agencies(aim: &Aim) -> Vec<String> {
    let mut all: Vec<String> = aim
        .actions
        .iter()
        .flat_map(|x| x.agencies.iter().cloned())
        .chain(aim.partners.iter().cloned())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// What an entered figure changed.
pub(crate) struct FigureStored {
    pub id: Uuid,
    pub replaced: bool,
}

/// Checks and stores a quarter's figure for an entered measure, with its audit event
/// in the same transaction.
pub(crate) async fn enter_figure(
    state: &AppState,
    current: &CurrentUser,
    year: FinancialYear,
    measure_key: &str,
    input: &FigureInput,
) -> Result<(EnteredFigure, FigureStored), AppError> {
    let actor = current.actor();
    let (plan, catalogue) = plan_and_catalogue(state, year).await?;
    let measure: &MeasureDoc = catalogue.measure(measure_key).ok_or(AppError::NotFound)?;
    let aim = plan
        .priorities
        .iter()
        .flat_map(|p| p.aims.iter())
        .find(|a| a.key == measure.aim)
        .ok_or(AppError::NotFound)?;
    may_read(&actor)?;
    if !may_enter_figure(&actor, &aim_agencies(aim)) {
        return Err(AppError::Forbidden(
            "Figures for this measure are entered by an officer of an agency the plan names \
             against its aim, or by the partnership's analyst."
                .into(),
        ));
    }
    if measure.source != Source::Entered {
        return Err(AppError::Conflict(format!(
            "'{}' is computed by Casework from its cases; only entered measures take figures.",
            measure.name
        )));
    }
    let districts: Vec<String> = state
        .store
        .districts()
        .await?
        .into_iter()
        .map(|d| d.code)
        .collect();
    let figure = parse_figure(
        input.quarter.as_deref().unwrap_or_default(),
        input.district.as_deref().unwrap_or("all"),
        &input.value_text(),
        input.source.as_deref().unwrap_or_default(),
        measure.unit,
        &districts,
    )
    .map_err(AppError::Invalid)?;
    let by = EnteredBy {
        user: current.user.id,
        agency: current.user.agency.clone(),
        at: Utc::now(),
    };
    let txn = state.store.begin_write().await?;
    let (id, replaced) = put_measure_figure(&txn, &plan.year, &measure.key, &figure, &by).await?;
    let event = current
        .event(if replaced.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        })
        .entity("plan-measure-figure", id)
        .summary(serde_json::json!({
            "year": plan.year,
            "measure": measure.key,
            "quarter": format!("{:?}", figure.quarter),
            "district": figure.district,
            "value": figure.value,
            "source": figure.source,
            "replaced": replaced.as_ref().map(|(v, s)| serde_json::json!({"value": v, "source": s})),
        }));
    commit_with(txn, vec![event]).await?;
    Ok((
        figure,
        FigureStored {
            id,
            replaced: replaced.is_some(),
        },
    ))
}

/// Records progress on one of the plan's actions, audited in the same transaction.
pub(crate) async fn record_progress(
    state: &AppState,
    current: &CurrentUser,
    year: FinancialYear,
    action_id: Uuid,
    status: &str,
    note: &str,
) -> Result<Uuid, AppError> {
    let actor = current.actor();
    let plan = state.store.plan(year).await?.ok_or(AppError::NotFound)?;
    let action = plan
        .priorities
        .iter()
        .flat_map(|p| p.aims.iter().flat_map(|a| a.actions.iter()))
        .find(|x| x.id == action_id)
        .ok_or(AppError::NotFound)?;
    if !may_update_action(&actor, &action.agencies) {
        return Err(AppError::Forbidden(
            "Progress on an action is written by an officer of an agency that owns it.".into(),
        ));
    }
    let progress = ActionProgress::parse(status, note).map_err(AppError::Invalid)?;
    let by = EnteredBy {
        user: current.user.id,
        agency: current.user.agency.clone(),
        at: Utc::now(),
    };
    let txn = state.store.begin_write().await?;
    let id = add_action_update(&txn, action.id, progress.status, &progress.note, &by).await?;
    let event = current
        .event(AuditAction::Create)
        .entity("plan-action-update", id)
        .summary(serde_json::json!({
            "year": plan.year,
            "action": action.key,
            "status": progress.status.as_str(),
            "note": progress.note,
        }));
    commit_with(txn, vec![event]).await?;
    Ok(id)
}

/// An aim's cases: how many serve it (for anyone who may read the plan) and a page of
/// those the caller may see. The read is audited.
pub(crate) async fn aim_cases(
    state: &AppState,
    current: &CurrentUser,
    year: FinancialYear,
    aim_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Aim, u64, casework_store::people::Page<AimCase>), AppError> {
    let actor = current.actor();
    may_read(&actor)?;
    let (plan, catalogue) = plan_and_catalogue(state, year).await?;
    let aim = aim(&plan, aim_id).cloned().ok_or(AppError::NotFound)?;
    let settings = state.store.settings().await?;
    let ids = state
        .store
        .aim_case_ids(&catalogue, &aim.key, aim.id, &settings, today())
        .await?;
    let serving = ids.len() as u64;
    let visible = state
        .store
        .visible_aim_cases(&actor, &ids, page, per_page)
        .await?;
    let mut event = current
        .event(AuditAction::Search)
        .entity("plan-aim", aim.id);
    event.query = Some(format!("cases serving aim {} ({})", aim.key, plan.year));
    event.result_count = i64::try_from(visible.total).ok();
    state.audit.record(event).await?;
    Ok((aim, serving, visible))
}

// ---- JSON ----

#[derive(Deserialize, IntoParams)]
pub(crate) struct ReportQuery {
    /// `Q1` to `Q4`; the current quarter when left out.
    pub quarter: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ReportJson {
    year: String,
    quarter: String,
    /// Per cent either side of the baseline that counts as no change.
    tolerance_percent: i64,
    /// One row per measure and district (`allerdale`, `copeland`, `all`) for the
    /// quarter.
    measures: Vec<MeasureJson>,
    actions: Vec<ActionJson>,
}

#[derive(Serialize, ToSchema)]
struct MeasureJson {
    aim_id: Uuid,
    aim: String,
    measure: String,
    name: String,
    unit: String,
    /// `reduce` or `increase`.
    direction: String,
    /// The computation, or `entered`.
    source: String,
    district: String,
    actual: Option<f64>,
    baseline: Option<f64>,
    change: Option<f64>,
    change_percent: Option<f64>,
    /// `improving`, `no-change`, `worsening` or `not-available`.
    status: String,
    /// A figure that may still change (a re-offending window not yet closed, a
    /// police.uk month of the quarter not yet imported).
    provisional: bool,
    /// False for a measure whose module Casework does not have yet.
    computed_yet: bool,
}

#[derive(Serialize, ToSchema)]
struct ActionJson {
    id: Uuid,
    aim_id: Uuid,
    text: String,
    agencies: Vec<String>,
    review_date: Option<NaiveDate>,
    /// `not-started`, `in-progress`, `complete` or `stopped`.
    status: String,
    overdue: bool,
    latest_note: Option<String>,
}

fn report_json(report: &Report) -> ReportJson {
    let mut measures = Vec::new();
    let mut actions = Vec::new();
    for p in &report.priorities {
        for a in &p.aims {
            for m in &a.measures {
                for r in m.rows.iter().filter(|r| r.quarter == report.quarter) {
                    measures.push(MeasureJson {
                        aim_id: a.id,
                        aim: a.key.clone(),
                        measure: m.key.clone(),
                        name: m.name.clone(),
                        unit: m.unit.as_str().into(),
                        direction: m.direction.as_str().into(),
                        source: m.source.as_str().into(),
                        district: r.district.clone(),
                        actual: r.actual,
                        baseline: r.baseline,
                        change: r.change,
                        change_percent: r.change_percent,
                        status: r.status.as_str().into(),
                        provisional: r.provisional,
                        computed_yet: m.computed_yet,
                    });
                }
            }
            for x in &a.actions {
                actions.push(ActionJson {
                    id: x.id,
                    aim_id: a.id,
                    text: x.text.clone(),
                    agencies: x.agencies.clone(),
                    review_date: x.review_date,
                    status: x.status.as_str().into(),
                    overdue: x.overdue,
                    latest_note: x.latest.as_ref().map(|u| u.note.clone()),
                });
            }
        }
    }
    ReportJson {
        year: report.year.clone(),
        quarter: format!("{:?}", report.quarter),
        tolerance_percent: report.tolerance_percent,
        measures,
        actions,
    }
}

/// The quarterly report of a plan year: every measure per district and for West
/// Cumbria against its baseline, and the plan's actions. Counts only.
#[utoipa::path(get, path = "/plan/{year}/report", tag = "plan", params(
        ("year" = String, Path, description = "Plan year, e.g. `2012-13`"), ReportQuery),
    responses((status = 200, body = ReportJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub(crate) async fn report_api(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(year): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Json<ReportJson>, AppError> {
    may_read(&current.actor())?;
    let year = year_of(&year)?;
    let quarter = quarter_of(year, q.quarter.as_deref())?;
    let report = report(&state, year, quarter).await?;
    Ok(Json(report_json(&report)))
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
struct AimCaseJson {
    case_id: Uuid,
    reference: String,
    kind: String,
    ward: String,
    status: String,
    /// Why the case serves the aim.
    reasons: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AimCasesJson {
    aim_id: Uuid,
    aim: String,
    /// Every case serving the aim, whoever may see them.
    serving: u64,
    /// The cases you may see, this page of them.
    items: Vec<AimCaseJson>,
    /// How many of them you may see.
    total: u64,
}

/// The cases that serve an aim, by the plan's rules and by hand: how many there are,
/// and those you may see.
#[utoipa::path(get, path = "/plan/{year}/aims/{id}/cases", tag = "plan", params(
        ("year" = String, Path, description = "Plan year, e.g. `2012-13`"),
        ("id" = Uuid, Path, description = "The aim's id"), PageQuery),
    responses((status = 200, body = AimCasesJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub(crate) async fn aim_cases_api(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id)): Path<(String, Uuid)>,
    Query(q): Query<PageQuery>,
) -> Result<Json<AimCasesJson>, AppError> {
    let year = year_of(&year)?;
    let (aim, serving, page) = aim_cases(
        &state,
        &current,
        year,
        id,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(25),
    )
    .await?;
    Ok(Json(AimCasesJson {
        aim_id: aim.id,
        aim: aim.key,
        serving,
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|c| AimCaseJson {
                case_id: c.case_id,
                reference: c.reference,
                kind: c.kind,
                ward: c.ward,
                status: c.status,
                reasons: c.reasons,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema, Default)]
pub(crate) struct FigureInput {
    /// `Q1` to `Q4`.
    pub quarter: Option<String>,
    /// `allerdale`, `copeland`, or `all` (the default) for West Cumbria.
    pub district: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub value: Option<serde_json::Value>,
    /// Where the figure comes from, e.g. "CRASH group data".
    pub source: Option<String>,
}

impl FigureInput {
    /// The value as text, whether it came as a JSON number or a form's string.
    fn value_text(&self) -> String {
        match &self.value {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FigureJson {
    id: Uuid,
    measure: String,
    quarter: String,
    district: String,
    value: f64,
    source: String,
    /// Whether it replaced a figure entered before (the old one is in the audit log).
    replaced: bool,
}

/// Enters a quarter's figure for an entered measure (KSI casualties, credit-union
/// activity). Replaces the figure for the same quarter and district; audited.
#[utoipa::path(post, path = "/plan/{year}/measures/{id}/figures", tag = "plan", params(
        ("year" = String, Path, description = "Plan year, e.g. `2012-13`"),
        ("id" = String, Path, description = "The measure's key, e.g. `ksi-casualties`")),
    request_body = FigureInput,
    responses((status = 201, body = FigureJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub(crate) async fn figures_api(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, key)): Path<(String, String)>,
    JsonBody(input): JsonBody<FigureInput>,
) -> Result<(StatusCode, Json<FigureJson>), AppError> {
    let year = year_of(&year)?;
    let (figure, stored) = enter_figure(&state, &current, year, &key, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(FigureJson {
            id: stored.id,
            measure: key,
            quarter: format!("{:?}", figure.quarter),
            district: figure.district,
            value: figure.value,
            source: figure.source,
            replaced: stored.replaced,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ProgressInput {
    /// `not-started`, `in-progress`, `complete` or `stopped`.
    pub status: Option<String>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ProgressJson {
    id: Uuid,
    action_id: Uuid,
    status: String,
    note: String,
}

/// Records progress on one of the plan's actions: by an officer of an owning agency.
#[utoipa::path(post, path = "/plan/{year}/actions/{id}/progress", tag = "plan", params(
        ("year" = String, Path, description = "Plan year, e.g. `2012-13`"),
        ("id" = Uuid, Path, description = "The action's id")),
    request_body = ProgressInput,
    responses((status = 201, body = ProgressJson), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub(crate) async fn progress_api(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id)): Path<(String, Uuid)>,
    JsonBody(input): JsonBody<ProgressInput>,
) -> Result<(StatusCode, Json<ProgressJson>), AppError> {
    let year = year_of(&year)?;
    let status = input.status.unwrap_or_default();
    let note = input.note.unwrap_or_default();
    let update = record_progress(&state, &current, year, id, &status, &note).await?;
    Ok((
        StatusCode::CREATED,
        Json(ProgressJson {
            id: update,
            action_id: id,
            status: status.trim().to_string(),
            note: note.trim().to_string(),
        }),
    ))
}
