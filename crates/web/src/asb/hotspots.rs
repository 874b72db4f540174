//! ASB hotspots, as a page (`/asb/hotspots`) and in the API (`/api/v1/asb/hotspots`):
//! incidents per ward for a period against the period of the same length before it,
//! ranked (`casework_domain::asb::rank_hotspots`), with the alcohol-related,
//! youth-related, alcohol-related youth, criminal damage and deliberate fire counts the
//! plan's aims name. Counts only, so analysts see it as well as ASB officers.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use casework_domain::FieldError;
use casework_domain::access;
use casework_domain::asb::hotspot::hotspot_period;
use casework_domain::asb::{Hotspot, rank_hotspots};
use casework_domain::calendar::{Period, uk_date, uk_day};
use casework_store::reference::{District, Ward};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::hotspot_chart::{self, BarChart};
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn pages() -> Router<AppState> {
    Router::new().route("/asb/hotspots", get(page))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(hotspots_json))
}

/// Wards per page of the API's list unless asked otherwise; at most [`MAX_PER_PAGE`].
const PER_PAGE: u64 = 100;
const MAX_PER_PAGE: u64 = 500;

/// The period and place asked for, as typed.
#[derive(Debug, Default, Deserialize, IntoParams)]
struct HotspotQuery {
    /// First day, `YYYY-MM-DD`. With `to` left out, the period runs to today; with both
    /// left out it is the last whole quarter (April to June, ...).
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included.
    to: Option<String>,
    /// District code (`allerdale`, `copeland`); both when left out.
    district: Option<String>,
    /// From 1 (wards, most incidents first).
    page: Option<u64>,
    per_page: Option<u64>,
}

/// The ranking for a period and the one before it.
struct Ranking {
    period: Period,
    previous: Period,
    district: Option<District>,
    hotspots: Vec<Hotspot>,
    wards: HashMap<String, Ward>,
    /// District names by code.
    districts: HashMap<String, String>,
}

impl Ranking {
    fn ward_name(&self, code: &str) -> String {
        self.wards
            .get(code)
            .map_or_else(|| code.to_string(), |w| w.name.clone())
    }

    fn ward_district(&self, code: &str) -> String {
        self.wards
            .get(code)
            .map(|w| w.district.clone())
            .unwrap_or_default()
    }

    fn district_name(&self, ward: &str) -> String {
        let code = self.ward_district(ward);
        self.districts.get(&code).cloned().unwrap_or(code)
    }
}

/// Counts and measures: every role but a bare administrator.
fn may_see(current: &CurrentUser) -> Result<(), AppError> {
    if access::may_see_counts(&current.actor()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Hotspots are for those who see counts and measures.".into(),
        ))
    }
}

/// Checks what was asked, naming every bad field, then counts each period (one
/// grouped query each) and ranks the wards.
async fn rank(state: &AppState, query: &HotspotQuery) -> Result<Ranking, AppError> {
    let today = uk_day(Utc::now());
    let mut errors: Vec<FieldError> = Vec::new();
    let period = hotspot_period(query.from.as_deref(), query.to.as_deref(), today)
        .map_err(|e| errors.extend(e))
        .ok();
    let districts = state.store.districts().await?;
    let district = match query.district.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let found = districts.iter().find(|d| d.code == code).cloned();
            if found.is_none() {
                let codes: Vec<&str> = districts.iter().map(|d| d.code.as_str()).collect();
                errors.push(FieldError::new(
                    "district",
                    format!(
                        "Choose a district ({}), or leave it empty for both.",
                        codes.join(" or ")
                    ),
                ));
            }
            found
        }
    };
    let Some(period) = period.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let previous = period.previous_of_same_length();
    let code = district.as_ref().map(|d| d.code.as_str());
    let now = state.store.asb_ward_counts(period, code).await?;
    let before = state.store.asb_ward_counts(previous, code).await?;
    let wards = state
        .store
        .wards()
        .await?
        .into_iter()
        .map(|w| (w.code.clone(), w))
        .collect();
    Ok(Ranking {
        period,
        previous,
        district,
        hotspots: rank_hotspots(&now, &before),
        wards,
        districts: districts.into_iter().map(|d| (d.code, d.name)).collect(),
    })
}

// ---------------------------------------------------------------- the API

#[derive(Serialize, ToSchema)]
struct HotspotsJson {
    /// Wards with incidents in either period, most incidents this period first.
    items: Vec<HotspotJson>,
    /// Wards in the ranking.
    total: u64,
    from: NaiveDate,
    to: NaiveDate,
    /// The period of the same length just before.
    previous_from: NaiveDate,
    previous_to: NaiveDate,
    /// Both districts when absent.
    district: Option<String>,
    page: u64,
    per_page: u64,
}

#[derive(Serialize, ToSchema)]
struct HotspotJson {
    /// 1 for the ward with most incidents.
    position: usize,
    /// Ward code, e.g. `harbour`.
    ward: String,
    ward_name: String,
    district: String,
    /// Incidents this period.
    count: u64,
    /// Incidents in the previous period.
    previous_count: u64,
    change: i64,
    /// The change as a whole percentage of the previous count; absent when that was 0.
    change_percent: Option<i64>,
    alcohol_related: u64,
    youth_related: u64,
    /// Both alcohol-related and youth-related.
    alcohol_related_youth: u64,
    criminal_damage: u64,
    deliberate_fire: u64,
}

/// ASB incidents per ward for a period (default: the last whole quarter) against the
/// period of the same length before it, most incidents first. Counts only.
#[utoipa::path(get, path = "/asb/hotspots", tag = "asb", params(HotspotQuery),
    responses((status = 200, body = HotspotsJson), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
async fn hotspots_json(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HotspotQuery>,
) -> Result<Json<HotspotsJson>, AppError> {
    may_see(&current)?;
    let ranking = rank(&state, &query).await?;
    let per_page = query.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE);
    let page = query.page.unwrap_or(1).max(1);
    let skip =
        usize::try_from(page.saturating_sub(1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(usize::MAX);
    let items = ranking
        .hotspots
        .iter()
        .skip(skip)
        .take(take)
        .map(|h| HotspotJson {
            position: h.position,
            ward: h.ward.clone(),
            ward_name: ranking.ward_name(&h.ward),
            district: ranking.ward_district(&h.ward),
            count: h.incidents,
            previous_count: h.previous_incidents,
            change: h.change,
            change_percent: h.change_percent,
            alcohol_related: h.alcohol_related,
            youth_related: h.youth_related,
            alcohol_related_youth: h.alcohol_related_youth,
            criminal_damage: h.criminal_damage,
            deliberate_fire: h.deliberate_fire,
        })
        .collect();
    Ok(Json(HotspotsJson {
        items,
        total: u64::try_from(ranking.hotspots.len()).unwrap_or(u64::MAX),
        from: ranking.period.from,
        to: ranking.period.to,
        previous_from: ranking.previous.from,
        previous_to: ranking.previous.to,
        district: ranking.district.map(|d| d.code),
        page,
        per_page,
    }))
}

// ---------------------------------------------------------------- the page

#[derive(Template, WebTemplate)]
#[template(path = "asb/hotspots.html")]
struct HotspotsPage {
    chrome: Chrome,
    /// The form as typed.
    from: String,
    to: String,
    district: String,
    districts: Vec<District>,
    errors: Vec<FieldError>,
    /// Absent when the form has errors.
    view: Option<HotspotsView>,
}

struct HotspotsView {
    /// `1 January 2012 to 31 March 2012`
    period: String,
    previous_period: String,
    place: String,
    total: u64,
    previous_total: u64,
    rows: Vec<HotspotRow>,
    chart: BarChart,
    /// What the chart shows, in words, for those who cannot see it.
    summary: String,
}

struct HotspotRow {
    position: usize,
    ward: String,
    district: String,
    count: u64,
    previous_count: u64,
    change: String,
    alcohol_related: u64,
    youth_related: u64,
    alcohol_related_youth: u64,
    criminal_damage: u64,
    deliberate_fire: u64,
}

fn period_words(period: Period) -> String {
    if period.from == period.to {
        uk_date(period.from)
    } else {
        format!("{} to {}", uk_date(period.from), uk_date(period.to))
    }
}

/// `+12 (+25%)`, `-3 (-10%)`, `+4` (from none), `no change`.
fn change_words(hotspot: &Hotspot) -> String {
    if hotspot.change == 0 {
        return "no change".into();
    }
    let sign = if hotspot.change > 0 { "+" } else { "" };
    match hotspot.change_percent {
        Some(percent) => format!("{sign}{} ({sign}{percent}%)", hotspot.change),
        None => format!("{sign}{}", hotspot.change),
    }
}

async fn page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HotspotQuery>,
) -> Result<Response, HtmlError> {
    may_see(&current)?;
    let mut page = HotspotsPage {
        chrome: Chrome::for_user(&current),
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        district: query.district.clone().unwrap_or_default(),
        districts: state.store.districts().await?,
        errors: Vec::new(),
        view: None,
    };
    let ranking = match rank(&state, &query).await {
        Ok(ranking) => ranking,
        Err(AppError::Invalid(errors)) => {
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    // The form shows the period in force, so the default can be seen and changed.
    page.from = ranking.period.from.to_string();
    page.to = ranking.period.to.to_string();
    let period = period_words(ranking.period);
    let previous_period = period_words(ranking.previous);
    let chart = hotspot_chart::draw(&ranking.hotspots, |code| ranking.ward_name(code));
    let summary = ranking
        .hotspots
        .iter()
        .map(|h| {
            format!(
                "{}: {} this period, {} before",
                ranking.ward_name(&h.ward),
                h.incidents,
                h.previous_incidents
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let rows = ranking
        .hotspots
        .iter()
        .map(|h| HotspotRow {
            position: h.position,
            ward: ranking.ward_name(&h.ward),
            district: ranking.district_name(&h.ward),
            count: h.incidents,
            previous_count: h.previous_incidents,
            change: change_words(h),
            alcohol_related: h.alcohol_related,
            youth_related: h.youth_related,
            alcohol_related_youth: h.alcohol_related_youth,
            criminal_damage: h.criminal_damage,
            deliberate_fire: h.deliberate_fire,
        })
        .collect();
    page.view = Some(HotspotsView {
        place: ranking
            .district
            .as_ref()
            .map_or_else(|| "Allerdale and Copeland".to_string(), |d| d.name.clone()),
        total: ranking.hotspots.iter().map(|h| h.incidents).sum(),
        previous_total: ranking.hotspots.iter().map(|h| h.previous_incidents).sum(),
        period,
        previous_period,
        rows,
        chart,
        summary,
    });
    Ok(page.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(change: i64, change_percent: Option<i64>) -> Hotspot {
        Hotspot {
            position: 1,
            ward: "harbour".into(),
            incidents: 0,
            previous_incidents: 0,
            change,
            change_percent,
            alcohol_related: 0,
            youth_related: 0,
            alcohol_related_youth: 0,
            criminal_damage: 0,
            deliberate_fire: 0,
        }
    }

    #[test]
    fn changes_are_written_with_their_sign() {
        assert_eq!(change_words(&changed(12, Some(25))), "+12 (+25%)");
        assert_eq!(change_words(&changed(-3, Some(-10))), "-3 (-10%)");
        assert_eq!(change_words(&changed(4, None)), "+4");
        assert_eq!(change_words(&changed(0, Some(0))), "no change");
    }
}
