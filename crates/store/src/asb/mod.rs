//! Anti-social behaviour: opening cases, logging incidents with their victims and
//! perpetrators, recording risk assessments, and the incident dates the repeat-victim
//! rule counts. The rules themselves are `casework_domain::asb`.

mod case_review;
mod cases;
mod contact;
mod hotspots;
mod incidents;
pub(crate) mod latest_assessments;
mod repeat_victims;
pub(crate) mod summaries;

pub use repeat_victims::{CaseLink, RepeatVictimLine};

pub use case_review::StepDone;
pub use case_review::{CaseReviewApplication, NewCaseReview, OpenCaseReview};
pub use contact::{ContactOverdue, OVERDUE_LIST_LIMIT};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use casework_domain::asb::{AsbInstrument, RiskTier};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::cases::Case;
use crate::people::Person;

/// Version 1 of the victim risk assessment, compiled into the binary.
pub const ASB_INSTRUMENT_V1: &str =
    include_str!("../../../../reference/instruments/asb-risk-v1.toml");

static INSTRUMENT: LazyLock<AsbInstrument> = LazyLock::new(|| {
    // The domain's tests check the shipped file, so this cannot fail in a release.
    AsbInstrument::parse(ASB_INSTRUMENT_V1).expect("the shipped ASB instrument is valid")
});

/// The instrument new assessments are made with.
pub fn asb_instrument() -> &'static AsbInstrument {
    &INSTRUMENT
}

pub const VICTIM: &str = "victim";
pub const PERPETRATOR: &str = "perpetrator";

/// An ASB case as read: the case, its incidents (oldest first) and its assessments
/// (newest first: the first is the tier the case is worked at, the rest its history).
#[derive(Debug, Clone, Serialize)]
pub struct AsbCase {
    pub case: Case,
    pub incidents: Vec<IncidentRecord>,
    pub assessments: Vec<AssessmentRecord>,
}

impl AsbCase {
    /// The tier the case is worked at, once assessed.
    pub fn tier(&self) -> Option<RiskTier> {
        self.assessments.first().map(|a| a.final_tier)
    }

    /// Everyone the case concerns: its subject, and the victims and perpetrators of its
    /// incidents, each once.
    pub fn people(&self) -> BTreeSet<Uuid> {
        let mut people = BTreeSet::from([self.case.subject_person]);
        for incident in &self.incidents {
            people.extend(incident.victim_ids.iter().copied());
            people.extend(incident.perpetrator_ids.iter().copied());
        }
        people
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentRecord {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub reporting_agency: String,
    pub category: String,
    pub incident_type: String,
    pub ward: String,
    pub alcohol_related: bool,
    pub youth_related: bool,
    pub perpetrator_unknown: bool,
    pub victim_ids: Vec<Uuid>,
    pub perpetrator_ids: Vec<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// When the victim's first contact is due; none for a police report.
    pub contact_due_at: Option<DateTime<Utc>>,
    pub victim_contacted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRecord {
    pub id: Uuid,
    pub instrument_version: u32,
    pub answers: BTreeMap<String, bool>,
    pub score: u32,
    pub computed_tier: RiskTier,
    pub final_tier: RiskTier,
    pub judgement_reason: Option<String>,
    pub assessed_by: Uuid,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentType {
    pub code: String,
    pub name: String,
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewAsbCase {
    pub person_id: Uuid,
    pub ward: String,
    pub summary: Option<String>,
    pub owner_agency: String,
    pub logged_by: Uuid,
    pub lead_officer: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
}

/// One line of a list of cases.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub id: Uuid,
    pub reference: String,
    pub subject: Option<Person>,
    pub ward: String,
    pub opened_at: DateTime<Utc>,
    pub tier: Option<RiskTier>,
}
