//! Sign in, sign out, and change your password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use casework_domain::FieldError;
use casework_domain::password::check_new_password;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use super::actor::{RequestMeta, SIGNED_IN_AT_KEY, safe_next};
use super::bootstrap::demo_password;
use super::passwords::{hash_password, verify_password};
use super::session_store::USER_ID_KEY;
use super::sign_in::check_credentials;
use super::{CurrentUser, csrf};
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", axum::routing::post(sign_out))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    next: String,
    username: String,
    error: Option<String>,
    demo_password: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn sign_in_page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<NextQuery>,
) -> Result<SignInPage, HtmlError> {
    render_sign_in(
        &state,
        &session,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
    )
    .await
}

async fn render_sign_in(
    state: &AppState,
    session: &Session,
    next: String,
    username: String,
    error: Option<String>,
) -> Result<SignInPage, HtmlError> {
    let token = csrf::token(session)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let demo_password = if state.config.demo {
        demo_password(&state.store).await?
    } else {
        None
    };
    Ok(SignInPage {
        chrome: Chrome::anonymous(token),
        next,
        username,
        error,
        demo_password,
    })
}

#[derive(Deserialize)]
struct SignInForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    meta: RequestMeta,
    Form(form): Form<SignInForm>,
) -> Result<Response, HtmlError> {
    let next = safe_next(form.next.as_deref());
    match check_credentials(&state, &form.username, &form.password, &meta, "web").await {
        Ok(user) => {
            let failed = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
            // A new id at sign-in: a session id known before it is worth nothing after.
            session.cycle_id().await.map_err(failed)?;
            session.clear().await;
            session.insert(USER_ID_KEY, user.id).await.map_err(failed)?;
            session
                .insert(SIGNED_IN_AT_KEY, Utc::now())
                .await
                .map_err(failed)?;
            csrf::token(&session).await.map_err(failed)?;
            let to = if user.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(err @ (AppError::SignInFailed | AppError::TooManyRequests)) => {
            let status = err.status();
            let page =
                render_sign_in(&state, &session, next, form.username, Some(err.detail())).await?;
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    current: CurrentUser,
    session: Session,
) -> Result<Redirect, HtmlError> {
    state
        .audit
        .record(current.event(casework_audit::AuditAction::SignOut))
        .await?;
    // Flush, not delete: it also clears the data, so nothing saves the session again.
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/sign-in"))
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    chrome: Chrome,
    must_change: bool,
    errors: Vec<FieldError>,
}

async fn password_page(current: CurrentUser) -> PasswordPage {
    PasswordPage {
        chrome: Chrome::for_user(&current),
        must_change: current.user.must_change_password,
        errors: Vec::new(),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, HtmlError> {
    let mut errors = Vec::new();
    let user = &current.user;
    if !verify_password(
        form.current_password.clone(),
        Some(user.password_hash.clone()),
    )
    .await
    {
        errors.push(FieldError::new(
            "current_password",
            "That is not your current password.",
        ));
    }
    if let Err(e) = check_new_password(
        &form.new_password,
        &[user.username.as_str(), user.display_name.as_str()],
    ) {
        errors.push(FieldError::new("new_password", e.message));
    } else if form.new_password == form.current_password {
        errors.push(FieldError::new(
            "new_password",
            "Choose a password you have not used here.",
        ));
    }
    if form.new_password != form.confirm_password {
        errors.push(FieldError::new(
            "confirm_password",
            "The two new passwords are not the same.",
        ));
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            chrome: Chrome::for_user(&current),
            must_change: user.must_change_password,
            errors,
        };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(form.new_password).await?;
    let session = current
        .session
        .as_ref()
        .ok_or_else(|| AppError::Internal("page request without a session".into()))?;
    // Every session of this user ends, on every server; this one carries on under a
    // new id, stored when the response goes out.
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let txn = state.store.begin_write().await?;
    state.store.set_password(&txn, user.id, hash, false).await?;
    let event = current
        .event(casework_audit::AuditAction::AccountChange)
        .entity("user", user.id)
        .summary(serde_json::json!({"password": "changed by the user"}));
    crate::audit::commit_with(txn, vec![event]).await?;
    Ok(Redirect::to("/").into_response())
}
