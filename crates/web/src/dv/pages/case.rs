//! The case page (asking why when the case is not the viewer's), and sharing and
//! closing from it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseAction, CaseFacts, CaseKind, Decision};
use casework_domain::calendar::uk_date;
use casework_domain::dv::is_first_time_report;
use casework_store::reference::Agency;
use serde::Deserialize;
use uuid::Uuid;

use super::{LevelTag, back_to, reporter_words, tag, when, yes_no};
use crate::auth::CurrentUser;
use crate::cases::reason::Why;
use crate::cases::{self, ENTITY, guard};
use crate::chrome::Chrome;
use crate::dv::reasons_in_words;
use crate::{AppError, AppState, HtmlError};

#[derive(Template, WebTemplate)]
#[template(path = "dv/case.html")]
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
    /// `None` when the viewer may not see it (or none is recorded).
    victim_address: Option<String>,
    show_address: bool,
    perpetrator: Option<(Uuid, String)>,
    level: Option<LevelTag>,
    yes_count: Option<u32>,
    marac_required: bool,
    marac_reasons: String,
    marac_covered_by: Option<String>,
    incidents: Vec<IncidentLine>,
    history: Vec<DashLine>,
    referrals: Vec<ReferralLine>,
    shares: Vec<ShareLine>,
    reason: Option<String>,
    may_edit: bool,
    may_share: bool,
    may_close: bool,
    agencies: Vec<Agency>,
    share_agency: String,
    share_reason: String,
    outcome_text: String,
    errors: Vec<FieldError>,
    events: Vec<casework_audit::StoredEvent>,
}

struct IncidentLine {
    when: String,
    reported_by: &'static str,
    arrest: &'static str,
    children: &'static str,
    first_time: bool,
    perpetrator: String,
    summary: String,
}

struct DashLine {
    when: String,
    yes_count: u32,
    computed: LevelTag,
    level: LevelTag,
    reason: Option<String>,
}

struct ReferralLine {
    referred_on: String,
    reasons: String,
    meeting: String,
    is_repeat: bool,
}

struct ShareLine {
    agency: String,
    when: String,
    reason: String,
}

/// What the share and close forms held, to show them again with their errors.
#[derive(Default)]
struct CaseForms {
    share_agency: String,
    share_reason: String,
    outcome: String,
    errors: Vec<FieldError>,
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
    let case = crate::dv::load(state, id).await?;
    let people = case.people();
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects(people.iter().copied());
    event.reason = reason.clone();
    state.audit.record(event).await?;
    let decision = crate::dv::marac_decision(state, &case).await?;
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
    let events = cases::audit_events(state, id).await?;
    let may = |action| access::decide(&actor, action, facts) == Decision::Allow;
    let show_address = access::may_see_victim_address(&actor, facts);
    let victim = case.victim();
    let latest = case.latest_assessment();
    let victim_incidents = &case.victim_record.incidents;
    let c = &case.case;
    Ok(CasePage {
        chrome: Chrome::for_user(current),
        id,
        reference: c.reference.clone(),
        is_open: c.is_open(),
        status: c.status.clone(),
        owner_agency: c.owner_agency.clone(),
        ward: c.ward.clone(),
        summary: c.summary.clone(),
        outcome: c.outcome.clone(),
        opened: when(c.opened_at),
        closed: c.closed_at.map(when),
        victim_id: victim,
        victim_name: name(&victim),
        victim_address: names
            .get(&victim)
            .and_then(|p| p.address.clone())
            .filter(|_| show_address),
        show_address,
        perpetrator: case.perpetrator.map(|p| (p, name(&p))),
        level: latest.map(|a| tag(a.level)),
        yes_count: latest.map(|a| a.yes_count),
        marac_required: decision.required,
        marac_reasons: reasons_in_words(&decision.reasons),
        marac_covered_by: decision.covered_by.map(uk_date),
        incidents: case
            .incidents
            .iter()
            .map(|i| IncidentLine {
                when: when(i.occurred_at),
                reported_by: reporter_words(i.reported_by),
                arrest: yes_no(i.arrest_made),
                children: yes_no(i.children_present),
                first_time: is_first_time_report(i.occurred_at, victim_incidents),
                perpetrator: i
                    .perpetrator_id
                    .map(|p| name(&p))
                    .unwrap_or_else(|| "not known".into()),
                summary: i.summary.clone().unwrap_or_default(),
            })
            .collect(),
        history: case
            .assessments
            .iter()
            .map(|a| DashLine {
                when: when(a.assessed_at),
                yes_count: a.yes_count,
                computed: tag(a.computed_level),
                level: tag(a.level),
                reason: a.judgement_reason.clone(),
            })
            .collect(),
        referrals: case
            .referrals
            .iter()
            .map(|r| ReferralLine {
                referred_on: uk_date(r.referred_on),
                reasons: reasons_in_words(&r.reasons),
                meeting: r
                    .meeting_on
                    .map(uk_date)
                    .unwrap_or_else(|| "not yet known".into()),
                is_repeat: r.is_repeat,
            })
            .collect(),
        shares: c
            .shares
            .iter()
            .map(|s| ShareLine {
                agency: s.agency.clone(),
                when: when(s.shared_at),
                reason: s.reason.clone(),
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
        errors: forms.errors,
        events,
    }
    .into_response())
}

pub(super) async fn view(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let facts = guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::View,
    )
    .await?;
    case_page(&state, &current, id, &facts, CaseForms::default()).await
}

#[derive(Deserialize)]
pub(super) struct ShareForm {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn share(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ShareForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::Share,
    )
    .await?;
    let errors = match cases::share(&state, &current, &facts, id, &form.agency, &form.reason).await
    {
        Ok(_) => return Ok(back_to(id)),
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Conflict(message)) => vec![FieldError::new("agency", message)],
        Err(e) => return Err(e.into()),
    };
    let forms = CaseForms {
        share_agency: form.agency,
        share_reason: form.reason,
        errors,
        ..Default::default()
    };
    failed_form(&state, &current, id, &facts, forms).await
}

#[derive(Deserialize)]
pub(super) struct CloseForm {
    #[serde(default)]
    outcome: String,
}

pub(super) async fn close(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<CloseForm>,
) -> Result<Response, HtmlError> {
    let facts = guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::Close,
    )
    .await?;
    let errors = match cases::close(&state, &current, &facts, id, &form.outcome).await {
        Ok(()) => return Ok(back_to(id)),
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Conflict(message)) => vec![FieldError::new("outcome", message)],
        Err(e) => return Err(e.into()),
    };
    let forms = CaseForms {
        outcome: form.outcome,
        errors,
        ..Default::default()
    };
    failed_form(&state, &current, id, &facts, forms).await
}

/// The case page again, with a form's errors, as 422.
async fn failed_form(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    facts: &CaseFacts,
    forms: CaseForms,
) -> Result<Response, HtmlError> {
    let page = case_page(state, current, id, facts, forms).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
