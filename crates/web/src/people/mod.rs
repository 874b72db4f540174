//! People: find, record, read and correct the one record each person has. Every
//! search and every read is in the audit log before the answer goes out.

mod api;
mod pages;

use axum::Router;
use casework_domain::access::{self, Actor};
use casework_domain::access_reason::AccessReason;
use casework_store::people::Person;
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The session key holding the reasons given in this session, by record id.
const REASONS_KEY: &str = "access_reasons";

/// The reason remembered for this record in this session, if one was given.
pub async fn remembered_reason(session: &Session, id: Uuid) -> Option<String> {
    let reasons: std::collections::HashMap<String, String> = session
        .get(REASONS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    reasons.get(&id.to_string()).cloned()
}

pub async fn remember_reason(
    session: &Session,
    id: Uuid,
    reason: &AccessReason,
) -> Result<(), AppError> {
    let mut reasons: std::collections::HashMap<String, String> = session
        .get(REASONS_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    reasons.insert(id.to_string(), reason.as_text());
    session
        .insert(REASONS_KEY, reasons)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Loads a person the actor may look up, or answers as if there were none.
pub async fn find_person(state: &AppState, actor: &Actor, id: Uuid) -> Result<Person, AppError> {
    if !access::may_find_people(actor) {
        return Err(AppError::NotFound);
    }
    state.store.person(id).await?.ok_or(AppError::NotFound)
}

/// For a form that opens a case for a person given by id as typed: the person, if the
/// actor may find them, and the ward to offer (the one typed, else the person's).
pub async fn person_and_ward(
    state: &AppState,
    actor: &Actor,
    person_id: &str,
    ward: String,
) -> (Option<Person>, String) {
    let person = match Uuid::parse_str(person_id.trim()) {
        Ok(id) => find_person(state, actor, id).await.ok(),
        Err(_) => None,
    };
    let ward = if ward.is_empty() {
        person
            .as_ref()
            .and_then(|p| p.ward.clone())
            .unwrap_or_default()
    } else {
        ward
    };
    (person, ward)
}
