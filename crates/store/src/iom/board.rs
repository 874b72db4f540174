//! The cohort board: the active members a viewer may open, with their current tier,
//! open needs and latest offence, filtered by district, lead offender manager,
//! placement or outreach worker. Which members are on it is the access policy's reach,
//! in SQL; each line carries its case's facts (with the LMAPS agencies) for what the
//! viewer is shown of it (`MemberView`).

use std::collections::{BTreeMap, HashMap};

use casework_domain::access::{Actor, CaseAction, CaseFacts, CaseKind};
use casework_domain::access_scope;
use casework_domain::iom::{NeedStatus, Pathway, Tier};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{invalid, to_tier};
use crate::cases::{Case, OPEN, Share, to_case};
use crate::entities::{case, case_share, iom_membership, iom_need, iom_tier_change, ward};
use crate::people::Person;
use crate::reach::{Params, reach_condition};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub district: Option<String>,
    /// The lead offender manager.
    pub manager: Option<Uuid>,
    pub placement: Option<String>,
    pub worker: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BoardLine {
    pub case: Case,
    /// What the access policy needs about the case, with the agencies of the open
    /// LMAPS meetings whose agendas hold it.
    pub facts: CaseFacts,
    pub person: Option<Person>,
    pub entered_on: NaiveDate,
    pub tier: Tier,
    pub placement: Option<String>,
    pub outreach_worker: Option<String>,
    /// Open needs: pathway and status.
    pub open_needs: Vec<(Pathway, NeedStatus)>,
    /// The latest offence committed: day and category.
    pub latest_offence: Option<(NaiveDate, String)>,
}

impl Store {
    /// The active members `actor` may open (`access_scope::reach`, with LMAPS agendas
    /// open `today`) matching the filter, red tier first, then by entry: one query for
    /// the members, then a few per 500 of them for their shares, tiers, needs, people,
    /// offences and agendas.
    pub async fn iom_board(
        &self,
        conn: &impl ConnectionTrait,
        actor: &Actor,
        filter: &BoardFilter,
        today: NaiveDate,
    ) -> Result<Vec<BoardLine>, StoreError> {
        let reach = access_scope::reach(actor, CaseKind::Iom, CaseAction::View);
        if reach.is_nothing() {
            return Ok(Vec::new());
        }
        let lmaps_since = self.lmaps_open_since(today).await?;
        let mut params = Params::default();
        let kind = params.bind(CaseKind::Iom.as_str());
        let open = params.bind(OPEN);
        let manager = match filter.manager {
            Some(manager) => format!(" AND c.lead_officer = {}", params.bind(manager)),
            None => String::new(),
        };
        let may_view = reach_condition(&reach, actor, lmaps_since, &mut params);
        let sql = format!(
            "SELECT c.* FROM cases c WHERE c.kind = {kind} AND c.status = {open}{manager} \
               AND {may_view}"
        );
        let cases = case::Entity::find()
            .from_raw_sql(params.statement(conn.get_database_backend(), &sql))
            .all(conn)
            .await?;
        let wards: HashMap<String, String> = ward::Entity::find()
            .all(conn)
            .await?
            .into_iter()
            .map(|w| (w.code, w.district_code))
            .collect();
        let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
        let mut members: HashMap<Uuid, iom_membership::Model> = HashMap::new();
        let mut tiers: HashMap<Uuid, Tier> = HashMap::new();
        let mut needs: BTreeMap<Uuid, Vec<(Pathway, NeedStatus)>> = BTreeMap::new();
        let mut shares: HashMap<Uuid, Vec<Share>> = HashMap::new();
        for chunk in ids.chunks(1000) {
            for s in case_share::Entity::find()
                .filter(case_share::Column::CaseId.is_in(chunk.iter().copied()))
                .order_by_asc(case_share::Column::SharedAt)
                .all(conn)
                .await?
            {
                shares.entry(s.case_id).or_default().push(Share {
                    agency: s.agency,
                    shared_by: s.shared_by,
                    shared_at: s.shared_at,
                    reason: s.reason,
                });
            }
            for m in iom_membership::Entity::find()
                .filter(iom_membership::Column::CaseId.is_in(chunk.iter().copied()))
                .all(conn)
                .await?
            {
                members.insert(m.case_id, m);
            }
            // Oldest first, so the last seen is the current tier.
            for row in iom_tier_change::Entity::find()
                .filter(iom_tier_change::Column::CaseId.is_in(chunk.iter().copied()))
                .order_by_asc(iom_tier_change::Column::ChangedOn)
                .order_by_asc(iom_tier_change::Column::RecordedAt)
                .all(conn)
                .await?
            {
                let case_id = row.case_id;
                tiers.insert(case_id, to_tier(row)?.change.tier);
            }
            for row in iom_need::Entity::find()
                .filter(iom_need::Column::CaseId.is_in(chunk.iter().copied()))
                .all(conn)
                .await?
            {
                let pathway =
                    Pathway::parse(&row.pathway).ok_or_else(|| invalid("pathway", &row.pathway))?;
                let status =
                    NeedStatus::parse(&row.status).ok_or_else(|| invalid("status", &row.status))?;
                if status.is_open() {
                    needs
                        .entry(row.case_id)
                        .or_default()
                        .push((pathway, status));
                }
            }
        }
        let mut agendas = self.lmaps_agencies_of(conn, &ids, lmaps_since).await?;
        let people_ids: Vec<Uuid> = cases.iter().map(|c| c.subject_person_id).collect();
        let people = self.people_by_id(conn, &people_ids).await?;
        let latest = self.latest_offences(conn, &people_ids).await?;
        let mut lines = Vec::new();
        for row in cases {
            let Some(member) = members.remove(&row.id) else {
                continue;
            };
            if filter
                .district
                .as_ref()
                .is_some_and(|d| wards.get(&row.ward_code) != Some(d))
                || filter
                    .placement
                    .as_ref()
                    .is_some_and(|p| member.placement.as_ref() != Some(p))
                || filter
                    .worker
                    .as_ref()
                    .is_some_and(|w| member.outreach_worker.as_ref() != Some(w))
            {
                continue;
            }
            let Some(tier) = tiers.get(&row.id).copied() else {
                continue;
            };
            let mut open_needs = needs.remove(&row.id).unwrap_or_default();
            open_needs.sort();
            let person = people.get(&row.subject_person_id).cloned();
            let latest_offence = latest.get(&row.subject_person_id).cloned();
            let case_shares = shares.remove(&row.id).unwrap_or_default();
            let lmaps_agencies = agendas.remove(&row.id).unwrap_or_default();
            let case = to_case(row, case_shares)?;
            let facts = CaseFacts {
                lmaps_agencies,
                ..case.facts()
            };
            lines.push(BoardLine {
                case,
                facts,
                person,
                entered_on: member.entered_on,
                tier,
                placement: member.placement,
                outreach_worker: member.outreach_worker,
                open_needs,
                latest_offence,
            });
        }
        lines.sort_by_key(|l| (l.tier, l.entered_on, l.case.id));
        Ok(lines)
    }

    /// The placements and outreach workers recorded on active memberships, for the
    /// board's filters.
    pub async fn iom_placements_and_workers(
        &self,
        conn: &impl ConnectionTrait,
    ) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let rows = iom_membership::Entity::find()
            .filter(iom_membership::Column::DeselectedOn.is_null())
            .all(conn)
            .await?;
        let mut placements: Vec<String> = rows.iter().filter_map(|r| r.placement.clone()).collect();
        let mut workers: Vec<String> = rows
            .iter()
            .filter_map(|r| r.outreach_worker.clone())
            .collect();
        placements.sort();
        placements.dedup();
        workers.sort();
        workers.dedup();
        Ok((placements, workers))
    }
}
