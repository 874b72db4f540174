//! Integrated Offender Management: cohort memberships (each a case of kind `iom`, open
//! while the member is in the cohort), their tier history, needs against the
//! resettlement pathways and housing referrals, offences per person, the cohort board,
//! and the facts the re-offending measures are computed from. The rules are
//! `casework_domain::iom`.

mod board;
mod csv_import;
mod measures;
mod members;
mod needs;
mod offences;
#[cfg(test)]
mod tests;

use casework_domain::iom::{Deselection, NeedStatus, Offence, Outcome, Pathway};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::StoreError;
use crate::cases::Case;
use crate::entities::{iom_need, iom_need_referral, iom_offence, iom_tier_change};

pub use board::{BoardFilter, BoardLine};
pub use csv_import::{COLUMNS, OffencesCheck, RowError, check_offences_csv};
pub use members::NewIomMember;
pub use needs::NewNeedReferral;
pub use offences::ImportedOffence;

/// The rules' types a new membership is made of, for callers without the domain crate.
pub use casework_domain::iom::{Membership, Stream, Tier, TierChange};

/// A membership as read: its case, its own facts, tier history (oldest first) and
/// needs (by pathway, then oldest first) with their referrals.
#[derive(Debug, Clone)]
pub struct IomMember {
    pub case: Case,
    pub person_id: Uuid,
    pub entered_on: NaiveDate,
    pub stream: Stream,
    pub selection_reason: Option<String>,
    pub police_lead: Option<Uuid>,
    pub probation_lead: Option<Uuid>,
    pub placement: Option<String>,
    pub outreach_worker: Option<String>,
    pub deselection: Option<Deselection>,
    pub tiers: Vec<TierRecord>,
    pub needs: Vec<NeedRecord>,
}

impl IomMember {
    /// The membership as the rules read it.
    pub fn membership(&self) -> Membership {
        Membership {
            entered_on: self.entered_on,
            stream: self.stream,
            tiers: self.tiers.iter().map(|t| t.change.clone()).collect(),
            deselected: self.deselection.clone(),
        }
    }

    pub fn current_tier(&self) -> Option<Tier> {
        self.tiers.last().map(|t| t.change.tier)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRecord {
    pub change: TierChange,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub pathway: Pathway,
    pub status: NeedStatus,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub referrals: Vec<NeedReferral>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedReferral {
    pub id: Uuid,
    /// A housing provider agency, or `None` for the Housing Task & Finish Group.
    pub to_agency: Option<String>,
    pub to_panel: Option<String>,
    pub reason: String,
    pub referred_by: Uuid,
    pub referred_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OffenceRecord {
    pub id: Uuid,
    pub person_id: Uuid,
    pub offence: Offence,
    /// `None`: loaded from a file on the command line.
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

fn invalid(what: &str, text: &str) -> StoreError {
    StoreError::Invalid(format!("unknown {what} '{text}'"))
}

fn to_tier(row: iom_tier_change::Model) -> Result<TierRecord, StoreError> {
    Ok(TierRecord {
        change: TierChange {
            on: row.changed_on,
            tier: Tier::parse(&row.tier).ok_or_else(|| invalid("tier", &row.tier))?,
            reason: row.reason,
        },
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
    })
}

fn to_need(
    row: iom_need::Model,
    referrals: Vec<iom_need_referral::Model>,
) -> Result<NeedRecord, StoreError> {
    Ok(NeedRecord {
        id: row.id,
        case_id: row.case_id,
        pathway: Pathway::parse(&row.pathway).ok_or_else(|| invalid("pathway", &row.pathway))?,
        status: NeedStatus::parse(&row.status).ok_or_else(|| invalid("status", &row.status))?,
        note: row.note,
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
        updated_at: row.updated_at,
        referrals: referrals
            .into_iter()
            .map(|r| NeedReferral {
                id: r.id,
                to_agency: r.to_agency,
                to_panel: r.to_panel,
                reason: r.reason,
                referred_by: r.referred_by,
                referred_at: r.referred_at,
            })
            .collect(),
    })
}

fn to_offence(row: iom_offence::Model) -> Result<OffenceRecord, StoreError> {
    Ok(OffenceRecord {
        id: row.id,
        person_id: row.person_id,
        offence: Offence {
            committed_on: row.committed_on,
            proven_on: row.proven_on,
            outcome: Outcome::parse(&row.outcome)
                .ok_or_else(|| invalid("outcome", &row.outcome))?,
            category: row.category,
            harm_weight: row.harm_weight,
        },
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
    })
}
