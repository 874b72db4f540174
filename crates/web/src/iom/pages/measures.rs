//! The re-offending measures page: the before/after chart and the table per tier
//! and stream; each member's figures for the IOM team only.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use casework_domain::FieldError;
use casework_domain::calendar::uk_date;
use casework_domain::iom::{CohortMeasures, may_manage_cohort};
use serde::Deserialize;
use uuid::Uuid;

use super::super::chart;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/iom/measures", get(measures_page))
}

#[derive(Template, WebTemplate)]
#[template(path = "iom/measures.html")]
struct MeasuresPage {
    chrome: Chrome,
    entered_from: String,
    entered_to: String,
    errors: Vec<FieldError>,
    shown: Option<Shown>,
}

struct Shown {
    period: String,
    months: u32,
    grace: u32,
    provisional: bool,
    provisional_members: u32,
    rows: Vec<MeasureRow>,
    chart: chart::Chart,
    summary: String,
    per_member: Vec<MemberRow>,
    show_members: bool,
}

struct MeasureRow {
    group: String,
    members: u32,
    reoffenders: u32,
    binary_rate: String,
    frequency: String,
    before: u32,
    after: u32,
    harm_before: String,
    harm_after: String,
    provisional: bool,
}

struct MemberRow {
    id: Uuid,
    entered: String,
    tier: &'static str,
    stream: &'static str,
    before: u32,
    after: u32,
    harm_before: String,
    harm_after: String,
    provisional: bool,
}

fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn row(group: String, m: &CohortMeasures) -> MeasureRow {
    MeasureRow {
        group,
        members: m.members,
        reoffenders: m.reoffenders,
        binary_rate: m
            .binary_rate
            .map(|r| format!("{}%", number(r * 100.0)))
            .unwrap_or_else(|| "No members".into()),
        frequency: m
            .frequency_per_100
            .map(number)
            .unwrap_or_else(|| "No members".into()),
        before: m.offences_before,
        after: m.offences_after,
        harm_before: number(m.harm_before),
        harm_after: number(m.harm_after),
        provisional: m.provisional,
    }
}

#[derive(Deserialize, Default)]
struct MeasuresQuery {
    entered_from: Option<String>,
    entered_to: Option<String>,
}

async fn measures_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<MeasuresQuery>,
) -> Result<Response, HtmlError> {
    let actor = current.actor();
    crate::iom::may_see_counts(&actor)?;
    let mut page = MeasuresPage {
        chrome: Chrome::for_user(&current),
        entered_from: q.entered_from.clone().unwrap_or_default(),
        entered_to: q.entered_to.clone().unwrap_or_default(),
        errors: Vec::new(),
        shown: None,
    };
    if q.entered_from.is_none() && q.entered_to.is_none() {
        return Ok(page.into_response());
    }
    let period = match crate::iom::period(q.entered_from.as_deref(), q.entered_to.as_deref()) {
        Ok(p) => p,
        Err(AppError::Invalid(errors)) => {
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let m = crate::iom::measures(&state, period).await?;
    let mut rows = vec![row("Whole cohort".into(), &m.cohort)];
    rows.extend(
        m.by_tier
            .iter()
            .map(|(t, g)| row(format!("{} tier", t.name()), g)),
    );
    rows.extend(
        m.by_stream
            .iter()
            .map(|(s, g)| row(format!("{} stream", s.name()), g)),
    );
    let bars: Vec<(String, u32, u32)> = rows
        .iter()
        .map(|r| (r.group.clone(), r.before, r.after))
        .collect();
    let c = &m.cohort;
    let show_members = may_manage_cohort(&actor);
    page.shown = Some(Shown {
        period: format!("{} to {}", uk_date(period.from), uk_date(period.to)),
        months: m.rule.months,
        grace: m.rule.grace_months,
        provisional: c.provisional,
        provisional_members: c.provisional_members,
        summary: format!(
            "{} members: {} proven offences in the {} months before entry, {} after",
            c.members, c.offences_before, m.rule.months, c.offences_after
        ),
        chart: chart::draw(&bars),
        per_member: if show_members {
            c.outcomes
                .iter()
                .map(|o| MemberRow {
                    id: o.entry.membership,
                    entered: uk_date(o.entry.entered_on),
                    tier: o.entry.tier.name(),
                    stream: o.entry.stream.name(),
                    before: o.offences_before,
                    after: o.offences_after,
                    harm_before: number(o.harm_before),
                    harm_after: number(o.harm_after),
                    provisional: o.provisional,
                })
                .collect()
        } else {
            Vec::new()
        },
        show_members,
        rows,
    });
    Ok(page.into_response())
}
