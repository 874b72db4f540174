//! `/api/v1/imports/police-uk` and `/api/v1/open-data/counts`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use casework_audit::AuditAction;
use casework_domain::access;
use casework_domain::open_data::{format_month, may_import_open_data};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{CountsFilter, ImportJson, MAX_UPLOAD_BYTES};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_police_uk))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .routes(routes!(counts))
}

/// Import a police.uk street-level file (the CSV itself as the body, `text/csv`).
/// Every line is checked first: one bad line and nothing is imported (422, with each
/// bad line and why). Rows outside Allerdale and Copeland are skipped; the months in
/// the file replace any imported before, so the same file twice changes nothing.
/// Analysts and administrators only.
#[utoipa::path(post, path = "/imports/police-uk", tag = "open-data",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportJson), (status = 422, body = ImportJson),
              (status = 403, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn import_police_uk(
    State(state): State<AppState>,
    current: CurrentUser,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportJson>), AppError> {
    if !may_import_open_data(&current.actor()) {
        let event = current
            .event(AuditAction::AccessDenied)
            .entity("police-uk-import", "import");
        state.audit.record(event).await?;
        return Err(AppError::Forbidden(
            "Only analysts and administrators import open data.".into(),
        ));
    }
    let json = super::import(&state, &current, body).await?;
    let status = if json.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(json)))
}

#[derive(Serialize, ToSchema)]
struct CountsJson {
    /// `YYYY-MM`; absent when nothing is imported yet.
    from: Option<String>,
    to: Option<String>,
    /// The period of the same length just before.
    previous_from: Option<String>,
    previous_to: Option<String>,
    district: Option<String>,
    crime_type: String,
    /// LSOAs with any such rows in either period, most first.
    lsoas: Vec<LsoaCountJson>,
}

#[derive(Serialize, ToSchema)]
struct LsoaCountJson {
    code: String,
    name: String,
    district: String,
    count: i64,
    /// The count in the previous period.
    previous: i64,
}

/// Counts of police.uk rows per LSOA for a period (whole months), with the period of
/// the same length before it. Counts only; for every role that may see counts.
#[utoipa::path(get, path = "/open-data/counts", tag = "open-data", params(CountsFilter),
    responses((status = 200, body = CountsJson), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn counts(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(filter): Query<CountsFilter>,
) -> Result<Json<CountsJson>, AppError> {
    if !access::may_see_counts(&current.actor()) {
        return Err(AppError::NotFound);
    }
    let Some(period) = filter.period(&state).await? else {
        return Ok(Json(CountsJson {
            from: None,
            to: None,
            previous_from: None,
            previous_to: None,
            district: filter.district,
            crime_type: filter
                .crime_type
                .unwrap_or_else(|| casework_domain::open_data::DEFAULT_CRIME_TYPE.into()),
            lsoas: Vec::new(),
        }));
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
    Ok(Json(CountsJson {
        from: Some(format_month(period.from)),
        to: Some(format_month(period.to)),
        previous_from: Some(format_month(period.previous_from)),
        previous_to: Some(format_month(period.previous_to)),
        district: period.district,
        crime_type: period.crime_type,
        lsoas: counts
            .into_iter()
            .map(|c| LsoaCountJson {
                code: c.code,
                name: c.name,
                district: c.district,
                count: c.count,
                previous: c.previous,
            })
            .collect(),
    }))
}
