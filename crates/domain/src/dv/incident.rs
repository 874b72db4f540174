//! A domestic abuse incident as an officer logs it, checked whole: every bad field is
//! named at once, with the field names the JSON API uses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldError;

/// Who told the partnership about the incident. Victims who come forward themselves,
/// or through another agency, are counted apart from police reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportedBy {
    Police,
    /// Any partner agency other than the police: housing, health, a refuge.
    Agency,
    Victim,
}

impl ReportedBy {
    pub const ALL: [ReportedBy; 3] = [ReportedBy::Police, ReportedBy::Agency, ReportedBy::Victim];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportedBy::Police => "police",
            ReportedBy::Agency => "agency",
            ReportedBy::Victim => "victim",
        }
    }

    pub fn parse(text: &str) -> Option<ReportedBy> {
        ReportedBy::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The abuser: a person on record, or not known (a victim may not say who it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perpetrator {
    Known(Uuid),
    Unknown,
}

/// The word written in `perpetrator_id` when nobody is known.
pub const UNKNOWN: &str = "unknown";

/// The longest account kept with an incident: a short account, not the statement.
pub const MAX_SUMMARY: usize = 1000;

/// An incident as typed or sent, before checking. A field left out is read as empty,
/// so it is named among the other bad fields rather than failing the whole body. The
/// yes/no fields are `Option` so that a missing answer is refused rather than read as
/// "no": "were children present?" must never be answered by default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DvIncidentInput {
    /// RFC 3339, e.g. `2012-06-01T21:30:00Z`.
    pub occurred_at: String,
    /// `police`, `agency` or `victim`.
    pub reported_by: String,
    pub victim_id: String,
    /// A person id, or `unknown`; empty also means unknown.
    pub perpetrator_id: String,
    pub arrest_made: Option<bool>,
    pub children_present: Option<bool>,
    pub summary: String,
}

/// A checked incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DvIncident {
    pub occurred_at: DateTime<Utc>,
    pub reported_by: ReportedBy,
    pub victim: Uuid,
    /// Never the victim.
    pub perpetrator: Perpetrator,
    pub arrest_made: bool,
    pub children_present: bool,
    /// Trimmed; `None` when nothing was written. At most [`MAX_SUMMARY`] characters.
    pub summary: Option<String>,
}

impl DvIncidentInput {
    /// Checks the incident against the time now: nothing can have happened in the
    /// future.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<DvIncident, Vec<FieldError>> {
        let mut errors = Vec::new();
        let occurred_at = match DateTime::parse_from_rfc3339(self.occurred_at.trim()) {
            Ok(at) if at > now => {
                errors.push(FieldError::new(
                    "occurred_at",
                    "The incident cannot have happened in the future.",
                ));
                None
            }
            Ok(at) => Some(at.with_timezone(&Utc)),
            Err(_) => {
                errors.push(FieldError::new(
                    "occurred_at",
                    "Enter a date and time like 2012-06-01T21:30:00Z.",
                ));
                None
            }
        };
        let reported_by = ReportedBy::parse(self.reported_by.trim());
        if reported_by.is_none() {
            errors.push(FieldError::new(
                "reported_by",
                "Choose police, agency or victim.",
            ));
        }
        let victim = match Uuid::parse_str(self.victim_id.trim()) {
            Ok(id) => Some(id),
            Err(_) if self.victim_id.trim().is_empty() => {
                errors.push(FieldError::new("victim_id", "Name the victim."));
                None
            }
            Err(_) => {
                errors.push(FieldError::new(
                    "victim_id",
                    format!("'{}' is not a person's id.", self.victim_id.trim()),
                ));
                None
            }
        };
        let perpetrator = self.perpetrator(victim, &mut errors);
        let arrest_made = yes_or_no(
            self.arrest_made,
            "arrest_made",
            "Say whether an arrest was made.",
            &mut errors,
        );
        let children_present = yes_or_no(
            self.children_present,
            "children_present",
            "Say whether children were present.",
            &mut errors,
        );
        let summary = self.summary.trim();
        if summary.chars().count() > MAX_SUMMARY {
            errors.push(FieldError::new(
                "summary",
                format!("Keep the account to at most {MAX_SUMMARY} characters."),
            ));
        }
        match (
            occurred_at,
            reported_by,
            victim,
            perpetrator,
            arrest_made,
            children_present,
        ) {
            (
                Some(occurred_at),
                Some(reported_by),
                Some(victim),
                Some(perpetrator),
                Some(arrest_made),
                Some(children_present),
            ) if errors.is_empty() => Ok(DvIncident {
                occurred_at,
                reported_by,
                victim,
                perpetrator,
                arrest_made,
                children_present,
                summary: (!summary.is_empty()).then(|| summary.to_string()),
            }),
            _ => Err(errors),
        }
    }

    fn perpetrator(
        &self,
        victim: Option<Uuid>,
        errors: &mut Vec<FieldError>,
    ) -> Option<Perpetrator> {
        let text = self.perpetrator_id.trim();
        if text.is_empty() || text.eq_ignore_ascii_case(UNKNOWN) {
            return Some(Perpetrator::Unknown);
        }
        match Uuid::parse_str(text) {
            Ok(id) if Some(id) == victim => {
                errors.push(FieldError::new(
                    "perpetrator_id",
                    "The perpetrator cannot be the victim of the same incident.",
                ));
                None
            }
            Ok(id) => Some(Perpetrator::Known(id)),
            Err(_) => {
                errors.push(FieldError::new(
                    "perpetrator_id",
                    format!("'{text}' is not a person's id: give an id, or write \"unknown\"."),
                ));
                None
            }
        }
    }
}

fn yes_or_no(
    value: Option<bool>,
    field: &str,
    message: &str,
    errors: &mut Vec<FieldError>,
) -> Option<bool> {
    if value.is_none() {
        errors.push(FieldError::new(field, message));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const VICTIM: &str = "6a1f4a3e-0d0b-4f7e-9a52-1f0c3b9d2a10";
    const ABUSER: &str = "0b7e9c2d-5a41-4c3f-8e6d-2b9a7f1c4e83";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2012, 6, 2, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn good() -> DvIncidentInput {
        DvIncidentInput {
            occurred_at: "2012-06-01T23:30:00+01:00".into(),
            reported_by: "police".into(),
            victim_id: VICTIM.into(),
            perpetrator_id: ABUSER.into(),
            arrest_made: Some(true),
            children_present: Some(false),
            summary: "  Neighbour called police after shouting.  ".into(),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_incident_parses() {
        let incident = good().parse(now()).expect("valid");
        assert_eq!(
            incident.occurred_at,
            Utc.with_ymd_and_hms(2012, 6, 1, 22, 30, 0)
                .single()
                .expect("time")
        );
        assert_eq!(incident.reported_by, ReportedBy::Police);
        assert_eq!(incident.victim.to_string(), VICTIM);
        assert_eq!(
            incident.perpetrator,
            Perpetrator::Known(Uuid::parse_str(ABUSER).expect("id"))
        );
        assert!(incident.arrest_made && !incident.children_present);
        assert_eq!(
            incident.summary.as_deref(),
            Some("Neighbour called police after shouting.")
        );
    }

    #[test]
    fn reported_by_round_trips() {
        for r in ReportedBy::ALL {
            assert_eq!(ReportedBy::parse(r.as_str()), Some(r));
        }
        assert_eq!(ReportedBy::parse("Police"), None);
        assert_eq!(ReportedBy::parse("neighbour"), None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = DvIncidentInput {
            occurred_at: "2012-06-03T09:00:00Z".into(),
            reported_by: "neighbour".into(),
            victim_id: "someone".into(),
            perpetrator_id: "him".into(),
            arrest_made: None,
            children_present: None,
            summary: "x".repeat(MAX_SUMMARY + 1),
        };
        assert_eq!(
            fields(input.parse(now()).expect_err("invalid")),
            [
                "occurred_at",
                "reported_by",
                "victim_id",
                "perpetrator_id",
                "arrest_made",
                "children_present",
                "summary"
            ]
        );
    }

    #[test]
    fn an_empty_body_names_the_required_fields() {
        let errors = DvIncidentInput::default().parse(now()).expect_err("empty");
        assert_eq!(
            fields(errors),
            [
                "occurred_at",
                "reported_by",
                "victim_id",
                "arrest_made",
                "children_present"
            ]
        );
    }

    #[test]
    fn now_is_not_the_future_a_second_later_is() {
        let mut input = good();
        input.occurred_at = "2012-06-02T09:00:00Z".into();
        assert!(input.parse(now()).is_ok());
        input.occurred_at = "2012-06-02T09:00:01Z".into();
        let errors = input.parse(now()).expect_err("future");
        assert_eq!(errors[0].field, "occurred_at");
        assert!(errors[0].message.contains("future"));
    }

    #[test]
    fn the_summary_is_optional_and_bounded() {
        let mut input = good();
        input.summary = "   ".into();
        assert_eq!(input.parse(now()).expect("valid").summary, None);
        // Counted in characters, not bytes: "é" is two bytes.
        input.summary = "é".repeat(MAX_SUMMARY);
        assert!(input.parse(now()).is_ok());
        input.summary = "é".repeat(MAX_SUMMARY + 1);
        assert_eq!(fields(input.parse(now()).expect_err("long")), ["summary"]);
    }

    #[test]
    fn the_perpetrator_may_be_unknown_but_never_the_victim() {
        let mut input = good();
        for unknown in ["", "unknown", " Unknown "] {
            input.perpetrator_id = unknown.into();
            assert_eq!(
                input.parse(now()).expect("valid").perpetrator,
                Perpetrator::Unknown
            );
        }
        input.perpetrator_id = VICTIM.into();
        let errors = input.parse(now()).expect_err("same person");
        assert_eq!(fields(errors.clone()), ["perpetrator_id"]);
        assert!(errors[0].message.contains("cannot be the victim"));
    }

    #[test]
    fn a_missing_yes_or_no_is_not_read_as_no() {
        let mut input = good();
        input.children_present = None;
        assert_eq!(
            fields(input.parse(now()).expect_err("missing")),
            ["children_present"]
        );
        // Read through serde as a body would be (TOML here: the domain has no JSON).
        let body: DvIncidentInput = toml::from_str(&format!(
            "occurred_at = \"2012-06-01T21:30:00Z\"\nreported_by = \"victim\"\n\
             victim_id = \"{VICTIM}\"\narrest_made = false\nchildren_present = true"
        ))
        .expect("body");
        let incident = body.parse(now()).expect("valid");
        assert_eq!(incident.reported_by, ReportedBy::Victim);
        assert!(incident.children_present && !incident.arrest_made);
        assert_eq!(incident.perpetrator, Perpetrator::Unknown);
    }
}
