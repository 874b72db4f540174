//! `/api/v1/people`: record, search and read people.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use casework_audit::AuditAction;
use casework_domain::access::{self, person_needs_reason};
use casework_domain::access_reason::AccessReason;
use casework_domain::people::{PersonDetails, search_terms};
use casework_store::people::{Creator, Person};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::find_person;
use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_person, search_people))
        .routes(routes!(get_person))
}

#[derive(Deserialize, ToSchema)]
struct NewPerson {
    forename: String,
    surname: String,
    /// `YYYY-MM-DD`
    date_of_birth: Option<String>,
    address: Option<String>,
    /// Ward code, e.g. `harbour`.
    ward: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonJson {
    id: Uuid,
    forename: String,
    surname: String,
    date_of_birth: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    ward: Option<String>,
    /// Flags such as `asb-repeat-victim` or `dv-victim`, as far as the caller may know
    /// them.
    flags: Vec<String>,
}

impl PersonJson {
    fn of(person: Person, with_address: bool) -> Self {
        PersonJson {
            id: person.id,
            forename: person.forename,
            surname: person.surname,
            date_of_birth: person.date_of_birth,
            address: person.address.filter(|_| with_address),
            ward: person.ward,
            flags: Vec::new(),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct CreatedPerson {
    #[serde(flatten)]
    person: PersonJson,
    /// People already on record who may be the same person: confirm or link.
    possible_duplicates: Vec<Uuid>,
}

/// Record a person. Possible duplicates are listed, never merged.
#[utoipa::path(post, path = "/people", tag = "people", request_body = NewPerson,
    responses((status = 201, body = CreatedPerson), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn create_person(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(new): Json<NewPerson>,
) -> Result<(StatusCode, Json<CreatedPerson>), AppError> {
    let actor = current.actor();
    if !access::may_record_people(&actor) {
        return Err(AppError::Forbidden(
            "Your role does not record people.".into(),
        ));
    }
    let details = PersonDetails::parse(
        &new.forename,
        &new.surname,
        new.date_of_birth.as_deref(),
        new.address.as_deref(),
        new.ward.as_deref(),
        Utc::now().date_naive(),
    )
    .map_err(AppError::Invalid)?;
    let txn = state.store.begin_write().await?;
    let duplicates = state
        .store
        .possible_duplicates(&txn, &details, None)
        .await?;
    let person = state
        .store
        .create_person(
            &txn,
            &details,
            Creator {
                user_id: actor.user_id,
                agency: &actor.agency,
            },
        )
        .await?;
    let event = current
        .event(AuditAction::Create)
        .entity("person", person.id)
        .subjects([person.id])
        .summary(json!({"possible_duplicates": duplicates.len()}));
    commit_with(txn, vec![event]).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedPerson {
            person: PersonJson::of(person, true),
            possible_duplicates: duplicates.iter().map(|p| p.id).collect(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
struct SearchQuery {
    /// Name or part of it; case and accents do not matter.
    q: Option<String>,
    /// `YYYY-MM-DD`
    date_of_birth: Option<NaiveDate>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
struct PeopleList {
    items: Vec<PersonJson>,
    total: u64,
}

/// Find people by name (and date of birth): who they are, to link records to them.
#[utoipa::path(get, path = "/people", tag = "people", params(SearchQuery),
    responses((status = 200, body = PeopleList)), security(("bearer" = [])))]
async fn search_people(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Json<PeopleList>, AppError> {
    if !access::may_find_people(&current.actor()) {
        return Err(AppError::NotFound);
    }
    let text = query.q.unwrap_or_default();
    let terms = search_terms(&text);
    if terms.is_empty() && query.date_of_birth.is_none() {
        return Err(AppError::Invalid(vec![casework_domain::FieldError::new(
            "q",
            "Give part of a name, or a date of birth.",
        )]));
    }
    let per_page = query.per_page.unwrap_or(25).clamp(1, 100);
    let page = query.page.unwrap_or(1).max(1);
    let found = state
        .store
        .search_people(&terms, query.date_of_birth, page, per_page)
        .await?;
    let mut event = current
        .event(AuditAction::Search)
        .entity("person", "search")
        .subjects(found.items.iter().map(|p| p.id));
    event.query = Some(match query.date_of_birth {
        Some(dob) => format!("{text} born {dob}"),
        None => text,
    });
    event.result_count = i64::try_from(found.total).ok();
    state.audit.record(event).await?;
    Ok(Json(PeopleList {
        // Search shows who people are, not where they live.
        items: found
            .items
            .into_iter()
            .map(|p| PersonJson::of(p, false))
            .collect(),
        total: found.total,
    }))
}

/// Read a person. Unless your agency recorded them, say why in `X-Access-Reason`.
#[utoipa::path(get, path = "/people/{id}", tag = "people",
    params(("id" = Uuid, Path), ("X-Access-Reason" = Option<String>, Header)),
    responses((status = 200, body = PersonJson), (status = 404, body = crate::error::Problem),
              (status = 428, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_person(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Json<PersonJson>, AppError> {
    let actor = current.actor();
    let person = match find_person(&state, &actor, id).await {
        Ok(person) => person,
        Err(AppError::NotFound) => {
            deny(&state, &current, id).await?;
            return Err(AppError::NotFound);
        }
        Err(other) => return Err(other),
    };
    let reason = match headers.get("x-access-reason").and_then(|v| v.to_str().ok()) {
        Some(text) => {
            Some(AccessReason::from_header(text).map_err(|e| AppError::Invalid(vec![e]))?)
        }
        None if person_needs_reason(&actor, &person.created_by_agency) => {
            return Err(AppError::ReasonRequired);
        }
        None => None,
    };
    let mut event = current
        .event(AuditAction::View)
        .entity("person", id)
        .subjects([id]);
    event.reason = reason.map(|r| r.as_text());
    // The read is answered only once its event is stored.
    state.audit.record(event).await?;
    let with_address = access::may_record_people(&actor);
    let mut json = PersonJson::of(person, with_address);
    json.flags = crate::asb::person_flags(&state, &actor, id).await?;
    json.flags
        .extend(crate::dv::person_dv(&state, &actor, id).await?.flags);
    Ok(Json(json))
}

/// Records that someone asked for a person they may not see.
async fn deny(state: &AppState, current: &CurrentUser, id: Uuid) -> Result<(), AppError> {
    let event = current
        .event(AuditAction::AccessDenied)
        .entity("person", id);
    state.audit.record(event).await?;
    Ok(())
}
