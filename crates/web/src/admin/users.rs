//! Administrators create, edit, disable and re-enable users.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_domain::FieldError;
use casework_domain::roles::Role;
use casework_store::reference::Agency;
use casework_store::users::{NewUser, User, UserChanges};
use uuid::Uuid;

use casework_audit::{AuditAction, changes as changes_of};
use serde_json::json;

use super::require_admin;
use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::auth::passwords::{hash_password, random_password};
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(edit_form).post(update))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<User>,
    created: Option<(String, String)>,
}

async fn list(State(state): State<AppState>, current: CurrentUser) -> Result<UsersPage, HtmlError> {
    require_admin(&current)?;
    Ok(UsersPage {
        chrome: Chrome::for_user(&current),
        users: state.store.users().await?,
        created: None,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user_form.html")]
struct UserForm {
    chrome: Chrome,
    /// `None` when creating.
    user_id: Option<Uuid>,
    username: String,
    display_name: String,
    agency: String,
    roles: BTreeSet<Role>,
    disabled: bool,
    agencies: Vec<Agency>,
    all_roles: Vec<Role>,
    errors: Vec<FieldError>,
}

impl UserForm {
    fn has_role(&self, role: &Role) -> bool {
        self.roles.contains(role)
    }
}

async fn form_page(
    state: &AppState,
    current: &CurrentUser,
    user: Option<&User>,
    errors: Vec<FieldError>,
) -> Result<UserForm, HtmlError> {
    Ok(UserForm {
        chrome: Chrome::for_user(current),
        user_id: user.map(|u| u.id),
        username: user.map(|u| u.username.clone()).unwrap_or_default(),
        display_name: user.map(|u| u.display_name.clone()).unwrap_or_default(),
        agency: user.map(|u| u.agency.clone()).unwrap_or_default(),
        roles: user.map(|u| u.roles.clone()).unwrap_or_default(),
        disabled: user.is_some_and(|u| u.disabled),
        agencies: state.store.agencies().await?,
        all_roles: Role::ALL.to_vec(),
        errors,
    })
}

async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<UserForm, HtmlError> {
    require_admin(&current)?;
    form_page(&state, &current, None, Vec::new()).await
}

/// The user form as posted: roles arrive as repeated `role` fields.
struct PostedUser {
    username: String,
    display_name: String,
    agency: String,
    roles: BTreeSet<Role>,
}

fn parse_form(raw: &[(String, String)]) -> PostedUser {
    let value = |name: &str| {
        raw.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    PostedUser {
        username: value("username"),
        display_name: value("display_name"),
        agency: value("agency"),
        roles: raw
            .iter()
            .filter(|(k, _)| k == "role")
            .filter_map(|(_, v)| Role::parse(v))
            .collect(),
    }
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    require_admin(&current)?;
    let posted = parse_form(&raw);
    let password = random_password();
    let new = NewUser {
        username: posted.username.clone(),
        display_name: posted.display_name.clone(),
        agency: posted.agency.clone(),
        roles: posted.roles.clone(),
        password_hash: hash_password(password.clone()).await?,
        must_change_password: true,
    };
    let txn = state.store.begin_write().await?;
    match state.store.create_user(&txn, new).await {
        Ok(user) => {
            let event = current
                .event(AuditAction::Create)
                .entity("user", user.id)
                .summary(json!({
                    "username": user.username,
                    "agency": user.agency,
                    "roles": user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                }));
            commit_with(txn, vec![event]).await?;
            Ok(UsersPage {
                chrome: Chrome::for_user(&current),
                users: state.store.users().await?,
                created: Some((user.username, password)),
            }
            .into_response())
        }
        Err(casework_store::StoreError::Fields(errors)) => {
            let mut page = form_page(&state, &current, None, errors).await?;
            page.username = posted.username;
            page.display_name = posted.display_name;
            page.agency = posted.agency;
            page.roles = posted.roles;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<UserForm, HtmlError> {
    require_admin(&current)?;
    let user = state
        .store
        .user_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    form_page(&state, &current, Some(&user), Vec::new()).await
}

async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    require_admin(&current)?;
    let user = state
        .store
        .user_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let posted = parse_form(&raw);
    let changes = UserChanges {
        display_name: posted.display_name.clone(),
        agency: posted.agency.clone(),
        roles: posted.roles.clone(),
    };
    let txn = state.store.begin_write().await?;
    match state.store.update_user(&txn, id, changes).await {
        Ok(before) => {
            let roles =
                |r: &BTreeSet<Role>| json!(r.iter().map(|r| r.as_str()).collect::<Vec<_>>());
            let event = current
                .event(AuditAction::AccountChange)
                .entity("user", id)
                .summary(changes_of(&[
                    (
                        "display_name",
                        json!(before.display_name),
                        json!(posted.display_name),
                    ),
                    ("agency", json!(before.agency), json!(posted.agency)),
                    ("roles", roles(&before.roles), roles(&posted.roles)),
                ]));
            commit_with(txn, vec![event]).await?;
            Ok(Redirect::to("/admin/users").into_response())
        }
        Err(casework_store::StoreError::Fields(errors)) => {
            let mut page = form_page(&state, &current, Some(&user), errors).await?;
            page.display_name = posted.display_name;
            page.agency = posted.agency;
            page.roles = posted.roles;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn disable(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Redirect, HtmlError> {
    require_admin(&current)?;
    if id == current.user.id {
        return Err(AppError::Forbidden("You cannot disable your own account.".into()).into());
    }
    set_disabled(&state, &current, id, true).await
}

async fn enable(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Redirect, HtmlError> {
    require_admin(&current)?;
    set_disabled(&state, &current, id, false).await
}

/// Disables or re-enables an account, with its audit event, in one transaction.
async fn set_disabled(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    disabled: bool,
) -> Result<Redirect, HtmlError> {
    let txn = state.store.begin_write().await?;
    state.store.set_user_disabled(&txn, id, disabled).await?;
    let event = current
        .event(AuditAction::AccountChange)
        .entity("user", id)
        .summary(changes_of(&[(
            "disabled",
            json!(!disabled),
            json!(disabled),
        )]));
    commit_with(txn, vec![event]).await?;
    Ok(Redirect::to("/admin/users"))
}
