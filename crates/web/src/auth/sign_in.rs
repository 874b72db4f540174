//! The one credential check behind both the sign-in page and `POST /api/v1/auth/token`:
//! same answer and same time for an unknown user, a wrong password, a disabled or a
//! locked account; failures counted towards the lockout.

use std::time::Instant;

use casework_audit::{AuditAction, NewAuditEvent};
use casework_store::users::User;
use chrono::{Duration, Utc};
use serde_json::json;

use super::actor::RequestMeta;
use super::passwords::verify_password;
use crate::{AppError, AppState};

/// Checks a username and password, and records the attempt in the audit log either
/// way (`via` says whether it was the web or the API).
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    meta: &RequestMeta,
    via: &str,
) -> Result<User, AppError> {
    let outcome = check(state, username, password, meta).await;
    let mut event = NewAuditEvent::new(match &outcome {
        Ok(_) => AuditAction::SignIn,
        Err(_) => AuditAction::SignInFailed,
    });
    event.request_id = meta.request_id.clone();
    event.client_addr = meta.client_addr.map(|a| a.to_string());
    match &outcome {
        Ok(user) => {
            event.actor_user_id = Some(user.id);
            event.actor_username = Some(user.username.clone());
            event.actor_agency = Some(user.agency.clone());
            event.summary = json!({"via": via});
        }
        Err(err) => {
            // The name typed, so repeated guessing shows in the log; never the password.
            event.actor_username = Some(username.trim().chars().take(64).collect());
            event.summary = json!({"via": via, "outcome": err.to_string()});
        }
    }
    state.audit.record(event).await?;
    outcome
}

async fn check(
    state: &AppState,
    username: &str,
    password: &str,
    meta: &RequestMeta,
) -> Result<User, AppError> {
    if let Some(addr) = meta.client_addr
        && !state.sign_in_limiter.allow(addr, Instant::now())
    {
        return Err(AppError::TooManyRequests);
    }
    let user = state.store.user_by_username(username.trim()).await?;
    let matched = verify_password(
        password.to_string(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    let Some(user) = user else {
        return Err(AppError::SignInFailed);
    };
    let now = Utc::now();
    if user.disabled || user.is_locked(now) {
        return Err(AppError::SignInFailed);
    }
    if !matched {
        let settings = state.store.settings().await?;
        state
            .store
            .record_failed_sign_in(
                user.id,
                now,
                settings.lockout_failures,
                Duration::minutes(settings.lockout_window_minutes),
                Duration::seconds(settings.lockout_seconds),
            )
            .await?;
        return Err(AppError::SignInFailed);
    }
    state.store.clear_failed_sign_ins(user.id).await?;
    Ok(user)
}
