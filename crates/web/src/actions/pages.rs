//! The actions page: your agency's actions list (open, due, overdue, done, all; or
//! only yours), soonest due first, with a button to complete each open one.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use casework_domain::actions::{ActionStatus, ActionView, is_overdue};
use casework_domain::calendar::uk_date;
use serde::Deserialize;
use uuid::Uuid;

use super::today;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppState, HtmlError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actions", get(list))
        .route("/actions/{id}/complete", post(complete))
}

struct Line {
    id: Uuid,
    description: String,
    case_reference: String,
    source: &'static str,
    due: String,
    overdue: bool,
    open: bool,
    done: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "actions/list.html")]
struct ListPage {
    chrome: Chrome,
    agency: String,
    view: &'static str,
    mine: bool,
    views: Vec<(&'static str, &'static str)>,
    lines: Vec<Line>,
    total: u64,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    mine: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, HtmlError> {
    let mine = q.mine.as_deref() == Some("1");
    let (filter, page) =
        super::list(&state, &current, None, q.status.as_deref(), mine, 1, 200).await?;
    let today = today();
    let lines = page
        .items
        .into_iter()
        .map(|a| Line {
            id: a.id,
            overdue: is_overdue(a.status, a.due_on, today),
            open: a.status == ActionStatus::Open,
            description: a.description,
            case_reference: a.case_reference.unwrap_or_default(),
            source: match a.source {
                casework_domain::actions::ActionSource::Lmaps => "LMAPS",
                casework_domain::actions::ActionSource::Case => "Case",
                casework_domain::actions::ActionSource::Plan => "Plan",
            },
            due: uk_date(a.due_on),
            done: a
                .completed_at
                .map(|t| t.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        })
        .collect();
    Ok(ListPage {
        chrome: Chrome::for_user(&current),
        agency: filter.agency.unwrap_or_default(),
        view: filter.view.as_str(),
        mine,
        views: vec![
            (ActionView::Open.as_str(), "Open"),
            (ActionView::Due.as_str(), "Due this week"),
            (ActionView::Overdue.as_str(), "Overdue"),
            (ActionView::Done.as_str(), "Done"),
            (ActionView::All.as_str(), "All"),
        ],
        lines,
        total: page.total,
    }
    .into_response())
}

async fn complete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    super::complete(&state, &current, id).await?;
    Ok(Redirect::to("/actions").into_response())
}
