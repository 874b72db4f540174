//! `/open-data/map`: the hotspot map with its filters and top-ten table, and
//! `/open-data/import`: uploading a police.uk file.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use casework_domain::access;
use casework_domain::open_data::{DEFAULT_CRIME_TYPE, format_month, may_import_open_data};
use casework_store::open_data::LsoaCount;
use casework_store::reference::District;

use super::map::{self, Map};
use super::{CountsFilter, ImportJson, MAX_UPLOAD_BYTES};
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new().route("/open-data/map", get(map_page)).route(
        "/open-data/import",
        get(import_form)
            .post(import_upload)
            .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

/// Rows of the table beside the map.
const TOP: usize = 10;

#[derive(Template, WebTemplate)]
#[template(path = "open_data/map.html")]
struct MapPage {
    chrome: Chrome,
    may_import: bool,
    from: String,
    to: String,
    district: String,
    crime_type: String,
    districts: Vec<District>,
    crime_types: Vec<String>,
    /// Absent when nothing has been imported yet.
    view: Option<MapView>,
}

struct MapView {
    period: String,
    previous_period: String,
    map: Map,
    top: Vec<LsoaCount>,
    total: i64,
    previous_total: i64,
}

impl MapView {
    fn change(&self) -> String {
        change(self.total, self.previous_total)
    }
}

impl MapPage {
    fn row_change(&self, row: &LsoaCount) -> String {
        change(row.count, row.previous)
    }
}

/// `+12 (25%)`, `-3 (-10%)`, `no change`; no percentage from nothing.
fn change(now: i64, before: i64) -> String {
    let delta = now - before;
    if delta == 0 {
        return "no change".into();
    }
    let sign = if delta > 0 { "+" } else { "" };
    if before == 0 {
        format!("{sign}{delta}")
    } else {
        let percent = (delta as f64) * 100.0 / (before as f64);
        format!("{sign}{delta} ({sign}{percent:.0}%)")
    }
}

/// `March 2016`, or `January 2016 to March 2016`.
fn period_words(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    let month = |d: chrono::NaiveDate| d.format("%B %Y").to_string();
    if from == to {
        month(from)
    } else {
        format!("{} to {}", month(from), month(to))
    }
}

async fn map_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(filter): Query<CountsFilter>,
) -> Result<MapPage, HtmlError> {
    let actor = current.actor();
    if !access::may_see_counts(&actor) {
        return Err(AppError::NotFound.into());
    }
    let period = filter.period(&state).await?;
    let mut crime_types = state.store.police_uk_crime_types().await?;
    if !crime_types.iter().any(|t| t == DEFAULT_CRIME_TYPE) {
        crime_types.insert(0, DEFAULT_CRIME_TYPE.into());
    }
    let mut page = MapPage {
        chrome: Chrome::for_user(&current),
        may_import: may_import_open_data(&actor),
        from: String::new(),
        to: String::new(),
        district: filter.district.clone().unwrap_or_default(),
        crime_type: filter
            .crime_type
            .clone()
            .unwrap_or_else(|| DEFAULT_CRIME_TYPE.into()),
        districts: state.store.districts().await?,
        crime_types,
        view: None,
    };
    let Some(period) = period else {
        return Ok(page);
    };
    let counts = state
        .store
        .police_uk_counts(
            period.from,
            period.to,
            period.district.as_deref(),
            &period.crime_type,
        )
        .await?;
    let lsoas: Vec<_> = state
        .store
        .lsoas()
        .await?
        .into_iter()
        .filter(|l| period.district.as_ref().is_none_or(|d| &l.district == d))
        .collect();
    let by_code: HashMap<&str, &LsoaCount> = counts.iter().map(|c| (c.code.as_str(), c)).collect();
    let drawn = map::draw(&lsoas, &by_code);
    let view = MapView {
        period: period_words(period.from, period.to),
        previous_period: period_words(period.previous_from, period.previous_to),
        map: drawn,
        total: counts.iter().map(|c| c.count).sum(),
        previous_total: counts.iter().map(|c| c.previous).sum(),
        top: counts
            .iter()
            .filter(|c| c.count > 0)
            .take(TOP)
            .cloned()
            .collect(),
    };
    page.from = format_month(period.from);
    page.to = format_month(period.to);
    page.crime_type = period.crime_type;
    page.view = Some(view);
    Ok(page)
}

#[derive(Template, WebTemplate)]
#[template(path = "open_data/import.html")]
struct ImportPage {
    chrome: Chrome,
    result: Option<ImportJson>,
    may_see_counts: bool,
}

async fn import_form(
    State(_): State<AppState>,
    current: CurrentUser,
) -> Result<ImportPage, HtmlError> {
    let actor = current.actor();
    if !may_import_open_data(&actor) {
        return Err(AppError::NotFound.into());
    }
    Ok(ImportPage {
        chrome: Chrome::for_user(&current),
        result: None,
        may_see_counts: access::may_see_counts(&actor),
    })
}

async fn import_upload(
    State(state): State<AppState>,
    current: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    if !may_import_open_data(&actor) {
        return Err(AppError::NotFound.into());
    }
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        if field.name() == Some("file") {
            file =
                Some(field.bytes().await.map_err(|e| {
                    AppError::BadRequest(format!("The upload could not be read: {e}"))
                })?);
        }
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return Err(AppError::BadRequest("Choose a police.uk CSV file to upload.".into()).into());
    };
    let result = super::import(&state, &current, file).await?;
    let status = if result.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        chrome: Chrome::for_user(&current),
        result: Some(result),
        may_see_counts: access::may_see_counts(&actor),
    };
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed_with_a_percentage_when_there_was_a_before() {
        assert_eq!(change(12, 10), "+2 (+20%)");
        assert_eq!(change(5, 10), "-5 (-50%)");
        assert_eq!(change(3, 0), "+3");
        assert_eq!(change(4, 4), "no change");
    }
}
