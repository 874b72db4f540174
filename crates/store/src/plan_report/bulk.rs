//! Loading ASB incidents in bulk, for the plan report's benchmark
//! (`casework bench plan-report`): people, cases and incidents inserted many rows to a
//! statement, as no officer would log them, so that a year of 1,000,000 takes
//! seconds rather than hours; and ASB risk assessments made on given past dates, for
//! the plan report's tests (the API stamps an assessment with the moment it is made).
//! Never used by the application itself.

use casework_domain::asb::{DayCounts, RiskTier};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use crate::asb::summaries::{DayChanges, VictimIncident, add_victim_incidents};
use crate::entities::{asb_assessment, asb_incident, asb_incident_person, case, person};
use crate::{Store, StoreError};

/// Rows per insert statement: under SQLite's 32,766 parameters at 17 columns.
const ROWS: usize = 1_000;

#[derive(Debug, Clone)]
pub struct BulkAsbCase {
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub sequence: i32,
    pub ward: String,
    pub opened_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct BulkAsbIncident {
    pub case_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub incident_type: &'static str,
    pub ward: String,
    pub alcohol_related: bool,
    pub youth_related: bool,
    pub victim: Option<Uuid>,
}

/// An ASB risk assessment with only its outcome: the tier (`gold`, `silver` or
/// `bronze`, the same computed and final) and when it was made.
#[derive(Debug, Clone)]
pub struct BulkAsbAssessment {
    pub case_id: Uuid,
    pub tier: String,
    pub assessed_at: DateTime<Utc>,
}

impl Store {
    /// Inserts a person and an open ASB case for each of `cases`, in one transaction.
    pub async fn bulk_insert_asb_cases(
        &self,
        cases: &[BulkAsbCase],
        by: Uuid,
        agency: &str,
    ) -> Result<(), StoreError> {
        let txn = self.begin_write().await?;
        for chunk in cases.chunks(ROWS) {
            person::Entity::insert_many(chunk.iter().map(|c| person::ActiveModel {
                id: Set(c.person_id),
                forename: Set(format!("Bench{}", c.sequence)),
                surname: Set("Victim".into()),
                folded_name: Set(format!("bench{} victim", c.sequence)),
                date_of_birth: Set(None),
                address: Set(None),
                folded_address: Set(None),
                ward_code: Set(Some(c.ward.clone())),
                created_by: Set(by),
                created_by_agency: Set(agency.to_string()),
                created_at: Set(c.opened_at),
                updated_at: Set(c.opened_at),
            }))
            .exec(&txn)
            .await?;
            case::Entity::insert_many(chunk.iter().map(|c| case::ActiveModel {
                id: Set(c.case_id),
                kind: Set("asb".into()),
                reference: Set(format!("ASB-2012-{:05}", c.sequence)),
                ref_year: Set(2012),
                ref_sequence: Set(c.sequence),
                owner_agency: Set(agency.to_string()),
                lead_officer: Set(None),
                logged_by: Set(by),
                subject_person_id: Set(c.person_id),
                ward_code: Set(c.ward.clone()),
                status: Set("open".into()),
                outcome: Set(None),
                summary: Set(None),
                review_date: Set(None),
                opened_at: Set(c.opened_at),
                closed_at: Set(None),
            }))
            .exec(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Inserts `incidents` (each with its victim, if any), in one transaction.
    pub async fn bulk_insert_asb_incidents(
        &self,
        incidents: &[BulkAsbIncident],
        by: Uuid,
        agency: &str,
    ) -> Result<(), StoreError> {
        let txn = self.begin_write().await?;
        for chunk in incidents.chunks(ROWS) {
            let ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::new_v4()).collect();
            asb_incident::Entity::insert_many(chunk.iter().zip(&ids).map(|(i, id)| {
                asb_incident::ActiveModel {
                    id: Set(*id),
                    case_id: Set(i.case_id),
                    occurred_at: Set(i.occurred_at),
                    reported_at: Set(i.occurred_at),
                    reporting_agency: Set(agency.to_string()),
                    category: Set("nuisance".into()),
                    incident_type: Set(i.incident_type.to_string()),
                    ward_code: Set(i.ward.clone()),
                    alcohol_related: Set(i.alcohol_related),
                    youth_related: Set(i.youth_related),
                    perpetrator_unknown: Set(true),
                    created_by: Set(by),
                    created_at: Set(i.occurred_at),
                    contact_due_at: Set(None),
                    victim_contacted_at: Set(None),
                    contacted_by: Set(None),
                }
            }))
            .exec(&txn)
            .await?;
            let links: Vec<asb_incident_person::ActiveModel> = chunk
                .iter()
                .zip(&ids)
                .filter_map(|(i, id)| {
                    i.victim.map(|v| asb_incident_person::ActiveModel {
                        incident_id: Set(*id),
                        person_id: Set(v),
                        role: Set(crate::asb::VICTIM.into()),
                    })
                })
                .collect();
            if !links.is_empty() {
                asb_incident_person::Entity::insert_many(links)
                    .exec(&txn)
                    .await?;
            }
            let victims: Vec<VictimIncident> = chunk
                .iter()
                .zip(&ids)
                .filter_map(|(i, id)| {
                    i.victim.map(|person_id| VictimIncident {
                        incident_id: *id,
                        person_id,
                        occurred_at: i.occurred_at,
                        ward: i.ward.clone(),
                    })
                })
                .collect();
            add_victim_incidents(&txn, &victims).await?;
        }
        let mut days = DayChanges::default();
        for i in incidents {
            days.add(
                i.occurred_at,
                &i.ward,
                DayCounts::of_incident(i.incident_type, i.alcohol_related, i.youth_related),
            );
        }
        days.apply(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Inserts `assessments` (no answers, score 0), in one transaction. Refuses an
    /// unknown tier.
    pub async fn bulk_insert_asb_assessments(
        &self,
        assessments: &[BulkAsbAssessment],
        by: Uuid,
    ) -> Result<(), StoreError> {
        let rows = assessments
            .iter()
            .map(|a| {
                let tier = RiskTier::parse(&a.tier)
                    .ok_or_else(|| StoreError::Invalid(format!("unknown tier '{}'", a.tier)))?;
                Ok(asb_assessment::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    case_id: Set(a.case_id),
                    instrument_version: Set(1),
                    answers: Set("{}".into()),
                    score: Set(0),
                    computed_tier: Set(tier.as_str().into()),
                    final_tier: Set(tier.as_str().into()),
                    judgement_reason: Set(None),
                    assessed_by: Set(by),
                    assessed_at: Set(a.assessed_at),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let txn = self.begin_write().await?;
        for chunk in rows.chunks(ROWS) {
            asb_assessment::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        crate::asb::latest_assessments::keep_all_latest_assessments(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
