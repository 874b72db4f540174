//! API tokens: exchange a username and password for a bearer token, and revoke it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::CurrentUser;
use super::actor::{RequestMeta, token_hash};
use super::sign_in::check_credentials;
use crate::{AppError, AppState};

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_token, revoke_token))
}

#[derive(Deserialize, ToSchema)]
struct TokenRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
struct TokenResponse {
    token: String,
    expires_at: DateTime<Utc>,
}

/// Exchange a username and password for a bearer token. Same rules and lockout as
/// signing in on the web.
#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::error::Problem),
              (status = 429, body = crate::error::Problem)))]
async fn create_token(
    State(state): State<AppState>,
    meta: RequestMeta,
    Json(request): Json<TokenRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let user =
        match check_credentials(&state, &request.username, &request.password, &meta, "api").await {
            Ok(user) => user,
            Err(AppError::SignInFailed) => return Err(AppError::Unauthorized),
            Err(other) => return Err(other),
        };
    if user.must_change_password {
        return Err(AppError::Forbidden(
            "Change your password on the web before using the API.".into(),
        ));
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let settings = state.store.settings().await?;
    let expires_at = Utc::now() + Duration::hours(settings.api_token_hours);
    state
        .store
        .create_api_token(user.id, token_hash(&token), expires_at)
        .await?;
    Ok(Json(TokenResponse { token, expires_at }))
}

/// Revoke the token this request carries.
#[utoipa::path(delete, path = "/auth/token", tag = "auth",
    responses((status = 204), (status = 401, body = crate::error::Problem)))]
async fn revoke_token(
    State(state): State<AppState>,
    _current: CurrentUser,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, AppError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(AppError::Unauthorized)?;
    state
        .store
        .revoke_api_token(&token_hash(token.trim()))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
