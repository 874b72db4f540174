//! The stylesheet, compiled into the binary so a release needs no files beside it.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const STYLESHEET: &str = include_str!("../static/casework.css");

pub fn router() -> Router<AppState> {
    Router::new().route("/static/casework.css", get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}
