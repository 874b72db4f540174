//! A meeting: per district, on a day, with a chair and invited agencies; planned, then
//! held, then its minutes approved. The agenda changes only while it is planned; the
//! minutes are written once it is held and are read-only once approved.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::access::Actor;
use crate::roles::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingStatus {
    Planned,
    Held,
    MinutesApproved,
}

impl MeetingStatus {
    pub const ALL: [MeetingStatus; 3] = [
        MeetingStatus::Planned,
        MeetingStatus::Held,
        MeetingStatus::MinutesApproved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
            MeetingStatus::MinutesApproved => "minutes-approved",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingStatus> {
        MeetingStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "Planned",
            MeetingStatus::Held => "Held",
            MeetingStatus::MinutesApproved => "Minutes approved",
        }
    }

    /// The chair proposes again, removes and adds items only before the meeting.
    pub fn agenda_open(self) -> bool {
        self == MeetingStatus::Planned
    }

    /// Minutes are written once the meeting is held, until they are approved; after
    /// that only corrections are added.
    pub fn minutes_open(self) -> bool {
        self == MeetingStatus::Held
    }

    /// The one step forward from here: planned → held → minutes approved. There is no
    /// way back: approved minutes are read-only.
    pub fn check_move(self, to: MeetingStatus) -> Result<(), FieldError> {
        let allowed = matches!(
            (self, to),
            (MeetingStatus::Planned, MeetingStatus::Held)
                | (MeetingStatus::Held, MeetingStatus::MinutesApproved)
        );
        if allowed {
            Ok(())
        } else {
            Err(FieldError::new(
                "to",
                format!(
                    "A meeting that is {} cannot become {}.",
                    self.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            ))
        }
    }
}

/// Those who chair and minute LMAPS meetings: the `lmaps` role.
pub fn may_run_meetings(actor: &Actor) -> bool {
    actor.has(Role::Lmaps)
}

/// A meeting as typed.
#[derive(Debug, Clone, Default)]
pub struct MeetingInput<'a> {
    pub district: &'a str,
    pub held_on: Option<NaiveDate>,
    pub invited_agencies: &'a [String],
}

/// A meeting checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub district: String,
    pub held_on: NaiveDate,
    /// Always includes the chair's own agency.
    pub invited_agencies: BTreeSet<String>,
}

/// Checks a new meeting against the districts and agencies that exist, naming every
/// bad field at once. The chair's agency is invited whether named or not. A day in the
/// past is allowed: a meeting held before Casework recorded it is minuted afterwards.
pub fn check_meeting(
    input: &MeetingInput<'_>,
    chair_agency: &str,
    districts: &[String],
    agencies: &[String],
) -> Result<NewMeeting, Vec<FieldError>> {
    let mut errors = Vec::new();
    let district = input.district.trim();
    if !districts.iter().any(|d| d == district) {
        errors.push(FieldError::new(
            "district",
            "Choose the district the meeting is for.",
        ));
    }
    if input.held_on.is_none() {
        errors.push(FieldError::new(
            "held_on",
            "Enter the day of the meeting as YYYY-MM-DD.",
        ));
    }
    let mut invited: BTreeSet<String> = BTreeSet::new();
    for code in input.invited_agencies {
        let code = code.trim();
        if agencies.iter().any(|a| a == code) {
            invited.insert(code.to_string());
        } else {
            errors.push(FieldError::new(
                "invited_agencies",
                format!("'{code}' is not one of the partnership's agencies."),
            ));
        }
    }
    invited.insert(chair_agency.to_string());
    match input.held_on {
        Some(held_on) if errors.is_empty() => Ok(NewMeeting {
            district: district.to_string(),
            held_on,
            invited_agencies: invited,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_meeting_moves_forward_one_step_at_a_time_and_never_back() {
        use MeetingStatus::*;
        assert!(Planned.check_move(Held).is_ok());
        assert!(Held.check_move(MinutesApproved).is_ok());
        for (from, to) in [
            (Planned, MinutesApproved),
            (Held, Planned),
            (MinutesApproved, Held),
            (MinutesApproved, Planned),
            (Held, Held),
        ] {
            assert!(from.check_move(to).is_err(), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn the_agenda_changes_before_and_the_minutes_after_the_meeting() {
        use MeetingStatus::*;
        assert!(Planned.agenda_open() && !Held.agenda_open() && !MinutesApproved.agenda_open());
        assert!(!Planned.minutes_open() && Held.minutes_open() && !MinutesApproved.minutes_open());
    }

    #[test]
    fn a_meeting_names_every_bad_field_and_invites_the_chair() {
        let districts = list(&["allerdale", "copeland"]);
        let agencies = list(&["copeland-bc", "cumbria-constabulary"]);
        let invited = list(&["cumbria-constabulary"]);
        let ok = check_meeting(
            &MeetingInput {
                district: "copeland",
                held_on: NaiveDate::from_ymd_opt(2012, 6, 14),
                invited_agencies: &invited,
            },
            "copeland-bc",
            &districts,
            &agencies,
        )
        .expect("valid");
        assert_eq!(
            ok.invited_agencies,
            BTreeSet::from([
                "copeland-bc".to_string(),
                "cumbria-constabulary".to_string()
            ])
        );
        let bad = list(&["nowhere"]);
        let errors = check_meeting(
            &MeetingInput {
                district: "carlisle",
                held_on: None,
                invited_agencies: &bad,
            },
            "copeland-bc",
            &districts,
            &agencies,
        )
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["district", "held_on", "invited_agencies"]);
    }
}
