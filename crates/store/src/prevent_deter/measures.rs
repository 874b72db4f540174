//! The programme's measures for a period, as counts only: referred, accepted,
//! alcohol-related referrals, where young people are now, exits by outcome, and
//! referrals by referring agency. Six grouped queries, however many referrals.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;

use super::{exit_outcome_codes, open_cases};
use crate::StoreError;
use crate::entities::{pd_referral, pd_stage_change};

/// Counts for a period (both days included). `by_stage` is where young people are
/// now, whatever the period: each fixed stage by its code, each programme stage by
/// its own code; declined, exited and closed referrals are not on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PdMeasures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Young people referred in the period.
    pub referred: u64,
    /// Young people accepted onto the programme in the period.
    pub accepted: u64,
    /// Referrals in the period for alcohol-related anti-social behaviour.
    pub alcohol_related: u64,
    /// Of those, accepted onto the programme (at any time since).
    pub alcohol_related_accepted: u64,
    pub by_stage: BTreeMap<String, u64>,
    /// Exits in the period by outcome (`completed`, `disengaged`, `escalated-to-yot`).
    pub exited: BTreeMap<String, u64>,
    /// Referrals in the period by referring agency's code.
    pub by_agency: BTreeMap<String, u64>,
}

fn n(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Referrals and acceptances from `from` to `to` (both included), each with the day it
/// happened and its case's ward: what [`measures`] counts as `referred` (a referral on
/// its day) and `accepted` (a case accepted, once a period), and what the plan report
/// splits by district.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdEvents {
    /// (day referred, ward)
    pub referred: Vec<(NaiveDate, String)>,
    /// (case, day accepted, ward)
    pub accepted: Vec<(uuid::Uuid, NaiveDate, String)>,
}

/// The referrals and acceptances of a span with their wards: two reads.
pub async fn events(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PdEvents, StoreError> {
    let backend = conn.get_database_backend();
    let read = |sql: &str| {
        sea_orm::Statement::from_sql_and_values(
            backend,
            crate::db::placeholders(backend, sql),
            [from.into(), to.into()],
        )
    };
    let mut events = PdEvents::default();
    for row in conn
        .query_all_raw(read(
            "SELECT r.referred_on AS day, c.ward_code AS ward \
             FROM pd_referrals r JOIN cases c ON c.id = r.case_id \
             WHERE r.referred_on >= $1 AND r.referred_on <= $2",
        ))
        .await?
    {
        events
            .referred
            .push((row.try_get("", "day")?, row.try_get("", "ward")?));
    }
    for row in conn
        .query_all_raw(read(
            "SELECT s.case_id AS case_id, s.changed_on AS day, c.ward_code AS ward \
             FROM pd_stage_changes s JOIN cases c ON c.id = s.case_id \
             WHERE s.stage = 'accepted' AND s.changed_on >= $1 AND s.changed_on <= $2",
        ))
        .await?
    {
        events.accepted.push((
            row.try_get("", "case_id")?,
            row.try_get("", "day")?,
            row.try_get("", "ward")?,
        ));
    }
    Ok(events)
}

/// The measures for `from` to `to`, both included.
pub async fn measures(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PdMeasures, StoreError> {
    let referred_in = || {
        pd_referral::Entity::find()
            .filter(pd_referral::Column::ReferredOn.gte(from))
            .filter(pd_referral::Column::ReferredOn.lte(to))
    };
    // Referred and accepted are read as the plan report reads them per district.
    let events = events(conn, from, to).await?;
    let referred = events.referred.len() as u64;
    let accepted = events
        .accepted
        .iter()
        .map(|(case_id, _, _)| *case_id)
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    let alcohol_related = referred_in()
        .filter(pd_referral::Column::AlcoholRelated.eq(true))
        .count(conn)
        .await?;
    let accepted_ids = sea_orm::sea_query::Query::select()
        .column(pd_stage_change::Column::CaseId)
        .from(pd_stage_change::Entity)
        .and_where(pd_stage_change::Column::Stage.eq("accepted"))
        .to_owned();
    let alcohol_related_accepted = referred_in()
        .filter(pd_referral::Column::AlcoholRelated.eq(true))
        .filter(pd_referral::Column::CaseId.in_subquery(accepted_ids))
        .count(conn)
        .await?;
    let by_agency: Vec<(String, i64)> = referred_in()
        .select_only()
        .column(pd_referral::Column::ReferringAgency)
        .column_as(Expr::col(pd_referral::Column::CaseId).count(), "n")
        .group_by(pd_referral::Column::ReferringAgency)
        .into_tuple()
        .all(conn)
        .await?;
    let exited: Vec<(Option<String>, i64)> = pd_stage_change::Entity::find()
        .select_only()
        .column(pd_stage_change::Column::ExitOutcome)
        .column_as(Expr::col(pd_stage_change::Column::Id).count(), "n")
        .filter(pd_stage_change::Column::Stage.eq("exited"))
        .filter(pd_stage_change::Column::ChangedOn.gte(from))
        .filter(pd_stage_change::Column::ChangedOn.lte(to))
        .group_by(pd_stage_change::Column::ExitOutcome)
        .into_tuple()
        .all(conn)
        .await?;
    let by_stage: Vec<(String, Option<String>, i64)> = pd_referral::Entity::find()
        .select_only()
        .column(pd_referral::Column::Stage)
        .column(pd_referral::Column::ProgrammeStage)
        .column_as(Expr::col(pd_referral::Column::CaseId).count(), "n")
        .filter(pd_referral::Column::CaseId.in_subquery(open_cases()))
        .group_by(pd_referral::Column::Stage)
        .group_by(pd_referral::Column::ProgrammeStage)
        .into_tuple()
        .all(conn)
        .await?;
    let mut exits: BTreeMap<String, u64> =
        exit_outcome_codes().map(|c| (c.to_string(), 0)).collect();
    for (outcome, count) in exited {
        *exits.entry(outcome.unwrap_or_default()).or_default() += n(count);
    }
    let mut stages = BTreeMap::new();
    for (stage, programme, count) in by_stage {
        *stages.entry(programme.unwrap_or(stage)).or_default() += n(count);
    }
    Ok(PdMeasures {
        from,
        to,
        referred,
        accepted,
        alcohol_related,
        alcohol_related_accepted,
        by_stage: stages,
        exited: exits,
        by_agency: by_agency.into_iter().map(|(a, c)| (a, n(c))).collect(),
    })
}
