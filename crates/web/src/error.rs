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
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Fields(fields) => AppError::Invalid(fields),
            StoreError::Invalid(message) => AppError::BadRequest(message),
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
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the person asking may be told. Internal causes go to the log only.
    fn detail(&self) -> String {
        match self {
            AppError::NotFound => "There is no such record.".into(),
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
        (
            self.status(),
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
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
    title: String,
    detail: String,
    errors: Vec<FieldError>,
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        let problem = self.0.problem();
        let page = ErrorPage {
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
