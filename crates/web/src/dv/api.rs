//! `/api/v1/dv/...`: open domestic abuse cases, read them, log incidents, complete the
//! DASH checklist, record MARAC referrals; the checklist as reference data; and the
//! measures of a period (counts only).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use casework_audit::AuditAction;
use casework_domain::access::{self, CaseAction, CaseKind};
use casework_domain::dv::{
    DashCutOffs, DvIncidentInput, DvMeasures, MaracDecision, MaracReferralInput,
    is_first_time_report,
};
use casework_store::dv::{DvCase, DvIncidentRecord, dash_instrument};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
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
        .routes(routes!(complete_dash))
        .routes(routes!(refer_to_marac))
        .routes(routes!(instrument))
        .routes(routes!(get_measures))
}

#[derive(Deserialize, ToSchema)]
struct NewCase {
    /// The victim (a person id).
    #[serde(default)]
    victim_id: String,
    /// The perpetrator (a person id), or `unknown`; left out means unknown.
    perpetrator_id: Option<String>,
    /// Ward code, e.g. `harbour`.
    #[serde(default)]
    ward: String,
    summary: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct CaseCreated {
    id: Uuid,
    /// e.g. `DV-2012-00001`
    reference: String,
    status: String,
    owner_agency: String,
    ward: String,
    victim_id: Uuid,
}

/// Open a domestic abuse case for a victim. Your agency owns it and you lead it; it is
/// restricted (see docs/access.md).
#[utoipa::path(post, path = "/dv/cases", tag = "dv", request_body = NewCase,
    responses((status = 201, body = CaseCreated), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn open_case(
    State(state): State<AppState>,
    current: CurrentUser,
    JsonBody(new): JsonBody<NewCase>,
) -> Result<(StatusCode, Json<CaseCreated>), AppError> {
    let case = super::open_case(
        &state,
        &current,
        &new.victim_id,
        new.perpetrator_id.as_deref(),
        &new.ward,
        new.summary,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CaseCreated {
            id: case.id,
            reference: case.reference,
            status: case.status,
            owner_agency: case.owner_agency,
            ward: case.ward,
            victim_id: case.subject_person,
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
struct PersonRef {
    id: Uuid,
    forename: String,
    surname: String,
    /// Only for those who work the case (never on an LMAPS agenda).
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct IncidentJson {
    id: Uuid,
    occurred_at: DateTime<Utc>,
    /// `police`, `agency` or `victim`.
    reported_by: String,
    arrest_made: bool,
    children_present: bool,
    summary: Option<String>,
    perpetrator_id: Option<Uuid>,
    perpetrator_unknown: bool,
    /// No earlier domestic abuse incident of this victim is on record, in any case.
    first_time_report: bool,
}

fn incident_json(incident: DvIncidentRecord, victim_incidents: &[DateTime<Utc>]) -> IncidentJson {
    IncidentJson {
        id: incident.id,
        first_time_report: is_first_time_report(incident.occurred_at, victim_incidents),
        occurred_at: incident.occurred_at,
        reported_by: incident.reported_by.as_str().to_string(),
        arrest_made: incident.arrest_made,
        children_present: incident.children_present,
        summary: incident.summary,
        perpetrator_unknown: incident.perpetrator_id.is_none(),
        perpetrator_id: incident.perpetrator_id,
    }
}

#[derive(Serialize, ToSchema)]
struct DashJson {
    id: Uuid,
    instrument_version: u32,
    yes_count: u32,
    /// What the answers alone give: `standard`, `medium` or `high`.
    computed_level: String,
    /// The level the case is worked at (high by professional judgement).
    level: String,
    judgement_reason: Option<String>,
    assessed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
struct ReferralJson {
    id: Uuid,
    referred_on: NaiveDate,
    /// `visible-high-risk`, `professional-judgement`, `potential-escalation`, `repeat`.
    reasons: Vec<String>,
    /// The MARAC meeting it goes to, if known.
    meeting_on: Option<NaiveDate>,
    is_repeat: bool,
    recorded_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
struct DvCaseJson {
    id: Uuid,
    reference: String,
    kind: String,
    status: String,
    owner_agency: String,
    lead_officer: Option<Uuid>,
    ward: String,
    summary: Option<String>,
    outcome: Option<String>,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    shared_with: Vec<ShareJson>,
    victim: Option<PersonRef>,
    /// `None` when the perpetrator is not known.
    perpetrator: Option<PersonRef>,
    perpetrator_unknown: bool,
    /// The latest checklist's level, once assessed.
    level: Option<String>,
    /// Whether a MARAC referral is required now and has not been made.
    marac_required: bool,
    /// Why a referral is (or was) called for, as things stand now.
    marac_reasons: Vec<String>,
    /// Oldest first.
    incidents: Vec<IncidentJson>,
    /// Newest first.
    assessments: Vec<DashJson>,
    /// Newest first.
    marac_referrals: Vec<ReferralJson>,
}

fn reasons(decision: &MaracDecision) -> Vec<String> {
    decision
        .reasons
        .iter()
        .map(|r| r.as_str().to_string())
        .collect()
}

/// Read a domestic abuse case, with the MARAC decision as it stands now. Unless you
/// are working on it, say why in `X-Access-Reason`.
#[utoipa::path(get, path = "/dv/cases/{id}", tag = "dv",
    params(("id" = Uuid, Path), ("X-Access-Reason" = Option<String>, Header)),
    responses((status = 200, body = DvCaseJson), (status = 404, body = crate::error::Problem),
              (status = 428, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Json<DvCaseJson>, AppError> {
    let facts = guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::View,
    )
    .await?;
    let actor = current.actor();
    let reason = api_reason(&headers, &actor, &facts)?;
    let case = super::load(&state, id).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(ENTITY, id)
        .subjects(case.people());
    event.reason = reason;
    // The read is answered only once its event is stored.
    state.audit.record(event).await?;
    let decision = super::marac_decision(&state, &case).await?;
    let with_address = access::may_see_victim_address(&actor, &facts);
    let people = state
        .store
        .people_by_id(state.store.connection(), &case.people())
        .await?;
    let person = |id: Uuid, address: bool| {
        people.get(&id).map(|p| PersonRef {
            id: p.id,
            forename: p.forename.clone(),
            surname: p.surname.clone(),
            address: p.address.clone().filter(|_| address),
        })
    };
    Ok(Json(DvCaseJson {
        victim: person(case.victim(), with_address),
        perpetrator: case.perpetrator.and_then(|p| person(p, false)),
        perpetrator_unknown: case.perpetrator.is_none(),
        level: case
            .latest_assessment()
            .map(|a| a.level.as_str().to_string()),
        marac_required: decision.required,
        marac_reasons: reasons(&decision),
        incidents: {
            let victim_incidents = case.victim_record.incidents.clone();
            case.incidents
                .into_iter()
                .map(|i| incident_json(i, &victim_incidents))
                .collect()
        },
        assessments: case
            .assessments
            .into_iter()
            .map(|a| DashJson {
                id: a.id,
                instrument_version: a.instrument_version,
                yes_count: a.yes_count,
                computed_level: a.computed_level.as_str().to_string(),
                level: a.level.as_str().to_string(),
                judgement_reason: a.judgement_reason,
                assessed_at: a.assessed_at,
            })
            .collect(),
        marac_referrals: case.referrals.into_iter().map(referral_json).collect(),
        id: case.case.id,
        reference: case.case.reference,
        kind: case.case.kind.as_str().to_string(),
        status: case.case.status,
        owner_agency: case.case.owner_agency,
        lead_officer: case.case.lead_officer,
        ward: case.case.ward,
        summary: case.case.summary,
        outcome: case.case.outcome,
        opened_at: case.case.opened_at,
        closed_at: case.case.closed_at,
        shared_with: case
            .case
            .shares
            .into_iter()
            .map(|s| ShareJson {
                agency: s.agency,
                shared_at: s.shared_at,
                reason: s.reason,
            })
            .collect(),
    }))
}

fn referral_json(r: casework_store::dv::MaracReferralRecord) -> ReferralJson {
    ReferralJson {
        id: r.id,
        referred_on: r.referred_on,
        reasons: r.reasons.iter().map(|x| x.as_str().to_string()).collect(),
        meeting_on: r.meeting_on,
        is_repeat: r.is_repeat,
        recorded_at: r.recorded_at,
    }
}

/// An incident as sent. The victim is the case's; the perpetrator is the case's unless
/// `perpetrator_id` names another person or says `unknown`.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct NewIncident {
    /// RFC 3339, e.g. `2012-06-01T21:30:00Z`; not in the future.
    occurred_at: String,
    /// `police`, `agency` or `victim`.
    reported_by: String,
    arrest_made: bool,
    children_present: bool,
    /// A short account, at most 1,000 characters.
    summary: Option<String>,
    perpetrator_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct IncidentLogged {
    #[serde(flatten)]
    incident: IncidentJson,
    /// Whether a MARAC referral is now required, and why.
    marac_required: bool,
    marac_reasons: Vec<String>,
}

/// Log an incident on an open domestic abuse case. The answer says whether a MARAC
/// referral is now required.
#[utoipa::path(post, path = "/dv/cases/{id}/incidents", tag = "dv", request_body = NewIncident,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = IncidentLogged), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn log_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<DvIncidentInput>,
) -> Result<(StatusCode, Json<IncidentLogged>), AppError> {
    guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::Edit,
    )
    .await?;
    let incident_id = super::log_incident(&state, &current, id, input).await?;
    let case = super::load(&state, id).await?;
    let decision = super::marac_decision(&state, &case).await?;
    let victim_incidents = case.victim_record.incidents.clone();
    let record = case
        .incidents
        .into_iter()
        .find(|i| i.id == incident_id)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(IncidentLogged {
            incident: incident_json(record, &victim_incidents),
            marac_required: decision.required,
            marac_reasons: reasons(&decision),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
struct NewDash {
    /// `yes`, `no` or `not-known` to every question of the checklist, by key.
    #[serde(default)]
    answers: BTreeMap<String, String>,
    /// Raise the level to high whatever the score, with the reason.
    professional_judgement: Option<Judgement>,
}

#[derive(Deserialize, ToSchema)]
struct Judgement {
    #[serde(default)]
    reason: String,
    /// If given, `high`: judgement never lowers the level.
    level: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct DashResult {
    id: Uuid,
    yes_count: u32,
    computed_level: String,
    level: String,
    marac_required: bool,
    marac_reasons: Vec<String>,
}

/// Complete the DASH risk checklist: the number of "yes" answers gives the level
/// (standard, medium, high at the cut-offs in the settings); professional judgement
/// raises it to high with a reason, never lowers it. The answer says whether a MARAC
/// referral is now required, and why.
#[utoipa::path(post, path = "/dv/cases/{id}/dash", tag = "dv", request_body = NewDash,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = DashResult), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn complete_dash(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(new): JsonBody<NewDash>,
) -> Result<(StatusCode, Json<DashResult>), AppError> {
    guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::Edit,
    )
    .await?;
    let judgement = new.professional_judgement.as_ref();
    let (answers, assessment) = super::score(
        &state,
        &new.answers,
        judgement.and_then(|j| j.level.as_deref()),
        judgement.map(|j| j.reason.as_str()),
    )
    .await?;
    let assessment_id = super::record_dash(&state, &current, id, &answers, &assessment).await?;
    let case = super::load(&state, id).await?;
    let decision = super::marac_decision(&state, &case).await?;
    let outcome = assessment.outcome;
    Ok((
        StatusCode::CREATED,
        Json(DashResult {
            id: assessment_id,
            yes_count: outcome.yes_count,
            computed_level: outcome.computed_level.as_str().to_string(),
            level: outcome.level.as_str().to_string(),
            marac_required: decision.required,
            marac_reasons: reasons(&decision),
        }),
    ))
}

/// A MARAC referral as sent.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct NewReferral {
    /// `YYYY-MM-DD`, not in the future.
    referred_on: String,
    /// Reason codes; left out, the reasons the rule finds on that day. `repeat` is
    /// added when the record shows one and refused when it does not.
    reasons: Option<Vec<String>>,
    /// The MARAC meeting it goes to, `YYYY-MM-DD`, not before the referral.
    meeting_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ReferralRecorded {
    #[serde(flatten)]
    referral: ReferralJson,
    /// Whether a referral is still required after this one.
    marac_required: bool,
    marac_reasons: Vec<String>,
}

/// Record a MARAC referral of the case's victim.
#[utoipa::path(post, path = "/dv/cases/{id}/marac-referrals", tag = "dv",
    request_body = NewReferral, params(("id" = Uuid, Path)),
    responses((status = 201, body = ReferralRecorded), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn refer_to_marac(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<MaracReferralInput>,
) -> Result<(StatusCode, Json<ReferralRecorded>), AppError> {
    guard(
        &state,
        &current,
        id,
        Some(CaseKind::DomesticAbuse),
        CaseAction::Edit,
    )
    .await?;
    let referral_id = super::record_referral(&state, &current, id, &input).await?;
    let case: DvCase = super::load(&state, id).await?;
    let decision = super::marac_decision(&state, &case).await?;
    let referral = case
        .referrals
        .into_iter()
        .find(|r| r.id == referral_id)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(ReferralRecorded {
            referral: referral_json(referral),
            marac_required: decision.required,
            marac_reasons: reasons(&decision),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
struct QuestionJson {
    key: String,
    text: String,
    /// The heading it sits under on the one-page form.
    group: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Thresholds {
    /// The lowest number of "yes" answers that is medium risk.
    medium_from: u32,
    /// The lowest that is high risk (visible high risk for MARAC).
    high_from: u32,
}

#[derive(Serialize, ToSchema)]
struct InstrumentJson {
    version: u32,
    title: String,
    /// The answers each question takes.
    answers: Vec<String>,
    questions: Vec<QuestionJson>,
    thresholds: Thresholds,
}

/// The DASH checklist in force: its questions, grouped, and the cut-offs.
#[utoipa::path(get, path = "/dv/instrument", tag = "dv",
    responses((status = 200, body = InstrumentJson)), security(("bearer" = [])))]
async fn instrument(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<InstrumentJson>, AppError> {
    let i = dash_instrument();
    let cut = DashCutOffs::from_settings(&state.store.settings().await?);
    Ok(Json(InstrumentJson {
        version: i.version(),
        title: i.title().to_string(),
        answers: casework_domain::dv::DashAnswer::ALL
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        questions: i
            .questions()
            .iter()
            .map(|q| QuestionJson {
                key: q.key.clone(),
                text: q.text.clone(),
                group: q.group.clone(),
            })
            .collect(),
        thresholds: Thresholds {
            medium_from: cut.medium_from,
            high_from: cut.high_from,
        },
    }))
}

#[derive(Deserialize, IntoParams)]
struct MeasuresQuery {
    /// First day of the period, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day of the period, `YYYY-MM-DD` (included).
    to: Option<String>,
    /// `allerdale` or `copeland`; left out (or `all`) for the whole partnership.
    district: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Figures {
    /// DV incidents (calls to service).
    incidents: u32,
    arrests: u32,
    /// arrests / incidents, 0..1; null without incidents.
    arrest_rate: Option<f64>,
    /// Victims whose first DV incident on record falls in the period.
    first_time_victims: u32,
    /// Incidents whose victim had another in the 12 months before (a setting).
    incidents_with_repeat_victim: u32,
    /// incidents_with_repeat_victim / incidents, 0..1; null without incidents.
    repeat_victimisation_rate: Option<f64>,
    marac_referrals: u32,
    repeat_marac_referrals: u32,
    /// repeat_marac_referrals / marac_referrals, 0..1; null without referrals.
    repeat_marac_rate: Option<f64>,
}

impl From<DvMeasures> for Figures {
    fn from(m: DvMeasures) -> Self {
        Figures {
            incidents: m.incidents,
            arrests: m.arrests,
            arrest_rate: m.arrest_rate,
            first_time_victims: m.first_time_victims,
            incidents_with_repeat_victim: m.incidents_with_repeat_victim,
            repeat_victimisation_rate: m.repeat_victimisation_rate,
            marac_referrals: m.marac_referrals,
            repeat_marac_referrals: m.repeat_marac_referrals,
            repeat_marac_rate: m.repeat_marac_rate,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct MeasuresJson {
    from: NaiveDate,
    to: NaiveDate,
    /// The district asked for, or `all`.
    district: String,
    #[serde(flatten)]
    figures: Figures,
    /// For the whole partnership only: the same figures for each district.
    #[serde(skip_serializing_if = "Option::is_none")]
    by_district: Option<BTreeMap<String, Figures>>,
}

/// The domestic abuse measures for a period, for the partnership or one district:
/// counts and rates only, no personal data.
#[utoipa::path(get, path = "/dv/measures", tag = "dv", params(MeasuresQuery),
    responses((status = 200, body = MeasuresJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn get_measures(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<MeasuresQuery>,
) -> Result<Json<MeasuresJson>, AppError> {
    super::may_see_counts(&current.actor())?;
    let (period, district) = super::measures_period(
        &state,
        query.from.as_deref(),
        query.to.as_deref(),
        query.district.as_deref(),
    )
    .await?;
    let found = super::measures(&state, period).await?;
    let (figures, by_district) = match &district {
        Some(code) => (found.area(code), None),
        None => {
            let districts = state.store.districts().await?;
            let by = districts
                .into_iter()
                .map(|d| {
                    let figures = found.area(&d.code).into();
                    (d.code, figures)
                })
                .collect();
            (found.overall.clone(), Some(by))
        }
    };
    Ok(Json(MeasuresJson {
        from: period.from,
        to: period.to,
        district: district.unwrap_or_else(|| "all".into()),
        figures: figures.into(),
        by_district,
    }))
}
