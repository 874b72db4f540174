//! Victims' records across cases and agencies, as the MARAC rule and first-time
//! reports read them: three queries for any number of victims.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{VictimRecord, to_assessment};
use crate::entities::{dv_assessment, dv_incident, marac_referral};
use crate::{Store, StoreError};

impl Store {
    /// The records of `victims`, by victim; a victim with nothing on record is absent.
    /// `conn` may be a write transaction, so that a referral is settled against the
    /// record it is added to.
    pub async fn victim_records(
        &self,
        conn: &impl ConnectionTrait,
        victims: &[Uuid],
    ) -> Result<HashMap<Uuid, VictimRecord>, StoreError> {
        let mut records: HashMap<Uuid, VictimRecord> = HashMap::new();
        if victims.is_empty() {
            return Ok(records);
        }
        let incidents = dv_incident::Entity::find()
            .select_only()
            .column(dv_incident::Column::VictimId)
            .column(dv_incident::Column::OccurredAt)
            .filter(dv_incident::Column::VictimId.is_in(victims.iter().copied()))
            .order_by_asc(dv_incident::Column::OccurredAt)
            .into_tuple::<(Uuid, DateTime<Utc>)>()
            .all(conn)
            .await?;
        for (victim, at) in incidents {
            records.entry(victim).or_default().incidents.push(at);
        }
        let referrals = marac_referral::Entity::find()
            .select_only()
            .column(marac_referral::Column::VictimId)
            .column(marac_referral::Column::ReferredOn)
            .filter(marac_referral::Column::VictimId.is_in(victims.iter().copied()))
            .order_by_asc(marac_referral::Column::ReferredOn)
            .into_tuple::<(Uuid, NaiveDate)>()
            .all(conn)
            .await?;
        for (victim, day) in referrals {
            records.entry(victim).or_default().referrals.push(day);
        }
        let assessments = dv_assessment::Entity::find()
            .filter(dv_assessment::Column::VictimId.is_in(victims.iter().copied()))
            .order_by_desc(dv_assessment::Column::AssessedAt)
            .order_by_desc(dv_assessment::Column::Id)
            .all(conn)
            .await?;
        for row in assessments {
            let victim = row.victim_id;
            let record = to_assessment(row)?;
            records
                .entry(victim)
                .or_default()
                .assessments
                .push((record.assessed_at, record.outcome()));
        }
        Ok(records)
    }
}
