//! Synchronizer tokens: every state-changing form carries the session's token, and a
//! request to change anything without it is refused before any handler runs.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_sessions::Session;

use super::actor::is_api;
use crate::{AppError, AppState, HtmlError};

pub const CSRF_KEY: &str = "csrf";
pub const FORM_FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";
/// Forms are small; uploads that need more send the token in the query string.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The session's form token, made on first use.
pub async fn token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(CSRF_KEY).await? {
        return Ok(token);
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    session.insert(CSRF_KEY, &token).await?;
    Ok(token)
}

/// Refuses unsafe requests to pages whose token is missing or wrong.
pub async fn verify(State(_): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_api(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return refused();
    };
    let expected = match session.get::<String>(CSRF_KEY).await {
        Ok(Some(token)) => token,
        _ => return refused(),
    };
    let (parts, body) = request.into_parts();
    let from_header = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = parts.uri.query().and_then(|q| field(q.as_bytes()));
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let (given, body) = if let Some(token) = from_header.or(from_query) {
        (Some(token), body)
    } else if is_form {
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
        };
        (field(&bytes), Body::from(bytes))
    } else {
        (None, body)
    };
    match given {
        Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => {
            next.run(Request::from_parts(parts, body)).await
        }
        _ => refused(),
    }
}

fn field(encoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(encoded)
        .find(|(k, _)| k == FORM_FIELD)
        .map(|(_, v)| v.into_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn refused() -> Response {
    HtmlError(AppError::Forbidden(
        "This form has expired or did not come from Casework. Go back, reload the page and try again."
            .into(),
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token_among_fields() {
        assert_eq!(
            field(b"a=1&csrf_token=abc%20d&b=2").as_deref(),
            Some("abc d")
        );
        assert_eq!(field(b"a=1").as_deref(), None);
    }

    #[test]
    fn compares_whole_tokens() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
