//! The open domestic abuse cases an officer may see, a page at a time, each with its
//! MARAC decision; and those of them that need a MARAC referral.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use casework_domain::access::{Actor, CaseAction, CaseKind};
use casework_domain::access_scope;
use casework_domain::dv::{DashLevel, MaracDecision, MaracRule};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{DvCaseLine, VictimRecord, level};
use crate::cases::OPEN;
use crate::entities::{case, dv_assessment, dv_incident};
use crate::people::Page;
use crate::reach::{Params, reach_condition};
use crate::{Store, StoreError};

const KIND: CaseKind = CaseKind::DomesticAbuse;

/// The rows to read of the open cases an actor may see, newest first.
#[derive(Clone, Copy)]
enum Rows {
    All,
    /// `per_page` rows after the first `offset`, and how many there are in all.
    Page {
        offset: u64,
        per_page: u64,
    },
}

impl Store {
    /// Page `page` (from 1) of the open domestic abuse cases `actor` may open, newest
    /// first, each with its victim, level, latest incident and the MARAC decision as of
    /// `today`, and how many there are in all (ten queries a page, however many cases).
    /// The cases are those within the policy's reach (`access_scope::reach`) written as
    /// SQL: owned, led, logged or shared as the actor's roles allow, or on the agenda of
    /// an LMAPS meeting still open `today` to which the actor's agency is invited. The
    /// reach is `access::decide`'s own answer, and these cases need no fact SQL cannot
    /// give, so SQL counts and pages them and no case is asked about again.
    pub async fn open_dv_cases_for(
        &self,
        actor: &Actor,
        rule: &MaracRule,
        today: NaiveDate,
        page: u64,
        per_page: u64,
    ) -> Result<Page<DvCaseLine>, StoreError> {
        let per_page = per_page.max(1);
        let offset = page.saturating_sub(1).saturating_mul(per_page);
        let (total, rows) = self
            .visible_open_dv_cases(actor, today, Rows::Page { offset, per_page })
            .await?;
        let victims: Vec<Uuid> = rows.iter().map(|r| r.subject_person_id).collect();
        let records = self.victim_records(self.connection(), &victims).await?;
        let decided = rows
            .into_iter()
            .map(|row| {
                let marac = decide(rule, &records, row.subject_person_id, today);
                (row, marac)
            })
            .collect();
        let items = self.dv_lines(decided).await?;
        Ok(Page { items, total })
    }

    /// Page `page` (from 1) of the open cases `actor` may see that need a MARAC
    /// referral that has not been made, as of `today`, newest first, and how many need
    /// one (nine queries).
    pub async fn dv_cases_needing_referral(
        &self,
        actor: &Actor,
        rule: &MaracRule,
        today: NaiveDate,
        page: u64,
        per_page: u64,
    ) -> Result<Page<DvCaseLine>, StoreError> {
        // Whether a case needs a referral is the domain's rule over its victim's record,
        // which SQL cannot filter on: every visible case's record is read and decided,
        // and the page is taken here. Its other facts are read for the page only.
        let (_, rows) = self.visible_open_dv_cases(actor, today, Rows::All).await?;
        let victims: Vec<Uuid> = rows.iter().map(|r| r.subject_person_id).collect();
        let records = self.victim_records(self.connection(), &victims).await?;
        let needing: Vec<(case::Model, MaracDecision)> = rows
            .into_iter()
            .map(|row| {
                let marac = decide(rule, &records, row.subject_person_id, today);
                (row, marac)
            })
            .filter(|(_, marac)| marac.required)
            .collect();
        let total = u64::try_from(needing.len()).unwrap_or(u64::MAX);
        let per_page = per_page.max(1);
        let skip = page.saturating_sub(1).saturating_mul(per_page);
        let items = self
            .dv_lines(
                needing
                    .into_iter()
                    .skip(usize::try_from(skip).unwrap_or(usize::MAX))
                    .take(usize::try_from(per_page).unwrap_or(usize::MAX))
                    .collect(),
            )
            .await?;
        Ok(Page { items, total })
    }

    /// The open domestic abuse cases `actor` may open, newest first: `rows` of them,
    /// and how many there are in all (two queries and the settings for a page; one and
    /// the settings for all).
    async fn visible_open_dv_cases(
        &self,
        actor: &Actor,
        today: NaiveDate,
        rows: Rows,
    ) -> Result<(u64, Vec<case::Model>), StoreError> {
        let reach = access_scope::reach(actor, KIND, CaseAction::View);
        if reach.is_nothing() {
            return Ok((0, Vec::new()));
        }
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let lmaps_since = self.lmaps_open_since(today).await?;
        let mut params = Params::default();
        let kind = params.bind(KIND.as_str());
        let open = params.bind(OPEN);
        let may_view = reach_condition(&reach, actor, lmaps_since, &mut params);
        let visible =
            format!("FROM cases c WHERE c.kind = {kind} AND c.status = {open} AND {may_view}");
        let window = match rows {
            Rows::All => String::new(),
            Rows::Page { offset, per_page } => {
                format!(" LIMIT {per_page} OFFSET {offset}")
            }
        };
        let sql = format!("SELECT c.* {visible} ORDER BY c.opened_at DESC, c.id DESC{window}");
        let found = case::Entity::find()
            .from_raw_sql(params.statement(backend, &sql))
            .all(conn)
            .await?;
        let total = match rows {
            Rows::All => u64::try_from(found.len()).unwrap_or(u64::MAX),
            Rows::Page { .. } => {
                let count = format!("SELECT COUNT(*) AS total {visible}");
                let total: i64 = match conn
                    .query_one_raw(params.statement(backend, &count))
                    .await?
                {
                    Some(row) => row.try_get("", "total")?,
                    None => 0,
                };
                u64::try_from(total).unwrap_or(0)
            }
        };
        Ok((total, found))
    }

    /// The list lines of `cases`, in their order, each with its MARAC decision: their
    /// shares, victims, levels and latest incidents (four queries, however many).
    async fn dv_lines(
        &self,
        cases: Vec<(case::Model, MaracDecision)>,
    ) -> Result<Vec<DvCaseLine>, StoreError> {
        if cases.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.connection();
        let (rows, decisions): (Vec<case::Model>, Vec<MaracDecision>) = cases.into_iter().unzip();
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let victims: Vec<Uuid> = rows.iter().map(|r| r.subject_person_id).collect();
        let cases = self.with_shares(conn, rows).await?;
        let people = self.people_by_id(conn, &victims).await?;
        let mut levels: HashMap<Uuid, DashLevel> = HashMap::new();
        let latest = dv_assessment::Entity::find()
            .select_only()
            .column(dv_assessment::Column::CaseId)
            .column(dv_assessment::Column::Level)
            .filter(dv_assessment::Column::CaseId.is_in(ids.iter().copied()))
            .order_by_desc(dv_assessment::Column::AssessedAt)
            .order_by_desc(dv_assessment::Column::Id)
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?;
        for (case_id, text) in latest {
            // Newest first: the first seen is the case's level.
            if let Entry::Vacant(slot) = levels.entry(case_id) {
                slot.insert(level(&text)?);
            }
        }
        let last_incidents: HashMap<Uuid, DateTime<Utc>> = dv_incident::Entity::find()
            .select_only()
            .column(dv_incident::Column::CaseId)
            .column_as(dv_incident::Column::OccurredAt.max(), "last")
            .filter(dv_incident::Column::CaseId.is_in(ids.iter().copied()))
            .group_by(dv_incident::Column::CaseId)
            .into_tuple::<(Uuid, DateTime<Utc>)>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        Ok(cases
            .into_iter()
            .zip(decisions)
            .map(|(case, marac)| DvCaseLine {
                victim: people.get(&case.subject_person).cloned(),
                level: levels.get(&case.id).copied(),
                last_incident: last_incidents.get(&case.id).copied(),
                marac,
                case,
            })
            .collect())
    }
}

/// The MARAC decision for `victim` as of `today`, from their record.
fn decide(
    rule: &MaracRule,
    records: &HashMap<Uuid, VictimRecord>,
    victim: Uuid,
    today: NaiveDate,
) -> MaracDecision {
    let nothing = VictimRecord::default();
    let record = records.get(&victim).unwrap_or(&nothing);
    rule.decide(&record.history(), record.latest_assessment(), today)
}
