//! Writing to a domestic abuse case: incidents, DASH checklists and MARAC referrals,
//! each already checked by the domain. Call them inside the write transaction that
//! appends the change's audit event.

use std::collections::{BTreeMap, HashSet};

use casework_domain::FieldError;
use casework_domain::dv::{DashAnswers, DashAssessment, DvIncident, MaracReferral, Perpetrator};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use super::reasons_to;
use crate::cases::Case;
use crate::entities::{dv_assessment, dv_incident, marac_referral, person};
use crate::{Store, StoreError};

fn number(n: u32) -> Result<i32, StoreError> {
    i32::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is out of range")))
}

impl Store {
    /// Logs a checked incident on a case; it counts in the case's ward. A named
    /// perpetrator must be a person on record. Returns the new incident's id.
    pub async fn log_dv_incident(
        &self,
        conn: &impl ConnectionTrait,
        case: &Case,
        incident: &DvIncident,
        created_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let perpetrator_id = match incident.perpetrator {
            Perpetrator::Known(id) => Some(id),
            Perpetrator::Unknown => None,
        };
        let wanted: Vec<Uuid> = [Some(incident.victim), perpetrator_id]
            .into_iter()
            .flatten()
            .collect();
        let known: HashSet<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(wanted))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let mut errors = Vec::new();
        if !known.contains(&incident.victim) {
            errors.push(FieldError::new("victim_id", "There is no such person."));
        }
        if let Some(p) = perpetrator_id
            && !known.contains(&p)
        {
            errors.push(FieldError::new(
                "perpetrator_id",
                "There is no such person: give a person's id, or \"unknown\".",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let id = Uuid::new_v4();
        dv_incident::ActiveModel {
            id: Set(id),
            case_id: Set(case.id),
            victim_id: Set(incident.victim),
            perpetrator_id: Set(perpetrator_id),
            occurred_at: Set(incident.occurred_at),
            ward_code: Set(case.ward.clone()),
            reported_by: Set(incident.reported_by.as_str().to_string()),
            arrest_made: Set(incident.arrest_made),
            children_present: Set(incident.children_present),
            summary: Set(incident.summary.clone()),
            created_by: Set(created_by),
            created_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(id)
    }

    /// Records a scored DASH checklist about the case's victim. Returns its id.
    pub async fn record_dash(
        &self,
        conn: &impl ConnectionTrait,
        case: &Case,
        answers: &DashAnswers,
        assessment: &DashAssessment,
        assessed_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::new_v4();
        let by_key: BTreeMap<&str, &str> = super::dash_instrument()
            .questions()
            .iter()
            .filter_map(|q| answers.answer(&q.key).map(|a| (q.key.as_str(), a.as_str())))
            .collect();
        let answers_json = serde_json::to_string(&by_key)
            .map_err(|e| StoreError::Invalid(format!("answers: {e}")))?;
        let outcome = assessment.outcome;
        dv_assessment::ActiveModel {
            id: Set(id),
            case_id: Set(case.id),
            victim_id: Set(case.subject_person),
            instrument_version: Set(number(assessment.instrument_version)?),
            answers: Set(answers_json),
            yes_count: Set(number(outcome.yes_count)?),
            computed_level: Set(outcome.computed_level.as_str().to_string()),
            level: Set(outcome.level.as_str().to_string()),
            judgement_reason: Set(assessment.judgement_reason.clone()),
            assessed_by: Set(assessed_by),
            assessed_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(id)
    }

    /// Records a settled MARAC referral of the case's victim. A second referral of the
    /// same victim on the same day is refused, naming `referred_on`. Returns its id.
    pub async fn record_marac_referral(
        &self,
        conn: &impl ConnectionTrait,
        case: &Case,
        referral: &MaracReferral,
        recorded_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let victim = case.subject_person;
        let same_day = marac_referral::Entity::find()
            .filter(marac_referral::Column::VictimId.eq(victim))
            .filter(marac_referral::Column::ReferredOn.eq(referral.referred_on))
            .one(conn)
            .await?;
        if same_day.is_some() {
            return Err(StoreError::Fields(vec![FieldError::new(
                "referred_on",
                "A MARAC referral of this victim on that day is already recorded.",
            )]));
        }
        let id = Uuid::new_v4();
        marac_referral::ActiveModel {
            id: Set(id),
            case_id: Set(case.id),
            victim_id: Set(victim),
            referred_on: Set(referral.referred_on),
            reasons: Set(reasons_to(&referral.reasons)?),
            is_repeat: Set(referral.is_repeat),
            meeting_on: Set(referral.meeting_on),
            recorded_by: Set(recorded_by),
            recorded_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(id)
    }
}
