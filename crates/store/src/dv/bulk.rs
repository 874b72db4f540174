//! Loading many domestic abuse records at once: victims with their cases, incidents and
//! MARAC referrals, 500 rows a statement in one write transaction. For the measures
//! bench (`casework bench dv-measures`), which fills a scratch database with a year of
//! records; the caller generates rows that are already consistent, so nothing is
//! checked here beyond what the database itself enforces.

use casework_domain::access::CaseKind;
use casework_domain::asb::CaseReference;
use casework_domain::dv::{MaracReason, ReportedBy};
use casework_domain::people::fold_name;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::reasons_to;
use crate::cases::OPEN;
use crate::entities::{case, dv_case, dv_incident, marac_referral, person};
use crate::{Store, StoreError};

/// Rows a statement: far below PostgreSQL's 65,535 parameters, and few statement
/// shapes for the driver's prepared-statement cache.
const CHUNK: usize = 500;

/// A victim and their one case.
#[derive(Debug, Clone)]
pub struct BulkVictim {
    pub person_id: Uuid,
    pub case_id: Uuid,
    pub forename: String,
    pub surname: String,
    pub ward: String,
    pub opened_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct BulkIncident {
    pub case_id: Uuid,
    /// The case's ward.
    pub ward: String,
    pub victim_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub reported_by: ReportedBy,
    pub arrest_made: bool,
    pub children_present: bool,
}

#[derive(Debug, Clone)]
pub struct BulkReferral {
    pub case_id: Uuid,
    pub victim_id: Uuid,
    pub referred_on: NaiveDate,
    pub reasons: Vec<MaracReason>,
    pub is_repeat: bool,
}

impl Store {
    /// How many domestic abuse cases are on record: the bench refuses a database that
    /// already holds any.
    pub async fn dv_case_count(&self) -> Result<u64, StoreError> {
        Ok(case::Entity::find()
            .filter(case::Column::Kind.eq(CaseKind::DomesticAbuse.as_str()))
            .count(self.connection())
            .await?)
    }

    /// Loads victims (each with one case, numbered from 1 in the year it was opened),
    /// incidents and referrals, owned by `owner_agency` and logged by `by`, in one
    /// transaction: all of them, or none.
    pub async fn bulk_load_dv(
        &self,
        owner_agency: &str,
        by: Uuid,
        victims: &[BulkVictim],
        incidents: &[BulkIncident],
        referrals: &[BulkReferral],
    ) -> Result<(), StoreError> {
        let txn = self.begin_write().await?;
        let now = Utc::now();
        for chunk in victims.chunks(CHUNK) {
            let people = chunk.iter().map(|v| person::ActiveModel {
                id: Set(v.person_id),
                forename: Set(v.forename.clone()),
                surname: Set(v.surname.clone()),
                folded_name: Set(fold_name(&format!("{} {}", v.forename, v.surname))),
                date_of_birth: Set(None),
                address: Set(None),
                folded_address: Set(None),
                ward_code: Set(Some(v.ward.clone())),
                created_by: Set(by),
                created_by_agency: Set(owner_agency.to_string()),
                created_at: Set(now),
                updated_at: Set(now),
            });
            person::Entity::insert_many(people)
                .exec_without_returning(&txn)
                .await?;
        }
        let mut sequences: std::collections::HashMap<i32, u32> = Default::default();
        for chunk in victims.chunks(CHUNK) {
            let mut cases = Vec::with_capacity(chunk.len());
            for v in chunk {
                let year = casework_domain::calendar::uk_day(v.opened_at).year();
                let n = sequences.entry(year).or_default();
                *n += 1;
                let reference = CaseReference::new(CaseKind::DomesticAbuse, year, *n)
                    .ok_or_else(|| StoreError::Conflict(format!("too many cases in {year}")))?;
                cases.push(case::ActiveModel {
                    id: Set(v.case_id),
                    kind: Set(CaseKind::DomesticAbuse.as_str().to_string()),
                    reference: Set(reference.to_string()),
                    ref_year: Set(year),
                    ref_sequence: Set(i32::try_from(*n).unwrap_or(i32::MAX)),
                    owner_agency: Set(owner_agency.to_string()),
                    lead_officer: Set(Some(by)),
                    logged_by: Set(by),
                    subject_person_id: Set(v.person_id),
                    ward_code: Set(v.ward.clone()),
                    status: Set(OPEN.to_string()),
                    outcome: Set(None),
                    summary: Set(None),
                    review_date: Set(None),
                    opened_at: Set(v.opened_at),
                    closed_at: Set(None),
                });
            }
            case::Entity::insert_many(cases)
                .exec_without_returning(&txn)
                .await?;
            let perpetrators = chunk.iter().map(|v| dv_case::ActiveModel {
                case_id: Set(v.case_id),
                perpetrator_id: Set(None),
            });
            dv_case::Entity::insert_many(perpetrators)
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in incidents.chunks(CHUNK) {
            let rows = chunk.iter().map(|i| dv_incident::ActiveModel {
                id: Set(Uuid::new_v4()),
                case_id: Set(i.case_id),
                victim_id: Set(i.victim_id),
                perpetrator_id: Set(None),
                occurred_at: Set(i.occurred_at),
                ward_code: Set(i.ward.clone()),
                reported_by: Set(i.reported_by.as_str().to_string()),
                arrest_made: Set(i.arrest_made),
                children_present: Set(i.children_present),
                summary: Set(None),
                created_by: Set(by),
                created_at: Set(now),
            });
            dv_incident::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in referrals.chunks(CHUNK) {
            let mut rows = Vec::with_capacity(chunk.len());
            for r in chunk {
                rows.push(marac_referral::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    case_id: Set(r.case_id),
                    victim_id: Set(r.victim_id),
                    referred_on: Set(r.referred_on),
                    reasons: Set(reasons_to(&r.reasons)?),
                    is_repeat: Set(r.is_repeat),
                    meeting_on: Set(None),
                    recorded_by: Set(by),
                    recorded_at: Set(now),
                });
            }
            marac_referral::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
