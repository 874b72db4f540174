//! LMAPS meetings: create a meeting (its agenda is proposed at once), propose again
//! until it is held, remove or add items, move it planned → held → minutes approved,
//! minute each item (actions join the actions list, the next review date becomes the
//! case's), record attendance; as the JSON API, pages, print and CSV. Every change
//! commits with its audit event; every read of an agenda or the minutes is audited
//! before the answer goes out. The rules are `casework_domain::lmaps`.

mod api;
mod forms;
mod pages;

use std::collections::{BTreeSet, HashMap};

use axum::Router;
use casework_audit::AuditAction;
use casework_domain::FieldError;
use casework_domain::access::{self, CaseAction, Decision};
use casework_domain::actions::{ActionInput, Officer};
use casework_domain::asb::CaseReference;
use casework_domain::calendar::uk_day;
use casework_domain::lmaps::minutes::ActionRow;
use casework_domain::lmaps::{
    ItemMinutesInput, MeetingInput, MeetingStatus, check_item_minutes, check_meeting,
    may_run_meetings,
};
use casework_store::lmaps::{AgendaEntry, Attendee, Meeting, MinuteEntry, MinutedAction};
use casework_store::users::User;
use chrono::{NaiveDate, Utc};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::audit::commit_with;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};

pub fn pages() -> Router<AppState> {
    pages::router()
}

pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The audit log's name for a meeting.
pub const MEETING: &str = "lmaps-meeting";

fn today() -> NaiveDate {
    uk_day(Utc::now())
}

/// A date as typed (`YYYY-MM-DD`); blank is `None`, anything else names the field.
pub(crate) fn date(
    field: &str,
    text: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, "Enter a date as YYYY-MM-DD."));
            None
        }
    }
}

async fn agency_codes(state: &AppState) -> Result<Vec<String>, AppError> {
    Ok(state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect())
}

/// The meeting, if the actor may know it exists: an `lmaps` member of an invited
/// agency. Anyone else is answered as for a missing meeting, and the refusal audited.
pub(crate) async fn meeting_for(
    state: &AppState,
    current: &CurrentUser,
    id: Uuid,
) -> Result<Meeting, AppError> {
    let actor = current.actor();
    let meeting = state
        .store
        .lmaps_meeting(state.store.connection(), id)
        .await?
        .filter(|m| may_run_meetings(&actor) && m.invites(&actor.agency));
    match meeting {
        Some(meeting) => Ok(meeting),
        None => {
            let event = current
                .event(AuditAction::AccessDenied)
                .entity(MEETING, id)
                .summary(json!({"action": "view"}));
            state.audit.record(event).await?;
            Err(AppError::NotFound)
        }
    }
}

/// Only the chair changes the agenda, the minutes and the status.
fn chair_only(current: &CurrentUser, meeting: &Meeting) -> Result<(), AppError> {
    if meeting.chair_id == current.user.id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the meeting's chair changes its agenda, minutes and status.".into(),
        ))
    }
}

/// A meeting as typed on the form or sent as JSON.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingForm {
    /// `allerdale` or `copeland`.
    #[serde(default)]
    pub district: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub held_on: String,
    /// Agency codes; the chair's own agency is always invited.
    #[serde(default)]
    pub invited_agencies: Vec<String>,
}

/// Creates a meeting chaired by the current user and proposes its agenda, in one
/// transaction with its audit event.
async fn create(
    state: &AppState,
    current: &CurrentUser,
    form: &MeetingForm,
) -> Result<Meeting, AppError> {
    let actor = current.actor();
    if !may_run_meetings(&actor) {
        return Err(AppError::Forbidden(
            "Only LMAPS members chair meetings.".into(),
        ));
    }
    let mut errors = Vec::new();
    let held_on = date("held_on", Some(&form.held_on), &mut errors);
    let districts = state.store.district_codes().await?;
    let agencies = agency_codes(state).await?;
    let input = MeetingInput {
        district: &form.district,
        held_on,
        invited_agencies: &form.invited_agencies,
    };
    let checked = check_meeting(&input, &actor.agency, &districts, &agencies);
    let new = match checked {
        Ok(new) if errors.is_empty() => new,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(more) => {
            let typed_badly = !errors.is_empty();
            errors.extend(
                more.into_iter()
                    .filter(|e| !(typed_badly && e.field == "held_on")),
            );
            return Err(AppError::Invalid(errors));
        }
    };
    let now = Utc::now();
    let txn = state.store.begin_write().await?;
    let meeting = state
        .store
        .create_lmaps_meeting(&txn, &new, current.user.id, now)
        .await?;
    let items = state
        .store
        .propose_lmaps_agenda(&txn, &meeting, today())
        .await?;
    let event = current
        .event(AuditAction::Create)
        .entity(MEETING, meeting.id)
        .summary(json!({
            "district": meeting.district,
            "held_on": meeting.held_on,
            "invited_agencies": meeting.invited_agencies,
            "proposed_items": items.len(),
        }));
    commit_with(txn, vec![event]).await?;
    Ok(meeting)
}

/// Proposes the agenda again (the chair, while the meeting is planned).
async fn propose_again(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
) -> Result<usize, AppError> {
    chair_only(current, meeting)?;
    if !meeting.status.agenda_open() {
        return Err(AppError::Conflict(
            "The agenda is settled once the meeting is held.".into(),
        ));
    }
    let txn = state.store.begin_write().await?;
    let items = state
        .store
        .propose_lmaps_agenda(&txn, meeting, today())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(MEETING, meeting.id)
        .summary(json!({"agenda": "proposed", "items": items.len()}));
    commit_with(txn, vec![event]).await?;
    Ok(items.len())
}

/// The chair removes an item (with a reason) or adds a case they may see.
async fn choose(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    case_id: Option<Uuid>,
    choice: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    chair_only(current, meeting)?;
    let mut errors = Vec::new();
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let choice = match choice.trim() {
        "add" => casework_store::lmaps::ADDED,
        "remove" => {
            if reason.is_none() {
                errors.push(FieldError::new(
                    "reason",
                    "Say why the item is taken off the agenda.",
                ));
            }
            casework_store::lmaps::REMOVED
        }
        _ => {
            errors.push(FieldError::new("action", "Choose add or remove."));
            ""
        }
    };
    if reason.is_some_and(|r| r.chars().count() > casework_store::cases::MAX_TEXT) {
        errors.push(FieldError::new("reason", "Use at most 2000 characters."));
    }
    let Some(case_id) = case_id else {
        errors.insert(0, FieldError::new("case_id", "Choose the case."));
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !meeting.status.agenda_open() {
        return Err(AppError::Conflict(
            "The agenda is settled once the meeting is held.".into(),
        ));
    }
    // The chair adds only a case they may see; a case they may not is as missing.
    if choice == casework_store::lmaps::ADDED {
        crate::cases::guard(state, current, case_id, None, CaseAction::View).await?;
    } else if state
        .store
        .lmaps_item_subject(state.store.connection(), meeting.id, case_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let txn = state.store.begin_write().await?;
    state
        .store
        .choose_lmaps_item(
            &txn,
            meeting.id,
            case_id,
            choice,
            reason,
            current.user.id,
            Utc::now(),
        )
        .await?;
    state
        .store
        .propose_lmaps_agenda(&txn, meeting, today())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(MEETING, meeting.id)
        .summary(json!({"agenda": choice, "case_id": case_id, "reason": reason}));
    commit_with(txn, vec![event]).await?;
    Ok(())
}

/// The page's answer for a reference that names no case the chair may see: the same
/// whether the case is missing or hidden, so the form tells no one which cases exist.
fn no_such_reference() -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "reference",
        "There is no case with that reference that you may see.",
    )])
}

/// The chair adds a case by its reference (`ASB-2012-00042`), as the page names it;
/// the API names it by id (`choose`).
async fn add_by_reference(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    reference: &str,
) -> Result<(), AppError> {
    chair_only(current, meeting)?;
    if !meeting.status.agenda_open() {
        return Err(AppError::Conflict(
            "The agenda is settled once the meeting is held.".into(),
        ));
    }
    let reference = reference.trim();
    if reference.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "reference",
            "Enter the case's reference, like ASB-2012-00042.",
        )]));
    }
    let parsed = CaseReference::parse(reference)
        .map_err(|message| AppError::Invalid(vec![FieldError::new("reference", message)]))?;
    let Some(case_id) = state
        .store
        .case_id_by_reference(parsed.kind(), &parsed.to_string())
        .await?
    else {
        return Err(no_such_reference());
    };
    match choose(state, current, meeting, Some(case_id), "add", None).await {
        Err(AppError::NotFound) => Err(no_such_reference()),
        other => other,
    }
}

/// Moves the meeting one step on.
async fn move_to(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    to: &str,
) -> Result<(), AppError> {
    chair_only(current, meeting)?;
    let to = MeetingStatus::parse(to).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "to",
            "Choose held or minutes-approved.",
        )])
    })?;
    meeting
        .status
        .check_move(to)
        .map_err(|e| AppError::Conflict(e.message))?;
    let txn = state.store.begin_write().await?;
    state
        .store
        .set_lmaps_meeting_status(&txn, meeting.id, to, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(MEETING, meeting.id)
        .summary(json!({"status": {"from": meeting.status.as_str(), "to": to.as_str()}}));
    commit_with(txn, vec![event]).await
}

/// One action as typed in the minutes.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ActionForm {
    #[serde(default)]
    pub description: String,
    /// Agency code.
    #[serde(default)]
    pub agency: String,
    /// A user id (the page: a username) of an active user of `agency`; blank for the
    /// agency as a whole.
    pub officer: Option<String>,
    /// `YYYY-MM-DD`, the meeting day or later.
    #[serde(default)]
    pub due_on: String,
}

/// An item's minutes as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct MinutesForm {
    /// The agenda case the minutes are about.
    #[serde(default)]
    pub case_id: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub decisions: String,
    /// `YYYY-MM-DD`, after the meeting; becomes the case's review date.
    pub next_review_date: Option<String>,
    /// A row left wholly blank is ignored.
    #[serde(default)]
    pub actions: Vec<ActionForm>,
    /// Required once the minutes are approved: the entry is then a correction.
    pub correction_reason: Option<String>,
}

/// How an action's officer box names the user: the page by username, the API by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamedBy {
    Username,
    Id,
}

/// The user an officer box names, as the domain's rule needs them; `None` for nobody
/// (an id that is not one names nobody).
async fn officer_named(
    state: &AppState,
    by: NamedBy,
    typed: &str,
) -> Result<Option<Officer>, AppError> {
    let typed = typed.trim();
    let user = match by {
        NamedBy::Username => state.store.user_by_username(&typed.to_lowercase()).await?,
        NamedBy::Id => match Uuid::parse_str(typed) {
            Ok(id) => state.store.user_by_id(id).await?,
            Err(_) => None,
        },
    };
    Ok(user.map(crate::actions::as_officer))
}

/// Records an item's minutes (or a correction once approved), its actions and the
/// case's next review date, in one transaction with the audit events: all of them or,
/// if anything is bad, nothing.
async fn minute(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    form: &MinutesForm,
    officers_by: NamedBy,
) -> Result<(MinuteEntry, Vec<Uuid>), AppError> {
    chair_only(current, meeting)?;
    let mut errors = Vec::new();
    let case_id = Uuid::parse_str(form.case_id.trim()).ok();
    if case_id.is_none() {
        errors.push(FieldError::new("case_id", "Choose the agenda item."));
    }
    let next_review = date(
        "next_review_date",
        form.next_review_date.as_deref(),
        &mut errors,
    );
    let dues: Vec<Option<NaiveDate>> = form
        .actions
        .iter()
        .enumerate()
        .map(|(n, a)| {
            date(
                &format!("actions[{n}].due_on"),
                Some(&a.due_on),
                &mut errors,
            )
        })
        .collect();
    let correction = match meeting.status {
        MeetingStatus::Planned => {
            return Err(AppError::Conflict(
                "Minutes are written once the meeting is held.".into(),
            ));
        }
        MeetingStatus::Held => None,
        MeetingStatus::MinutesApproved => {
            match casework_domain::case_work::parse_correction_reason(
                form.correction_reason.as_deref().unwrap_or_default(),
            ) {
                Ok(reason) => Some(reason),
                Err(mut e) => {
                    e.field = "correction_reason".into();
                    e.message = "The minutes are approved: say why this correction is made.".into();
                    errors.push(e);
                    None
                }
            }
        }
    };
    let agencies = agency_codes(state).await?;
    // Each officer named is looked up once, however many actions name them.
    let mut named: HashMap<&str, Option<Officer>> = HashMap::new();
    let mut actions = Vec::with_capacity(form.actions.len());
    for (a, due) in form.actions.iter().zip(&dues) {
        let officer = match a.officer.as_deref().map(str::trim) {
            Some(typed) if !typed.is_empty() => {
                if !named.contains_key(typed) {
                    let found = officer_named(state, officers_by, typed).await?;
                    named.insert(typed, found);
                }
                named.get(typed).cloned().flatten()
            }
            _ => None,
        };
        actions.push(ActionRow {
            action: ActionInput {
                description: &a.description,
                agency: &a.agency,
                officer: a.officer.as_deref(),
                due_on: *due,
            },
            officer,
        });
    }
    let input = ItemMinutesInput {
        summary: &form.summary,
        decisions: &form.decisions,
        next_review_date: next_review,
        actions,
    };
    let checked = check_item_minutes(&input, meeting.held_on, &agencies);
    let minutes = match checked {
        Ok(ok) if errors.is_empty() => ok,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(more) => {
            for e in more {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let case_id = case_id.ok_or(AppError::NotFound)?;
    let subject = state
        .store
        .lmaps_item_subject(state.store.connection(), meeting.id, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = state.store.begin_write().await?;
    let (entry, actions) = state
        .store
        .record_lmaps_minutes(
            &txn,
            meeting.id,
            case_id,
            &minutes,
            correction.as_deref(),
            current.user.id,
            Utc::now(),
        )
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(MEETING, meeting.id)
        .subjects([subject])
        .summary(json!({
            "minutes": entry.kind,
            "case_id": case_id,
            "next_review_date": entry.next_review_date,
            "actions": actions,
            "correction_reason": correction,
        }));
    let case_event = current
        .event(AuditAction::Update)
        .entity(crate::cases::ENTITY, case_id)
        .subjects([subject])
        .summary(json!({"lmaps_minutes": entry.id, "review_date": entry.next_review_date}));
    commit_with(txn, vec![event, case_event]).await?;
    Ok((entry, actions))
}

/// The active users of the meeting's invited agencies: the page offers them as action
/// officers, and those with the `lmaps` role as attendees.
pub(crate) async fn invited_users(
    state: &AppState,
    meeting: &Meeting,
) -> Result<Vec<User>, AppError> {
    Ok(state
        .store
        .active_users_of(state.store.connection(), &meeting.invited_agencies)
        .await?)
}

/// Records who attended, while the minutes are open.
async fn attend(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    attendees: &[Attendee],
) -> Result<(), AppError> {
    chair_only(current, meeting)?;
    if !meeting.status.minutes_open() {
        return Err(AppError::Conflict(
            "Attendance is recorded once the meeting is held, until the minutes are approved."
                .into(),
        ));
    }
    let agencies = agency_codes(state).await?;
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, a) in attendees.iter().enumerate() {
        if !agencies.contains(&a.agency) {
            errors.push(FieldError::new(
                format!("attendance[{n}].agency"),
                "Choose the agency.",
            ));
        }
        if a.name.trim().is_empty() || a.name.chars().count() > 200 {
            errors.push(FieldError::new(
                format!("attendance[{n}].name"),
                "Enter the name.",
            ));
        }
        seen.insert((a.agency.clone(), a.name.trim().to_string()));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let cleaned: Vec<Attendee> = seen
        .into_iter()
        .map(|(agency, name)| Attendee { agency, name })
        .collect();
    let txn = state.store.begin_write().await?;
    state
        .store
        .set_lmaps_attendance(&txn, meeting.id, &cleaned, current.user.id, Utc::now())
        .await?;
    let event = current
        .event(AuditAction::Update)
        .entity(MEETING, meeting.id)
        .summary(json!({"attendance": cleaned.len()}));
    commit_with(txn, vec![event]).await
}

/// An agenda line as one reader may see it: only cases the policy lets them open, and
/// never an address.
#[derive(Debug, Clone)]
pub(crate) struct VisibleItem {
    pub entry: AgendaEntry,
    pub forename: Option<String>,
    pub surname: Option<String>,
}

/// The agenda as the reader may see it: items on it, then removed items (the chair
/// sees why). The read is audited with the people it names.
async fn visible_agenda(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    what: &str,
) -> Result<(Vec<VisibleItem>, Vec<VisibleItem>), AppError> {
    let actor = current.actor();
    let conn = state.store.connection();
    let entries = state.store.lmaps_agenda(conn, meeting.id).await?;
    let ids: Vec<Uuid> = entries.iter().map(|e| e.case_id).collect();
    let facts = state.store.cases_with_facts(conn, &ids, today()).await?;
    let visible: Vec<AgendaEntry> = entries
        .into_iter()
        .filter(|e| {
            facts.get(&e.case_id).is_some_and(|(_, f)| {
                access::decide(&actor, CaseAction::View, f) == Decision::Allow
            })
        })
        .collect();
    let people: Vec<Uuid> = visible.iter().map(|e| e.subject_person).collect();
    let mut names = state.store.people_by_id(conn, &people).await?;
    let mut event = current
        .event(AuditAction::View)
        .entity(MEETING, meeting.id)
        .subjects(people.iter().copied())
        .summary(json!({"read": what, "items": visible.len()}));
    event.reason = Some("LMAPS preparation".into());
    state.audit.record(event).await?;
    let is_chair = meeting.chair_id == actor.user_id;
    let mut on = Vec::new();
    let mut off = Vec::new();
    for entry in visible {
        let person = names.remove(&entry.subject_person);
        let item = VisibleItem {
            forename: person.as_ref().map(|p| p.forename.clone()),
            surname: person.as_ref().map(|p| p.surname.clone()),
            entry,
        };
        if item.entry.on_agenda {
            on.push(item);
        } else if is_chair {
            off.push(item);
        }
    }
    Ok((on, off))
}

/// The minutes as one reader may see them: entries and actions about cases they may
/// open, with those cases' references, and the attendance.
#[derive(Debug, Clone)]
pub(crate) struct VisibleMinutes {
    pub entries: Vec<MinuteEntry>,
    pub actions: Vec<MinutedAction>,
    pub references: HashMap<Uuid, String>,
    pub attendance: Vec<Attendee>,
}

/// The minutes as the reader may see them: entries and actions about cases they may
/// open, nothing about the others. The read (`what`: the page, the API or the CSV) is
/// audited with the people the visible entries are about.
async fn visible_minutes(
    state: &AppState,
    current: &CurrentUser,
    meeting: &Meeting,
    what: &str,
) -> Result<VisibleMinutes, AppError> {
    let actor = current.actor();
    let conn = state.store.connection();
    let entries = state.store.lmaps_minutes(conn, meeting.id).await?;
    let actions = state.store.lmaps_minuted_actions(conn, meeting.id).await?;
    let ids: Vec<Uuid> = entries
        .iter()
        .map(|e| e.case_id)
        .chain(actions.iter().map(|a| a.case_id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let facts = state.store.cases_with_facts(conn, &ids, today()).await?;
    let references: HashMap<Uuid, String> = facts
        .iter()
        .filter(|(_, (_, f))| access::decide(&actor, CaseAction::View, f) == Decision::Allow)
        .map(|(id, (case, _))| (*id, case.reference.clone()))
        .collect();
    let entries: Vec<MinuteEntry> = entries
        .into_iter()
        .filter(|e| references.contains_key(&e.case_id))
        .collect();
    let actions: Vec<MinutedAction> = actions
        .into_iter()
        .filter(|a| references.contains_key(&a.case_id))
        .collect();
    let subjects: BTreeSet<Uuid> = entries
        .iter()
        .map(|e| e.case_id)
        .chain(actions.iter().map(|a| a.case_id))
        .filter_map(|id| facts.get(&id).map(|(c, _)| c.subject_person))
        .collect();
    let mut event = current
        .event(AuditAction::View)
        .entity(MEETING, meeting.id)
        .subjects(subjects)
        .summary(json!({"read": what, "entries": entries.len(), "actions": actions.len()}));
    event.reason = Some("LMAPS preparation".into());
    state.audit.record(event).await?;
    let attendance = state.store.lmaps_attendance(conn, meeting.id).await?;
    Ok(VisibleMinutes {
        entries,
        actions,
        references,
        attendance,
    })
}
