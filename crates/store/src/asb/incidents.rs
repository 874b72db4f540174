//! Logging incidents with their victims and perpetrators, and recording assessments.

use std::collections::{BTreeMap, HashSet};

use casework_domain::FieldError;
use casework_domain::asb::{Assessment, ContactStandard, DayCounts, Incident, Perpetrators};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use super::summaries::{DayChanges, VictimIncident, add_victim_incidents, remove_victim_incidents};
use super::{PERPETRATOR, VICTIM};
use crate::entities::{agency, asb_assessment, asb_incident, asb_incident_person, person};
use crate::{Store, StoreError};

impl Store {
    /// Logs a checked incident on a case. The ward and type were checked by the
    /// domain against [`Store::wards`] and [`Store::asb_incident_types`]; here every
    /// victim and perpetrator must be a person on record and the reporting agency one
    /// of the partnership's. Returns the new incident's id.
    pub async fn log_incident(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        incident: &Incident,
        contact: ContactStandard,
        created_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let perpetrators: &[Uuid] = match &incident.perpetrators {
            Perpetrators::Unknown => &[],
            Perpetrators::Known(ids) => ids,
        };
        let wanted: Vec<Uuid> = incident
            .victim_ids
            .iter()
            .chain(perpetrators)
            .copied()
            .collect();
        let known: HashSet<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(wanted.iter().copied()))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let mut errors = Vec::new();
        for (field, ids) in [
            ("victim_ids", incident.victim_ids.as_slice()),
            ("perpetrator_ids", perpetrators),
        ] {
            for id in ids.iter().filter(|id| !known.contains(id)) {
                errors.push(FieldError::new(
                    field,
                    format!("There is no person with the id {id}."),
                ));
            }
        }
        let reporting_agency = agency::Entity::find_by_id(incident.reporting_agency.clone())
            .one(conn)
            .await?;
        if reporting_agency.is_none() {
            errors.push(FieldError::new(
                "reporting_agency",
                "Choose one of the partnership's agencies.",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let contact_due_at = reporting_agency
            .and_then(|agency| contact.contact_due(incident.reported_at, &agency.kind));
        let id = Uuid::new_v4();
        asb_incident::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            occurred_at: Set(incident.occurred_at),
            reported_at: Set(incident.reported_at),
            reporting_agency: Set(incident.reporting_agency.clone()),
            category: Set(incident.category.as_str().to_string()),
            incident_type: Set(incident.incident_type.clone()),
            ward_code: Set(incident.ward.clone()),
            alcohol_related: Set(incident.alcohol_related),
            youth_related: Set(incident.youth_related),
            perpetrator_unknown: Set(perpetrators.is_empty()),
            created_by: Set(created_by),
            created_at: Set(now),
            contact_due_at: Set(contact_due_at),
            victim_contacted_at: Set(None),
            contacted_by: Set(None),
        }
        .insert(conn)
        .await?;
        let links: Vec<asb_incident_person::ActiveModel> = incident
            .victim_ids
            .iter()
            .map(|p| (p, VICTIM))
            .chain(perpetrators.iter().map(|p| (p, PERPETRATOR)))
            .map(|(person_id, role)| asb_incident_person::ActiveModel {
                incident_id: Set(id),
                person_id: Set(*person_id),
                role: Set(role.to_string()),
            })
            .collect();
        asb_incident_person::Entity::insert_many(links)
            .exec_without_returning(conn)
            .await?;
        let mut days = DayChanges::default();
        days.add(
            incident.occurred_at,
            &incident.ward,
            DayCounts::of_incident(
                &incident.incident_type,
                incident.alcohol_related,
                incident.youth_related,
            ),
        );
        days.apply(conn).await?;
        let victims: Vec<VictimIncident> = incident
            .victim_ids
            .iter()
            .map(|person_id| VictimIncident {
                incident_id: id,
                person_id: *person_id,
                occurred_at: incident.occurred_at,
                ward: incident.ward.clone(),
            })
            .collect();
        add_victim_incidents(conn, &victims).await?;
        Ok(id)
    }

    /// Moves an incident logged on the wrong case to another. Its victims, perpetrators
    /// and contact go with it; the repeat-victim count, which follows people rather
    /// than cases, is unchanged.
    pub async fn move_incident(
        &self,
        conn: &impl ConnectionTrait,
        from_case: Uuid,
        incident_id: Uuid,
        to_case: Uuid,
    ) -> Result<(), StoreError> {
        let row = asb_incident::Entity::find_by_id(incident_id)
            .filter(asb_incident::Column::CaseId.eq(from_case))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut active: asb_incident::ActiveModel = row.into();
        active.case_id = Set(to_case);
        active.update(conn).await?;
        Ok(())
    }

    /// Removes an incident logged in error, with the people linked to it. Returns the
    /// ids of its victims and perpetrators, for the audit event.
    pub async fn remove_incident(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        incident_id: Uuid,
    ) -> Result<Vec<Uuid>, StoreError> {
        let row = asb_incident::Entity::find_by_id(incident_id)
            .filter(asb_incident::Column::CaseId.eq(case_id))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let people: Vec<Uuid> = asb_incident_person::Entity::find()
            .select_only()
            .column(asb_incident_person::Column::PersonId)
            .filter(asb_incident_person::Column::IncidentId.eq(incident_id))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?;
        asb_incident_person::Entity::delete_many()
            .filter(asb_incident_person::Column::IncidentId.eq(incident_id))
            .exec(conn)
            .await?;
        remove_victim_incidents(conn, incident_id).await?;
        let mut days = DayChanges::default();
        days.add(
            row.occurred_at,
            &row.ward_code,
            DayCounts::of_incident(&row.incident_type, row.alcohol_related, row.youth_related)
                .negated(),
        );
        days.apply(conn).await?;
        asb_incident::Entity::delete_by_id(incident_id)
            .exec(conn)
            .await?;
        Ok(people)
    }

    /// Records an assessment made with `answers`. Returns its id.
    pub async fn record_assessment(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        answers: &BTreeMap<String, bool>,
        assessment: &Assessment,
        assessed_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::new_v4();
        let answers = serde_json::to_string(answers)
            .map_err(|e| StoreError::Invalid(format!("answers: {e}")))?;
        let number = |n: u32| {
            i32::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is out of range")))
        };
        asb_assessment::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            instrument_version: Set(number(assessment.instrument_version)?),
            answers: Set(answers),
            score: Set(number(assessment.score)?),
            computed_tier: Set(assessment.computed_tier.as_str().to_string()),
            final_tier: Set(assessment.final_tier.as_str().to_string()),
            judgement_reason: Set(assessment.raised_because.clone()),
            assessed_by: Set(assessed_by),
            assessed_at: Set(now),
        }
        .insert(conn)
        .await?;
        super::latest_assessments::keep_latest_assessment(conn, case_id).await?;
        Ok(id)
    }
}
