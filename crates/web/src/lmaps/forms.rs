//! The meeting page's forms as posted and as shown again: an item's minutes read into
//! the form the API takes (action rows `actions[n].field`, so page and API share one
//! check), what was typed kept for a refused form, and the people the chair chooses
//! from (officers by username, members who came by ticking).

use casework_domain::lmaps::may_run_meetings;
use casework_store::lmaps::Attendee;
use casework_store::users::User;
use uuid::Uuid;

use super::{ActionForm, MinutesForm};

/// The action rows the minutes form offers for each item.
const ACTION_ROWS: usize = 3;

/// The most action rows a posted form is read for (the page offers `ACTION_ROWS`).
const MAX_ACTION_ROWS: usize = 20;

/// An item's minutes form: blank, or as the chair typed it when it was refused.
#[derive(Default)]
pub(super) struct MinutesDraft {
    pub(super) summary: String,
    pub(super) decisions: String,
    pub(super) next_review_date: String,
    pub(super) correction_reason: String,
    pub(super) rows: Vec<ActionDraft>,
}

#[derive(Default)]
pub(super) struct ActionDraft {
    pub(super) n: usize,
    pub(super) description: String,
    pub(super) agency: String,
    pub(super) officer: String,
    pub(super) due_on: String,
}

impl ActionDraft {
    pub(super) fn chose(&self, code: &str) -> bool {
        self.agency == code
    }
}

impl MinutesDraft {
    /// The form for `case_id`: what was typed if it was this item's, else blank; at
    /// least `ACTION_ROWS` action rows.
    pub(super) fn for_item(typed: Option<&MinutesForm>, case_id: Uuid) -> MinutesDraft {
        let typed = typed.filter(|f| f.case_id.trim() == case_id.to_string());
        let mut draft = typed.map_or_else(MinutesDraft::default, |f| MinutesDraft {
            summary: f.summary.clone(),
            decisions: f.decisions.clone(),
            next_review_date: f.next_review_date.clone().unwrap_or_default(),
            correction_reason: f.correction_reason.clone().unwrap_or_default(),
            rows: f
                .actions
                .iter()
                .enumerate()
                .map(|(n, a)| ActionDraft {
                    n,
                    description: a.description.clone(),
                    agency: a.agency.clone(),
                    officer: a.officer.clone().unwrap_or_default(),
                    due_on: a.due_on.clone(),
                })
                .collect(),
        });
        while draft.rows.len() < ACTION_ROWS {
            draft.rows.push(ActionDraft {
                n: draft.rows.len(),
                ..ActionDraft::default()
            });
        }
        draft
    }
}

/// A user the officer boxes offer.
pub(super) struct OfficerOption {
    pub(super) username: String,
    pub(super) label: String,
}

/// An `lmaps` member of an invited agency, as an attendance box.
pub(super) struct MemberBox {
    pub(super) id: Uuid,
    pub(super) username: String,
    pub(super) name: String,
    /// The agency's name, and its code.
    pub(super) agency: String,
    pub(super) code: String,
    pub(super) ticked: bool,
}

/// What the chair typed, shown again with the problems when a form is refused.
#[derive(Default)]
pub(super) struct Typed {
    pub(super) reference: String,
    pub(super) minutes: Option<MinutesForm>,
    /// The members ticked and the other attendees' lines.
    pub(super) attendance: Option<(Vec<String>, String)>,
}

/// `actions[n].field` as the minutes form names an action row's field.
pub(super) fn action_field(key: &str) -> Option<(usize, &str)> {
    let (n, field) = key.strip_prefix("actions[")?.split_once("].")?;
    Some((n.parse().ok()?, field))
}

/// An item's minutes as the page posts them, read into the form the API takes so both
/// go through one check: action rows are `actions[n].description`, `.agency`,
/// `.officer` (a username) and `.due_on`.
pub(super) fn minutes_form(pairs: &[(String, String)]) -> MinutesForm {
    let mut form = MinutesForm::default();
    for (key, value) in pairs {
        let value = value.clone();
        match key.as_str() {
            "case_id" => form.case_id = value,
            "summary" => form.summary = value,
            "decisions" => form.decisions = value,
            "next_review_date" => form.next_review_date = Some(value),
            "correction_reason" => form.correction_reason = Some(value),
            _ => {
                let Some((n, field)) = action_field(key).filter(|(n, _)| *n < MAX_ACTION_ROWS)
                else {
                    continue;
                };
                if form.actions.len() <= n {
                    form.actions.resize_with(n + 1, ActionForm::default);
                }
                let row = &mut form.actions[n];
                match field {
                    "description" => row.description = value,
                    "agency" => row.agency = value,
                    "officer" => row.officer = Some(value),
                    "due_on" => row.due_on = value,
                    _ => {}
                }
            }
        }
    }
    form
}

/// The chair's choices of people: every active user of the invited agencies for the
/// officer boxes; their `lmaps` members as attendance boxes, ticked if recorded (as
/// typed, after a refusal); the other attendees as lines of text.
pub(super) fn people(
    users: Vec<User>,
    agencies: &[(String, String)],
    attendance: &[Attendee],
    typed: Option<&(Vec<String>, String)>,
) -> (Vec<OfficerOption>, Vec<MemberBox>, String) {
    let agency_name = |code: &str| {
        agencies
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, name)| name.clone())
    };
    let mut officers = Vec::new();
    let mut members = Vec::new();
    for user in users {
        let agency = agency_name(&user.agency);
        officers.push(OfficerOption {
            username: user.username.clone(),
            label: format!("{}, {agency}", user.display_name),
        });
        if may_run_meetings(&user.actor()) {
            let ticked = match typed {
                Some((ticked, _)) => ticked.iter().any(|t| t.trim() == user.id.to_string()),
                None => attendance
                    .iter()
                    .any(|a| a.agency == user.agency && a.name == user.display_name),
            };
            members.push(MemberBox {
                id: user.id,
                username: user.username,
                name: user.display_name,
                agency,
                code: user.agency,
                ticked,
            });
        }
    }
    let others = match typed {
        Some((_, text)) => text.clone(),
        None => attendance
            .iter()
            .filter(|a| {
                !members
                    .iter()
                    .any(|m| m.name == a.name && m.code == a.agency)
            })
            .map(|a| format!("{}: {}\n", a.agency, a.name))
            .collect(),
    };
    (officers, members, others)
}

/// The other attendees as typed, one a line: agency code, a colon, the name.
pub(super) fn other_attendees(text: &str) -> Vec<Attendee> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (agency, name) = line.split_once(':').unwrap_or(("", line));
            Attendee {
                agency: agency.trim().to_string(),
                name: name.trim().to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn action_rows_keep_their_places_and_stray_fields_are_left_out() {
        let form = minutes_form(&pairs(&[
            ("case_id", "c"),
            ("summary", "Discussed"),
            ("actions[0].description", "Visit"),
            ("actions[2].officer", "jo.fletcher"),
            ("actions[2].agency", "copeland-bc"),
            ("actions[x].description", "no place"),
            ("actions[99].description", "too far"),
            ("actions[1]description", "malformed"),
        ]));
        assert_eq!(
            (form.case_id.as_str(), form.summary.as_str()),
            ("c", "Discussed")
        );
        assert_eq!(form.actions.len(), 3);
        assert_eq!(form.actions[0].description, "Visit");
        assert_eq!(form.actions[1].description, "");
        assert_eq!(form.actions[2].officer.as_deref(), Some("jo.fletcher"));
        assert_eq!(form.actions[2].agency, "copeland-bc");
    }

    #[test]
    fn a_refused_item_is_shown_as_typed_and_the_others_blank() {
        let typed = minutes_form(&pairs(&[
            ("case_id", &Uuid::from_u128(1).to_string()),
            ("summary", "Discussed"),
            ("actions[1].description", "Write"),
        ]));
        let this = MinutesDraft::for_item(Some(&typed), Uuid::from_u128(1));
        assert_eq!(this.summary, "Discussed");
        assert_eq!(this.rows.len(), ACTION_ROWS);
        assert_eq!(this.rows[1].description, "Write");
        let other = MinutesDraft::for_item(Some(&typed), Uuid::from_u128(2));
        assert!(other.summary.is_empty() && other.rows.iter().all(|r| r.description.is_empty()));
    }

    #[test]
    fn other_attendees_are_one_a_line() {
        let typed = other_attendees("copeland-bc: Jo Smith\r\n\n  Sam Kerr \n");
        assert_eq!(
            typed,
            [
                Attendee {
                    agency: "copeland-bc".into(),
                    name: "Jo Smith".into()
                },
                Attendee {
                    agency: String::new(),
                    name: "Sam Kerr".into()
                }
            ]
        );
    }
}
