//! An ASB incident as an officer logs it, checked whole: every bad field is named at
//! once, with the field names the JSON API uses.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldError;

/// The Home Office's three ASB categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Aimed at a particular person or group.
    Personal,
    /// Trouble, annoyance or suffering to a community rather than one person.
    Nuisance,
    /// Harm to the wider surroundings: graffiti, dumping, noise from premises.
    Environmental,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Personal,
        Category::Nuisance,
        Category::Environmental,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Personal => "personal",
            Category::Nuisance => "nuisance",
            Category::Environmental => "environmental",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Who did it: the people known, or "unknown" (most reports of rowdy behaviour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Perpetrators {
    Unknown,
    Known(Vec<Uuid>),
}

/// The word written in `perpetrator_ids` when nobody is known.
pub const UNKNOWN: &str = "unknown";

/// An incident as typed or sent, before checking. A field left out is read as empty,
/// so that it is named among the other bad fields rather than failing the whole body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IncidentInput {
    /// RFC 3339, e.g. `2012-06-01T21:30:00Z`.
    pub occurred_at: String,
    pub reported_at: String,
    pub reporting_agency: String,
    pub category: String,
    #[serde(rename = "type")]
    pub incident_type: String,
    pub ward: String,
    pub alcohol_related: bool,
    pub youth_related: bool,
    pub victim_ids: Vec<String>,
    /// Person ids, or `["unknown"]`; an empty list also means unknown.
    pub perpetrator_ids: Vec<String>,
}

/// A checked incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub reporting_agency: String,
    pub category: Category,
    pub incident_type: String,
    pub ward: String,
    pub alcohol_related: bool,
    pub youth_related: bool,
    /// At least one, each once.
    pub victim_ids: Vec<Uuid>,
    pub perpetrators: Perpetrators,
}

impl IncidentInput {
    /// Checks the incident against the partnership's wards and ASB types (codes) and
    /// the time now: nothing can have happened, or been reported, in the future, and
    /// nothing is reported before it happened.
    pub fn parse(
        &self,
        known_wards: &HashSet<String>,
        known_types: &HashSet<String>,
        now: DateTime<Utc>,
    ) -> Result<Incident, Vec<FieldError>> {
        let mut errors = Vec::new();
        let occurred_at = moment(&self.occurred_at, "occurred_at", &mut errors);
        let reported_at = moment(&self.reported_at, "reported_at", &mut errors);
        if let Some(occurred) = occurred_at
            && occurred > now
        {
            errors.push(FieldError::new(
                "occurred_at",
                "The incident cannot have happened in the future.",
            ));
        }
        if let (Some(occurred), Some(reported)) = (occurred_at, reported_at)
            && reported < occurred
        {
            errors.push(FieldError::new(
                "reported_at",
                "The report is before the incident happened.",
            ));
        }
        if let Some(reported) = reported_at
            && reported > now
        {
            errors.push(FieldError::new(
                "reported_at",
                "The report cannot be in the future.",
            ));
        }
        let reporting_agency = self.reporting_agency.trim();
        if reporting_agency.is_empty() {
            errors.push(FieldError::new(
                "reporting_agency",
                "Say which agency the incident was reported to.",
            ));
        }
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            errors.push(FieldError::new(
                "category",
                "Choose personal, nuisance or environmental.",
            ));
        }
        let incident_type = self.incident_type.trim();
        if !known_types.contains(incident_type) {
            errors.push(FieldError::new(
                "type",
                format!("'{incident_type}' is not an ASB type on the partnership's list."),
            ));
        }
        let ward = self.ward.trim();
        if !known_wards.contains(ward) {
            errors.push(FieldError::new(
                "ward",
                format!("'{ward}' is not a ward of the partnership."),
            ));
        }
        let victim_ids = person_ids(&self.victim_ids, "victim_ids", &mut errors);
        if self.victim_ids.iter().all(|v| v.trim().is_empty()) {
            errors.push(FieldError::new(
                "victim_ids",
                "Name at least one victim or complainant.",
            ));
        }
        let perpetrators = self.perpetrators(&mut errors);
        match (occurred_at, reported_at, category) {
            (Some(occurred_at), Some(reported_at), Some(category)) if errors.is_empty() => {
                Ok(Incident {
                    occurred_at,
                    reported_at,
                    reporting_agency: reporting_agency.to_string(),
                    category,
                    incident_type: incident_type.to_string(),
                    ward: ward.to_string(),
                    alcohol_related: self.alcohol_related,
                    youth_related: self.youth_related,
                    victim_ids,
                    perpetrators,
                })
            }
            _ => Err(errors),
        }
    }

    /// "unknown" stands alone: a list naming people and "unknown" is ambiguous.
    fn perpetrators(&self, errors: &mut Vec<FieldError>) -> Perpetrators {
        let written: Vec<&str> = self
            .perpetrator_ids
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect();
        let unknown = written.iter().any(|p| p.eq_ignore_ascii_case(UNKNOWN));
        if written.is_empty() || (unknown && written.len() == 1) {
            return Perpetrators::Unknown;
        }
        if unknown {
            errors.push(FieldError::new(
                "perpetrator_ids",
                "List the people known, or write \"unknown\" on its own.",
            ));
            return Perpetrators::Unknown;
        }
        Perpetrators::Known(person_ids(&self.perpetrator_ids, "perpetrator_ids", errors))
    }
}

fn moment(text: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(text.trim()) {
        Ok(at) => Some(at.with_timezone(&Utc)),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "Enter a date and time like 2012-06-01T21:30:00Z.",
            ));
            None
        }
    }
}

/// Person ids in the order given, each once (a victim listed twice is one victim).
fn person_ids(raw: &[String], field: &str, errors: &mut Vec<FieldError>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = Vec::new();
    for text in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        match Uuid::parse_str(text) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => errors.push(FieldError::new(
                field,
                format!("'{text}' is not a person's id."),
            )),
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2012, 6, 2, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn wards() -> HashSet<String> {
        set(&["harbour", "mirehouse"])
    }

    fn types() -> HashSet<String> {
        let mut types = set(&crate::asb::STANDARD_TYPES);
        types.insert("fireworks".into());
        types
    }

    fn person(n: u128) -> String {
        Uuid::from_u128(n).to_string()
    }

    fn input() -> IncidentInput {
        IncidentInput {
            occurred_at: "2012-06-01T21:30:00Z".into(),
            reported_at: "2012-06-01T22:45:00+01:00".into(),
            reporting_agency: "copeland-bc".into(),
            category: "personal".into(),
            incident_type: "harassment".into(),
            ward: "harbour".into(),
            alcohol_related: true,
            youth_related: false,
            victim_ids: vec![person(1)],
            perpetrator_ids: vec![],
        }
    }

    fn fields(result: Result<Incident, Vec<FieldError>>) -> Vec<String> {
        result
            .expect_err("invalid")
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_good_incident_parses() {
        let incident = input().parse(&wards(), &types(), now()).expect("valid");
        assert_eq!(incident.category, Category::Personal);
        assert_eq!(incident.incident_type, "harassment");
        assert_eq!(incident.victim_ids, vec![Uuid::from_u128(1)]);
        assert_eq!(incident.perpetrators, Perpetrators::Unknown);
        assert!(incident.alcohol_related && !incident.youth_related);
    }

    #[test]
    fn times_are_compared_in_utc() {
        let mut raw = input();
        raw.reported_at = "2012-06-01T22:25:00+01:00".into(); // 21:25 UTC
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            ["reported_at"]
        );
        raw.reported_at = "2012-06-01T22:30:00+01:00".into(); // 21:30 UTC, the same moment
        let incident = raw.parse(&wards(), &types(), now()).expect("same moment");
        assert_eq!(incident.reported_at, incident.occurred_at);
    }

    #[test]
    fn every_bad_field_is_named() {
        let raw = IncidentInput {
            occurred_at: "2012-06-03T10:00:00Z".into(),
            reported_at: "2012-06-02T10:00:00Z".into(),
            reporting_agency: " ".into(),
            category: "noisy".into(),
            incident_type: "loitering".into(),
            ward: "atlantis".into(),
            alcohol_related: false,
            youth_related: false,
            victim_ids: vec![],
            perpetrator_ids: vec!["unknown".into(), person(2)],
        };
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            [
                "occurred_at",
                "reported_at",
                "reported_at",
                "reporting_agency",
                "category",
                "type",
                "ward",
                "victim_ids",
                "perpetrator_ids",
            ]
        );
    }

    #[test]
    fn now_itself_is_not_the_future() {
        let mut raw = input();
        raw.occurred_at = "2012-06-02T09:00:00Z".into();
        raw.reported_at = "2012-06-02T09:00:00Z".into();
        assert!(raw.parse(&wards(), &types(), now()).is_ok());
        raw.reported_at = "2012-06-02T09:00:01Z".into();
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            ["reported_at"]
        );
        raw.occurred_at = "2012-06-02T09:00:01Z".into();
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            ["occurred_at", "reported_at"]
        );
    }

    #[test]
    fn unreadable_times_are_named() {
        let mut raw = input();
        raw.occurred_at = "01/06/2012 21:30".into();
        raw.reported_at = String::new();
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            ["occurred_at", "reported_at"]
        );
    }

    #[test]
    fn types_added_by_an_administrator_are_accepted() {
        let mut raw = input();
        raw.incident_type = "fireworks".into();
        assert!(raw.parse(&wards(), &types(), now()).is_ok());
        assert_eq!(
            fields(raw.parse(&wards(), &set(&["noise"]), now())),
            ["type"]
        );
    }

    #[test]
    fn victims_are_needed_and_counted_once() {
        let mut raw = input();
        raw.victim_ids = vec![" ".into()];
        assert_eq!(fields(raw.parse(&wards(), &types(), now())), ["victim_ids"]);
        raw.victim_ids = vec!["not-an-id".into()];
        assert_eq!(fields(raw.parse(&wards(), &types(), now())), ["victim_ids"]);
        raw.victim_ids = vec![person(1), person(2), person(1)];
        let incident = raw.parse(&wards(), &types(), now()).expect("valid");
        assert_eq!(
            incident.victim_ids,
            vec![Uuid::from_u128(1), Uuid::from_u128(2)]
        );
    }

    #[test]
    fn perpetrators_are_people_or_unknown() {
        let mut raw = input();
        raw.perpetrator_ids = vec!["Unknown".into()];
        let incident = raw.parse(&wards(), &types(), now()).expect("valid");
        assert_eq!(incident.perpetrators, Perpetrators::Unknown);
        raw.perpetrator_ids = vec![person(7), person(8)];
        let incident = raw.parse(&wards(), &types(), now()).expect("valid");
        assert_eq!(
            incident.perpetrators,
            Perpetrators::Known(vec![Uuid::from_u128(7), Uuid::from_u128(8)])
        );
        raw.perpetrator_ids = vec!["J Smith".into()];
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            ["perpetrator_ids"]
        );
    }

    #[test]
    fn the_type_field_is_written_type() {
        let raw: IncidentInput = toml::from_str(
            r#"
occurred_at = "2012-06-01T21:30:00Z"
reported_at = "2012-06-01T21:40:00Z"
reporting_agency = "copeland-bc"
category = "nuisance"
type = "noise"
ward = "mirehouse"
victim_ids = ["00000000-0000-0000-0000-000000000001"]
"#,
        )
        .expect("readable");
        let incident = raw.parse(&wards(), &types(), now()).expect("valid");
        assert_eq!(incident.incident_type, "noise");
        assert_eq!(incident.category, Category::Nuisance);
    }

    #[test]
    fn fields_left_out_are_named_too() {
        let raw: IncidentInput = toml::from_str("type = \"noise\"").expect("readable");
        assert_eq!(
            fields(raw.parse(&wards(), &types(), now())),
            [
                "occurred_at",
                "reported_at",
                "reporting_agency",
                "category",
                "ward",
                "victim_ids",
            ]
        );
    }

    #[test]
    fn categories_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("Personal"), None);
    }
}
