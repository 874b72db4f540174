//! The member page (asking why when it is not the viewer's) and its forms: tier,
//! needs and their status, housing referrals, offences and de-selection.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseAction, CaseKind, Decision};
use casework_domain::calendar::uk_date;
use casework_domain::iom::{HousingTarget, MemberView, NeedStatus, OffenceInput, Pathway, Tier};
use serde::Deserialize;
use uuid::Uuid;

use super::{TierTag, back_to, tier_tag};
use crate::auth::CurrentUser;
use crate::cases::reason::Why;
use crate::cases::{self, ENTITY, guard};
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/iom/members/{id}", get(view))
        .route("/iom/members/{id}/tier", post(tier))
        .route("/iom/members/{id}/deselect", post(deselect))
        .route("/iom/members/{id}/needs", post(add_need))
        .route("/iom/members/{id}/needs/{need_id}", post(set_need))
        .route("/iom/members/{id}/needs/{need_id}/referrals", post(refer))
        .route("/iom/members/{id}/offences", post(add_offence))
}

#[derive(Template, WebTemplate)]
#[template(path = "iom/member.html")]
struct MemberPage {
    chrome: Chrome,
    id: Uuid,
    reference: String,
    is_open: bool,
    whole: bool,
    may_edit: bool,
    person_id: Uuid,
    name: String,
    entered: String,
    stream: &'static str,
    tier: Option<TierTag>,
    reason: String,
    manager: String,
    police_lead: String,
    probation_lead: String,
    placement: String,
    worker: String,
    deselected: Option<(String, String)>,
    tiers: Vec<(String, TierTag, String)>,
    needs: Vec<NeedLine>,
    offences: Vec<OffenceLine>,
    shares: Vec<String>,
    pathways: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    all_tiers: Vec<(&'static str, &'static str)>,
    housing: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

struct NeedLine {
    id: Uuid,
    pathway: &'static str,
    status: &'static str,
    status_code: &'static str,
    note: String,
    referable: bool,
    referrals: Vec<String>,
}

struct OffenceLine {
    committed: String,
    proven: String,
    outcome: &'static str,
    category: String,
    harm_weight: String,
}

/// The member page, or the question why for someone not working on it who has given
/// no reason this session. The read is audited before the page is made.
async fn member_page(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    errors: Vec<FieldError>,
) -> Result<Response, HtmlError> {
    let facts = guard(state, current, id, Some(CaseKind::Iom), CaseAction::View).await?;
    let reason = match cases::reason::why(state, current, id, &facts).await? {
        Why::Known(reason) => reason,
        Why::Ask(question) => return Ok(question),
    };
    let actor = current.actor();
    let member = crate::iom::load(state, id).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects([member.person_id]);
    event.reason = reason;
    state.audit.record(event).await?;
    let view = MemberView::of(&actor, &facts);
    let whole = view == MemberView::Whole;
    let store = &state.store;
    let person = store.person(member.person_id).await?;
    let users: Vec<Uuid> = [
        member.case.lead_officer,
        member.police_lead,
        member.probation_lead,
    ]
    .into_iter()
    .flatten()
    .collect();
    let names = store.user_names(&users).await?;
    let name_of = |id: Option<Uuid>| {
        id.and_then(|u| names.get(&u).cloned())
            .unwrap_or_else(|| "Not recorded".into())
    };
    let offences = if view.shows_offences() {
        store
            .offences_of(store.connection(), member.person_id)
            .await?
    } else {
        Vec::new()
    };
    let housing = store
        .agencies()
        .await?
        .into_iter()
        .filter(|a| a.kind == "housing")
        .map(|a| (a.code, a.name))
        .collect::<Vec<_>>();
    let mut targets = vec![(
        HousingTarget::PANEL.to_string(),
        "Housing Task & Finish Group".to_string(),
    )];
    targets.extend(housing);
    let may_edit = access::decide(&actor, CaseAction::Edit, &facts) == Decision::Allow;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = MemberPage {
        chrome: Chrome::for_user(current),
        id,
        reference: member.case.reference.clone(),
        is_open: member.deselection.is_none(),
        whole,
        may_edit,
        person_id: member.person_id,
        name: person.map(|p| p.full_name()).unwrap_or_default(),
        entered: uk_date(member.entered_on),
        stream: member.stream.name(),
        tier: member.current_tier().map(tier_tag),
        reason: member.selection_reason.clone().unwrap_or_default(),
        manager: name_of(member.case.lead_officer),
        police_lead: name_of(member.police_lead),
        probation_lead: name_of(member.probation_lead),
        placement: member.placement.clone().unwrap_or_default(),
        worker: member.outreach_worker.clone().unwrap_or_default(),
        deselected: member
            .deselection
            .as_ref()
            .map(|d| (uk_date(d.on), d.reason.clone())),
        tiers: member
            .tiers
            .iter()
            .map(|t| {
                (
                    uk_date(t.change.on),
                    tier_tag(t.change.tier),
                    t.change.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
        needs: member
            .needs
            .iter()
            .filter(|n| view.shows(n.pathway))
            .map(|n| NeedLine {
                id: n.id,
                pathway: n.pathway.name(),
                status: n.status.name(),
                status_code: n.status.as_str(),
                note: n.note.clone().unwrap_or_default(),
                referable: n.pathway.may_be_referred_to_housing(),
                referrals: n
                    .referrals
                    .iter()
                    .map(|r| {
                        let to = r
                            .to_agency
                            .clone()
                            .unwrap_or_else(|| "the Housing Task & Finish Group".to_string());
                        format!(
                            "Referred to {to} on {}: {}",
                            uk_date(r.referred_at.date_naive()),
                            r.reason
                        )
                    })
                    .collect(),
            })
            .collect(),
        offences: offences
            .into_iter()
            .map(|o| OffenceLine {
                committed: uk_date(o.offence.committed_on),
                proven: o
                    .offence
                    .proven_on
                    .map(uk_date)
                    .unwrap_or_else(|| "Not proven".into()),
                outcome: match o.offence.outcome {
                    casework_domain::iom::Outcome::Conviction => "Conviction",
                    casework_domain::iom::Outcome::Caution => "Caution",
                },
                category: o.offence.category,
                harm_weight: o
                    .offence
                    .harm_weight
                    .map(|w| w.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        shares: member
            .case
            .shares
            .iter()
            .map(|s| s.agency.clone())
            .collect(),
        pathways: Pathway::ALL
            .iter()
            .map(|p| (p.as_str(), p.name()))
            .collect(),
        statuses: NeedStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.name()))
            .collect(),
        all_tiers: Tier::ALL.iter().map(|t| (t.as_str(), t.name())).collect(),
        housing: targets,
        errors,
    };
    Ok((status, page).into_response())
}

async fn view(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    member_page(&state, &current, id, Vec::new()).await
}

/// After a change: back to the page, or the page again with what was wrong.
async fn after(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    result: Result<(), AppError>,
) -> Result<Response, HtmlError> {
    match result {
        Ok(()) => Ok(back_to(id)),
        Err(AppError::Invalid(errors)) => member_page(state, current, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct TierForm {
    #[serde(default)]
    tier: String,
    on: Option<String>,
    reason: Option<String>,
}

async fn tier(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<TierForm>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let result = crate::iom::change_tier(
        &state,
        &current,
        id,
        &form.tier,
        form.on.as_deref(),
        form.reason.as_deref(),
    )
    .await
    .map(|_| ());
    after(&state, &current, id, result).await
}

#[derive(Deserialize)]
struct DeselectForm {
    on: Option<String>,
    reason: Option<String>,
}

async fn deselect(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<DeselectForm>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Close).await?;
    let result = crate::iom::deselect(
        &state,
        &current,
        id,
        form.on.as_deref(),
        form.reason.as_deref(),
    )
    .await
    .map(|_| ());
    after(&state, &current, id, result).await
}

#[derive(Deserialize)]
struct NeedForm {
    #[serde(default)]
    pathway: String,
    status: Option<String>,
    note: Option<String>,
}

async fn add_need(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<NeedForm>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let result = crate::iom::add_need(
        &state,
        &current,
        id,
        &form.pathway,
        form.status.as_deref(),
        form.note.as_deref(),
    )
    .await
    .map(|_| ());
    after(&state, &current, id, result).await
}

async fn set_need(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, need_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<NeedForm>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let result = crate::iom::set_need_status(
        &state,
        &current,
        id,
        need_id,
        form.status.as_deref().unwrap_or_default(),
        form.note.as_deref(),
    )
    .await;
    after(&state, &current, id, result).await
}

#[derive(Deserialize)]
struct ReferForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

async fn refer(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, need_id)): Path<(Uuid, Uuid)>,
    Form(form): Form<ReferForm>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let result =
        crate::iom::refer_need(&state, &current, id, need_id, &form.to, &form.reason).await;
    after(&state, &current, id, result).await
}

#[derive(Deserialize)]
struct OffenceForm {
    #[serde(default)]
    committed_on: String,
    #[serde(default)]
    proven_on: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    harm_weight: String,
}

/// Records an offence against the member's person, from their page.
async fn add_offence(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<OffenceForm>,
) -> Result<Response, HtmlError> {
    guard(&state, &current, id, Some(CaseKind::Iom), CaseAction::Edit).await?;
    let member = crate::iom::load(&state, id).await?;
    let input = OffenceInput {
        committed_on: &form.committed_on,
        proven_on: &form.proven_on,
        outcome: &form.outcome,
        category: &form.category,
        harm_weight: &form.harm_weight,
    };
    let result = crate::iom::record_offence(&state, &current, member.person_id, &input)
        .await
        .map(|_| ());
    after(&state, &current, id, result).await
}
