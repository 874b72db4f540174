//! The repeat victims of a district, as a page (`/asb/repeat-victims`) and in the API
//! (`/api/v1/asb/repeat-victims`): most incidents first, only those the viewer may see
//! (a victim in an ASB case they may open), each with every incident in the window
//! counted. Each list read is audited as a search.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseKind};
use casework_domain::asb::RepeatVictimRule;
use casework_domain::calendar::{uk_date, uk_day};
use casework_store::asb::RepeatVictimLine;
use casework_store::reference::District;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn pages() -> Router<AppState> {
    Router::new().route("/asb/repeat-victims", get(page))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_json))
}

const PER_PAGE: u64 = 25;
const MAX_PER_PAGE: u64 = 100;

/// The list as asked for.
#[derive(Debug, Deserialize, IntoParams)]
struct ListQuery {
    /// District code: `allerdale` or `copeland`.
    district: Option<String>,
    /// From 1.
    page: Option<u64>,
    /// 25 unless given; at most 100.
    per_page: Option<u64>,
}

/// One page of a district's list, read and audited.
struct Listing {
    district: District,
    rule: RepeatVictimRule,
    as_of: NaiveDate,
    window_from: NaiveDate,
    page: u64,
    per_page: u64,
    lines: Vec<RepeatVictimLine>,
    total: u64,
}

/// Only those who work ASB cases see who is a repeat victim.
fn may_list(current: &CurrentUser) -> Result<(), AppError> {
    if access::works_kind(&current.actor(), CaseKind::Asb) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only those who work ASB cases see the repeat victims list.".into(),
        ))
    }
}

/// The district of that code, or the field error that names it.
fn district_of(code: &str, districts: &[District]) -> Result<District, FieldError> {
    districts
        .iter()
        .find(|d| d.code == code.trim())
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = districts.iter().map(|d| d.code.as_str()).collect();
            FieldError::new(
                "district",
                format!("Choose a district: {}.", names.join(" or ")),
            )
        })
}

/// Reads one page of the district's list as of today, under the current settings,
/// and audits the read as a search (what was asked, how many were found, who is on
/// the page).
async fn read(
    state: &AppState,
    current: &CurrentUser,
    district: District,
    page: u64,
    per_page: u64,
) -> Result<Listing, AppError> {
    let rule = RepeatVictimRule::from_settings(&state.store.settings().await?);
    let as_of = uk_day(Utc::now());
    let found = state
        .store
        .repeat_victims_in_district(
            &current.actor(),
            &district.code,
            rule,
            as_of,
            page,
            per_page,
        )
        .await?;
    let mut event = current
        .event(AuditAction::Search)
        .entity("person", "asb-repeat-victims")
        .subjects(found.items.iter().map(|line| line.person_id));
    event.query = Some(format!(
        "ASB repeat victims in {} as of {as_of}, page {page} of {per_page}",
        district.code
    ));
    event.result_count = i64::try_from(found.total).ok();
    state.audit.record(event).await?;
    Ok(Listing {
        district,
        rule,
        as_of,
        window_from: rule.window(as_of).from,
        page,
        per_page,
        lines: found.items,
        total: found.total,
    })
}

// ---------------------------------------------------------------- the API

#[derive(Serialize, ToSchema)]
struct RepeatVictimsJson {
    items: Vec<RepeatVictimJson>,
    /// Repeat victims in the district that the caller may see.
    total: u64,
    district: String,
    /// The day the list is counted up to (today, UK).
    as_of: NaiveDate,
    /// The first day of the rolling window.
    window_from: NaiveDate,
    /// The rule: at least this many incidents ...
    threshold: u32,
    /// ... within this many months.
    months: u32,
    page: u64,
    per_page: u64,
}

#[derive(Serialize, ToSchema)]
struct RepeatVictimJson {
    person_id: Uuid,
    forename: String,
    surname: String,
    date_of_birth: Option<NaiveDate>,
    /// ASB incidents in the window in which they were a victim, on every case of
    /// every agency.
    incidents: u32,
    /// The ASB cases in which they are a victim that the caller may open.
    cases: Vec<CaseLinkJson>,
}

#[derive(Serialize, ToSchema)]
struct CaseLinkJson {
    id: Uuid,
    reference: String,
    status: String,
}

/// The repeat victims of a district as of today (at least 3 ASB incidents as a victim
/// in 12 months, by default), most incidents first, as far as you may see them: a
/// victim in at least one ASB case you may open. For those who work ASB cases; the
/// read is audited.
#[utoipa::path(get, path = "/asb/repeat-victims", tag = "asb", params(ListQuery),
    responses((status = 200, body = RepeatVictimsJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn list_json(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<RepeatVictimsJson>, AppError> {
    may_list(&current)?;
    let districts = state.store.districts().await?;
    let district = district_of(query.district.as_deref().unwrap_or_default(), &districts)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let per_page = query.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE);
    let page = query.page.unwrap_or(1).max(1);
    let listing = read(&state, &current, district, page, per_page).await?;
    Ok(Json(RepeatVictimsJson {
        total: listing.total,
        district: listing.district.code,
        as_of: listing.as_of,
        window_from: listing.window_from,
        threshold: listing.rule.incidents,
        months: listing.rule.months,
        page: listing.page,
        per_page: listing.per_page,
        items: listing
            .lines
            .into_iter()
            .map(|line| RepeatVictimJson {
                person_id: line.person_id,
                forename: line.forename,
                surname: line.surname,
                date_of_birth: line.date_of_birth,
                incidents: line.incidents_in_window,
                cases: line
                    .cases
                    .into_iter()
                    .map(|c| CaseLinkJson {
                        id: c.id,
                        reference: c.reference,
                        status: c.status,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------- the page

#[derive(Template, WebTemplate)]
#[template(path = "asb/repeat_victims.html")]
struct ListPage {
    chrome: Chrome,
    districts: Vec<District>,
    /// As chosen (or typed), for the form.
    district: String,
    errors: Vec<FieldError>,
    /// Absent until a district is chosen.
    view: Option<ListView>,
}

struct ListView {
    district_name: String,
    district_code: String,
    rule: String,
    lines: Vec<RepeatVictimLine>,
    total: u64,
    page: u64,
    pages: u64,
}

impl ListPage {
    fn born(&self, line: &RepeatVictimLine) -> String {
        line.date_of_birth
            .map(uk_date)
            .unwrap_or_else(|| "not known".into())
    }
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    district: Option<String>,
    page: Option<u64>,
}

async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response, HtmlError> {
    may_list(&current)?;
    let districts = state.store.districts().await?;
    let chosen = query.district.unwrap_or_default();
    let mut page = ListPage {
        chrome: Chrome::for_user(&current),
        districts,
        district: chosen.trim().to_string(),
        errors: Vec::new(),
        view: None,
    };
    if page.district.is_empty() {
        return Ok(page.into_response());
    }
    let district = match district_of(&page.district, &page.districts) {
        Ok(district) => district,
        Err(error) => {
            page.errors.push(error);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let number = query.page.unwrap_or(1).max(1);
    let listing = read(&state, &current, district, number, PER_PAGE).await?;
    page.view = Some(ListView {
        rule: format!(
            "a victim in at least {} ASB incidents in the {} months from {} to {}, on any case \
             of any agency",
            listing.rule.incidents,
            listing.rule.months,
            uk_date(listing.window_from),
            uk_date(listing.as_of)
        ),
        district_name: listing.district.name,
        district_code: listing.district.code,
        pages: listing.total.div_ceil(PER_PAGE).max(1),
        total: listing.total,
        page: number,
        lines: listing.lines,
    });
    Ok(page.into_response())
}
