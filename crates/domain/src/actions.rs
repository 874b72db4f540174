//! The one actions list across Casework: actions minuted at LMAPS meetings, actions
//! set on a case, and the Partnership Plan's own actions (linked by the plan action's
//! id). Each is for an agency, perhaps a named officer, by a day; completing one
//! records who and when. Lists are per agency and per officer, with due and overdue
//! views.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldError;
use crate::access::Actor;
use crate::roles::Role;

/// The longest action text kept.
pub const MAX_ACTION: usize = 2000;

/// Days ahead that the "due" view looks: an action due within a week.
pub const DUE_WITHIN_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    Open,
    Done,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<ActionStatus> {
        [ActionStatus::Open, ActionStatus::Done]
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }
}

/// Where an action was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionSource {
    Lmaps,
    Case,
    Plan,
}

impl ActionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionSource::Lmaps => "lmaps",
            ActionSource::Case => "case",
            ActionSource::Plan => "plan",
        }
    }

    pub fn parse(text: &str) -> Option<ActionSource> {
        [ActionSource::Lmaps, ActionSource::Case, ActionSource::Plan]
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }
}

/// Which actions a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionView {
    /// Every open action.
    Open,
    /// Open and due from today to a week ahead.
    Due,
    /// Open and due before today.
    Overdue,
    Done,
    All,
}

impl ActionView {
    pub const ALL: [ActionView; 5] = [
        ActionView::Open,
        ActionView::Due,
        ActionView::Overdue,
        ActionView::Done,
        ActionView::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionView::Open => "open",
            ActionView::Due => "due",
            ActionView::Overdue => "overdue",
            ActionView::Done => "done",
            ActionView::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<ActionView> {
        ActionView::ALL
            .into_iter()
            .find(|v| v.as_str() == text.trim())
    }

    /// The status and the due days (inclusive) an action must have to be in the view.
    pub fn bounds(
        self,
        today: NaiveDate,
    ) -> (Option<ActionStatus>, Option<NaiveDate>, Option<NaiveDate>) {
        let yesterday = today - Duration::days(1);
        match self {
            ActionView::Open => (Some(ActionStatus::Open), None, None),
            ActionView::Due => (
                Some(ActionStatus::Open),
                Some(today),
                Some(today + Duration::days(DUE_WITHIN_DAYS)),
            ),
            ActionView::Overdue => (Some(ActionStatus::Open), None, Some(yesterday)),
            ActionView::Done => (Some(ActionStatus::Done), None, None),
            ActionView::All => (None, None, None),
        }
    }

    /// Whether an action is in this view.
    pub fn holds(self, status: ActionStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
        let (want, from, to) = self.bounds(today);
        want.is_none_or(|w| w == status)
            && from.is_none_or(|f| due_on >= f)
            && to.is_none_or(|t| due_on <= t)
    }
}

/// An open action due before today is overdue.
pub fn is_overdue(status: ActionStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    ActionView::Overdue.holds(status, due_on, today)
}

/// An action as typed.
#[derive(Debug, Clone, Default)]
pub struct ActionInput<'a> {
    pub description: &'a str,
    pub agency: &'a str,
    /// A user id, or blank for the agency as a whole.
    pub officer: Option<&'a str>,
    pub due_on: Option<NaiveDate>,
}

impl ActionInput<'_> {
    /// A form's action row left wholly blank: nothing typed and no agency chosen. Such
    /// a row is ignored; a row partly filled is checked, and names what is missing.
    pub fn is_blank(&self) -> bool {
        self.description.trim().is_empty()
            && self.agency.trim().is_empty()
            && self.officer.is_none_or(|o| o.trim().is_empty())
            && self.due_on.is_none()
    }
}

/// The user an action's officer box names, as the caller found them (by username on
/// a page, by id in the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    pub id: Uuid,
    /// The user's agency code.
    pub agency: String,
    /// False once the user is disabled: they are given no more work.
    pub active: bool,
}

/// The officer an action names must be an active user of the action's agency: an
/// action given to Copeland BC cannot name a police officer, nor someone who has
/// left. `found` is the user the officer box names (`None`: nobody); the refusal is the
/// same whichever way it fails, on `field`.
pub fn check_officer(
    found: Option<&Officer>,
    agency: &str,
    field: &str,
) -> Result<Uuid, FieldError> {
    match found {
        Some(officer) if officer.active && officer.agency == agency.trim() => Ok(officer.id),
        _ => Err(FieldError::new(
            field,
            "Name an active user of the agency the action is for, or leave the officer blank.",
        )),
    }
}

/// An action checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub description: String,
    pub agency: String,
    pub officer: Option<Uuid>,
    pub due_on: NaiveDate,
}

/// Checks an action, naming each bad field as `{prefix}description` and so on (the
/// minutes name the n-th action `actions[n].`). `not_before` is the earliest due day
/// allowed: the meeting day for a minuted action, today for one set on a case.
pub fn check_action(
    input: &ActionInput<'_>,
    prefix: &str,
    agencies: &[String],
    not_before: NaiveDate,
) -> Result<NewAction, Vec<FieldError>> {
    let mut errors = Vec::new();
    let field = |name: &str| format!("{prefix}{name}");
    let description = input.description.trim();
    if description.is_empty() {
        errors.push(FieldError::new(
            field("description"),
            "Say what is to be done.",
        ));
    } else if description.chars().count() > MAX_ACTION {
        errors.push(FieldError::new(
            field("description"),
            format!("Use at most {MAX_ACTION} characters."),
        ));
    }
    let agency = input.agency.trim();
    if !agencies.iter().any(|a| a == agency) {
        errors.push(FieldError::new(
            field("agency"),
            "Choose the agency that will do it.",
        ));
    }
    let officer = match input.officer.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => match Uuid::parse_str(text) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new(
                    field("officer"),
                    format!("'{text}' is not an id."),
                ));
                None
            }
        },
    };
    match input.due_on {
        None => errors.push(FieldError::new(
            field("due_on"),
            "Enter the day it is due as YYYY-MM-DD.",
        )),
        Some(day) if day < not_before => errors.push(FieldError::new(
            field("due_on"),
            format!("Choose {not_before} or a later day."),
        )),
        Some(_) => {}
    }
    match input.due_on {
        Some(due_on) if errors.is_empty() => Ok(NewAction {
            description: description.to_string(),
            agency: agency.to_string(),
            officer,
            due_on,
        }),
        _ => Err(errors),
    }
}

/// Who reads an agency's actions list: its own case workers and LMAPS members. An
/// action says what is to be done about a case, so other agencies, analysts and
/// administrators do not read it.
pub fn may_read_actions_of(actor: &Actor, agency: &str) -> bool {
    actor.agency == agency
        && actor.roles.iter().any(|r| {
            matches!(
                r,
                Role::Officer | Role::DvSpecialist | Role::Iom | Role::PreventDeter | Role::Lmaps
            )
        })
}

/// Who completes an action: the officer it names, or anyone who may read the
/// agency's list when it names no one or they are of the same agency.
pub fn may_complete(actor: &Actor, agency: &str, officer: Option<Uuid>) -> bool {
    officer == Some(actor.user_id) || may_read_actions_of(actor, agency)
}

/// Completing an action that is already done is refused, so who completed it and
/// when stay as first recorded.
pub fn check_complete(status: ActionStatus) -> Result<(), String> {
    match status {
        ActionStatus::Open => Ok(()),
        ActionStatus::Done => Err("The action is already done.".into()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2012, m, day).expect("day")
    }

    #[test]
    fn overdue_is_open_and_due_before_today() {
        let today = d(6, 14);
        assert!(is_overdue(ActionStatus::Open, d(6, 13), today));
        assert!(!is_overdue(ActionStatus::Open, today, today));
        assert!(!is_overdue(ActionStatus::Done, d(6, 1), today));
    }

    #[test]
    fn due_is_today_to_a_week_ahead() {
        let today = d(6, 14);
        let due = ActionView::Due;
        assert!(due.holds(ActionStatus::Open, today, today));
        assert!(due.holds(ActionStatus::Open, d(6, 21), today));
        assert!(!due.holds(ActionStatus::Open, d(6, 22), today));
        assert!(!due.holds(ActionStatus::Open, d(6, 13), today));
        assert!(!due.holds(ActionStatus::Done, today, today));
        assert!(ActionView::All.holds(ActionStatus::Done, d(1, 1), today));
        assert_eq!(ActionView::parse("overdue"), Some(ActionView::Overdue));
        assert_eq!(ActionView::parse("late"), None);
    }

    #[test]
    fn an_action_names_each_bad_field_with_its_place() {
        let agencies = vec!["copeland-bc".to_string()];
        let errors = check_action(
            &ActionInput {
                description: " ",
                agency: "nowhere",
                officer: Some("bob"),
                due_on: Some(d(6, 13)),
            },
            "actions[1].",
            &agencies,
            d(6, 14),
        )
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "actions[1].description",
                "actions[1].agency",
                "actions[1].officer",
                "actions[1].due_on"
            ]
        );
        let ok = check_action(
            &ActionInput {
                description: " Visit the victim ",
                agency: "copeland-bc",
                officer: None,
                due_on: Some(d(6, 14)),
            },
            "",
            &agencies,
            d(6, 14),
        )
        .expect("valid on the day itself");
        assert_eq!(ok.description, "Visit the victim");
    }

    #[test]
    fn the_officer_is_an_active_user_of_the_actions_agency() {
        let council = Officer {
            id: Uuid::from_u128(7),
            agency: "copeland-bc".into(),
            active: true,
        };
        let field = "actions[0].officer";
        assert_eq!(
            check_officer(Some(&council), " copeland-bc ", field),
            Ok(council.id)
        );
        let police = Officer {
            agency: "cumbria-constabulary".into(),
            ..council.clone()
        };
        let left = Officer {
            active: false,
            ..council.clone()
        };
        for found in [Some(&police), Some(&left), None] {
            let refused = check_officer(found, "copeland-bc", field).expect_err("refused");
            assert_eq!(refused.field, field);
        }
        // Each refusal reads the same: it does not say whether the user exists.
        assert_eq!(
            check_officer(Some(&police), "copeland-bc", field),
            check_officer(None, "copeland-bc", field)
        );
    }

    #[test]
    fn a_row_is_blank_only_when_nothing_is_typed_or_chosen() {
        let blank = ActionInput {
            description: " ",
            agency: "",
            officer: Some("  "),
            due_on: None,
        };
        assert!(blank.is_blank());
        assert!(ActionInput::default().is_blank());
        for partly in [
            ActionInput {
                description: "Visit",
                ..blank.clone()
            },
            ActionInput {
                agency: "copeland-bc",
                ..blank.clone()
            },
            ActionInput {
                officer: Some("jo.fletcher"),
                ..blank.clone()
            },
            ActionInput {
                due_on: Some(d(6, 14)),
                ..blank.clone()
            },
        ] {
            assert!(!partly.is_blank(), "{partly:?}");
        }
    }

    #[test]
    fn an_agency_reads_its_own_list_and_the_named_officer_completes() {
        let me = Actor {
            user_id: Uuid::from_u128(1),
            agency: "copeland-bc".into(),
            roles: BTreeSet::from([Role::Officer]),
        };
        assert!(may_read_actions_of(&me, "copeland-bc"));
        assert!(!may_read_actions_of(&me, "cumbria-constabulary"));
        assert!(may_complete(&me, "cumbria-constabulary", Some(me.user_id)));
        assert!(!may_complete(&me, "cumbria-constabulary", None));
        let analyst = Actor {
            roles: BTreeSet::from([Role::Analyst]),
            ..me.clone()
        };
        assert!(!may_read_actions_of(&analyst, "copeland-bc"));
        assert!(check_complete(ActionStatus::Done).is_err());
        assert!(check_complete(ActionStatus::Open).is_ok());
    }
}
