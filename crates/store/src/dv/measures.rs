//! The facts the domestic abuse measures of a period are computed from, in three
//! queries however many incidents there are: the period's incidents with their
//! district, each of their victims' latest earlier incident, and the period's MARAC
//! referrals with their district. The counting is `casework_domain::dv::measures`.

use casework_domain::calendar::{Period, uk_day, uk_midnight};
use casework_domain::dv::{
    AreaMeasures, DvIncidentFact, MaracReferralFact, RepeatVictimisation, measures_by_area,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};
use uuid::Uuid;

use crate::db::placeholders;
use crate::{Store, StoreError};

/// What the measures of a period are computed from. An incident's district is that of
/// the ward it counts in (its case's when it was logged); a referral's, that of its
/// case's ward.
#[derive(Debug, Clone, Default)]
pub struct DvMeasureFacts {
    pub incidents: Vec<(String, DvIncidentFact)>,
    /// The latest incident before the period of each victim of the period.
    pub earlier: Vec<DvIncidentFact>,
    pub referrals: Vec<(String, MaracReferralFact)>,
}

const PERIOD_INCIDENTS: &str = "SELECT i.victim_id AS victim_id, i.occurred_at AS occurred_at, \
     i.arrest_made AS arrest_made, w.district_code AS district \
     FROM dv_incidents i JOIN wards w ON w.code = i.ward_code \
     WHERE i.occurred_at >= $1 AND i.occurred_at < $2";

const LATEST_EARLIER: &str = "SELECT e.victim_id AS victim_id, MAX(e.occurred_at) AS occurred_at \
     FROM dv_incidents e \
     WHERE e.occurred_at < $1 AND e.victim_id IN \
       (SELECT p.victim_id FROM dv_incidents p WHERE p.occurred_at >= $1 AND p.occurred_at < $2) \
     GROUP BY e.victim_id";

const PERIOD_REFERRALS: &str = "SELECT r.referred_on AS referred_on, r.is_repeat AS is_repeat, \
     w.district_code AS district \
     FROM marac_referrals r JOIN cases c ON c.id = r.case_id JOIN wards w ON w.code = c.ward_code \
     WHERE r.referred_on >= $1 AND r.referred_on <= $2";

impl Store {
    /// The facts for the measures of `period` (UK days, both ends included).
    pub async fn dv_measure_facts(&self, period: Period) -> Result<DvMeasureFacts, StoreError> {
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let start: DateTime<Utc> = uk_midnight(period.from);
        let end: DateTime<Utc> = uk_midnight(period.to + Duration::days(1));
        let statement = |sql: &str, values: Vec<Value>| {
            Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
        };
        // Three reads at once, each on its own pooled connection: the period's
        // incidents are the long one, and the other two need not wait for it.
        let (incidents, earlier, referrals) = tokio::try_join!(
            conn.query_all_raw(statement(PERIOD_INCIDENTS, vec![start.into(), end.into()])),
            conn.query_all_raw(statement(LATEST_EARLIER, vec![start.into(), end.into()])),
            conn.query_all_raw(statement(
                PERIOD_REFERRALS,
                vec![period.from.into(), period.to.into()],
            )),
        )?;
        let mut facts = DvMeasureFacts {
            incidents: Vec::with_capacity(incidents.len()),
            earlier: Vec::with_capacity(earlier.len()),
            referrals: Vec::with_capacity(referrals.len()),
        };
        for row in &incidents {
            let victim: Uuid = row.try_get("", "victim_id")?;
            let at: DateTime<Utc> = row.try_get("", "occurred_at")?;
            let arrest_made: bool = row.try_get("", "arrest_made")?;
            let district: String = row.try_get("", "district")?;
            facts.incidents.push((
                district,
                DvIncidentFact {
                    victim,
                    occurred_on: uk_day(at),
                    arrest_made,
                },
            ));
        }
        for row in &earlier {
            let victim: Uuid = row.try_get("", "victim_id")?;
            let at: DateTime<Utc> = row.try_get("", "occurred_at")?;
            facts.earlier.push(DvIncidentFact {
                victim,
                occurred_on: uk_day(at),
                // Look-back only: never counted as an arrest.
                arrest_made: false,
            });
        }
        for row in &referrals {
            let made_on: NaiveDate = row.try_get("", "referred_on")?;
            let is_repeat: bool = row.try_get("", "is_repeat")?;
            let district: String = row.try_get("", "district")?;
            facts
                .referrals
                .push((district, MaracReferralFact { made_on, is_repeat }));
        }
        Ok(facts)
    }

    /// The measures of `period`, for the partnership and by district code.
    pub async fn dv_measures(
        &self,
        period: Period,
        rule: RepeatVictimisation,
    ) -> Result<AreaMeasures<String>, StoreError> {
        let facts = self.dv_measure_facts(period).await?;
        Ok(measures_by_area(
            period,
            &facts.incidents,
            &facts.earlier,
            &facts.referrals,
            rule,
        ))
    }
}
