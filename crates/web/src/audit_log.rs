//! The data protection officer's view of the audit log: search it, and export one
//! person's trail for a subject access request. Exports are audited themselves.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use casework_audit::{AuditAction, AuditFilter, StoredEvent};
use casework_domain::access::may_search_audit_log;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(search))
        .route("/audit/people/{id}/trail.csv", get(trail_csv))
        .route("/audit/people/{id}/trail.json", get(trail_json))
}

const PER_PAGE: u64 = 50;

fn require_dpo(current: &CurrentUser) -> Result<(), AppError> {
    if may_search_audit_log(&current.actor()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Deserialize, Default)]
struct SearchForm {
    person: Option<String>,
    username: Option<String>,
    agency: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/search.html")]
struct SearchPage {
    chrome: Chrome,
    form: SearchForm,
    events: Vec<StoredEvent>,
    total: u64,
    page: u64,
    pages: u64,
    actions: Vec<&'static str>,
    errors: Vec<casework_domain::FieldError>,
    query_string: String,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The filter a search form asks for, naming each field that does not parse.
fn filter_of(form: &SearchForm) -> Result<AuditFilter, Vec<casework_domain::FieldError>> {
    use casework_domain::FieldError;
    let mut errors = Vec::new();
    let mut filter = AuditFilter::default();
    if let Some(person) = filled(&form.person) {
        match Uuid::parse_str(person) {
            Ok(id) => filter.person = Some(id),
            Err(_) => errors.push(FieldError::new("person", "Give the person's record id.")),
        }
    }
    filter.username = filled(&form.username).map(str::to_string);
    filter.agency = filled(&form.agency).map(str::to_string);
    if let Some(action) = filled(&form.action) {
        match AuditAction::parse(action) {
            Some(a) => filter.action = Some(a),
            None => errors.push(FieldError::new("action", "Choose an action from the list.")),
        }
    }
    let day = |field: &str, text: Option<&str>, errors: &mut Vec<FieldError>| {
        text.and_then(|t| match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => d.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t)),
            Err(_) => {
                errors.push(FieldError::new(field, "Enter a date like 2012-06-30."));
                None
            }
        })
    };
    filter.from = day("from", filled(&form.from), &mut errors);
    // "To" includes the whole day.
    filter.to = day("to", filled(&form.to), &mut errors).map(|t| t + chrono::Duration::days(1));
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

async fn search(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(form): Query<SearchForm>,
) -> Result<SearchPage, HtmlError> {
    require_dpo(&current)?;
    let page = form.page.unwrap_or(1).max(1);
    let (events, total, errors) = match filter_of(&form) {
        Ok(filter) => {
            let found =
                casework_audit::search(state.store.connection(), &filter, page, PER_PAGE).await?;
            let mut event = current
                .event(AuditAction::Search)
                .entity("audit-log", "search")
                .subjects(filter.person);
            event.query = Some(
                json!({
                    "person": form.person, "username": form.username, "agency": form.agency,
                    "action": form.action, "from": form.from, "to": form.to,
                })
                .to_string(),
            );
            event.result_count = i64::try_from(found.total).ok();
            state.audit.record(event).await?;
            (found.events, found.total, Vec::new())
        }
        Err(errors) => (Vec::new(), 0, errors),
    };
    let query_string = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            [
                ("person", &form.person),
                ("username", &form.username),
                ("agency", &form.agency),
                ("action", &form.action),
                ("from", &form.from),
                ("to", &form.to),
            ]
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))),
        )
        .finish();
    Ok(SearchPage {
        chrome: Chrome::for_user(&current),
        form,
        events,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        actions: AuditAction::ALL.iter().map(|a| a.as_str()).collect(),
        errors,
        query_string,
    })
}

/// A person's trail, audited as an export before it is sent.
async fn trail(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    format: &str,
) -> Result<Vec<StoredEvent>, AppError> {
    require_dpo(current)?;
    let events = casework_audit::trail_for_person(state.store.connection(), id).await?;
    let mut event = current
        .event(AuditAction::Export)
        .entity("audit-trail", id)
        .subjects([id])
        .summary(json!({"format": format, "events": events.len()}));
    event.reason = Some("Subject access request".into());
    state.audit.record(event).await?;
    Ok(events)
}

async fn trail_json(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let events = trail(&state, &current, id, "json").await?;
    let body = serde_json::to_vec_pretty(&json!({"person_id": id, "events": events}))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-trail-{id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn trail_csv(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let events = trail(&state, &current, id, "csv").await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(e.to_string());
    writer
        .write_record([
            "seq",
            "occurred_at",
            "action",
            "actor_username",
            "actor_agency",
            "entity_kind",
            "entity_id",
            "reason",
            "summary",
            "query",
            "result_count",
            "request_id",
            "hash",
        ])
        .map_err(failed)?;
    for e in &events {
        writer
            .write_record([
                e.seq.to_string(),
                e.occurred_at.to_rfc3339(),
                e.action.clone(),
                e.actor_username.clone().unwrap_or_default(),
                e.actor_agency.clone().unwrap_or_default(),
                e.entity_kind.clone().unwrap_or_default(),
                e.entity_id.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.summary.clone(),
                e.query.clone().unwrap_or_default(),
                e.result_count.map(|n| n.to_string()).unwrap_or_default(),
                e.request_id.clone().unwrap_or_default(),
                e.hash.clone(),
            ])
            .map_err(failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-trail-{id}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
