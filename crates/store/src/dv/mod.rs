//! Domestic abuse: opening cases (victim, perpetrator or unknown), incidents, DASH
//! checklists and MARAC referrals; each victim's record across cases as the MARAC rule
//! reads it; the open cases an officer may see with their MARAC decision, a page at a time; and the facts
//! for the measures of a period. The rules themselves are `casework_domain::dv`.

mod bulk;
mod cases;
mod lists;
mod measures;
mod records;
#[cfg(test)]
mod tests;
mod victims;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use casework_domain::calendar::uk_day;
use casework_domain::dv::{
    DashAnswer, DashInstrument, DashLevel, DashOutcome, MaracDecision, VictimHistory,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::StoreError;
use crate::cases::Case;
use crate::entities::{dv_assessment, dv_incident, marac_referral};
use crate::people::Person;

pub use bulk::{BulkIncident, BulkReferral, BulkVictim};
/// The domain's words in the bulk rows, for their callers.
pub use casework_domain::dv::{MaracReason, ReportedBy};
pub use measures::DvMeasureFacts;

/// Version 1 of the DASH checklist, compiled into the binary.
pub const DASH_V1: &str = include_str!("../../../../reference/instruments/dash-v1.toml");

static INSTRUMENT: LazyLock<DashInstrument> = LazyLock::new(|| {
    // The domain's tests check the shipped file, so this cannot fail in a release.
    DashInstrument::parse(DASH_V1).expect("the shipped DASH checklist is valid")
});

/// The checklist new assessments are made with.
pub fn dash_instrument() -> &'static DashInstrument {
    &INSTRUMENT
}

/// A domestic abuse case as read: the case (its subject is the victim), the
/// perpetrator, its incidents (oldest first), checklists and referrals (newest first),
/// and the victim's record across every case, for the rules that follow the victim.
#[derive(Debug, Clone)]
pub struct DvCase {
    pub case: Case,
    /// `None`: not known.
    pub perpetrator: Option<Uuid>,
    pub incidents: Vec<DvIncidentRecord>,
    pub assessments: Vec<DashRecord>,
    pub referrals: Vec<MaracReferralRecord>,
    pub victim_record: VictimRecord,
}

impl DvCase {
    pub fn victim(&self) -> Uuid {
        self.case.subject_person
    }

    /// The case's latest checklist, which gives the level it is worked at.
    pub fn latest_assessment(&self) -> Option<&DashRecord> {
        self.assessments.first()
    }

    /// Everyone the case concerns: the victim and every perpetrator named, once each.
    pub fn people(&self) -> Vec<Uuid> {
        let mut people = vec![self.case.subject_person];
        people.extend(self.perpetrator);
        people.extend(self.incidents.iter().filter_map(|i| i.perpetrator_id));
        people.sort_unstable();
        people.dedup();
        people
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DvIncidentRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub victim_id: Uuid,
    /// `None`: not known.
    pub perpetrator_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub reported_by: ReportedBy,
    pub arrest_made: bool,
    pub children_present: bool,
    pub summary: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub instrument_version: u32,
    pub answers: BTreeMap<String, DashAnswer>,
    pub yes_count: u32,
    pub computed_level: DashLevel,
    pub level: DashLevel,
    pub judgement_reason: Option<String>,
    pub assessed_by: Uuid,
    pub assessed_at: DateTime<Utc>,
}

impl DashRecord {
    /// The outcome as the MARAC rule reads it.
    pub fn outcome(&self) -> DashOutcome {
        DashOutcome {
            yes_count: self.yes_count,
            computed_level: self.computed_level,
            level: self.level,
            professional_judgement: self.judgement_reason.is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaracReferralRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub victim_id: Uuid,
    pub referred_on: NaiveDate,
    pub reasons: Vec<MaracReason>,
    pub is_repeat: bool,
    pub meeting_on: Option<NaiveDate>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// One victim's domestic abuse record across every case and agency: what the MARAC
/// rule and first-time reports need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VictimRecord {
    /// When each of their incidents happened, oldest first.
    pub incidents: Vec<DateTime<Utc>>,
    /// The days of their MARAC referrals, oldest first.
    pub referrals: Vec<NaiveDate>,
    /// Every checklist about them, newest first, with when it was made.
    pub assessments: Vec<(DateTime<Utc>, DashOutcome)>,
}

impl VictimRecord {
    /// The days as the MARAC rule counts them (UK days).
    pub fn history(&self) -> VictimHistory {
        VictimHistory {
            incidents: self.incidents.iter().map(|at| uk_day(*at)).collect(),
            marac_referrals: self.referrals.clone(),
        }
    }

    /// The latest checklist made on or before `day`.
    pub fn assessment_on(&self, day: NaiveDate) -> Option<&DashOutcome> {
        self.assessments
            .iter()
            .find(|(at, _)| uk_day(*at) <= day)
            .map(|(_, outcome)| outcome)
    }

    /// The latest checklist.
    pub fn latest_assessment(&self) -> Option<&DashOutcome> {
        self.assessments.first().map(|(_, outcome)| outcome)
    }
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewDvCase {
    pub victim_id: Uuid,
    /// `None`: not known.
    pub perpetrator_id: Option<Uuid>,
    pub ward: String,
    pub summary: Option<String>,
    pub owner_agency: String,
    pub logged_by: Uuid,
    pub lead_officer: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
}

/// One line of a list of open cases, with the MARAC decision as it stands.
#[derive(Debug, Clone)]
pub struct DvCaseLine {
    pub case: Case,
    pub victim: Option<Person>,
    /// The level of the case's latest checklist.
    pub level: Option<DashLevel>,
    pub last_incident: Option<DateTime<Utc>>,
    pub marac: MaracDecision,
}

/// A domestic abuse case that names a person, and how.
#[derive(Debug, Clone)]
pub struct PersonDvCase {
    pub case: Case,
    pub as_victim: bool,
    pub as_perpetrator: bool,
}

fn to_incident(row: dv_incident::Model) -> Result<DvIncidentRecord, StoreError> {
    let reported_by = ReportedBy::parse(&row.reported_by)
        .ok_or_else(|| StoreError::Invalid(format!("unknown reporter '{}'", row.reported_by)))?;
    Ok(DvIncidentRecord {
        id: row.id,
        case_id: row.case_id,
        victim_id: row.victim_id,
        perpetrator_id: row.perpetrator_id,
        occurred_at: row.occurred_at,
        reported_by,
        arrest_made: row.arrest_made,
        children_present: row.children_present,
        summary: row.summary,
        created_by: row.created_by,
        created_at: row.created_at,
    })
}

fn level(text: &str) -> Result<DashLevel, StoreError> {
    DashLevel::parse(text).ok_or_else(|| StoreError::Invalid(format!("unknown level '{text}'")))
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or_default()
}

fn to_assessment(row: dv_assessment::Model) -> Result<DashRecord, StoreError> {
    let answers: BTreeMap<String, DashAnswer> = serde_json::from_str(&row.answers)
        .map_err(|e| StoreError::Invalid(format!("stored answers: {e}")))?;
    Ok(DashRecord {
        id: row.id,
        case_id: row.case_id,
        instrument_version: count(row.instrument_version),
        answers,
        yes_count: count(row.yes_count),
        computed_level: level(&row.computed_level)?,
        level: level(&row.level)?,
        judgement_reason: row.judgement_reason,
        assessed_by: row.assessed_by,
        assessed_at: row.assessed_at,
    })
}

fn to_referral(row: marac_referral::Model) -> Result<MaracReferralRecord, StoreError> {
    let reasons = reasons_from(&row.reasons)?;
    Ok(MaracReferralRecord {
        id: row.id,
        case_id: row.case_id,
        victim_id: row.victim_id,
        referred_on: row.referred_on,
        reasons,
        is_repeat: row.is_repeat,
        meeting_on: row.meeting_on,
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
    })
}

fn reasons_from(text: &str) -> Result<Vec<MaracReason>, StoreError> {
    let codes: Vec<String> = serde_json::from_str(text)
        .map_err(|e| StoreError::Invalid(format!("stored reasons: {e}")))?;
    codes
        .iter()
        .map(|code| {
            MaracReason::parse(code)
                .ok_or_else(|| StoreError::Invalid(format!("unknown MARAC reason '{code}'")))
        })
        .collect()
}

fn reasons_to(reasons: &[MaracReason]) -> Result<String, StoreError> {
    let codes: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    serde_json::to_string(&codes).map_err(|e| StoreError::Invalid(format!("reasons: {e}")))
}
