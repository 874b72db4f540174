//! The minutes of one agenda item: what was discussed, what was decided, the actions
//! (agency, officer, due day) and the next review date, which becomes the case's. Once
//! the minutes are approved they are read-only: a correction is a new entry, with its
//! reason, beside the original.

use chrono::NaiveDate;

use crate::FieldError;
use crate::actions::{ActionInput, NewAction, Officer, check_action, check_officer};

/// The longest summary or decisions text kept.
pub const MAX_MINUTE: usize = 4000;

/// An item's minutes as typed.
#[derive(Debug, Clone, Default)]
pub struct ItemMinutesInput<'a> {
    pub summary: &'a str,
    pub decisions: &'a str,
    pub next_review_date: Option<NaiveDate>,
    /// The action rows in the order typed; a row left wholly blank is ignored.
    pub actions: Vec<ActionRow<'a>>,
}

/// One action row as typed, with the user its officer box names.
#[derive(Debug, Clone, Default)]
pub struct ActionRow<'a> {
    /// `action.officer` is the officer box as typed (a username or a user id).
    pub action: ActionInput<'a>,
    /// The user the officer box was found to name, `None` when it names nobody.
    pub officer: Option<Officer>,
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
/// meeting day or later, and the officer it names is an active user of its agency. An
/// action row left wholly blank is ignored; a row partly filled names what it lacks,
/// as `actions[n].` with `n` its place among the rows typed.
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
    for (n, row) in input.actions.iter().enumerate() {
        if row.action.is_blank() {
            continue;
        }
        match check_row(row, &format!("actions[{n}]."), agencies, meeting_day) {
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

/// One action row: the action as any action is checked, then the officer it names
/// (only when its agency is one of ours: a bad agency is named already). Fields are
/// named in the form's order.
fn check_row(
    row: &ActionRow<'_>,
    prefix: &str,
    agencies: &[String],
    meeting_day: NaiveDate,
) -> Result<NewAction, Vec<FieldError>> {
    let unnamed = ActionInput {
        officer: None,
        ..row.action.clone()
    };
    let checked = check_action(&unnamed, prefix, agencies, meeting_day);
    let typed = row.action.officer.is_some_and(|o| !o.trim().is_empty());
    let agency = row.action.agency.trim();
    let officer = if typed && agencies.iter().any(|a| a == agency) {
        check_officer(row.officer.as_ref(), agency, &format!("{prefix}officer")).map(Some)
    } else {
        Ok(None)
    };
    match (checked, officer) {
        (Ok(action), Ok(officer)) => Ok(NewAction { officer, ..action }),
        (checked, officer) => {
            let mut errors = checked.err().unwrap_or_default();
            if let Err(e) = officer {
                let due = format!("{prefix}due_on");
                let at = errors
                    .iter()
                    .position(|x| x.field == due)
                    .unwrap_or(errors.len());
                errors.insert(at, e);
            }
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2012, 6, day).expect("day")
    }

    fn row<'a>(
        description: &'a str,
        agency: &'a str,
        officer: Option<&'a str>,
        due_on: Option<NaiveDate>,
    ) -> ActionRow<'a> {
        ActionRow {
            action: ActionInput {
                description,
                agency,
                officer,
                due_on,
            },
            officer: None,
        }
    }

    fn minutes<'a>(actions: Vec<ActionRow<'a>>) -> ItemMinutesInput<'a> {
        ItemMinutesInput {
            summary: "Discussed.",
            decisions: "",
            next_review_date: None,
            actions,
        }
    }

    fn agencies() -> Vec<String> {
        vec![
            "copeland-bc".to_string(),
            "cumbria-constabulary".to_string(),
        ]
    }

    #[test]
    fn blank_rows_are_ignored_and_a_partly_filled_row_names_what_it_lacks() {
        let blank = || row(" ", "", Some(""), None);
        let ok = check_item_minutes(
            &minutes(vec![
                blank(),
                row("Visit", "copeland-bc", None, Some(d(14))),
                blank(),
            ]),
            d(14),
            &agencies(),
        )
        .expect("blank rows ignored");
        assert_eq!(ok.actions.len(), 1);
        assert_eq!(ok.actions[0].description, "Visit");
        assert!(
            check_item_minutes(&minutes(vec![blank(), blank()]), d(14), &agencies())
                .expect("no actions")
                .actions
                .is_empty()
        );

        // Only an agency chosen, or only a description: each row names its own fields.
        let errors = check_item_minutes(
            &minutes(vec![
                row("Visit", "copeland-bc", None, Some(d(14))),
                row("", "copeland-bc", None, None),
                row("Write to the family", "", None, None),
            ]),
            d(14),
            &agencies(),
        )
        .expect_err("partly filled");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "actions[1].description",
                "actions[1].due_on",
                "actions[2].agency",
                "actions[2].due_on"
            ]
        );
    }

    #[test]
    fn an_action_names_only_an_active_officer_of_its_agency() {
        let pc = Officer {
            id: uuid::Uuid::from_u128(9),
            agency: "cumbria-constabulary".into(),
            active: true,
        };
        let named = |agency, found: Option<&Officer>| ActionRow {
            officer: found.cloned(),
            ..row("Visit", agency, Some("pc.harper"), Some(d(14)))
        };
        let ok = check_item_minutes(
            &minutes(vec![named("cumbria-constabulary", Some(&pc))]),
            d(14),
            &agencies(),
        )
        .expect("the police's own officer");
        assert_eq!(ok.actions[0].officer, Some(pc.id));

        // Given to Copeland BC, the action cannot name a police officer, nobody, or a
        // disabled user; the officer is named before the due day, as on the form.
        let left = Officer {
            active: false,
            ..pc.clone()
        };
        for (agency, found) in [
            ("copeland-bc", Some(&pc)),
            ("copeland-bc", None),
            ("cumbria-constabulary", Some(&left)),
        ] {
            let errors = check_item_minutes(
                &minutes(vec![row("", "", None, None), named(agency, found)]),
                d(14),
                &agencies(),
            )
            .expect_err("refused");
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["actions[1].officer"], "{agency} {found:?}");
        }
        let mut late = named("copeland-bc", Some(&pc));
        late.action.due_on = Some(d(13));
        let errors =
            check_item_minutes(&minutes(vec![late]), d(14), &agencies()).expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["actions[0].officer", "actions[0].due_on"]);

        // An unknown agency is named once, not the officer as well.
        let errors = check_item_minutes(
            &minutes(vec![named("nowhere", Some(&pc))]),
            d(14),
            &agencies(),
        )
        .expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["actions[0].agency"]);
    }

    #[test]
    fn minutes_need_a_summary_and_a_review_after_the_meeting() {
        let agencies = vec!["copeland-bc".to_string()];
        let errors = check_item_minutes(
            &ItemMinutesInput {
                summary: "  ",
                decisions: "",
                next_review_date: Some(d(14)),
                actions: vec![row("Visit", "copeland-bc", None, Some(d(13)))],
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
                actions: vec![row("Fit a door chain", "copeland-bc", None, Some(d(14)))],
            },
            d(14),
            &agencies,
        )
        .expect("valid");
        assert_eq!(ok.actions.len(), 1);
        assert_eq!(ok.next_review_date, Some(d(15)));
    }
}
