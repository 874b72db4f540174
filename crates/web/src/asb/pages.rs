//! ASB pages: my agency's open cases, opening a case for a person, the case page
//! (asking why when the case is not yours), logging an incident, assessing the
//! victim's risk, sharing and closing. No JavaScript; every field has a label and
//! every error links to its field.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseAction, CaseFacts, CaseKind, Decision};
use casework_domain::asb::{CaseReviewStep, Category, IncidentInput, RiskTier, contact_overdue};
use casework_domain::calendar::{uk_date, uk_day, uk_local_to_utc};
use casework_store::asb::{CaseLine, CaseReviewApplication, asb_instrument};
use casework_store::reference::{Agency, Ward};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::cases::reason::Why;
use crate::cases::{self, ENTITY, guard};
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/asb/cases", get(list).post(create))
        .route("/asb/cases/new", get(new_form))
        .route("/asb/cases/{id}", get(view))
        .route(
            "/asb/cases/{id}/incidents",
            get(incident_form).post(add_incident),
        )
        .route(
            "/asb/cases/{id}/risk-assessments",
            get(assessment_form).post(add_assessment),
        )
        .route("/asb/cases/{id}/share", post(share))
        .route("/asb/cases/{id}/close", post(close))
}

const PER_PAGE: u64 = 25;

/// One option of a radio group or select, and whether it is chosen.
pub struct Choice {
    pub code: &'static str,
    pub words: &'static str,
    pub selected: bool,
}

impl Choice {
    fn new(code: &'static str, words: &'static str, chosen: &str) -> Self {
        Choice {
            code,
            words,
            selected: code == chosen,
        }
    }
}

/// A tier as officers read it: words, with the colour as a class.
pub struct TierTag {
    pub class: &'static str,
    pub label: &'static str,
}

fn tag(tier: RiskTier) -> TierTag {
    TierTag {
        class: match tier {
            RiskTier::Gold => "tag-gold",
            RiskTier::Silver => "tag-silver",
            RiskTier::Bronze => "tag-bronze",
        },
        label: tier.label(),
    }
}

pub(super) fn when(at: DateTime<Utc>) -> String {
    format!("{} {}", uk_date(uk_day(at)), at.format("%H:%M UTC"))
}

// ---------------------------------------------------------------- the list

#[derive(Template, WebTemplate)]
#[template(path = "asb/list.html")]
struct ListPage {
    chrome: Chrome,
    lines: Vec<ListLine>,
    total: u64,
    page: u64,
    pages: u64,
}

struct ListLine {
    id: Uuid,
    reference: String,
    victim: String,
    ward: String,
    opened: String,
    tier: Option<TierTag>,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<ListPage, HtmlError> {
    let actor = current.actor();
    if !access::works_kind(&actor, CaseKind::Asb) {
        return Err(AppError::NotFound.into());
    }
    let page = query.page.unwrap_or(1).max(1);
    let found = state
        .store
        .open_asb_cases_of(&actor.agency, page, PER_PAGE)
        .await?;
    let subjects: Vec<Uuid> = found
        .items
        .iter()
        .filter_map(|l| l.subject.as_ref().map(|p| p.id))
        .collect();
    let mut event = current
        .event(AuditAction::Search)
        .entity(ENTITY, "asb-open-cases")
        .subjects(subjects);
    event.query = Some(format!("open ASB cases of {}, page {page}", actor.agency));
    event.result_count = i64::try_from(found.total).ok();
    state.audit.record(event).await?;
    Ok(ListPage {
        chrome: Chrome::for_user(&current),
        lines: found.items.into_iter().map(list_line).collect(),
        total: found.total,
        page,
        pages: found.total.div_ceil(PER_PAGE).max(1),
    })
}

fn list_line(line: CaseLine) -> ListLine {
    ListLine {
        id: line.id,
        reference: line.reference,
        victim: line
            .subject
            .map(|p| p.full_name())
            .unwrap_or_else(|| "unknown".into()),
        ward: line.ward,
        opened: uk_date(uk_day(line.opened_at)),
        tier: line.tier.map(tag),
    }
}

// ---------------------------------------------------------------- opening a case

#[derive(Template, WebTemplate)]
#[template(path = "asb/new.html")]
struct NewCasePage {
    chrome: Chrome,
    person_id: String,
    person_name: Option<String>,
    ward: String,
    summary: String,
    wards: Vec<Ward>,
    errors: Vec<FieldError>,
}

#[derive(Deserialize)]
struct NewCaseQuery {
    person: Option<String>,
}

#[derive(Deserialize, Default)]
struct NewCaseFields {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    ward: String,
    summary: Option<String>,
}

async fn new_case_page(
    state: &AppState,
    current: &CurrentUser,
    fields: NewCaseFields,
    errors: Vec<FieldError>,
) -> Result<NewCasePage, HtmlError> {
    let (person, ward) =
        crate::people::person_and_ward(state, &current.actor(), &fields.person_id, fields.ward)
            .await;
    Ok(NewCasePage {
        chrome: Chrome::for_user(current),
        person_name: person.map(|p| p.full_name()),
        person_id: fields.person_id,
        ward,
        summary: fields.summary.unwrap_or_default(),
        wards: state.store.wards().await?,
        errors,
    })
}

async fn new_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<NewCaseQuery>,
) -> Result<NewCasePage, HtmlError> {
    if !access::works_kind(&current.actor(), CaseKind::Asb) {
        return Err(AppError::NotFound.into());
    }
    let fields = NewCaseFields {
        person_id: query.person.unwrap_or_default(),
        ..Default::default()
    };
    new_case_page(&state, &current, fields, Vec::new()).await
}

async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(fields): Form<NewCaseFields>,
) -> Result<Response, HtmlError> {
    if !access::works_kind(&current.actor(), CaseKind::Asb) {
        return Err(AppError::NotFound.into());
    }
    match super::open_case(
        &state,
        &current,
        &fields.person_id,
        &fields.ward,
        fields.summary.clone(),
    )
    .await
    {
        Ok(case) => Ok(Redirect::to(&format!("/asb/cases/{}", case.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = new_case_page(&state, &current, fields, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the case page

#[derive(Template, WebTemplate)]
#[template(path = "asb/case.html")]
struct CasePage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    status: String,
    is_open: bool,
    owner_agency: String,
    ward: String,
    summary: Option<String>,
    outcome: Option<String>,
    opened: String,
    closed: Option<String>,
    victim_id: Uuid,
    victim_name: String,
    repeat_victim: bool,
    tier: Option<TierTag>,
    history: Vec<HistoryLine>,
    incidents: Vec<IncidentLine>,
    shares: Vec<ShareLine>,
    reason: Option<String>,
    may_edit: bool,
    may_share: bool,
    may_close: bool,
    agencies: Vec<Agency>,
    share_agency: String,
    share_reason: String,
    outcome_text: String,
    /// The review date as the form shows it (`YYYY-MM-DD`, or empty).
    review_date_value: String,
    review_date: Option<String>,
    review_overdue: bool,
    notes: Vec<NoteLine>,
    note_text: String,
    case_reviews: Vec<CaseReviewLine>,
    applied_on: String,
    errors: Vec<FieldError>,
    /// Who has viewed or changed this case, newest first.
    events: Vec<casework_audit::StoredEvent>,
}

struct NoteLine {
    when: String,
    by: String,
    text: String,
}

/// A Case Review application on the case page: each step with when it is due, when it
/// was done, and whether it is overdue.
struct CaseReviewLine {
    id: Uuid,
    applied_on: String,
    steps: Vec<ReviewStepLine>,
    threshold: Option<&'static str>,
    outcome: Option<String>,
    /// The next step to record, if any.
    next: Option<&'static str>,
}

struct ReviewStepLine {
    label: &'static str,
    due: String,
    done: Option<String>,
    overdue: bool,
}

struct HistoryLine {
    when: String,
    score: u32,
    computed: TierTag,
    tier: TierTag,
    reason: Option<String>,
}

struct IncidentLine {
    id: Uuid,
    /// The contact standard: none for a police report.
    contact: Option<ContactLine>,
    when: String,
    reported: String,
    category: String,
    kind: String,
    ward: String,
    victims: String,
    perpetrators: String,
    notes: String,
}

struct ContactLine {
    due: String,
    contacted: Option<String>,
    missed: bool,
}

struct ShareLine {
    agency: String,
    when: String,
    reason: String,
}

/// What the case page's forms held, to show them again with their errors.
#[derive(Default)]
pub(super) struct CaseForms {
    pub share_agency: String,
    pub share_reason: String,
    pub outcome: String,
    pub note: String,
    /// `None`: the case's own review date.
    pub review_date: Option<String>,
    pub applied_on: String,
    pub errors: Vec<FieldError>,
}

/// The case page, or the question why when the actor is not working on the case and
/// has given no reason this session. The read is audited before the page is made.
async fn case_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    facts: &CaseFacts,
    forms: CaseForms,
) -> Result<Response, HtmlError> {
    let reason = match cases::reason::why(state, current, id, facts).await? {
        Why::Known(reason) => reason,
        Why::Ask(question) => return Ok(question),
    };
    let actor = current.actor();
    let case = state.store.asb_case(id).await?.ok_or(AppError::NotFound)?;
    let people: Vec<Uuid> = case.people().into_iter().collect();
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects(people.iter().copied());
    event.reason = reason.clone();
    state.audit.record(event).await?;
    let names = state
        .store
        .people_by_id(state.store.connection(), &people)
        .await?;
    let name = |id: &Uuid| {
        names
            .get(id)
            .map(|p| p.full_name())
            .unwrap_or_else(|| "unknown".into())
    };
    let subject = case.case.subject_person;
    let repeat = super::repeat_victims(state, &[subject]).await?;
    let types: BTreeMap<String, String> = state
        .store
        .asb_incident_types()
        .await?
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    let events = cases::audit_events(state, id).await?;
    let may = |action| access::decide(&actor, action, facts) == Decision::Allow;
    let tier = case.tier().map(tag);
    let now = Utc::now();
    let today = uk_day(now);
    let conn = state.store.connection();
    let notes = state.store.notes_of(conn, id, NOTES_SHOWN).await?;
    let applications = state.store.case_reviews_of(conn, id).await?;
    let writers: Vec<Uuid> = notes.iter().map(|n| n.written_by).collect();
    let writers = state.store.user_names(&writers).await?;
    let c = case.case;
    Ok(CasePage {
        chrome: Chrome::for_user(current),
        id,
        reference: c.reference,
        is_open: c.status == casework_store::cases::OPEN,
        status: c.status,
        owner_agency: c.owner_agency,
        ward: c.ward,
        summary: c.summary,
        outcome: c.outcome,
        opened: when(c.opened_at),
        closed: c.closed_at.map(when),
        victim_id: subject,
        victim_name: name(&subject),
        repeat_victim: repeat.contains(&subject),
        tier,
        history: case
            .assessments
            .into_iter()
            .map(|a| HistoryLine {
                when: when(a.assessed_at),
                score: a.score,
                computed: tag(a.computed_tier),
                tier: tag(a.final_tier),
                reason: a.judgement_reason,
            })
            .collect(),
        incidents: case
            .incidents
            .into_iter()
            .map(|i| {
                let mut notes = Vec::new();
                if i.alcohol_related {
                    notes.push("alcohol");
                }
                if i.youth_related {
                    notes.push("youths");
                }
                IncidentLine {
                    id: i.id,
                    contact: i.contact_due_at.map(|due| ContactLine {
                        due: when(due),
                        contacted: i.victim_contacted_at.map(when),
                        missed: contact_overdue(due, i.victim_contacted_at, now),
                    }),
                    when: when(i.occurred_at),
                    reported: format!("{} to {}", when(i.reported_at), i.reporting_agency),
                    category: i.category,
                    kind: types
                        .get(&i.incident_type)
                        .cloned()
                        .unwrap_or(i.incident_type),
                    ward: i.ward,
                    victims: i
                        .victim_ids
                        .iter()
                        .map(&name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    perpetrators: if i.perpetrator_unknown {
                        "unknown".into()
                    } else {
                        i.perpetrator_ids
                            .iter()
                            .map(&name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    notes: notes.join(", "),
                }
            })
            .collect(),
        shares: c
            .shares
            .into_iter()
            .map(|s| ShareLine {
                agency: s.agency,
                when: when(s.shared_at),
                reason: s.reason,
            })
            .collect(),
        reason,
        may_edit: may(CaseAction::Edit),
        may_share: may(CaseAction::Share),
        may_close: may(CaseAction::Close),
        agencies: state.store.agencies().await?,
        share_agency: forms.share_agency,
        share_reason: forms.share_reason,
        outcome_text: forms.outcome,
        review_date_value: forms.review_date.unwrap_or_else(|| {
            c.review_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        }),
        review_overdue: c.review_date.is_some_and(|d| d < today),
        review_date: c.review_date.map(uk_date),
        notes: notes
            .into_iter()
            .map(|n| NoteLine {
                when: when(n.written_at),
                by: writers
                    .get(&n.written_by)
                    .cloned()
                    .unwrap_or_else(|| "a former user".into()),
                text: n.text,
            })
            .collect(),
        note_text: forms.note,
        case_reviews: applications
            .iter()
            .map(|a| case_review_line(a, today))
            .collect(),
        applied_on: forms.applied_on,
        errors: forms.errors,
        events,
    }
    .into_response())
}

/// How many notes the case page shows, newest first.
const NOTES_SHOWN: u64 = 100;

fn case_review_line(a: &CaseReviewApplication, today: NaiveDate) -> CaseReviewLine {
    let deadlines = a.deadlines();
    let done = a.steps_done();
    let overdue = deadlines.overdue(&done, today);
    let done_on = |step| match step {
        CaseReviewStep::Acknowledge => a.acknowledged_on,
        CaseReviewStep::DecideThreshold => a.decided_on,
        CaseReviewStep::HoldReview => a.review_held_on,
    };
    CaseReviewLine {
        id: a.id,
        applied_on: uk_date(a.applied_on),
        steps: CaseReviewStep::ALL
            .into_iter()
            .filter(|step| {
                // A threshold not met ends the application: there is no review to hold.
                !(*step == CaseReviewStep::HoldReview && a.threshold_met == Some(false))
            })
            .map(|step| ReviewStepLine {
                label: step.label(),
                due: uk_date(deadlines.due(step)),
                done: done_on(step).map(uk_date),
                overdue: overdue.contains(&step),
            })
            .collect(),
        threshold: a
            .threshold_met
            .map(|met| if met { "met" } else { "not met" }),
        outcome: a.outcome.clone(),
        next: CaseReviewStep::ALL
            .into_iter()
            .find(|step| !done.contains(step))
            .map(CaseReviewStep::as_str),
    }
}

async fn view(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::View).await?;
    case_page(&state, &current, id, &facts, CaseForms::default()).await
}

#[derive(Deserialize)]
struct ShareForm {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    reason: String,
}

async fn share(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ShareForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Share).await?;
    match cases::share(&state, &current, &facts, id, &form.agency, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/asb/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let forms = CaseForms {
                share_agency: form.agency,
                share_reason: form.reason,
                errors,
                ..CaseForms::default()
            };
            failed_form(&state, &current, id, &facts, forms).await
        }
        Err(AppError::Conflict(message)) => {
            let errors = vec![FieldError::new("agency", message)];
            let forms = CaseForms {
                share_agency: form.agency,
                share_reason: form.reason,
                errors,
                ..CaseForms::default()
            };
            failed_form(&state, &current, id, &facts, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    outcome: String,
}

async fn close(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<CloseForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Close).await?;
    match cases::close(&state, &current, &facts, id, &form.outcome).await {
        Ok(()) => Ok(Redirect::to(&format!("/asb/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let forms = CaseForms {
                outcome: form.outcome,
                errors,
                ..CaseForms::default()
            };
            failed_form(&state, &current, id, &facts, forms).await
        }
        Err(AppError::Conflict(message)) => {
            let errors = vec![FieldError::new("outcome", message)];
            let forms = CaseForms {
                outcome: form.outcome,
                errors,
                ..CaseForms::default()
            };
            failed_form(&state, &current, id, &facts, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The case page again, with a form's errors, as 422.
pub(super) async fn failed_form(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    facts: &CaseFacts,
    forms: CaseForms,
) -> Result<Response, HtmlError> {
    let page = case_page(state, current, id, facts, forms).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

// ---------------------------------------------------------------- logging an incident

#[derive(Template, WebTemplate)]
#[template(path = "asb/incident_form.html")]
struct IncidentPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    victim_name: String,
    form: IncidentFields,
    categories: Vec<Choice>,
    types: Vec<casework_store::asb::IncidentType>,
    wards: Vec<Ward>,
    agencies: Vec<Agency>,
    errors: Vec<FieldError>,
}

/// The incident form as typed: times are UK wall-clock times.
#[derive(Default)]
struct IncidentFields {
    occurred_at: String,
    reported_at: String,
    reporting_agency: String,
    category: String,
    incident_type: String,
    ward: String,
    alcohol_related: bool,
    youth_related: bool,
    subject_is_victim: bool,
    other_victims: String,
    perpetrators: String,
}

impl IncidentFields {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        IncidentFields {
            occurred_at: value("occurred_at"),
            reported_at: value("reported_at"),
            reporting_agency: value("reporting_agency"),
            category: value("category"),
            incident_type: value("type"),
            ward: value("ward"),
            alcohol_related: !value("alcohol_related").is_empty(),
            youth_related: !value("youth_related").is_empty(),
            subject_is_victim: !value("subject_is_victim").is_empty(),
            other_victims: value("other_victims"),
            perpetrators: value("perpetrator_ids"),
        }
    }

    fn input(&self, subject: Uuid) -> IncidentInput {
        let ids = |text: &str| -> Vec<String> {
            text.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut victim_ids = ids(&self.other_victims);
        if self.subject_is_victim {
            victim_ids.insert(0, subject.to_string());
        }
        IncidentInput {
            occurred_at: uk_time(&self.occurred_at),
            reported_at: uk_time(&self.reported_at),
            reporting_agency: self.reporting_agency.clone(),
            category: self.category.clone(),
            incident_type: self.incident_type.clone(),
            ward: self.ward.clone(),
            alcohol_related: self.alcohol_related,
            youth_related: self.youth_related,
            victim_ids,
            perpetrator_ids: ids(&self.perpetrators),
        }
    }
}

/// A form's `datetime-local` (UK wall-clock) as RFC 3339; anything else as typed,
/// for the domain to name.
fn uk_time(text: &str) -> String {
    let text = text.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|local| uk_local_to_utc(local).to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| text.to_string())
}

async fn incident_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    form: IncidentFields,
    errors: Vec<FieldError>,
) -> Result<IncidentPage, HtmlError> {
    let case = state
        .store
        .case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let victim_name = state
        .store
        .people_by_id(state.store.connection(), &[case.subject_person])
        .await?
        .remove(&case.subject_person)
        .map(|p| p.full_name())
        .unwrap_or_else(|| "unknown".into());
    let categories: Vec<Choice> = [
        (Category::Personal, "Personal: aimed at a person or group"),
        (Category::Nuisance, "Nuisance: trouble to a community"),
        (
            Category::Environmental,
            "Environmental: harm to the surroundings",
        ),
    ]
    .into_iter()
    .map(|(c, words)| Choice::new(c.as_str(), words, &form.category))
    .collect();
    Ok(IncidentPage {
        chrome: Chrome::for_user(current),
        id,
        reference: case.reference,
        victim_name,
        form,
        categories,
        types: state.store.asb_incident_types().await?,
        wards: state.store.wards().await?,
        agencies: state.store.agencies().await?,
        errors,
    })
}

/// Asks the guard for `action` on an ASB case, then loads the case.
async fn guarded_case(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    action: CaseAction,
) -> Result<casework_store::cases::Case, AppError> {
    guard(state, current, id, Some(CaseKind::Asb), action).await?;
    state
        .store
        .case(state.store.connection(), id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn incident_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<IncidentPage, HtmlError> {
    let case = guarded_case(&state, &current, id, CaseAction::Edit).await?;
    let form = IncidentFields {
        reporting_agency: current.user.agency.clone(),
        ward: case.ward,
        subject_is_victim: true,
        ..Default::default()
    };
    incident_page(&state, &current, id, form, Vec::new()).await
}

async fn add_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let case = guarded_case(&state, &current, id, CaseAction::Edit).await?;
    let form = IncidentFields::from_pairs(&pairs);
    let result = match super::check_incident(
        &state,
        &current.actor(),
        form.input(case.subject_person),
    )
    .await
    {
        Ok(incident) => super::log_incident(&state, &current, id, &incident).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/asb/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = incident_page(&state, &current, id, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the risk assessment

#[derive(Template, WebTemplate)]
#[template(path = "asb/assessment_form.html")]
struct AssessmentPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    title: String,
    groups: Vec<QuestionGroup>,
    judgement_reason: String,
    tiers: Vec<Choice>,
    errors: Vec<FieldError>,
}

struct QuestionGroup {
    heading: &'static str,
    questions: Vec<QuestionLine>,
}

struct QuestionLine {
    key: String,
    text: String,
    answer: Option<bool>,
}

fn assessment_page(
    current: &CurrentUser,
    id: Uuid,
    reference: String,
    answers: &BTreeMap<String, bool>,
    judgement_tier: String,
    judgement_reason: String,
    errors: Vec<FieldError>,
) -> AssessmentPage {
    let instrument = asb_instrument();
    let groups = [
        (3, "Serious concerns"),
        (2, "Vulnerability and growing harm"),
        (1, "What makes things harder"),
    ]
    .into_iter()
    .map(|(weight, heading)| QuestionGroup {
        heading,
        questions: instrument
            .questions()
            .iter()
            .filter(|q| q.weight == weight)
            .map(|q| QuestionLine {
                key: q.key.clone(),
                text: q.text.clone(),
                answer: answers.get(&q.key).copied(),
            })
            .collect(),
    })
    .filter(|g| !g.questions.is_empty())
    .collect();
    let tiers = RiskTier::ALL
        .iter()
        .map(|t| Choice::new(t.as_str(), t.label(), &judgement_tier))
        .collect();
    AssessmentPage {
        chrome: Chrome::for_user(current),
        id,
        reference,
        title: instrument.title().to_string(),
        groups,
        judgement_reason,
        tiers,
        errors,
    }
}

async fn assessment_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<AssessmentPage, HtmlError> {
    let case = guarded_case(&state, &current, id, CaseAction::Edit).await?;
    Ok(assessment_page(
        &current,
        id,
        case.reference,
        &BTreeMap::new(),
        String::new(),
        String::new(),
        Vec::new(),
    ))
}

async fn add_assessment(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let mut answers = BTreeMap::new();
    let mut tier = String::new();
    let mut reason = String::new();
    for (key, value) in &pairs {
        if let Some(question) = key.strip_prefix("answers.") {
            match value.as_str() {
                "yes" => answers.insert(question.to_string(), true),
                "no" => answers.insert(question.to_string(), false),
                _ => None,
            };
        } else if key == "professional_judgement.tier" {
            tier = value.clone();
        } else if key == "professional_judgement.reason" {
            reason = value.clone();
        }
    }
    let judgement = (!tier.trim().is_empty()).then_some((tier.as_str(), reason.as_str()));
    let result = match super::score(&answers, judgement) {
        Ok(assessment) => {
            super::record_assessment(&state, &current, id, &answers, &assessment).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/asb/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let case = state
                .store
                .case(state.store.connection(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            let page =
                assessment_page(&current, id, case.reference, &answers, tier, reason, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
