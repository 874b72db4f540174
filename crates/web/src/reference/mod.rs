//! Reference data over the API: agencies and wards, by code.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(agencies))
        .routes(routes!(wards))
}

#[derive(Serialize, ToSchema)]
struct AgencyJson {
    code: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
struct WardJson {
    code: String,
    name: String,
    district: String,
}

/// The partnership's agencies.
#[utoipa::path(get, path = "/agencies", tag = "reference",
    responses((status = 200, body = Vec<AgencyJson>)))]
async fn agencies(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<Vec<AgencyJson>>, AppError> {
    let agencies = state.store.agencies().await?;
    Ok(Json(
        agencies
            .into_iter()
            .map(|a| AgencyJson {
                code: a.code,
                name: a.name,
            })
            .collect(),
    ))
}

/// The wards the partnership works in, with their district.
#[utoipa::path(get, path = "/wards", tag = "reference",
    responses((status = 200, body = Vec<WardJson>)))]
async fn wards(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<Vec<WardJson>>, AppError> {
    let wards = state.store.wards().await?;
    Ok(Json(
        wards
            .into_iter()
            .map(|w| WardJson {
                code: w.code,
                name: w.name,
                district: w.district,
            })
            .collect(),
    ))
}
