//! The JSON API's root: every area's API routes, and the OpenAPI document generated
//! from them, so the document cannot drift from the code.

use std::sync::Arc;

use axum::routing::{any, get};
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{AppError, AppState};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Casework API",
        description = "Case management for a Community Safety Partnership. See docs/api.md."
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Declares the bearer token scheme that `POST /api/v1/auth/token` hands out.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every area's API routes under `/api/v1`, collecting their OpenAPI paths.
pub fn router() -> OpenApiRouter<AppState> {
    let areas = OpenApiRouter::new()
        .merge(crate::plan::api())
        .merge(crate::reference::api())
        .merge(crate::auth::api::api())
        .merge(crate::people::api())
        .merge(crate::open_data::api())
        .merge(crate::cases::api())
        .merge(crate::asb::api())
        .merge(crate::dv::api())
        .merge(crate::iom::api())
        .merge(crate::lmaps::api())
        .merge(crate::actions::api())
        .merge(crate::referrals::api())
        .merge(crate::prevent_deter::api());
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", areas)
}

/// The OpenAPI document itself, and problem+json for unknown API paths.
pub fn extra_routes(doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    let doc = Arc::new(doc);
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/api/v1", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
}

async fn not_found() -> AppError {
    AppError::NotFound
}
