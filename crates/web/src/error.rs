//! One way to fail. Errors become RFC 9457 problem documents on the API and a plain
//! page in the browser; both are decided here and nowhere else.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use casework_domain::FieldError;
use casework_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not signed in")]
    Unauthorized,
    #[error("sign-in failed")]
    SignInFailed,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("a reason for access is required")]
    ReasonRequired,
    #[error("too many requests")]
    TooManyRequests,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Fields(fields) => AppError::Invalid(fields),
            StoreError::Invalid(message) => AppError::BadRequest(message),
            StoreError::Conflict(message) => AppError::Conflict(message),
            other => AppError::Internal(other.to_string()),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<FieldError>,
}

impl AppError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized | AppError::SignInFailed => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::ReasonRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the person asking may be told. Internal causes go to the log only.
    pub(crate) fn detail(&self) -> String {
        match self {
            AppError::NotFound => "There is no such record.".into(),
            AppError::Unauthorized => "Sign in, or send a valid API token.".into(),
            AppError::SignInFailed => "The username or password is not right, or the account \
                is locked for a while after too many attempts. Try again, or ask your administrator."
                .into(),
            AppError::Forbidden(message) | AppError::Conflict(message) => message.clone(),
            AppError::ReasonRequired => "Say why you are opening this record: send the reason \
                in the X-Access-Reason header."
                .into(),
            AppError::TooManyRequests => "Too many attempts from this address. Wait a minute \
                and try again."
                .into(),
            AppError::BadRequest(message) => message.clone(),
            AppError::Invalid(fields) => fields
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            AppError::Internal(_) => {
                "Something went wrong on our side. The error has been logged.".into()
            }
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        if let AppError::Internal(cause) = self {
            tracing::error!(%cause, "request failed");
        }
        Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match self {
                AppError::Invalid(fields) => fields.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (
            self.status(),
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if matches!(self, AppError::Unauthorized | AppError::SignInFailed) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// The same errors, for people in a browser.
#[derive(Debug)]
pub struct HtmlError(pub AppError);

impl<E: Into<AppError>> From<E> for HtmlError {
    fn from(err: E) -> Self {
        HtmlError(err.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: crate::chrome::Chrome,
    title: String,
    detail: String,
    errors: Vec<FieldError>,
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        let problem = self.0.problem();
        let page = ErrorPage {
            chrome: crate::chrome::Chrome::anonymous(String::new()),
            title: problem.title,
            detail: problem.detail,
            errors: problem.errors,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| "Something went wrong.".to_string());
        (self.0.status(), Html(body)).into_response()
    }
}
