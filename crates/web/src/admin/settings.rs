//! Administrators change the partnership's settings: every number the domain marks as
//! a setting, checked against its bounds, each change audited.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use casework_audit::{AuditAction, changes};
use casework_domain::FieldError;
use casework_domain::settings::{SettingSpec, Settings};
use serde::Deserialize;
use serde_json::json;

use super::require_admin;
use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/settings", get(page).post(change))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    rows: Vec<(&'static SettingSpec, i64)>,
    errors: Vec<FieldError>,
}

fn rows(settings: &Settings) -> Vec<(&'static SettingSpec, i64)> {
    Settings::SPECS
        .iter()
        .map(|spec| (spec, settings.get(spec.key).unwrap_or(spec.default)))
        .collect()
}

async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<SettingsPage, HtmlError> {
    require_admin(&current)?;
    Ok(SettingsPage {
        chrome: Chrome::for_user(&current),
        rows: rows(&state.store.settings().await?),
        errors: Vec::new(),
    })
}

#[derive(Deserialize)]
struct ChangeForm {
    key: String,
    value: String,
}

async fn change(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<ChangeForm>,
) -> Result<Response, HtmlError> {
    require_admin(&current)?;
    let txn = state.store.begin_write().await?;
    match state.store.set_setting(&txn, &form.key, &form.value).await {
        Ok(old) => {
            let event = current
                .event(AuditAction::Admin)
                .entity("setting", &form.key)
                .summary(changes(&[(
                    form.key.as_str(),
                    json!(old),
                    json!(form.value.trim()),
                )]));
            commit_with(txn, vec![event]).await?;
            Ok(Redirect::to("/admin/settings").into_response())
        }
        Err(casework_store::StoreError::Fields(errors)) => {
            drop(txn);
            let page = SettingsPage {
                chrome: Chrome::for_user(&current),
                rows: rows(&state.store.settings().await?),
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
