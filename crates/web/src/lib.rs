//! The web face of Casework: server-rendered pages that work without JavaScript, and
//! the JSON API under `/api/v1` with its OpenAPI document. Every route is grouped by
//! area (`plan`, `reference`, ...) and merged here.

mod api;
mod error;
mod health;
mod layers;
mod pages;
mod plan;
mod reference;
mod static_files;

use axum::Router;
use casework_store::Store;

pub use error::{AppError, HtmlError};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let app = Router::new()
        .merge(health::router())
        .merge(pages::router())
        .merge(plan::pages())
        .merge(static_files::router())
        .merge(api_router)
        .merge(api::extra_routes(openapi))
        .fallback(pages::not_found)
        .with_state(state);
    layers::apply(app)
}
