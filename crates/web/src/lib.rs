//! The web face of Casework: server-rendered pages that work without JavaScript, and
//! the JSON API under `/api/v1` with its OpenAPI document. Every route is grouped by
//! area (`plan`, `reference`, `auth`, `admin`, ...) and merged here.

mod actions;
mod admin;
mod api;
mod asb;
mod audit;
mod audit_log;
pub mod auth;
mod cases;
mod chrome;
mod dv;
mod error;
mod health;
mod iom;
mod layers;
mod lmaps;
mod open_data;
mod pages;
mod people;
mod plan;
mod prevent_deter;
mod reference;
mod referrals;
mod static_files;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware::from_fn_with_state;
use casework_domain::settings::Settings;
use casework_store::Store;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use error::{AppError, HtmlError};

/// How this server was started.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Send the session cookie without `Secure`, for plain-HTTP use on one machine.
    pub insecure_cookies: bool,
    /// Demo mode: the sign-in page shows the demo accounts' password.
    pub demo: bool,
}

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
    /// Settings read at start; sessions use them. Sign-in reads the latest itself.
    pub settings: Arc<Settings>,
    pub sign_in_limiter: Arc<auth::rate_limit::RateLimiter>,
    /// Group-committing writer for events that stand alone (reads, searches).
    pub audit: casework_audit::AuditLog,
}

/// Sign-in attempts allowed from one address per minute.
const SIGN_INS_PER_ADDRESS_PER_MINUTE: usize = 30;

impl AppState {
    pub async fn new(store: Store, config: WebConfig) -> Result<Self, AppError> {
        let settings = store.settings().await?;
        Ok(Self {
            audit: casework_audit::AuditLog::start(store.clone()),
            store,
            config,
            settings: Arc::new(settings),
            sign_in_limiter: Arc::new(auth::rate_limit::RateLimiter::new(
                SIGN_INS_PER_ADDRESS_PER_MINUTE,
                Duration::from_secs(60),
            )),
        })
    }
}

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let sessions = SessionManagerLayer::new(auth::session_store::DbSessionStore::new(
        state.store.clone(),
    ))
    .with_name("casework_session")
    .with_http_only(true)
    .with_same_site(SameSite::Strict)
    .with_secure(!state.config.insecure_cookies)
    .with_always_save(true)
    .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
        state.settings.session_idle_minutes,
    )));
    let app = Router::new()
        .merge(health::router())
        .merge(pages::router())
        .merge(auth::pages::router())
        .merge(admin::router())
        .merge(audit_log::router())
        .merge(plan::pages())
        .merge(people::pages())
        .merge(cases::reason::router())
        .merge(open_data::pages())
        .merge(asb::pages())
        .merge(dv::pages())
        .merge(iom::pages())
        .merge(lmaps::pages())
        .merge(actions::pages())
        .merge(referrals::pages())
        .merge(prevent_deter::pages())
        .merge(static_files::router())
        .merge(api_router)
        .merge(api::extra_routes(openapi))
        .fallback(pages::not_found)
        .layer(from_fn_with_state(state.clone(), auth::csrf::verify))
        .layer(sessions)
        .with_state(state);
    layers::apply(app)
}

/// Deletes expired sessions and API tokens every few minutes.
pub fn start_housekeeping(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(300));
        loop {
            every.tick().await;
            if let Err(err) = store.delete_expired_sessions(chrono::Utc::now()).await {
                tracing::warn!(error = %err, "could not delete expired sessions");
            }
        }
    })
}
