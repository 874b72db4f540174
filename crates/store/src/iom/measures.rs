//! The facts the re-offending measures are computed from, in three queries however
//! large the cohort: the memberships that entered in the period, their tier at
//! selection, and their people's offences committed within the follow-up either side
//! of the period. The counting is `casework_domain::iom::reoffending`.

use std::collections::HashMap;

use casework_domain::calendar::Period;
use casework_domain::iom::{Entry, OffenceFact, Reoffending, Stream, Tier};
use chrono::{Months, NaiveDate};
use sea_orm::sea_query::{ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use uuid::Uuid;

use super::invalid;
use crate::db::placeholders;
use crate::entities::{iom_membership, iom_tier_change};
use crate::{Store, StoreError};

// A cohort's offences are tens of thousands of rows; decoding them one by one costs far
// more than the query, so each person's come back as one row, packed as
// `committed|proven|weight;...`. Unproven offences never count, so are not read.
const OFFENCES_SQLITE: &str = "SELECT o.person_id AS person_id, \
     group_concat(o.committed_on || '|' || o.proven_on || '|' || COALESCE(o.harm_weight, ''), ';') \
     AS offences FROM offences o \
     WHERE o.proven_on IS NOT NULL AND o.committed_on >= $3 AND o.committed_on <= $4 \
     AND o.person_id IN (SELECT m.person_id FROM iom_memberships m \
       WHERE m.entered_on >= $1 AND m.entered_on <= $2) \
     GROUP BY o.person_id";

const OFFENCES_POSTGRES: &str = "SELECT o.person_id AS person_id, \
     string_agg(o.committed_on::text || '|' || o.proven_on::text || '|' \
       || COALESCE(o.harm_weight::text, ''), ';') AS offences FROM offences o \
     WHERE o.proven_on IS NOT NULL AND o.committed_on >= $3 AND o.committed_on <= $4 \
     AND o.person_id IN (SELECT m.person_id FROM iom_memberships m \
       WHERE m.entered_on >= $1 AND m.entered_on <= $2) \
     GROUP BY o.person_id";

/// One packed offence: `committed|proven|weight`, the weight possibly empty.
fn unpack(person: Uuid, text: &str) -> Result<OffenceFact, StoreError> {
    let bad = || StoreError::Invalid(format!("stored offence '{text}'"));
    let mut parts = text.split('|');
    let mut day = || {
        parts
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let committed_on = day().ok_or_else(bad)?;
    let proven_on = Some(day().ok_or_else(bad)?);
    let harm_weight = match parts.next() {
        None | Some("") => None,
        Some(w) => Some(w.parse::<f64>().map_err(|_| bad())?),
    };
    Ok(OffenceFact {
        person,
        committed_on,
        proven_on,
        harm_weight,
    })
}

impl Store {
    /// The entries of `period` (every membership that entered in it; the domain keeps
    /// each person's first) and the offences that may count for them under `rule`.
    pub async fn iom_reoffending_facts(
        &self,
        conn: &impl ConnectionTrait,
        period: Period,
        rule: Reoffending,
    ) -> Result<(Vec<Entry>, Vec<OffenceFact>), StoreError> {
        let in_period = || {
            iom_membership::Column::EnteredOn
                .gte(period.from)
                .and(iom_membership::Column::EnteredOn.lte(period.to))
        };
        let rows: Vec<(Uuid, Uuid, NaiveDate, String)> = iom_membership::Entity::find()
            .select_only()
            .column(iom_membership::Column::CaseId)
            .column(iom_membership::Column::PersonId)
            .column(iom_membership::Column::EnteredOn)
            .column(iom_membership::Column::Stream)
            .filter(in_period())
            .into_tuple()
            .all(conn)
            .await?;
        let cases = Query::select()
            .column(iom_membership::Column::CaseId)
            .from(iom_membership::Entity)
            .and_where(in_period())
            .to_owned();
        // Oldest first: the first seen per case is the tier at selection.
        let tier_rows: Vec<(Uuid, String)> = iom_tier_change::Entity::find()
            .select_only()
            .column(iom_tier_change::Column::CaseId)
            .column(iom_tier_change::Column::Tier)
            .filter(iom_tier_change::Column::CaseId.in_subquery(cases))
            .order_by_asc(iom_tier_change::Column::ChangedOn)
            .order_by_asc(iom_tier_change::Column::RecordedAt)
            .into_tuple()
            .all(conn)
            .await?;
        let mut tiers: HashMap<Uuid, Tier> = HashMap::new();
        for (case_id, tier) in tier_rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = tiers.entry(case_id) {
                slot.insert(Tier::parse(&tier).ok_or_else(|| invalid("tier", &tier))?);
            }
        }
        let mut entries = Vec::with_capacity(rows.len());
        for (case_id, person, entered_on, stream) in rows {
            let Some(tier) = tiers.get(&case_id).copied() else {
                continue;
            };
            entries.push(Entry {
                membership: case_id,
                person,
                entered_on,
                stream: Stream::parse(&stream).ok_or_else(|| invalid("stream", &stream))?,
                tier,
            });
        }
        // Only offences committed between the earliest before window and the latest
        // after window can count.
        let window = Months::new(rule.months);
        let from = period
            .from
            .checked_sub_months(window)
            .unwrap_or(NaiveDate::MIN);
        let to = period
            .to
            .checked_add_months(window)
            .unwrap_or(NaiveDate::MAX);
        let conn_backend = conn.get_database_backend();
        let sql = match conn_backend {
            DbBackend::Postgres => OFFENCES_POSTGRES,
            _ => OFFENCES_SQLITE,
        };
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                conn_backend,
                placeholders(conn_backend, sql),
                [period.from.into(), period.to.into(), from.into(), to.into()],
            ))
            .await?;
        let mut offences = Vec::new();
        for row in &rows {
            let person: Uuid = row.try_get("", "person_id")?;
            let packed: String = row.try_get("", "offences")?;
            for one in packed.split(';') {
                offences.push(unpack(person, one)?);
            }
        }
        Ok((entries, offences))
    }
}
