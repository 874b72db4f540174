//! The measures page: counts only, for everyone who may see counts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use casework_domain::FieldError;
use casework_domain::calendar::{FinancialYear, uk_date, uk_day};
use casework_domain::dv::DvMeasures;
use casework_store::reference::District;
use chrono::Utc;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

#[derive(Template, WebTemplate)]
#[template(path = "dv/measures.html")]
pub(super) struct MeasuresPage {
    chrome: Chrome,
    from: String,
    to: String,
    period: String,
    columns: Vec<String>,
    rows: Vec<MeasureRow>,
    errors: Vec<FieldError>,
}

struct MeasureRow {
    name: &'static str,
    cells: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct MeasuresQuery {
    from: Option<String>,
    to: Option<String>,
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "none to count".into())
}

fn measure_rows(columns: &[DvMeasures]) -> Vec<MeasureRow> {
    type Cell = fn(&DvMeasures) -> String;
    let rows: [(&'static str, Cell); 9] = [
        ("DV incidents (calls to service)", |m| {
            m.incidents.to_string()
        }),
        ("Arrests", |m| m.arrests.to_string()),
        ("Arrest rate", |m| percent(m.arrest_rate)),
        ("First-time reporting victims", |m| {
            m.first_time_victims.to_string()
        }),
        ("Incidents with a repeat victim", |m| {
            m.incidents_with_repeat_victim.to_string()
        }),
        ("Repeat victimisation rate", |m| {
            percent(m.repeat_victimisation_rate)
        }),
        ("MARAC referrals", |m| m.marac_referrals.to_string()),
        ("Repeat MARAC referrals", |m| {
            m.repeat_marac_referrals.to_string()
        }),
        ("Repeat MARAC rate", |m| percent(m.repeat_marac_rate)),
    ];
    rows.into_iter()
        .map(|(name, cell)| MeasureRow {
            name,
            cells: columns.iter().map(cell).collect(),
        })
        .collect()
}

pub(super) async fn measures_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<MeasuresQuery>,
) -> Result<Response, HtmlError> {
    crate::dv::may_see_counts(&current.actor())?;
    // The financial year so far, unless a period is asked for.
    let today = uk_day(Utc::now());
    let year = FinancialYear::containing(today);
    let from = query
        .from
        .unwrap_or_else(|| year.first_day().format("%Y-%m-%d").to_string());
    let to = query
        .to
        .unwrap_or_else(|| today.format("%Y-%m-%d").to_string());
    let districts: Vec<District> = state.store.districts().await?;
    let (period, errors) =
        match crate::dv::measures_period(&state, Some(&from), Some(&to), None).await {
            Ok((period, _)) => (Some(period), Vec::new()),
            Err(AppError::Invalid(errors)) => (None, errors),
            Err(e) => return Err(e.into()),
        };
    let mut page = MeasuresPage {
        chrome: Chrome::for_user(&current),
        from,
        to,
        period: String::new(),
        columns: districts.iter().map(|d| d.name.clone()).collect(),
        rows: Vec::new(),
        errors,
    };
    page.columns.push("West Cumbria".into());
    let Some(period) = period else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let found = crate::dv::measures(&state, period).await?;
    let mut columns: Vec<DvMeasures> = districts.iter().map(|d| found.area(&d.code)).collect();
    columns.push(found.overall.clone());
    page.period = format!("{} to {}", uk_date(period.from), uk_date(period.to));
    page.rows = measure_rows(&columns);
    Ok(page.into_response())
}
