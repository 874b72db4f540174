//! `/api/v1/asb/...`: open ASB cases, read them, log incidents and assess the victim's
//! risk; the instrument and incident types as reference data.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use casework_audit::AuditAction;
use casework_domain::access::{CaseAction, CaseKind};
use casework_domain::asb::IncidentInput;
use casework_store::asb::{AsbCase, IncidentRecord, asb_instrument};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::cases::{ENTITY, JsonBody, api_reason, guard};
use crate::{AppError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_case))
        .routes(routes!(get_case))
        .routes(routes!(log_incident))
        .routes(routes!(assess))
        .routes(routes!(instrument))
        .routes(routes!(incident_types))
}

#[derive(Deserialize, ToSchema)]
struct NewCase {
    /// The victim or complainant (a person id).
    #[serde(default)]
    person_id: String,
    /// Ward code, e.g. `harbour`.
    #[serde(default)]
    ward: String,
    summary: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct CaseCreated {
    id: Uuid,
    /// e.g. `ASB-2012-00042`
    reference: String,
    status: String,
    owner_agency: String,
    /// `gold`, `silver` or `bronze` once assessed.
    tier: Option<String>,
}

/// Open an ASB case for a victim or complainant. Your agency owns it and you lead it.
#[utoipa::path(post, path = "/asb/cases", tag = "asb", request_body = NewCase,
    responses((status = 201, body = CaseCreated), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn open_case(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(new): JsonBody<NewCase>,
) -> Result<(StatusCode, Json<CaseCreated>), AppError> {
    let case = super::open_case(&state, &current, &new.person_id, &new.ward, new.summary).await?;
    Ok((
        StatusCode::CREATED,
        Json(CaseCreated {
            id: case.id,
            reference: case.reference,
            status: case.status,
            owner_agency: case.owner_agency,
            tier: None,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
struct ShareJson {
    agency: String,
    shared_at: DateTime<Utc>,
    reason: String,
}

#[derive(Serialize, ToSchema)]
struct VictimJson {
    id: Uuid,
    forename: String,
    surname: String,
    /// `asb-repeat-victim` when they are one today.
    flags: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct IncidentJson {
    id: Uuid,
    occurred_at: DateTime<Utc>,
    reported_at: DateTime<Utc>,
    reporting_agency: String,
    category: String,
    #[serde(rename = "type")]
    incident_type: String,
    ward: String,
    alcohol_related: bool,
    youth_related: bool,
    victim_ids: Vec<Uuid>,
    perpetrator_ids: Vec<Uuid>,
    perpetrator_unknown: bool,
    /// When the victim's first contact is due: reports taken by agencies other than
    /// the police (the contact standard).
    contact_due_at: Option<DateTime<Utc>>,
    victim_contacted_at: Option<DateTime<Utc>>,
}

impl From<IncidentRecord> for IncidentJson {
    fn from(i: IncidentRecord) -> Self {
        IncidentJson {
            id: i.id,
            occurred_at: i.occurred_at,
            reported_at: i.reported_at,
            reporting_agency: i.reporting_agency,
            category: i.category,
            incident_type: i.incident_type,
            ward: i.ward,
            alcohol_related: i.alcohol_related,
            youth_related: i.youth_related,
            victim_ids: i.victim_ids,
            perpetrator_ids: i.perpetrator_ids,
            perpetrator_unknown: i.perpetrator_unknown,
            contact_due_at: i.contact_due_at,
            victim_contacted_at: i.victim_contacted_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct AssessmentJson {
    id: Uuid,
    instrument_version: u32,
    score: u32,
    computed_tier: String,
    /// The tier the case is worked at after professional judgement.
    tier: String,
    judgement_reason: Option<String>,
    assessed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
struct AsbCaseJson {
    id: Uuid,
    reference: String,
    kind: String,
    status: String,
    owner_agency: String,
    lead_officer: Option<Uuid>,
    ward: String,
    summary: Option<String>,
    outcome: Option<String>,
    review_date: Option<NaiveDate>,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    shared_with: Vec<ShareJson>,
    victim: Option<VictimJson>,
    /// The latest assessment's tier, once assessed.
    tier: Option<String>,
    /// Newest first.
    assessments: Vec<AssessmentJson>,
    /// Oldest first.
    incidents: Vec<IncidentJson>,
}

/// Read an ASB case. Unless you are working on it, say why in `X-Access-Reason`.
#[utoipa::path(get, path = "/asb/cases/{id}", tag = "asb",
    params(("id" = Uuid, Path), ("X-Access-Reason" = Option<String>, Header)),
    responses((status = 200, body = AsbCaseJson), (status = 404, body = crate::error::Problem),
              (status = 428, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Json<AsbCaseJson>, AppError> {
    let facts = guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::View).await?;
    let reason = api_reason(&headers, &current.actor(), &facts)?;
    let case = state.store.asb_case(id).await?.ok_or(AppError::NotFound)?;
    let people: Vec<Uuid> = case.people().into_iter().collect();
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects(people.iter().copied());
    event.reason = reason;
    // The read is answered only once its event is stored.
    state.audit.record(event).await?;
    let subject = case.case.subject_person;
    let flags = super::person_flags(&state, &current.actor(), subject).await?;
    let victim = state
        .store
        .people_by_id(state.store.connection(), &[subject])
        .await?
        .remove(&subject)
        .map(|p| VictimJson {
            id: p.id,
            forename: p.forename,
            surname: p.surname,
            flags,
        });
    Ok(Json(case_json(case, victim)))
}

fn case_json(case: AsbCase, victim: Option<VictimJson>) -> AsbCaseJson {
    let tier = case.tier().map(|t| t.as_str().to_string());
    let c = case.case;
    AsbCaseJson {
        id: c.id,
        reference: c.reference,
        kind: c.kind.as_str().to_string(),
        status: c.status,
        owner_agency: c.owner_agency,
        lead_officer: c.lead_officer,
        ward: c.ward,
        summary: c.summary,
        outcome: c.outcome,
        review_date: c.review_date,
        opened_at: c.opened_at,
        closed_at: c.closed_at,
        shared_with: c
            .shares
            .into_iter()
            .map(|s| ShareJson {
                agency: s.agency,
                shared_at: s.shared_at,
                reason: s.reason,
            })
            .collect(),
        victim,
        tier,
        assessments: case
            .assessments
            .into_iter()
            .map(|a| AssessmentJson {
                id: a.id,
                instrument_version: a.instrument_version,
                score: a.score,
                computed_tier: a.computed_tier.as_str().to_string(),
                tier: a.final_tier.as_str().to_string(),
                judgement_reason: a.judgement_reason,
                assessed_at: a.assessed_at,
            })
            .collect(),
        incidents: case.incidents.into_iter().map(IncidentJson::from).collect(),
    }
}

/// An incident as sent (see `IncidentInput`): times in RFC 3339; `perpetrator_ids` is
/// person ids, or `["unknown"]`; `reporting_agency` defaults to yours.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct NewIncident {
    occurred_at: String,
    reported_at: String,
    reporting_agency: Option<String>,
    category: String,
    #[serde(rename = "type")]
    incident_type: String,
    ward: String,
    alcohol_related: bool,
    youth_related: bool,
    victim_ids: Vec<String>,
    perpetrator_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct IncidentLogged {
    #[serde(flatten)]
    incident: IncidentJson,
    /// Victims of this incident who are now repeat victims (`asb-repeat-victim`).
    repeat_victim_ids: Vec<Uuid>,
}

/// Log an incident on an open ASB case.
#[utoipa::path(post, path = "/asb/cases/{id}/incidents", tag = "asb", request_body = NewIncident,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = IncidentLogged), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn log_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<IncidentInput>,
) -> Result<(StatusCode, Json<IncidentLogged>), AppError> {
    guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let incident = super::check_incident(&state, &current.actor(), input).await?;
    let incident_id = super::log_incident(&state, &current, id, &incident).await?;
    let case = state.store.asb_case(id).await?.ok_or(AppError::NotFound)?;
    let record = case
        .incidents
        .into_iter()
        .find(|i| i.id == incident_id)
        .ok_or(AppError::NotFound)?;
    let repeat = super::repeat_victims(&state, &record.victim_ids).await?;
    let mut repeat_victim_ids: Vec<Uuid> = repeat.into_iter().collect();
    repeat_victim_ids.sort_unstable();
    Ok((
        StatusCode::CREATED,
        Json(IncidentLogged {
            incident: record.into(),
            repeat_victim_ids,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
struct NewAssessment {
    /// A yes (`true`) or no (`false`) to every question of the instrument, by key.
    #[serde(default)]
    answers: BTreeMap<String, bool>,
    /// Raise the tier above what the answers give, with the reason.
    professional_judgement: Option<Judgement>,
}

#[derive(Deserialize, ToSchema)]
struct Judgement {
    /// `gold`, `silver` or `bronze`: never below the computed tier.
    #[serde(default)]
    tier: String,
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
struct AssessmentResult {
    id: Uuid,
    score: u32,
    computed_tier: String,
    /// The tier the case is now worked at.
    tier: String,
    /// Questions answered yes that made Gold on their own.
    gold_because: Vec<String>,
}

/// Assess the victim's risk: the answers give a score and a tier; professional
/// judgement may raise the tier (with a reason), never lower it.
#[utoipa::path(post, path = "/asb/cases/{id}/risk-assessments", tag = "asb",
    request_body = NewAssessment, params(("id" = Uuid, Path)),
    responses((status = 201, body = AssessmentResult), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn assess(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(new): JsonBody<NewAssessment>,
) -> Result<(StatusCode, Json<AssessmentResult>), AppError> {
    guard(&state, &current, id, Some(CaseKind::Asb), CaseAction::Edit).await?;
    let judgement = new
        .professional_judgement
        .as_ref()
        .map(|j| (j.tier.as_str(), j.reason.as_str()));
    let assessment = super::score(&new.answers, judgement)?;
    let assessment_id =
        super::record_assessment(&state, &current, id, &new.answers, &assessment).await?;
    Ok((
        StatusCode::CREATED,
        Json(AssessmentResult {
            id: assessment_id,
            score: assessment.score,
            computed_tier: assessment.computed_tier.as_str().to_string(),
            tier: assessment.final_tier.as_str().to_string(),
            gold_because: assessment.gold_because,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
struct QuestionJson {
    key: String,
    text: String,
    weight: u32,
}

#[derive(Serialize, ToSchema)]
struct InstrumentJson {
    version: u32,
    title: String,
    /// The lowest score that is Silver.
    silver_from: u32,
    /// The lowest score that is Gold.
    gold_from: u32,
    /// Questions a yes to which makes Gold whatever the score.
    gold_on_its_own: Vec<String>,
    questions: Vec<QuestionJson>,
}

/// The victim risk assessment in force: its questions, weights and cut-offs.
#[utoipa::path(get, path = "/asb/instrument", tag = "asb",
    responses((status = 200, body = InstrumentJson)), security(("bearer" = [])))]
async fn instrument(_current: CurrentUser) -> Json<InstrumentJson> {
    let i = asb_instrument();
    Json(InstrumentJson {
        version: i.version(),
        title: i.title().to_string(),
        silver_from: i.silver_from(),
        gold_from: i.gold_from(),
        gold_on_its_own: i.gold_on_its_own().to_vec(),
        questions: i
            .questions()
            .iter()
            .map(|q| QuestionJson {
                key: q.key.clone(),
                text: q.text.clone(),
                weight: q.weight,
            })
            .collect(),
    })
}

#[derive(Serialize, ToSchema)]
struct IncidentTypeJson {
    code: String,
    name: String,
}

/// The ASB types incidents may be logged as.
#[utoipa::path(get, path = "/asb/incident-types", tag = "asb",
    responses((status = 200, body = Vec<IncidentTypeJson>)), security(("bearer" = [])))]
async fn incident_types(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<Vec<IncidentTypeJson>>, AppError> {
    Ok(Json(
        state
            .store
            .asb_incident_types()
            .await?
            .into_iter()
            .map(|t| IncidentTypeJson {
                code: t.code,
                name: t.name,
            })
            .collect(),
    ))
}
