//! The plan's report pages: the quarterly report (printable, with a CSV download),
//! an aim's cases, and the forms that enter a figure and record progress on an action.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use casework_domain::FieldError;
use casework_domain::calendar::{Quarter, uk_date};
use casework_domain::plan_measures::{
    ActionStatus, Direction, Source, Status, Unit, may_enter_figure, may_update_action,
};
use casework_store::plan_report::{Report, ReportMeasure};
use serde::Deserialize;
use uuid::Uuid;

use super::report::{
    FigureInput, PageQuery, ReportQuery, aim_cases, enter_figure, may_read, quarter_of,
    record_progress, report, year_of,
};
use super::{chart, links};
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

struct RowView {
    district: String,
    baseline: String,
    actual: String,
    change: String,
    status: Status,
    provisional: bool,
    source_note: Option<String>,
}

struct MeasureView {
    key: String,
    name: String,
    definition: String,
    direction: &'static str,
    unit: &'static str,
    baseline_period: Option<String>,
    entered: bool,
    computed_yet: bool,
    chart: String,
    rows: Vec<RowView>,
}

struct ActionView {
    id: Uuid,
    text: String,
    agencies: String,
    review: String,
    status: &'static str,
    overdue: bool,
    latest: Option<String>,
    may_update: bool,
}

struct AimView {
    id: Uuid,
    key: String,
    title: String,
    baseline_source: Option<String>,
    has_cases: bool,
    may_enter: bool,
    measures: Vec<MeasureView>,
    actions: Vec<ActionView>,
}

struct PriorityView {
    key: String,
    title: String,
    aims: Vec<AimView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan/report.html")]
pub(super) struct ReportPage {
    chrome: Chrome,
    year: String,
    title: String,
    quarter: String,
    quarters: Vec<String>,
    tolerance: i64,
    districts: Vec<(String, String)>,
    priorities: Vec<PriorityView>,
    errors: Vec<FieldError>,
    statuses: Vec<(&'static str, &'static str)>,
}

fn district_label(names: &HashMap<String, String>, code: &str) -> String {
    if code == casework_domain::plan_measures::ALL_DISTRICTS {
        "West Cumbria".into()
    } else {
        names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }
}

fn value(v: Option<f64>, unit: Unit) -> String {
    match v {
        None => "–".into(),
        Some(v) if unit == Unit::Percent => format!("{}%", chart::number(v)),
        Some(v) => chart::number(v),
    }
}

fn change(m: &ReportMeasure, row: &casework_store::plan_report::MeasureRow) -> String {
    match (row.change, row.change_percent) {
        (Some(c), Some(p)) => format!(
            "{}{} ({}{}%)",
            if c > 0.0 { "+" } else { "" },
            value(Some(c), m.unit).trim_end_matches('%'),
            if p > 0.0 { "+" } else { "" },
            chart::number((p * 10.0).round() / 10.0)
        ),
        (Some(c), None) => format!("{}{}", if c > 0.0 { "+" } else { "" }, chart::number(c)),
        _ => "–".into(),
    }
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    year: &str,
    quarter: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<ReportPage, AppError> {
    let actor = current.actor();
    may_read(&actor)?;
    let fy = year_of(year)?;
    let q = quarter_of(fy, quarter)?;
    let report = report(state, fy, q).await?;
    let plan = state.store.plan(fy).await?.ok_or(AppError::NotFound)?;
    let agency_names: HashMap<String, String> = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let district_names: HashMap<String, String> = state
        .store
        .districts()
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let aim_agencies: HashMap<Uuid, Vec<String>> = plan
        .priorities
        .iter()
        .flat_map(|p| p.aims.iter())
        .map(|a| {
            let mut all: Vec<String> = a
                .actions
                .iter()
                .flat_map(|x| x.agencies.iter().cloned())
                .chain(a.partners.iter().cloned())
                .collect();
            all.sort();
            all.dedup();
            (a.id, all)
        })
        .collect();
    let names = |codes: &[String]| {
        if codes.len() > 1 && codes.len() == agency_names.len() {
            return "All agencies".to_string();
        }
        codes
            .iter()
            .map(|c| agency_names.get(c).unwrap_or(c).as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let priorities = report
        .priorities
        .iter()
        .map(|p| PriorityView {
            key: p.key.clone(),
            title: p.title.clone(),
            aims: p
                .aims
                .iter()
                .map(|a| AimView {
                    id: a.id,
                    key: a.key.clone(),
                    title: a.title.clone(),
                    baseline_source: a.baseline_source.clone(),
                    has_cases: a.has_case_rules,
                    may_enter: a.measures.iter().any(|m| m.source == Source::Entered)
                        && may_enter_figure(
                            &actor,
                            aim_agencies
                                .get(&a.id)
                                .map(Vec::as_slice)
                                .unwrap_or_default(),
                        ),
                    measures: a
                        .measures
                        .iter()
                        .map(|m| measure_view(&report, m, &district_names))
                        .collect(),
                    actions: a
                        .actions
                        .iter()
                        .map(|x| ActionView {
                            id: x.id,
                            text: x.text.clone(),
                            agencies: names(&x.agencies),
                            review: x.review_date.map(uk_date).unwrap_or_default(),
                            status: x.status.words(),
                            overdue: x.overdue,
                            latest: x.latest.as_ref().map(|u| {
                                format!(
                                    "{} ({}, {})",
                                    u.note,
                                    agency_names.get(&u.agency).unwrap_or(&u.agency),
                                    uk_date(casework_domain::calendar::uk_day(u.written_at))
                                )
                            }),
                            may_update: may_update_action(&actor, &x.agencies),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(ReportPage {
        chrome: Chrome::for_user(current),
        year: report.year.clone(),
        title: report.title.clone(),
        quarter: format!("{:?}", report.quarter),
        quarters: report.quarters.iter().map(|q| format!("{q:?}")).collect(),
        tolerance: report.tolerance_percent,
        districts: report
            .districts
            .iter()
            .filter(|d| *d != casework_domain::plan_measures::ALL_DISTRICTS)
            .map(|d| (d.clone(), district_label(&district_names, d)))
            .collect(),
        priorities,
        errors,
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.words()))
            .collect(),
    })
}

fn measure_view(
    report: &Report,
    m: &ReportMeasure,
    district_names: &HashMap<String, String>,
) -> MeasureView {
    let all = casework_domain::plan_measures::ALL_DISTRICTS;
    let points: Vec<(String, Option<f64>)> = report
        .quarters
        .iter()
        .map(|q| (format!("{q:?}"), m.row(all, *q).and_then(|r| r.actual)))
        .collect();
    let point_refs: Vec<(&str, Option<f64>)> =
        points.iter().map(|(l, v)| (l.as_str(), *v)).collect();
    let baseline = m.row(all, report.quarter).and_then(|r| r.baseline);
    MeasureView {
        key: m.key.clone(),
        name: m.name.clone(),
        definition: m.definition.clone(),
        direction: match m.direction {
            Direction::Reduce => "lower is better",
            Direction::Increase => "higher is better",
        },
        unit: m.unit.as_str(),
        baseline_period: m.baseline_period.clone(),
        entered: m.is_entered(),
        computed_yet: m.computed_yet,
        chart: chart::bars(
            &point_refs,
            baseline,
            &format!("{} for West Cumbria by quarter", m.name),
        ),
        rows: report
            .districts
            .iter()
            .filter_map(|d| m.row(d, report.quarter))
            .map(|r| RowView {
                district: district_label(district_names, &r.district),
                baseline: value(r.baseline, m.unit),
                actual: value(r.actual, m.unit),
                change: change(m, r),
                status: r.status,
                provisional: r.provisional,
                source_note: r.source_note.clone(),
            })
            .collect(),
    }
}

pub(super) async fn report_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(year): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<ReportPage, HtmlError> {
    Ok(render(&state, &current, &year, q.quarter.as_deref(), Vec::new()).await?)
}

/// One row per measure, district and quarter shown.
pub(super) async fn report_csv(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(year): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, HtmlError> {
    may_read(&current.actor())?;
    let fy = year_of(year.trim_end_matches(".csv"))?;
    let quarter = quarter_of(fy, q.quarter.as_deref())?;
    let report = report(&state, fy, quarter).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(e.to_string());
    writer
        .write_record([
            "year",
            "quarter",
            "priority",
            "aim",
            "measure",
            "name",
            "unit",
            "direction",
            "district",
            "actual",
            "baseline",
            "change",
            "change_percent",
            "status",
            "provisional",
        ])
        .map_err(failed)?;
    let text = |v: Option<f64>| v.map(chart::number).unwrap_or_default();
    for p in &report.priorities {
        for a in &p.aims {
            for m in &a.measures {
                for r in &m.rows {
                    writer
                        .write_record([
                            report.year.as_str(),
                            &format!("{:?}", r.quarter),
                            &p.title,
                            &a.title,
                            &m.key,
                            &m.name,
                            m.unit.as_str(),
                            m.direction.as_str(),
                            &r.district,
                            &text(r.actual),
                            &text(r.baseline),
                            &text(r.change),
                            &text(r.change_percent.map(|c| (c * 10.0).round() / 10.0)),
                            r.status.as_str(),
                            if r.provisional { "yes" } else { "no" },
                        ])
                        .map_err(failed)?;
                }
            }
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"plan-report-{}-{:?}.csv\"",
                    report.year, report.quarter
                ),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub(super) struct FigureForm {
    quarter: Option<String>,
    district: Option<String>,
    value: Option<String>,
    source: Option<String>,
}

pub(super) async fn figure_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, key)): Path<(String, String)>,
    Form(form): Form<FigureForm>,
) -> Result<Response, HtmlError> {
    let fy = year_of(&year)?;
    let input = FigureInput {
        quarter: form.quarter.clone(),
        district: form.district,
        value: form.value.map(serde_json::Value::String),
        source: form.source,
    };
    match enter_figure(&state, &current, fy, &key, &input).await {
        Ok((figure, _)) => Ok(Redirect::to(&format!(
            "/plan/{year}/report?quarter={:?}#{key}",
            figure.quarter
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => Ok(render(
            &state,
            &current,
            &year,
            form.quarter
                .as_deref()
                .filter(|q| Quarter::parse(q).is_some()),
            errors,
        )
        .await?
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct ProgressForm {
    status: Option<String>,
    note: Option<String>,
}

pub(super) async fn progress_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id)): Path<(String, Uuid)>,
    Form(form): Form<ProgressForm>,
) -> Result<Response, HtmlError> {
    let fy = year_of(&year)?;
    match record_progress(
        &state,
        &current,
        fy,
        id,
        form.status.as_deref().unwrap_or_default(),
        form.note.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plan/{year}/report#action-{id}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(render(&state, &current, &year, None, errors)
            .await?
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plan/aim_cases.html")]
pub(super) struct AimCasesPage {
    chrome: Chrome,
    year: String,
    aim_title: String,
    serving: u64,
    total: u64,
    page: u64,
    pages: u64,
    items: Vec<casework_store::plan_report::AimCase>,
    aim_id: Uuid,
    /// The link-by-hand form: its errors and what was typed.
    errors: Vec<FieldError>,
    link: LinkForm,
    /// The cases linked by hand, which get a "Remove" form.
    hand_linked: BTreeSet<Uuid>,
    /// The "Remove" form that failed: its case and the reason typed.
    removal: Option<(Uuid, String)>,
}

impl AimCasesPage {
    fn linked_by_hand(&self, case_id: &Uuid) -> bool {
        self.hand_linked.contains(case_id)
    }

    /// Whether this case's "Remove" form is the one that failed.
    fn removing(&self, case_id: &Uuid) -> bool {
        self.removal.as_ref().is_some_and(|(id, _)| id == case_id)
    }

    fn removal_reason(&self, case_id: &Uuid) -> &str {
        match &self.removal {
            Some((id, reason)) if id == case_id => reason,
            _ => "",
        }
    }
}

pub(super) async fn aim_cases_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id)): Path<(String, Uuid)>,
    Query(q): Query<PageQuery>,
) -> Result<AimCasesPage, HtmlError> {
    let page = q.page.unwrap_or(1).max(1);
    Ok(aim_cases_view(
        &state,
        &current,
        year,
        id,
        page,
        Vec::new(),
        LinkForm::default(),
    )
    .await?)
}

async fn aim_cases_view(
    state: &AppState,
    current: &CurrentUser,
    year: String,
    id: Uuid,
    page: u64,
    errors: Vec<FieldError>,
    link: LinkForm,
) -> Result<AimCasesPage, AppError> {
    let fy = year_of(&year)?;
    let per_page = 25;
    let (aim, serving, list) = aim_cases(state, current, fy, id, page, per_page).await?;
    let hand_linked = state.store.hand_linked_cases(aim.id).await?;
    Ok(AimCasesPage {
        chrome: Chrome::for_user(current),
        year,
        aim_title: aim.title,
        serving,
        total: list.total,
        page,
        pages: list.total.div_ceil(per_page).max(1),
        items: list.items,
        aim_id: aim.id,
        errors,
        link,
        hand_linked,
        removal: None,
    })
}

#[derive(Deserialize, Default)]
pub(super) struct LinkForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    reason: String,
}

/// Links a case, named by its reference, to the aim by hand. A case the officer may
/// not work is answered as one that does not exist (the refusal is audited).
pub(super) async fn link_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id)): Path<(String, Uuid)>,
    Form(form): Form<LinkForm>,
) -> Result<Response, HtmlError> {
    let fy = year_of(&year)?;
    let linked = async {
        let case_id = links::case_by_reference(&state, &form.reference).await?;
        links::link_case(&state, &current, fy, id, case_id, &form.reason)
            .await
            .map_err(|e| match e {
                AppError::NotFound => links::no_such_reference(),
                other => other,
            })
    }
    .await;
    match linked {
        Ok(_) => Ok(Redirect::to(&format!("/plan/{year}/aims/{id}/cases")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok(aim_cases_view(&state, &current, year, id, 1, errors, form)
                .await?
                .into_response())
        }
        Err(AppError::Conflict(message)) => {
            let errors = vec![FieldError::new("reference", message)];
            Ok(aim_cases_view(&state, &current, year, id, 1, errors, form)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct UnlinkForm {
    #[serde(default)]
    reason: String,
}

/// Takes back a case's hand link to the aim, from the "Remove" form beside it. Its
/// errors are named on that form's reason.
pub(super) async fn unlink_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((year, id, case_id)): Path<(String, Uuid, Uuid)>,
    Form(form): Form<UnlinkForm>,
) -> Result<Response, HtmlError> {
    let fy = year_of(&year)?;
    let field = format!("remove-reason-{case_id}");
    let errors = match links::unlink_case(&state, &current, fy, id, case_id, &form.reason).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/plan/{year}/aims/{id}/cases")).into_response());
        }
        Err(AppError::Invalid(errors)) => errors
            .into_iter()
            .map(|e| FieldError::new(field.clone(), e.message))
            .collect(),
        Err(AppError::Conflict(message)) => vec![FieldError::new(field, message)],
        Err(e) => return Err(e.into()),
    };
    let mut page =
        aim_cases_view(&state, &current, year, id, 1, errors, LinkForm::default()).await?;
    page.removal = Some((case_id, form.reason));
    Ok(page.into_response())
}
