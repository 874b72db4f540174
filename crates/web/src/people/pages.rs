//! People pages: search, record (with the duplicate check), read (asking why when the
//! record is not yours), correct.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::{AuditAction, changes};
use casework_domain::FieldError;
use casework_domain::access::{self, person_needs_reason};
use casework_domain::access_reason::AccessReason;
use casework_domain::calendar::uk_date;
use casework_domain::people::{PersonDetails, search_terms};
use casework_store::people::{Creator, Person};
use casework_store::reference::Ward;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{find_person, remember_reason, remembered_reason};
use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(search).post(create))
        .route("/people/new", get(new_form))
        .route("/people/{id}", get(view).post(update))
        .route("/people/{id}/edit", get(edit_form))
        .route("/people/{id}/reason", post(give_reason))
}

const PER_PAGE: u64 = 25;

#[derive(Template, WebTemplate)]
#[template(path = "people/search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    results: Option<Vec<Person>>,
    total: u64,
    page: u64,
    pages: u64,
    may_record: bool,
}

impl SearchPage {
    fn born(&self, person: &Person) -> String {
        person
            .date_of_birth
            .map(uk_date)
            .unwrap_or_else(|| "not known".into())
    }
}

#[derive(Deserialize)]
struct SearchForm {
    q: Option<String>,
    page: Option<u64>,
}

async fn search(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(form): Query<SearchForm>,
) -> Result<SearchPage, HtmlError> {
    let actor = current.actor();
    if !access::may_find_people(&actor) {
        return Err(AppError::NotFound.into());
    }
    let q = form.q.unwrap_or_default();
    let terms = search_terms(&q);
    let page = form.page.unwrap_or(1).max(1);
    let (results, total) = if terms.is_empty() {
        (None, 0)
    } else {
        let found = state
            .store
            .search_people(&terms, None, page, PER_PAGE)
            .await?;
        let mut event = current
            .event(AuditAction::Search)
            .entity("person", "search")
            .subjects(found.items.iter().map(|p| p.id));
        event.query = Some(q.clone());
        event.result_count = i64::try_from(found.total).ok();
        state.audit.record(event).await?;
        (Some(found.items), found.total)
    };
    Ok(SearchPage {
        chrome: Chrome::for_user(&current),
        q,
        results,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        may_record: access::may_record_people(&actor),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "people/form.html")]
struct PersonForm {
    chrome: Chrome,
    person_id: Option<Uuid>,
    forename: String,
    surname: String,
    date_of_birth: String,
    address: String,
    ward: String,
    wards: Vec<Ward>,
    errors: Vec<FieldError>,
    duplicates: Vec<Person>,
}

#[derive(Deserialize, Default)]
struct PersonFields {
    forename: String,
    surname: String,
    date_of_birth: Option<String>,
    address: Option<String>,
    ward: Option<String>,
    /// Set when the officer has seen the possible duplicates and says this is
    /// someone else.
    confirm_new: Option<String>,
}

async fn form(
    state: &AppState,
    current: &CurrentUser,
    person_id: Option<Uuid>,
    fields: PersonFields,
    errors: Vec<FieldError>,
    duplicates: Vec<Person>,
) -> Result<PersonForm, HtmlError> {
    Ok(PersonForm {
        chrome: Chrome::for_user(current),
        person_id,
        forename: fields.forename,
        surname: fields.surname,
        date_of_birth: fields.date_of_birth.unwrap_or_default(),
        address: fields.address.unwrap_or_default(),
        ward: fields.ward.unwrap_or_default(),
        wards: state.store.wards().await?,
        errors,
        duplicates,
    })
}

async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<PersonForm, HtmlError> {
    if !access::may_record_people(&current.actor()) {
        return Err(AppError::NotFound.into());
    }
    form(
        &state,
        &current,
        None,
        PersonFields::default(),
        Vec::new(),
        Vec::new(),
    )
    .await
}

fn parse(fields: &PersonFields) -> Result<PersonDetails, Vec<FieldError>> {
    PersonDetails::parse(
        &fields.forename,
        &fields.surname,
        fields.date_of_birth.as_deref(),
        fields.address.as_deref(),
        fields.ward.as_deref(),
        Utc::now().date_naive(),
    )
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(fields): Form<PersonFields>,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    if !access::may_record_people(&actor) {
        return Err(AppError::NotFound.into());
    }
    let details = match parse(&fields) {
        Ok(details) => details,
        Err(errors) => {
            let page = form(&state, &current, None, fields, errors, Vec::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let txn = state.store.begin_write().await?;
    let duplicates = state
        .store
        .possible_duplicates(&txn, &details, None)
        .await?;
    if !duplicates.is_empty() && fields.confirm_new.is_none() {
        drop(txn);
        let page = form(&state, &current, None, fields, Vec::new(), duplicates).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let person = match state
        .store
        .create_person(
            &txn,
            &details,
            Creator {
                user_id: actor.user_id,
                agency: &actor.agency,
            },
        )
        .await
    {
        Ok(person) => person,
        Err(casework_store::StoreError::Fields(errors)) => {
            drop(txn);
            let page = form(&state, &current, None, fields, errors, Vec::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let event = current
        .event(AuditAction::Create)
        .entity("person", person.id)
        .subjects([person.id])
        .summary(json!({"possible_duplicates_seen": duplicates.len()}));
    commit_with(txn, vec![event]).await?;
    Ok(Redirect::to(&format!("/people/{}", person.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/person.html")]
struct PersonPage {
    chrome: Chrome,
    person: Person,
    born: String,
    show_address: bool,
    may_edit: bool,
    /// Whether the viewer works ASB cases, so may open one for this person.
    may_open_asb_case: bool,
    /// Whether the viewer may open a domestic abuse case for this person.
    may_open_dv_case: bool,
    /// Whether the viewer may refer the person to another agency, a panel or
    /// Prevent & Deter.
    may_refer: bool,
    /// What the viewer may know of domestic abuse cases naming this person.
    dv: crate::dv::PersonDv,
    /// The person's other cases (ASB, IOM, Prevent & Deter) the viewer may open.
    cases: Vec<CaseLine>,
    /// What the viewer may know of the person across modules, in words.
    flags: Vec<&'static str>,
    reason: Option<String>,
    /// Who has viewed or changed this record, newest first.
    events: Vec<casework_audit::StoredEvent>,
}

/// A case on the person page: only those the viewer may open are listed.
struct CaseLine {
    id: Uuid,
    kind: &'static str,
    reference: String,
    status: String,
}

/// The person's cases the viewer may open, of every kind but domestic abuse, which has
/// its own panel (it also says where restricted records are held). Each case is put to
/// the access policy; LMAPS agendas are not counted here.
async fn cases_on_person_page(
    state: &AppState,
    actor: &access::Actor,
    person: Uuid,
) -> Result<Vec<CaseLine>, AppError> {
    Ok(state
        .store
        .cases_naming(person)
        .await?
        .into_iter()
        .filter(|case| case.kind != access::CaseKind::DomesticAbuse)
        .filter(|case| {
            access::decide(actor, access::CaseAction::View, &case.facts())
                == access::Decision::Allow
        })
        .map(|case| CaseLine {
            id: case.id,
            kind: case.kind.name(),
            reference: case.reference,
            status: case.status,
        })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/reason.html")]
struct ReasonPage {
    chrome: Chrome,
    action: String,
    name: String,
    choices: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

fn reason_page(current: &CurrentUser, person: &Person, errors: Vec<FieldError>) -> ReasonPage {
    ReasonPage {
        chrome: Chrome::for_user(current),
        action: format!("/people/{}/reason", person.id),
        name: person.full_name(),
        choices: AccessReason::CHOICES.to_vec(),
        errors,
    }
}

async fn view(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    let person = match find_person(&state, &actor, id).await {
        Ok(person) => person,
        Err(AppError::NotFound) => {
            state
                .audit
                .record(
                    current
                        .event(AuditAction::AccessDenied)
                        .entity("person", id),
                )
                .await?;
            return Err(AppError::NotFound.into());
        }
        Err(e) => return Err(e.into()),
    };
    let session = current
        .session
        .as_ref()
        .ok_or_else(|| AppError::Internal("page without a session".into()))?;
    let reason = remembered_reason(session, id).await;
    if reason.is_none() && person_needs_reason(&actor, &person.created_by_agency) {
        return Ok(reason_page(&current, &person, Vec::new()).into_response());
    }
    let mut event = current
        .event(AuditAction::View)
        .entity("person", id)
        .subjects([id]);
    event.reason = reason.clone();
    state.audit.record(event).await?;
    let events =
        casework_audit::events_for_entity(state.store.connection(), "person", &id.to_string(), 50)
            .await?;
    let flags = crate::asb::person_flags(&state, &actor, id)
        .await?
        .iter()
        .filter_map(|flag| crate::asb::flag_words(flag))
        .collect();
    Ok(PersonPage {
        events,
        flags,
        chrome: Chrome::for_user(&current),
        born: person
            .date_of_birth
            .map(uk_date)
            .unwrap_or_else(|| "not known".into()),
        show_address: access::may_record_people(&actor),
        may_edit: access::may_record_people(&actor),
        may_open_asb_case: access::works_kind(&actor, access::CaseKind::Asb),
        may_open_dv_case: access::works_kind(&actor, access::CaseKind::DomesticAbuse),
        may_refer: casework_domain::prevent_deter::may_refer(&actor),
        dv: crate::dv::person_dv(&state, &actor, id).await?,
        cases: cases_on_person_page(&state, &actor, id).await?,
        person,
        reason,
    }
    .into_response())
}

#[derive(Deserialize)]
struct ReasonForm {
    reason: Option<String>,
    reason_text: Option<String>,
}

async fn give_reason(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, HtmlError> {
    let person = find_person(&state, &current.actor(), id).await?;
    match AccessReason::from_form(
        form.reason.as_deref().unwrap_or_default(),
        form.reason_text.as_deref().unwrap_or_default(),
    ) {
        Ok(reason) => {
            let session = current
                .session
                .as_ref()
                .ok_or_else(|| AppError::Internal("page without a session".into()))?;
            remember_reason(session, id, &reason).await?;
            Ok(Redirect::to(&format!("/people/{id}")).into_response())
        }
        Err(error) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            reason_page(&current, &person, vec![error]),
        )
            .into_response()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<PersonForm, HtmlError> {
    let actor = current.actor();
    let person = find_person(&state, &actor, id).await?;
    if !access::may_record_people(&actor) {
        return Err(
            AppError::Forbidden("Your role does not change people's details.".into()).into(),
        );
    }
    let fields = PersonFields {
        forename: person.forename,
        surname: person.surname,
        date_of_birth: person.date_of_birth.map(|d| d.to_string()),
        address: person.address,
        ward: person.ward,
        confirm_new: None,
    };
    form(&state, &current, Some(id), fields, Vec::new(), Vec::new()).await
}

async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(fields): Form<PersonFields>,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    find_person(&state, &actor, id).await?;
    if !access::may_record_people(&actor) {
        return Err(
            AppError::Forbidden("Your role does not change people's details.".into()).into(),
        );
    }
    let details = match parse(&fields) {
        Ok(details) => details,
        Err(errors) => {
            let page = form(&state, &current, Some(id), fields, errors, Vec::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let txn = state.store.begin_write().await?;
    let before = match state.store.update_person(&txn, id, &details).await {
        Ok(before) => before,
        Err(casework_store::StoreError::Fields(errors)) => {
            drop(txn);
            let page = form(&state, &current, Some(id), fields, errors, Vec::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let summary = changes(&[
        ("forename", json!(before.forename), json!(details.forename)),
        ("surname", json!(before.surname), json!(details.surname)),
        (
            "date_of_birth",
            json!(before.date_of_birth),
            json!(details.date_of_birth),
        ),
        ("address", json!(before.address), json!(details.address)),
        ("ward", json!(before.ward), json!(details.ward)),
    ]);
    let event = current
        .event(AuditAction::Update)
        .entity("person", id)
        .subjects([id])
        .summary(summary);
    commit_with(txn, vec![event]).await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}
