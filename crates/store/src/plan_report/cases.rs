//! The cases that serve an aim: by the plan year's rules, worked out from the cases as
//! they are now (never stored), and by hand. Anyone who may read the plan gets the
//! count; the list shows only the cases the caller may see, by
//! `access_scope::reach` written into the query.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use casework_domain::access::{Actor, CaseAction, CaseKind};
use casework_domain::access_scope;
use casework_domain::asb::RepeatVictimRule;
use casework_domain::calendar::{uk_day, uk_midnight};
use casework_domain::dv::RepeatVictimisation;
use casework_domain::plan_measures::{CaseRule, Catalogue};
use casework_domain::settings::Settings;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use serde::Serialize;
use uuid::Uuid;

use crate::asb::VICTIM;
use crate::db::placeholders;
use crate::people::Page;
use crate::reach::{Params, reach_condition};
use crate::{Store, StoreError};

/// One case on an aim's list: what identifies it and why it serves the aim; no
/// person's details.
#[derive(Debug, Clone, Serialize)]
pub struct AimCase {
    pub case_id: Uuid,
    pub reference: String,
    pub kind: String,
    pub ward: String,
    pub status: String,
    pub reasons: Vec<String>,
}

/// Visible cases are read this many ids at a time.
const CHUNK: usize = 500;

fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
}

impl Store {
    /// The ids of the cases that serve `aim_key` under the catalogue's rules on
    /// `today`, and by hand (`aim_id`), each with its reasons.
    pub async fn aim_case_ids(
        &self,
        catalogue: &Catalogue,
        aim_key: &str,
        aim_id: Uuid,
        settings: &Settings,
        today: NaiveDate,
    ) -> Result<BTreeMap<Uuid, Vec<String>>, StoreError> {
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let mut found: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        let mut add = |ids: Vec<Uuid>, reason: &str| {
            for id in ids {
                found.entry(id).or_default().push(reason.to_string());
            }
        };
        for rule in catalogue
            .case_rules
            .iter()
            .filter(|r| r.aim == aim_key)
            .map(|r| r.rule)
        {
            let ids = match rule {
                CaseRule::IomCohortMember => {
                    self.ids(statement(
                        backend,
                        "SELECT case_id AS id FROM iom_memberships WHERE deselected_on IS NULL",
                        vec![],
                    ))
                    .await?
                }
                CaseRule::AsbAlcoholYouth => {
                    self.ids(statement(
                        backend,
                        "SELECT DISTINCT case_id AS id FROM asb_incidents \
                         WHERE alcohol_related AND youth_related",
                        vec![],
                    ))
                    .await?
                }
                CaseRule::AsbRepeatVictim => {
                    let rule = RepeatVictimRule::from_settings(settings);
                    let window = rule.window(today);
                    let end = window.to.succ_opt().unwrap_or(window.to);
                    self.ids(statement(
                        backend,
                        "SELECT DISTINCT i.case_id AS id FROM asb_incidents i \
                         JOIN asb_incident_people p ON p.incident_id = i.id AND p.role = $1 \
                         WHERE p.person_id IN (SELECT p2.person_id FROM asb_incident_people p2 \
                           JOIN asb_incidents i2 ON i2.id = p2.incident_id \
                           WHERE p2.role = $1 AND i2.occurred_at >= $2 AND i2.occurred_at < $3 \
                           GROUP BY p2.person_id HAVING COUNT(*) >= $4)",
                        vec![
                            VICTIM.into(),
                            uk_midnight(window.from).into(),
                            uk_midnight(end).into(),
                            i64::from(rule.incidents).into(),
                        ],
                    ))
                    .await?
                }
                CaseRule::DvRepeatIncident => {
                    self.dv_repeat_cases(RepeatVictimisation::from_settings(settings))
                        .await?
                }
                CaseRule::PreventDeterAlcohol => {
                    self.ids(statement(
                        backend,
                        "SELECT case_id AS id FROM pd_referrals WHERE alcohol_related",
                        vec![],
                    ))
                    .await?
                }
            };
            add(ids, rule.reason());
        }
        let rows = conn
            .query_all_raw(statement(
                backend,
                "SELECT case_id AS id, reason AS reason FROM plan_aim_case_links WHERE aim_id = $1",
                vec![aim_id.into()],
            ))
            .await?;
        for row in &rows {
            let id: Uuid = row.try_get("", "id")?;
            let reason: String = row.try_get("", "reason")?;
            found
                .entry(id)
                .or_default()
                .push(format!("linked by hand: {reason}"));
        }
        Ok(found)
    }

    async fn ids(&self, statement: Statement) -> Result<Vec<Uuid>, StoreError> {
        let rows = self.connection().query_all_raw(statement).await?;
        rows.iter()
            .map(|r| r.try_get::<Uuid>("", "id").map_err(StoreError::from))
            .collect()
    }

    /// Domestic abuse cases with an incident whose victim had another within the
    /// repeat months before it, by the module's rule.
    async fn dv_repeat_cases(&self, rule: RepeatVictimisation) -> Result<Vec<Uuid>, StoreError> {
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let rows = conn
            .query_all_raw(statement(
                backend,
                "SELECT case_id AS case_id, victim_id AS victim_id, occurred_at AS at \
                 FROM dv_incidents WHERE victim_id IN \
                   (SELECT victim_id FROM dv_incidents GROUP BY victim_id HAVING COUNT(*) > 1)",
                vec![],
            ))
            .await?;
        let mut by_victim: HashMap<Uuid, Vec<(NaiveDate, Uuid)>> = HashMap::new();
        for row in &rows {
            let case: Uuid = row.try_get("", "case_id")?;
            let victim: Uuid = row.try_get("", "victim_id")?;
            let at: DateTime<Utc> = row.try_get("", "at")?;
            by_victim
                .entry(victim)
                .or_default()
                .push((uk_day(at), case));
        }
        let mut cases = BTreeSet::new();
        for mut days in by_victim.into_values() {
            days.sort();
            for pair in days.windows(2) {
                if rule.is_repeat(pair[0].0, pair[1].0) {
                    cases.insert(pair[1].1);
                }
            }
        }
        Ok(cases.into_iter().collect())
    }

    /// A page of the cases among `ids` that `actor` may see, by reference, with their
    /// reasons; `total` counts only those.
    pub async fn visible_aim_cases(
        &self,
        actor: &Actor,
        ids: &BTreeMap<Uuid, Vec<String>>,
        page: u64,
        per_page: u64,
    ) -> Result<Page<AimCase>, StoreError> {
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let all: Vec<Uuid> = ids.keys().copied().collect();
        let lmaps_since = self.lmaps_open_since(uk_day(Utc::now())).await?;
        let mut visible: Vec<AimCase> = Vec::new();
        for chunk in all.chunks(CHUNK) {
            let mut params = Params::default();
            let slots: Vec<String> = chunk.iter().map(|id| params.bind(*id)).collect();
            let kinds: Vec<String> = CaseKind::ALL
                .into_iter()
                .map(|kind| {
                    let reach = access_scope::reach(actor, kind, CaseAction::View);
                    let k = params.bind(kind.as_str());
                    let cond = reach_condition(&reach, actor, lmaps_since, &mut params);
                    format!("(c.kind = {k} AND {cond})")
                })
                .collect();
            let sql = format!(
                "SELECT c.id AS id, c.reference AS reference, c.kind AS kind, \
                   c.ward_code AS ward, c.status AS status \
                 FROM cases c WHERE c.id IN ({}) AND ({})",
                slots.join(", "),
                kinds.join(" OR ")
            );
            for row in &conn.query_all_raw(params.statement(backend, &sql)).await? {
                let id: Uuid = row.try_get("", "id")?;
                visible.push(AimCase {
                    case_id: id,
                    reference: row.try_get("", "reference")?,
                    kind: row.try_get("", "kind")?,
                    ward: row.try_get("", "ward")?,
                    status: row.try_get("", "status")?,
                    reasons: ids.get(&id).cloned().unwrap_or_default(),
                });
            }
        }
        visible.sort_by(|a, b| a.reference.cmp(&b.reference));
        let total = visible.len() as u64;
        let per_page = per_page.clamp(1, 100);
        let skip = page.saturating_sub(1).saturating_mul(per_page) as usize;
        Ok(Page {
            items: visible
                .into_iter()
                .skip(skip)
                .take(per_page as usize)
                .collect(),
            total,
        })
    }

    /// Links a case to an aim by hand, in `txn`; refused when it is linked already.
    pub async fn link_case_to_aim(
        txn: &impl ConnectionTrait,
        aim_id: Uuid,
        case_id: Uuid,
        reason: &str,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

        use crate::entities::plan_aim_case_link;
        let exists = plan_aim_case_link::Entity::find()
            .filter(plan_aim_case_link::Column::AimId.eq(aim_id))
            .filter(plan_aim_case_link::Column::CaseId.eq(case_id))
            .one(txn)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(
                "the case is already linked to the aim".into(),
            ));
        }
        let id = Uuid::new_v4();
        plan_aim_case_link::ActiveModel {
            id: Set(id),
            aim_id: Set(aim_id),
            case_id: Set(case_id),
            reason: Set(reason.to_string()),
            linked_by: Set(by),
            linked_at: Set(at),
        }
        .insert(txn)
        .await?;
        Ok(id)
    }
}
