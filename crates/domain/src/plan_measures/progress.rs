//! The plan's own actions: a status and progress notes from their owning agency, and
//! overdue when past their review date; and a quarterly figure an officer enters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Unit;
use crate::FieldError;
use crate::access::Actor;
use crate::calendar::Quarter;
use crate::roles::Role;

/// The partnership's own agency, whose analysts compile the quarterly report.
pub const PARTNERSHIP_AGENCY: &str = "west-cumbria-csp";

/// Who may enter a quarter's figure for a measure of an aim: an officer of an agency
/// the plan names against the aim (an action's owner or a partner), or an analyst of
/// the partnership itself, who compiles the report from the agencies' returns.
pub fn may_enter_figure(actor: &Actor, aim_agencies: &[String]) -> bool {
    (actor.has(Role::Officer) && aim_agencies.contains(&actor.agency))
        || (actor.has(Role::Analyst) && actor.agency == PARTNERSHIP_AGENCY)
}

/// Who may write progress on a plan action: an officer of an agency that owns it.
pub fn may_update_action(actor: &Actor, owners: &[String]) -> bool {
    actor.has(Role::Officer) && owners.contains(&actor.agency)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    NotStarted,
    InProgress,
    Complete,
    Stopped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::NotStarted,
        ActionStatus::InProgress,
        ActionStatus::Complete,
        ActionStatus::Stopped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "not-started",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Complete => "complete",
            ActionStatus::Stopped => "stopped",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "Not started",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Complete => "Complete",
            ActionStatus::Stopped => "Stopped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn is_finished(self) -> bool {
        matches!(self, ActionStatus::Complete | ActionStatus::Stopped)
    }
}

/// A progress note on a plan action, as its owning agency wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionProgress {
    pub status: ActionStatus,
    pub note: String,
}

impl ActionProgress {
    pub fn parse(status: &str, note: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = ActionStatus::parse(status.trim());
        if status.is_none() {
            errors.push(FieldError::new(
                "status",
                "Choose not started, in progress, complete or stopped.",
            ));
        }
        let note = note.trim();
        if note.is_empty() {
            errors.push(FieldError::new("note", "Write what has happened."));
        } else if note.chars().count() > 2000 {
            errors.push(FieldError::new(
                "note",
                "Keep the note to 2,000 characters.",
            ));
        }
        match status {
            Some(status) if errors.is_empty() => Ok(ActionProgress {
                status,
                note: note.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// An action is overdue on `today` when its review date has passed (the day itself is
/// not overdue) and it is neither complete nor stopped.
pub fn is_overdue(review_date: Option<NaiveDate>, status: ActionStatus, today: NaiveDate) -> bool {
    review_date.is_some_and(|d| today > d) && !status.is_finished()
}

/// A quarter's figure for an entered measure, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnteredFigure {
    pub quarter: Quarter,
    pub district: String,
    pub value: f64,
    pub source: String,
}

/// Checks an entered figure: a quarter, a known district or `all`, a value (whole and
/// not negative for a count, 0 to 100 for a percentage) and where it came from.
pub fn parse_figure(
    quarter: &str,
    district: &str,
    value: &str,
    source: &str,
    unit: Unit,
    districts: &[String],
) -> Result<EnteredFigure, Vec<FieldError>> {
    let mut errors = Vec::new();
    let q = Quarter::parse(quarter.trim());
    if q.is_none() {
        errors.push(FieldError::new("quarter", "Choose Q1, Q2, Q3 or Q4."));
    }
    let district = district.trim();
    if district != super::ALL_DISTRICTS && !districts.iter().any(|d| d == district) {
        errors.push(FieldError::new(
            "district",
            "Choose a district, or all for West Cumbria.",
        ));
    }
    let number = value.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    match number {
        None => errors.push(FieldError::new("value", "Enter a number.")),
        Some(v) if v < 0.0 => errors.push(FieldError::new("value", "A figure cannot be negative.")),
        Some(v) if unit.is_count() && v.fract() != 0.0 => {
            errors.push(FieldError::new("value", "Enter a whole number."))
        }
        Some(v) if !unit.is_count() && v > 100.0 => {
            errors.push(FieldError::new("value", "A percentage is 0 to 100."))
        }
        Some(_) => {}
    }
    let source = source.trim();
    if source.is_empty() {
        errors.push(FieldError::new(
            "source",
            "Say where the figure comes from (for example CRASH group data).",
        ));
    } else if source.chars().count() > 500 {
        errors.push(FieldError::new(
            "source",
            "Keep the source to 500 characters.",
        ));
    }
    match (q, number) {
        (Some(quarter), Some(value)) if errors.is_empty() => Ok(EnteredFigure {
            quarter,
            district: district.to_string(),
            value,
            source: source.to_string(),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn actor(agency: &str, roles: &[Role]) -> Actor {
        Actor {
            user_id: uuid::Uuid::nil(),
            agency: agency.into(),
            roles: roles.iter().copied().collect(),
        }
    }

    #[test]
    fn who_may_enter_a_figure() {
        let aim = vec!["crash-group".to_string()];
        assert!(may_enter_figure(
            &actor("crash-group", &[Role::Officer]),
            &aim
        ));
        assert!(!may_enter_figure(
            &actor("cumbria-constabulary", &[Role::Officer]),
            &aim
        ));
        assert!(!may_enter_figure(
            &actor("crash-group", &[Role::Analyst]),
            &aim
        ));
        assert!(may_enter_figure(
            &actor(PARTNERSHIP_AGENCY, &[Role::Analyst]),
            &aim
        ));
        assert!(!may_enter_figure(
            &actor(PARTNERSHIP_AGENCY, &[Role::Admin]),
            &aim
        ));
        assert!(!may_enter_figure(
            &actor(PARTNERSHIP_AGENCY, &[Role::Dpo]),
            &aim
        ));
    }

    #[test]
    fn only_an_owning_officer_updates_an_action() {
        let owners = vec!["west-cumbria-csp".to_string(), "iom-team".to_string()];
        assert!(may_update_action(
            &actor("iom-team", &[Role::Officer]),
            &owners
        ));
        assert!(!may_update_action(
            &actor("iom-team", &[Role::Iom]),
            &owners
        ));
        assert!(!may_update_action(
            &actor("copeland-bc", &[Role::Officer]),
            &owners
        ));
    }

    #[test]
    fn overdue_from_the_day_after_the_review_date() {
        let review = Some(day(2011, 12, 31));
        let open = ActionStatus::InProgress;
        assert!(!is_overdue(review, open, day(2011, 12, 31)));
        assert!(is_overdue(review, open, day(2012, 1, 1)));
        assert!(is_overdue(
            review,
            ActionStatus::NotStarted,
            day(2012, 1, 1)
        ));
        assert!(!is_overdue(review, ActionStatus::Complete, day(2012, 1, 1)));
        assert!(!is_overdue(review, ActionStatus::Stopped, day(2012, 1, 1)));
        assert!(!is_overdue(None, open, day(2030, 1, 1)));
    }

    #[test]
    fn progress_needs_a_status_and_a_note() {
        let errors = ActionProgress::parse("done-ish", "  ").expect_err("bad");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["status", "note"]);
        let ok = ActionProgress::parse("complete", " Post funded to March 2013 ").expect("ok");
        assert_eq!(ok.status, ActionStatus::Complete);
        assert_eq!(ok.note, "Post funded to March 2013");
    }

    fn districts() -> Vec<String> {
        vec!["allerdale".into(), "copeland".into()]
    }

    #[test]
    fn an_entered_figure_names_each_bad_field() {
        let errors = parse_figure("Q5", "whitby", "2.5", "", Unit::Casualties, &districts())
            .expect_err("bad");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["quarter", "district", "value", "source"]);
        let errors = parse_figure("Q1", "all", "-1", "CRASH", Unit::Casualties, &districts())
            .expect_err("neg");
        assert_eq!(errors[0].message, "A figure cannot be negative.");
        let errors =
            parse_figure("Q1", "all", "101", "x", Unit::Percent, &districts()).expect_err("pct");
        assert_eq!(errors[0].field, "value");
    }

    #[test]
    fn a_good_figure_parses() {
        let f = parse_figure(
            "q2",
            "copeland",
            "7",
            " CRASH group data ",
            Unit::Casualties,
            &districts(),
        )
        .expect("ok");
        assert_eq!(f.quarter, Quarter::Q2);
        assert_eq!(f.district, "copeland");
        assert_eq!(f.value, 7.0);
        assert_eq!(f.source, "CRASH group data");
        assert!(parse_figure("Q1", "all", "12.5", "x", Unit::Percent, &districts()).is_ok());
    }
}
