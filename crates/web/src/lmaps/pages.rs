//! LMAPS pages: the meetings of your agency and a form to create one; a meeting's
//! agenda, the chair's controls and the minutes with their actions (a print stylesheet
//! for A4, and the agenda and the minutes as CSV). Every change goes through the same
//! functions as the API.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use casework_domain::FieldError;
use casework_domain::calendar::uk_date;
use casework_domain::lmaps::{MeetingStatus, Reason, may_run_meetings};
use casework_store::lmaps::{Attendee, Meeting, MinutedAction};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{
    MemberBox, MinutesDraft, OfficerOption, Typed, minutes_form, other_attendees, people,
};
use super::{MeetingForm, NamedBy, VisibleItem, meeting_for};
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::{AppError, AppState, HtmlError};

const PRINT_CSS: &str = include_str!("../../static/lmaps-print.css");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lmaps", get(meetings))
        .route("/lmaps/meetings", post(create))
        .route("/lmaps/meetings/{id}", get(meeting))
        .route("/lmaps/meetings/{id}/propose", post(propose))
        .route("/lmaps/meetings/{id}/items", post(choose))
        .route("/lmaps/meetings/{id}/status", post(status))
        .route("/lmaps/meetings/{id}/minutes", post(minutes))
        .route("/lmaps/meetings/{id}/attendance", post(attendance))
        .route("/lmaps/meetings/{id}/agenda.csv", get(agenda_csv))
        .route("/lmaps/meetings/{id}/minutes.csv", get(minutes_csv))
        .route("/static/lmaps-print.css", get(print_css))
}

async fn print_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        PRINT_CSS,
    )
}

fn members_only(current: &CurrentUser) -> Result<(), AppError> {
    if may_run_meetings(&current.actor()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn back_to(id: Uuid) -> Response {
    Redirect::to(&format!("/lmaps/meetings/{id}")).into_response()
}

// ---------------------------------------------------------------- the list

struct MeetingLine {
    id: Uuid,
    district: String,
    held_on: String,
    status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "lmaps/meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    lines: Vec<MeetingLine>,
    districts: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    form: MeetingFormView,
}

#[derive(Default)]
struct MeetingFormView {
    district: String,
    held_on: String,
    invited: Vec<String>,
}

async fn meetings_page(
    state: &AppState,
    current: &CurrentUser,
    form: MeetingFormView,
    errors: Vec<FieldError>,
) -> Result<MeetingsPage, AppError> {
    let lines = state
        .store
        .lmaps_meetings_for_agency(&current.user.agency, 100)
        .await?
        .into_iter()
        .map(|m| MeetingLine {
            id: m.id,
            district: m.district,
            held_on: uk_date(m.held_on),
            status: m.status.label(),
        })
        .collect();
    Ok(MeetingsPage {
        chrome: Chrome::for_user(current),
        errors,
        lines,
        districts: state
            .store
            .districts()
            .await?
            .into_iter()
            .map(|d| (d.code, d.name))
            .collect(),
        agencies: state
            .store
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.code, a.name))
            .collect(),
        form,
    })
}

async fn meetings(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, HtmlError> {
    members_only(&current)?;
    Ok(
        meetings_page(&state, &current, MeetingFormView::default(), Vec::new())
            .await?
            .into_response(),
    )
}

/// The form posts `invited_agencies` once per ticked box.
async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    members_only(&current)?;
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = MeetingForm {
        district: value("district"),
        held_on: value("held_on"),
        invited_agencies: pairs
            .iter()
            .filter(|(k, _)| k == "invited_agencies")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    match super::create(&state, &current, &form).await {
        Ok(meeting) => Ok(back_to(meeting.id)),
        Err(AppError::Invalid(errors)) => {
            let view = MeetingFormView {
                district: form.district,
                held_on: form.held_on,
                invited: form.invited_agencies,
            };
            let page = meetings_page(&state, &current, view, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- a meeting

struct ItemLine {
    case_id: Uuid,
    /// The minutes form, blank or as typed when it was refused.
    draft: MinutesDraft,
    reference: String,
    kind: &'static str,
    name: String,
    ward: String,
    reasons: Vec<&'static str>,
    minutes: Vec<MinuteLine>,
    actions: Vec<ActionLine>,
}

struct ActionLine {
    description: String,
    agency: String,
    officer: String,
    due_on: String,
    status: String,
}

struct MinuteLine {
    kind: String,
    summary: String,
    decisions: String,
    next_review: String,
    reason: String,
    recorded: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "lmaps/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    id: Uuid,
    district: String,
    held_on: String,
    held_on_iso: String,
    status: &'static str,
    invited: String,
    is_chair: bool,
    agenda_open: bool,
    minutes_open: bool,
    approved: bool,
    next_status: Option<(&'static str, &'static str)>,
    items: Vec<ItemLine>,
    attendance: Vec<Attendee>,
    agencies: Vec<(String, String)>,
    /// The reference typed in "Add a case".
    reference: String,
    /// The active users of the invited agencies, for the officer boxes (the chair).
    officers: Vec<OfficerOption>,
    /// The invited agencies' `lmaps` members, ticked if they attended (the chair).
    members: Vec<MemberBox>,
    /// The other attendees, one a line (`agency-code: Name`).
    others: String,
}

/// The display names of the officers the actions name.
async fn officer_names(
    state: &AppState,
    actions: &[MinutedAction],
) -> Result<HashMap<Uuid, String>, AppError> {
    let ids: Vec<Uuid> = actions
        .iter()
        .filter_map(|a| a.officer)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(state.store.user_names(&ids).await?)
}

/// The officer an action names, or blank for the agency as a whole.
fn officer_of(officers: &HashMap<Uuid, String>, action: &MinutedAction) -> String {
    action
        .officer
        .map(|id| officers.get(&id).cloned().unwrap_or_else(|| id.to_string()))
        .unwrap_or_default()
}

fn name_of(item: &VisibleItem) -> String {
    format!(
        "{} {}",
        item.forename.clone().unwrap_or_default(),
        item.surname.clone().unwrap_or_default()
    )
    .trim()
    .to_string()
}

async fn meeting_page(
    state: &AppState,
    current: &CurrentUser,
    meeting: Meeting,
    errors: Vec<FieldError>,
    typed: Typed,
) -> Result<MeetingPage, AppError> {
    let (on, _) = super::visible_agenda(state, current, &meeting, "agenda").await?;
    let minutes = super::visible_minutes(state, current, &meeting, "minutes").await?;
    let officers = officer_names(state, &minutes.actions).await?;
    let entries = &minutes.entries;
    let items = on
        .iter()
        .map(|item| ItemLine {
            case_id: item.entry.case_id,
            draft: MinutesDraft::for_item(typed.minutes.as_ref(), item.entry.case_id),
            reference: item.entry.reference.clone(),
            kind: item.entry.kind.name(),
            name: name_of(item),
            ward: item.entry.ward.clone(),
            reasons: item
                .entry
                .reasons
                .iter()
                .map(|r| Reason::label(*r))
                .collect(),
            minutes: entries
                .iter()
                .filter(|e| e.case_id == item.entry.case_id)
                .map(|e| MinuteLine {
                    kind: if e.kind == "correction" {
                        "Correction".into()
                    } else {
                        "Minute".into()
                    },
                    summary: e.summary.clone(),
                    decisions: e.decisions.clone(),
                    next_review: e.next_review_date.map(uk_date).unwrap_or_default(),
                    reason: e.reason.clone().unwrap_or_default(),
                    recorded: e.recorded_at.format("%d/%m/%Y %H:%M").to_string(),
                })
                .collect(),
            actions: minutes
                .actions
                .iter()
                .filter(|a| a.case_id == item.entry.case_id)
                .map(|a| ActionLine {
                    description: a.description.clone(),
                    agency: a.agency.clone(),
                    officer: officer_of(&officers, a),
                    due_on: uk_date(a.due_on),
                    status: a.status.clone(),
                })
                .collect(),
        })
        .collect();
    let next_status = match meeting.status {
        MeetingStatus::Planned => Some(("held", "Mark the meeting as held")),
        MeetingStatus::Held => Some(("minutes-approved", "Approve the minutes")),
        MeetingStatus::MinutesApproved => None,
    };
    let agencies: Vec<(String, String)> = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let is_chair = meeting.chair_id == current.user.id;
    let (choices, members, others) = if is_chair {
        let users = super::invited_users(state, &meeting).await?;
        people(
            users,
            &agencies,
            &minutes.attendance,
            typed.attendance.as_ref(),
        )
    } else {
        (Vec::new(), Vec::new(), String::new())
    };
    Ok(MeetingPage {
        chrome: Chrome::for_user(current),
        errors,
        id: meeting.id,
        district: meeting.district.clone(),
        held_on: uk_date(meeting.held_on),
        held_on_iso: meeting.held_on.to_string(),
        status: meeting.status.label(),
        invited: meeting.invited_agencies.join(", "),
        is_chair,
        agenda_open: meeting.status.agenda_open(),
        minutes_open: meeting.status.minutes_open(),
        approved: meeting.status == MeetingStatus::MinutesApproved,
        next_status,
        items,
        attendance: minutes.attendance,
        agencies,
        reference: typed.reference,
        officers: choices,
        members,
        others,
    })
}

async fn meeting(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    Ok(
        meeting_page(&state, &current, meeting, Vec::new(), Typed::default())
            .await?
            .into_response(),
    )
}

/// Runs a change; bad input shows the meeting again with the problems named and what
/// was typed.
async fn then_back(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
    result: Result<(), AppError>,
    typed: Typed,
) -> Result<Response, HtmlError> {
    match result {
        Ok(()) => Ok(back_to(id)),
        Err(AppError::Invalid(errors)) => {
            let meeting = meeting_for(state, current, id).await?;
            let page = meeting_page(state, current, meeting, errors, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn propose(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let result = super::propose_again(&state, &current, &meeting)
        .await
        .map(|_| ());
    then_back(&state, &current, id, result, Typed::default()).await
}

/// The chair adds a case by its reference, or takes an item off (by its id, from the
/// item's own form) with a reason.
#[derive(Deserialize)]
struct ChoiceForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    action: String,
    reason: Option<String>,
}

async fn choose(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let result = if form.action.trim() == "add" {
        super::add_by_reference(&state, &current, &meeting, &form.reference).await
    } else {
        let case_id = Uuid::parse_str(form.case_id.trim()).ok();
        super::choose(
            &state,
            &current,
            &meeting,
            case_id,
            &form.action,
            form.reason.as_deref(),
        )
        .await
    };
    let typed = Typed {
        reference: form.reference,
        ..Typed::default()
    };
    then_back(&state, &current, id, result, typed).await
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    to: String,
}

async fn status(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let result = super::move_to(&state, &current, &meeting, &form.to).await;
    then_back(&state, &current, id, result, Typed::default()).await
}

async fn minutes(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let form = minutes_form(&pairs);
    let result = super::minute(&state, &current, &meeting, &form, NamedBy::Username)
        .await
        .map(|_| ());
    let typed = Typed {
        minutes: Some(form),
        ..Typed::default()
    };
    then_back(&state, &current, id, result, typed).await
}

/// Attendance as the page posts it: the members ticked (`attendee`, a user id each)
/// and the others who came (`attendance`, one a line: `agency-code: Name`).
async fn attendance(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "attendee")
        .map(|(_, v)| v.clone())
        .collect();
    let text = pairs
        .iter()
        .find(|(k, _)| k == "attendance")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // The others first, so `attendance[n]` in a refusal is the n-th line typed.
    let mut attendees = other_attendees(&text);
    let result = match ticked_members(&state, &meeting, &ticked).await {
        Ok(members) => {
            attendees.extend(members);
            super::attend(&state, &current, &meeting, &attendees).await
        }
        Err(e) => Err(e),
    };
    let typed = Typed {
        attendance: Some((ticked, text)),
        ..Typed::default()
    };
    then_back(&state, &current, id, result, typed).await
}

/// The invited agencies' `lmaps` members ticked as present, by their ids; anyone else
/// ticked is refused on `attendee`.
async fn ticked_members(
    state: &AppState,
    meeting: &Meeting,
    ticked: &[String],
) -> Result<Vec<Attendee>, AppError> {
    if ticked.is_empty() {
        return Ok(Vec::new());
    }
    let users = super::invited_users(state, meeting).await?;
    let mut found = Vec::new();
    for id in ticked {
        let member = users
            .iter()
            .find(|u| u.id.to_string() == id.trim() && may_run_meetings(&u.actor()));
        match member {
            Some(u) => found.push(Attendee {
                agency: u.agency.clone(),
                name: u.display_name.clone(),
            }),
            None => {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "attendee",
                    "Tick only the LMAPS members of the invited agencies listed.",
                )]));
            }
        }
    }
    Ok(found)
}

/// Quotes a CSV field, and defuses spreadsheet formulas.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// One CSV line of quoted, defused fields, ended by CRLF.
fn csv_line(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A CSV download named after the meeting.
fn csv_download(meeting: &Meeting, what: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"lmaps-{}-{}-{what}.csv\"",
                    meeting.district, meeting.held_on
                ),
            ),
        ],
        body,
    )
        .into_response()
}

/// The agenda as the reader may see it, as CSV: reference, kind, name, ward, reasons.
async fn agenda_csv(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let (on, _) = super::visible_agenda(&state, &current, &meeting, "agenda-csv").await?;
    let mut out = String::from("reference,kind,name,ward,reasons\r\n");
    for item in &on {
        let reasons: Vec<&str> = item.entry.reasons.iter().map(|r| r.label()).collect();
        out.push_str(&csv_line(&[
            &item.entry.reference,
            item.entry.kind.name(),
            &name_of(item),
            &item.entry.ward,
            &reasons.join("; "),
        ]));
    }
    Ok(csv_download(&meeting, "agenda", out))
}

/// The columns of the minutes CSV.
const MINUTES_CSV_HEADER: &str = "reference,entry,recorded_at,summary,decisions,\
next_review_date,correction_reason,action,action_agency,action_officer,action_due_on,\
action_status\r\n";

/// The minutes as the reader may see them, as CSV: for each case they may open, one
/// line per minutes entry (`minute` or `correction`: summary, decisions, next review
/// date, why corrected) then one per action (`action`: what, agency, officer, due,
/// open or done). Cases in the order they were first minuted.
async fn minutes_csv(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response, HtmlError> {
    let meeting = meeting_for(&state, &current, id).await?;
    let minutes = super::visible_minutes(&state, &current, &meeting, "minutes-csv").await?;
    let officers = officer_names(&state, &minutes.actions).await?;
    let mut cases: Vec<Uuid> = Vec::new();
    for case_id in minutes
        .entries
        .iter()
        .map(|e| e.case_id)
        .chain(minutes.actions.iter().map(|a| a.case_id))
    {
        if !cases.contains(&case_id) {
            cases.push(case_id);
        }
    }
    let mut out = String::from(MINUTES_CSV_HEADER);
    for case_id in cases {
        let reference = minutes
            .references
            .get(&case_id)
            .map(String::as_str)
            .unwrap_or_default();
        for e in minutes.entries.iter().filter(|e| e.case_id == case_id) {
            let recorded = e.recorded_at.format("%Y-%m-%d %H:%M").to_string();
            let next_review = e
                .next_review_date
                .map(|d| d.to_string())
                .unwrap_or_default();
            out.push_str(&csv_line(&[
                reference,
                &e.kind,
                &recorded,
                &e.summary,
                &e.decisions,
                &next_review,
                e.reason.as_deref().unwrap_or_default(),
                "",
                "",
                "",
                "",
                "",
            ]));
        }
        for a in minutes.actions.iter().filter(|a| a.case_id == case_id) {
            out.push_str(&csv_line(&[
                reference,
                "action",
                "",
                "",
                "",
                "",
                "",
                &a.description,
                &a.agency,
                &officer_of(&officers, a),
                &a.due_on.to_string(),
                &a.status,
            ]));
        }
    }
    Ok(csv_download(&meeting, "minutes", out))
}
