//! Who is asking. Pages know the user from the session cookie; the API from a bearer
//! token (and never from a cookie, so no cross-site request can use the API).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use casework_domain::access::Actor;
use casework_store::users::User;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tower_sessions::Session;
use uuid::Uuid;

use super::csrf;
use super::session_store::USER_ID_KEY;
use crate::{AppError, AppState, HtmlError};

pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";

/// The signed-in user making this request.
#[derive(Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The form token of the user's session (empty for API requests).
    pub csrf: String,
    pub session: Option<Session>,
    /// The request id, for the audit log.
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

/// Why a request has no user: the API answers 401, pages send people to sign in.
pub enum AuthRejection {
    Api(AppError),
    SignIn(String),
    ChangePassword,
    Page(HtmlError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Api(err) => err.into_response(),
            AuthRejection::SignIn(next) => {
                Redirect::to(&format!("/sign-in?next={}", encode_next(&next))).into_response()
            }
            AuthRejection::ChangePassword => Redirect::to("/account/password").into_response(),
            AuthRejection::Page(err) => err.into_response(),
        }
    }
}

pub fn is_api(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/")
}

/// Only local paths are allowed after sign-in, so the link cannot send anyone away.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn encode_next(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The SHA-256 of an API token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn request_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(crate::layers::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

pub fn client_addr(parts: &Parts) -> Option<String> {
    ClientAddr::of(parts).0.map(|ip| ip.to_string())
}

/// The peer address of the connection, when the server was started with it.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl ClientAddr {
    fn of(parts: &Parts) -> Self {
        ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        )
    }
}

/// Where a request came from, for requests made before anyone is signed in.
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub client_addr: Option<std::net::IpAddr>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestMeta {
            request_id: request_id(parts),
            client_addr: ClientAddr::of(parts).0,
        })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Nested API routers see their path without the prefix: ask for the original.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_string(), |u| u.0.path().to_string());
        let request_id = request_id(parts);
        let client_addr = client_addr(parts);
        if is_api(&path) {
            let unauthorized = || AuthRejection::Api(AppError::Unauthorized);
            let token = bearer(&parts.headers).ok_or_else(unauthorized)?;
            let user = state
                .store
                .user_for_api_token(&token_hash(token), Utc::now())
                .await
                .map_err(|e| AuthRejection::Api(e.into()))?
                .ok_or_else(unauthorized)?;
            return Ok(CurrentUser {
                user,
                csrf: String::new(),
                session: None,
                request_id,
                client_addr,
            });
        }

        let next = path_and_query(parts);
        let sign_in = || AuthRejection::SignIn(next.clone());
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| sign_in())?;
        let failed = |e: tower_sessions::session::Error| {
            AuthRejection::Page(HtmlError(AppError::Internal(e.to_string())))
        };
        let Some(user_id) = session.get::<Uuid>(USER_ID_KEY).await.map_err(failed)? else {
            return Err(sign_in());
        };
        let signed_in_at: Option<DateTime<Utc>> =
            session.get(SIGNED_IN_AT_KEY).await.map_err(failed)?;
        let limit = chrono::Duration::hours(state.settings.session_absolute_hours);
        let too_old = signed_in_at.is_none_or(|at| Utc::now() - at > limit);
        let user = state
            .store
            .user_by_id(user_id)
            .await
            .map_err(|e| AuthRejection::Page(e.into()))?;
        let Some(user) = user.filter(|u| !u.disabled && !too_old) else {
            session.flush().await.map_err(failed)?;
            return Err(sign_in());
        };
        if user.must_change_password && path != "/account/password" && path != "/sign-out" {
            return Err(AuthRejection::ChangePassword);
        }
        let csrf = csrf::token(&session).await.map_err(failed)?;
        Ok(CurrentUser {
            user,
            csrf,
            session: Some(session),
            request_id,
            client_addr,
        })
    }
}

fn path_and_query(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |u| &u.0);
    uri.path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/plan")), "/plan");
        assert_eq!(safe_next(Some("//evil.example/x")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_is_encoded() {
        assert_eq!(encode_next("/plan?x=1&y=2"), "/plan%3Fx%3D1%26y%3D2");
    }
}
