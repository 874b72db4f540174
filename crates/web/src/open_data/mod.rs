//! Open data: police.uk street-level crime imported by analysts, counted per LSOA and
//! drawn as a hotspot map of West Cumbria. Counts only: no personal data is held.

mod api;
mod map;
mod pages;

use axum::Router;
use casework_domain::FieldError;
use casework_domain::open_data::{self, DEFAULT_CRIME_TYPE, format_month, parse_month};
use casework_store::open_data::ImportCheck;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// Largest police.uk file taken over the web (a force's month is about 1 MB; a
/// year of a large force fits). Bigger files go in with `casework import police-uk`.
const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Longest period the counts cover, in months.
const MAX_MONTHS: i32 = 120;

/// The filters of the counts and the map, as given.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct CountsFilter {
    /// First month, `YYYY-MM`; the newest month imported when left out.
    pub from: Option<String>,
    /// Last month, `YYYY-MM`; the same as `from` when left out.
    pub to: Option<String>,
    /// District code (`allerdale`, `copeland`); both when left out.
    pub district: Option<String>,
    /// police.uk crime type; `Anti-social behaviour` when left out.
    pub crime_type: Option<String>,
}

/// The filters, checked: a period of whole months, and the one before it.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub district: Option<String>,
    pub crime_type: String,
}

impl CountsFilter {
    /// The period asked for; `None` when none was given and nothing is imported yet.
    pub async fn period(&self, state: &AppState) -> Result<Option<Period>, AppError> {
        let given = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let mut errors = Vec::new();
        let month = |field: &str, text: Option<String>, errors: &mut Vec<FieldError>| {
            text.and_then(|t| {
                let parsed = parse_month(&t);
                if parsed.is_none() {
                    errors.push(FieldError::new(field, "Give a month as YYYY-MM."));
                }
                parsed
            })
        };
        let from = month("from", given(&self.from), &mut errors);
        let to = month("to", given(&self.to), &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let from = match from.or(to) {
            Some(from) => from,
            None => match state.store.police_uk_latest_month().await? {
                Some(latest) => latest,
                None => return Ok(None),
            },
        };
        let to = to.unwrap_or(from);
        let months = open_data::months_between(from, to);
        if months < 0 {
            return Err(AppError::Invalid(vec![FieldError::new(
                "to",
                "The last month cannot be before the first.",
            )]));
        }
        if months >= MAX_MONTHS {
            return Err(AppError::Invalid(vec![FieldError::new(
                "to",
                format!("Ask for at most {MAX_MONTHS} months."),
            )]));
        }
        let (previous_from, previous_to) = open_data::previous_period(from, to);
        Ok(Some(Period {
            from,
            to,
            previous_from,
            previous_to,
            district: given(&self.district),
            crime_type: given(&self.crime_type).unwrap_or_else(|| DEFAULT_CRIME_TYPE.into()),
        }))
    }
}

/// What an import did, or why it did nothing.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJson {
    /// Months in the file, `YYYY-MM`.
    pub months: Vec<String>,
    pub rows_read: u64,
    /// Rows in the partnership's districts, stored.
    pub rows_kept: u64,
    pub rows_without_location: u64,
    /// Bad lines (line 1 is the header); when there are any, nothing was imported.
    pub errors: Vec<LineError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

impl ImportJson {
    fn of(check: &ImportCheck) -> Self {
        ImportJson {
            months: check.months().into_iter().map(format_month).collect(),
            rows_read: check.rows_read,
            rows_kept: check.rows_kept,
            rows_without_location: check.rows_without_location,
            errors: check
                .errors
                .iter()
                .map(|e| LineError {
                    line: e.line,
                    message: e.message.clone(),
                })
                .collect(),
        }
    }
}

/// Checks a police.uk file held in memory and, when every line is good, imports it
/// with its audit event in one transaction.
pub async fn import(
    state: &AppState,
    current: &crate::auth::CurrentUser,
    body: axum::body::Bytes,
) -> Result<ImportJson, AppError> {
    let prefixes = open_data::DEFAULT_DISTRICT_PREFIXES;
    let checked = body.clone();
    let check = tokio::task::spawn_blocking(move || {
        casework_store::open_data::check_police_uk(&checked[..], &prefixes)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let json = ImportJson::of(&check);
    if !check.is_clean() {
        return Ok(json);
    }
    let txn = state.store.begin_write().await?;
    state
        .store
        .import_police_uk(&txn, &body[..], &prefixes, &check, &current.user.username)
        .await?;
    let event = current
        .event(casework_audit::AuditAction::Create)
        .entity("police-uk-import", json.months.join(","))
        .summary(serde_json::json!({
            "months": json.months,
            "rows_read": json.rows_read,
            "rows_kept": json.rows_kept,
            "rows_without_location": json.rows_without_location,
        }));
    crate::audit::commit_with(txn, vec![event]).await?;
    Ok(json)
}
