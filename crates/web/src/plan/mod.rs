//! The Partnership Plan: the page people read and `GET /api/v1/plan`; and the plan,
//! measured (`report.rs`, `pages.rs`): the quarterly report, an aim's cases, entered
//! figures and progress on the plan's actions.

mod chart;
mod links;
mod pages;
mod report;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use casework_domain::calendar::uk_date;
use casework_store::plan::Plan;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/plan", get(plan_page))
        .route("/plan/{year}/report", get(pages::report_page))
        .route("/plan/{year}/report.csv", get(pages::report_csv))
        .route(
            "/plan/{year}/aims/{id}/cases",
            get(pages::aim_cases_page).post(pages::link_form),
        )
        .route(
            "/plan/{year}/aims/{id}/cases/{case_id}/remove",
            axum::routing::post(pages::unlink_form),
        )
        .route(
            "/plan/{year}/measures/{key}/figures",
            axum::routing::post(pages::figure_form),
        )
        .route(
            "/plan/{year}/actions/{id}/progress",
            axum::routing::post(pages::progress_form),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plan_json))
        .routes(routes!(report::report_api))
        .routes(routes!(report::aim_cases_api, links::link_api))
        .routes(routes!(links::unlink_api))
        .routes(routes!(report::figures_api))
        .routes(routes!(report::progress_api))
}

#[derive(Template, WebTemplate)]
#[template(path = "plan/index.html")]
struct PlanPage {
    chrome: Chrome,
    plan: Plan,
    agency_names: std::collections::HashMap<String, String>,
}

impl PlanPage {
    /// Agency names for a list of codes; "All agencies" when it names every one.
    fn owners(&self, codes: &[String]) -> String {
        if codes.len() > 1 && codes.len() == self.agency_names.len() {
            return "All agencies".into();
        }
        codes
            .iter()
            .map(|code| self.agency_names.get(code).unwrap_or(code).as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn review(&self, date: &Option<NaiveDate>) -> String {
        date.map(uk_date).unwrap_or_default()
    }
}

async fn plan_page(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<PlanPage, HtmlError> {
    let plan = state.store.latest_plan().await?.ok_or(AppError::NotFound)?;
    let agency_names = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    Ok(PlanPage {
        chrome: Chrome::for_user(&current),
        plan,
        agency_names,
    })
}

#[derive(Serialize, ToSchema)]
struct PlanJson {
    year: String,
    title: String,
    priorities: Vec<PriorityJson>,
}

#[derive(Serialize, ToSchema)]
struct PriorityJson {
    id: Uuid,
    key: String,
    title: String,
    aims: Vec<AimJson>,
}

#[derive(Serialize, ToSchema)]
struct AimJson {
    id: Uuid,
    key: String,
    title: String,
    baseline_source: Option<String>,
    actions: Vec<ActionJson>,
}

#[derive(Serialize, ToSchema)]
struct ActionJson {
    id: Uuid,
    text: String,
    /// Agency codes.
    agencies: Vec<String>,
    review_date: Option<NaiveDate>,
}

impl From<Plan> for PlanJson {
    fn from(plan: Plan) -> Self {
        PlanJson {
            year: plan.year,
            title: plan.title,
            priorities: plan
                .priorities
                .into_iter()
                .map(|p| PriorityJson {
                    id: p.id,
                    key: p.key,
                    title: p.title,
                    aims: p
                        .aims
                        .into_iter()
                        .map(|a| AimJson {
                            id: a.id,
                            key: a.key,
                            title: a.title,
                            baseline_source: a.baseline_source,
                            actions: a
                                .actions
                                .into_iter()
                                .map(|x| ActionJson {
                                    id: x.id,
                                    text: x.text,
                                    agencies: x.agencies,
                                    review_date: x.review_date,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The current Partnership Plan: priorities, their aims, and the agencies' actions.
#[utoipa::path(get, path = "/plan", tag = "plan",
    responses((status = 200, body = PlanJson), (status = 401, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
async fn plan_json(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<PlanJson>, AppError> {
    let plan = state.store.latest_plan().await?.ok_or(AppError::NotFound)?;
    Ok(Json(plan.into()))
}
