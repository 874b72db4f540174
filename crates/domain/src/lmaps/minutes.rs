//! The minutes of one agenda item: what was discussed, what was decided, the actions
//! (agency, officer, due day) and the next review date, which becomes the case's. Once
//! the minutes are approved they are read-only: a correction is a new entry, with its
//! reason, beside the original.

use chrono::NaiveDate;

use crate::FieldError;
use crate::actions::{ActionInput, NewAction, check_action};

/// The longest summary or decisions text kept.
pub const MAX_MINUTE: usize = 4000;

/// An item's minutes as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemMinutesInput<'a> {
    pub summary: &'a str,
    pub decisions: &'a str,
    pub next_review_date: Option<NaiveDate>,
    pub actions: Vec<ActionInput<'a>>,
}

/// An item's minutes, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMinutes {
    pub summary: String,
    pub decisions: String,
    pub next_review_date: Option<NaiveDate>,
    pub actions: Vec<NewAction>,
}

fn text(field: &str, value: &str, required: bool, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(FieldError::new(field, "Write what was discussed."));
    } else if value.chars().count() > MAX_MINUTE {
        errors.push(FieldError::new(
            field,
            format!("Use at most {MAX_MINUTE} characters."),
        ));
    }
    value.to_string()
}

/// Checks an item's minutes, naming every bad field at once. The next review is after
/// the meeting day (a review on the day is this meeting); an action is due on the
/// meeting day or later.
pub fn check_item_minutes(
    input: &ItemMinutesInput<'_>,
    meeting_day: NaiveDate,
    agencies: &[String],
) -> Result<ItemMinutes, Vec<FieldError>> {
    let mut errors = Vec::new();
    let summary = text("summary", input.summary, true, &mut errors);
    let decisions = text("decisions", input.decisions, false, &mut errors);
    if let Some(day) = input.next_review_date
        && day <= meeting_day
    {
        errors.push(FieldError::new(
            "next_review_date",
            "Choose a day after the meeting.",
        ));
    }
    let mut actions = Vec::new();
    for (n, action) in input.actions.iter().enumerate() {
        match check_action(action, &format!("actions[{n}]."), agencies, meeting_day) {
            Ok(ok) => actions.push(ok),
            Err(more) => errors.extend(more),
        }
    }
    if errors.is_empty() {
        Ok(ItemMinutes {
            summary,
            decisions,
            next_review_date: input.next_review_date,
            actions,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2012, 6, day).expect("day")
    }

    #[test]
    fn minutes_need_a_summary_and_a_review_after_the_meeting() {
        let agencies = vec!["copeland-bc".to_string()];
        let errors = check_item_minutes(
            &ItemMinutesInput {
                summary: "  ",
                decisions: "",
                next_review_date: Some(d(14)),
                actions: vec![ActionInput {
                    description: "Visit",
                    agency: "copeland-bc",
                    officer: None,
                    due_on: Some(d(13)),
                }],
            },
            d(14),
            &agencies,
        )
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["summary", "next_review_date", "actions[0].due_on"]);

        let ok = check_item_minutes(
            &ItemMinutesInput {
                summary: "Discussed the latest incidents.",
                decisions: "Target hardening.",
                next_review_date: Some(d(15)),
                actions: vec![ActionInput {
                    description: "Fit a door chain",
                    agency: "copeland-bc",
                    officer: None,
                    due_on: Some(d(14)),
                }],
            },
            d(14),
            &agencies,
        )
        .expect("valid");
        assert_eq!(ok.actions.len(), 1);
        assert_eq!(ok.next_review_date, Some(d(15)));
    }
}
