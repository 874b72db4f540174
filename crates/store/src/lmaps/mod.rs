//! LMAPS meetings: the meeting and its invited agencies, the agenda (proposed from
//! one indexed query per reason, then the chair's choices), minutes entries and
//! attendance, and the agencies whose meetings open a case to them now. The rules are
//! `casework_domain::lmaps`.

mod agenda;
mod bulk;
mod meetings;
mod minutes;

use casework_domain::lmaps::{MeetingStatus, Reason};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

pub use agenda::{ADDED, AgendaEntry, REMOVED};
pub use bulk::BenchLoad;
pub use minutes::{Attendee, MinuteEntry, MinutedAction};

use crate::StoreError;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: Uuid,
    pub district: String,
    pub held_on: NaiveDate,
    pub chair_id: Uuid,
    pub status: MeetingStatus,
    /// Agency codes, in order.
    pub invited_agencies: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl Meeting {
    pub fn invites(&self, agency: &str) -> bool {
        self.invited_agencies.iter().any(|a| a == agency)
    }
}

fn status_of(text: &str) -> Result<MeetingStatus, StoreError> {
    MeetingStatus::parse(text)
        .ok_or_else(|| StoreError::Invalid(format!("unknown meeting status '{text}'")))
}

fn reasons_text(reasons: impl IntoIterator<Item = Reason>) -> String {
    reasons
        .into_iter()
        .map(Reason::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn reasons_of(text: &str) -> Vec<Reason> {
    text.split(',').filter_map(Reason::parse).collect()
}
