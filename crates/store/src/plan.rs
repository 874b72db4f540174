//! The plan in the database: import a plan file (idempotently) and read it back whole;
//! hand links to an aim taken back (`links`).

mod links;

use std::collections::{BTreeSet, HashMap, HashSet};

use casework_domain::calendar::FinancialYear;
use casework_domain::plan::PlanDocument;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use uuid::Uuid;

use crate::entities::{
    plan_action, plan_action_agency, plan_aim, plan_aim_partner, plan_priority, plan_year,
};
use crate::{Store, StoreError};

/// The plan shipped with Casework, loaded on first start.
pub const BUILT_IN_PLAN: &str = include_str!("../../../reference/plans/2012-13.toml");

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub id: Uuid,
    pub year: String,
    pub title: String,
    pub priorities: Vec<Priority>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Priority {
    pub id: Uuid,
    pub key: String,
    pub title: String,
    pub statement: Option<String>,
    pub aims: Vec<Aim>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Aim {
    pub id: Uuid,
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub baseline_source: Option<String>,
    pub partners: Vec<String>,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub id: Uuid,
    pub key: String,
    pub text: String,
    pub agencies: Vec<String>,
    pub review_date: Option<NaiveDate>,
}

/// What an import changed. All zero when the same file is imported again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanImport {
    pub year: String,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
}

impl PlanImport {
    pub fn changed_nothing(&self) -> bool {
        self.added == 0 && self.updated == 0 && self.removed == 0
    }
}

impl Store {
    /// Parses a plan file against the agencies the partnership has.
    pub async fn parse_plan(&self, text: &str) -> Result<PlanDocument, StoreError> {
        let known: HashSet<String> = self.agencies().await?.into_iter().map(|a| a.code).collect();
        PlanDocument::parse(text, &known).map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// Loads the built-in plan if no plan for its year is stored yet.
    pub async fn load_built_in_plan(&self) -> Result<Option<PlanImport>, StoreError> {
        let doc = self.parse_plan(BUILT_IN_PLAN).await?;
        if self.plan(doc.year).await?.is_some() {
            return Ok(None);
        }
        self.import_plan(&doc).await.map(Some)
    }

    /// Makes the stored plan for the document's year match the document: items are
    /// matched by key, so ids (and anything linked to them) survive a re-import.
    pub async fn import_plan(&self, doc: &PlanDocument) -> Result<PlanImport, StoreError> {
        let every_agency: Vec<String> =
            self.agencies().await?.into_iter().map(|a| a.code).collect();
        let existing = self.plan(doc.year).await?;
        let txn = self.begin_write().await?;
        let mut report = PlanImport {
            year: doc.year.to_string(),
            ..Default::default()
        };
        let year_id = match &existing {
            Some(plan) => {
                if plan.title != doc.title {
                    plan_year::ActiveModel {
                        id: Set(plan.id),
                        title: Set(doc.title.clone()),
                        ..Default::default()
                    }
                    .update(&txn)
                    .await?;
                    report.updated += 1;
                }
                plan.id
            }
            None => {
                let id = Uuid::new_v4();
                plan_year::ActiveModel {
                    id: Set(id),
                    year: Set(doc.year.to_string()),
                    title: Set(doc.title.clone()),
                }
                .insert(&txn)
                .await?;
                report.added += 1;
                id
            }
        };
        let old_priorities: HashMap<&str, (usize, &Priority)> = existing
            .iter()
            .flat_map(|p| p.priorities.iter().enumerate())
            .map(|(i, p)| (p.key.as_str(), (i, p)))
            .collect();
        let new_keys: HashSet<&str> = doc.priorities.iter().map(|p| p.key.as_str()).collect();
        for (_, old) in old_priorities
            .values()
            .filter(|(_, p)| !new_keys.contains(p.key.as_str()))
        {
            plan_priority::Entity::delete_by_id(old.id)
                .exec(&txn)
                .await?;
            report.removed += 1;
        }
        for (position, priority) in doc.priorities.iter().enumerate() {
            let old = old_priorities.get(priority.key.as_str()).copied();
            let model = plan_priority::Model {
                id: old.map_or_else(Uuid::new_v4, |(_, p)| p.id),
                plan_year_id: year_id,
                key: priority.key.clone(),
                position: position as i32,
                title: priority.title.clone(),
                statement: priority.statement.clone(),
            };
            let stored = old.map(|(i, p)| plan_priority::Model {
                id: p.id,
                plan_year_id: year_id,
                key: p.key.clone(),
                position: i as i32,
                title: p.title.clone(),
                statement: p.statement.clone(),
            });
            upsert::<plan_priority::ActiveModel>(&txn, stored.as_ref(), model.clone(), &mut report)
                .await?;
            let old = old.map(|(_, p)| p);
            sync_aims(
                &txn,
                model.id,
                old,
                &priority.aims,
                &every_agency,
                &mut report,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(report)
    }

    /// Every stored plan year, newest first.
    pub async fn plan_years(&self) -> Result<Vec<String>, StoreError> {
        Ok(plan_year::Entity::find()
            .order_by_desc(plan_year::Column::Year)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|y| y.year)
            .collect())
    }

    /// The newest plan, if any is loaded.
    pub async fn latest_plan(&self) -> Result<Option<Plan>, StoreError> {
        match self.plan_years().await?.first() {
            Some(year) => match FinancialYear::parse(year) {
                Ok(year) => self.plan(year).await,
                Err(e) => Err(StoreError::Invalid(e)),
            },
            None => Ok(None),
        }
    }

    /// One plan year whole, in the plan's order. Six queries, whatever its size.
    pub async fn plan(&self, year: FinancialYear) -> Result<Option<Plan>, StoreError> {
        let conn = self.connection();
        let Some(plan_row) = plan_year::Entity::find()
            .filter(plan_year::Column::Year.eq(year.to_string()))
            .one(conn)
            .await?
        else {
            return Ok(None);
        };
        let priorities = plan_priority::Entity::find()
            .filter(plan_priority::Column::PlanYearId.eq(plan_row.id))
            .order_by_asc(plan_priority::Column::Position)
            .all(conn)
            .await?;
        let priority_ids: Vec<Uuid> = priorities.iter().map(|p| p.id).collect();
        let aims = plan_aim::Entity::find()
            .filter(plan_aim::Column::PriorityId.is_in(priority_ids))
            .order_by_asc(plan_aim::Column::Position)
            .all(conn)
            .await?;
        let aim_ids: Vec<Uuid> = aims.iter().map(|a| a.id).collect();
        let partners = plan_aim_partner::Entity::find()
            .filter(plan_aim_partner::Column::AimId.is_in(aim_ids.clone()))
            .order_by_asc(plan_aim_partner::Column::AgencyCode)
            .all(conn)
            .await?;
        let actions = plan_action::Entity::find()
            .filter(plan_action::Column::AimId.is_in(aim_ids))
            .order_by_asc(plan_action::Column::Position)
            .all(conn)
            .await?;
        let action_ids: Vec<Uuid> = actions.iter().map(|a| a.id).collect();
        let owners = plan_action_agency::Entity::find()
            .filter(plan_action_agency::Column::ActionId.is_in(action_ids))
            .order_by_asc(plan_action_agency::Column::AgencyCode)
            .all(conn)
            .await?;

        let mut owners_by_action: HashMap<Uuid, Vec<String>> = HashMap::new();
        for o in owners {
            owners_by_action
                .entry(o.action_id)
                .or_default()
                .push(o.agency_code);
        }
        let mut partners_by_aim: HashMap<Uuid, Vec<String>> = HashMap::new();
        for p in partners {
            partners_by_aim
                .entry(p.aim_id)
                .or_default()
                .push(p.agency_code);
        }
        let mut actions_by_aim: HashMap<Uuid, Vec<Action>> = HashMap::new();
        for a in actions {
            actions_by_aim.entry(a.aim_id).or_default().push(Action {
                id: a.id,
                agencies: owners_by_action.remove(&a.id).unwrap_or_default(),
                key: a.key,
                text: a.text,
                review_date: a.review_date,
            });
        }
        let mut aims_by_priority: HashMap<Uuid, Vec<Aim>> = HashMap::new();
        for a in aims {
            aims_by_priority
                .entry(a.priority_id)
                .or_default()
                .push(Aim {
                    id: a.id,
                    partners: partners_by_aim.remove(&a.id).unwrap_or_default(),
                    actions: actions_by_aim.remove(&a.id).unwrap_or_default(),
                    key: a.key,
                    title: a.title,
                    description: a.description,
                    baseline_source: a.baseline_source,
                });
        }
        Ok(Some(Plan {
            id: plan_row.id,
            year: plan_row.year,
            title: plan_row.title,
            priorities: priorities
                .into_iter()
                .map(|p| Priority {
                    id: p.id,
                    aims: aims_by_priority.remove(&p.id).unwrap_or_default(),
                    key: p.key,
                    title: p.title,
                    statement: p.statement,
                })
                .collect(),
        }))
    }
}

/// Inserts `new`, or updates the stored row when it differs, counting either.
async fn upsert<A>(
    txn: &DatabaseTransaction,
    stored: Option<&<A::Entity as EntityTrait>::Model>,
    new: <A::Entity as EntityTrait>::Model,
    report: &mut PlanImport,
) -> Result<(), StoreError>
where
    A: ActiveModelTrait
        + sea_orm::ActiveModelBehavior
        + Send
        + From<<A::Entity as EntityTrait>::Model>,
    <A::Entity as EntityTrait>::Model: PartialEq + sea_orm::IntoActiveModel<A>,
{
    match stored {
        None => {
            A::from(new).insert(txn).await?;
            report.added += 1;
        }
        Some(old) if *old != new => {
            A::from(new).reset_all().update(txn).await?;
            report.updated += 1;
        }
        Some(_) => {}
    }
    Ok(())
}

async fn sync_aims(
    txn: &DatabaseTransaction,
    priority_id: Uuid,
    old: Option<&Priority>,
    aims: &[casework_domain::plan::AimDoc],
    every_agency: &[String],
    report: &mut PlanImport,
) -> Result<(), StoreError> {
    let old_aims: HashMap<&str, (usize, &Aim)> = old
        .iter()
        .flat_map(|p| p.aims.iter().enumerate())
        .map(|(i, a)| (a.key.as_str(), (i, a)))
        .collect();
    let keys: HashSet<&str> = aims.iter().map(|a| a.key.as_str()).collect();
    for (_, gone) in old_aims
        .values()
        .filter(|(_, a)| !keys.contains(a.key.as_str()))
    {
        plan_aim::Entity::delete_by_id(gone.id).exec(txn).await?;
        report.removed += 1;
    }
    for (position, aim) in aims.iter().enumerate() {
        let old = old_aims.get(aim.key.as_str()).copied();
        let model = plan_aim::Model {
            id: old.map_or_else(Uuid::new_v4, |(_, a)| a.id),
            priority_id,
            key: aim.key.clone(),
            position: position as i32,
            title: aim.title.clone(),
            description: aim.description.clone(),
            baseline_source: aim.baseline_source.clone(),
        };
        let stored = old.map(|(i, a)| plan_aim::Model {
            id: a.id,
            priority_id,
            key: a.key.clone(),
            position: i as i32,
            title: a.title.clone(),
            description: a.description.clone(),
            baseline_source: a.baseline_source.clone(),
        });
        upsert::<plan_aim::ActiveModel>(txn, stored.as_ref(), model.clone(), report).await?;
        let (add, remove) = link_changes(
            old.map(|(_, a)| a.partners.as_slice()).unwrap_or_default(),
            &aim.partners,
        );
        for agency in &add {
            plan_aim_partner::ActiveModel {
                aim_id: Set(model.id),
                agency_code: Set(agency.clone()),
            }
            .insert(txn)
            .await?;
        }
        if !remove.is_empty() {
            plan_aim_partner::Entity::delete_many()
                .filter(plan_aim_partner::Column::AimId.eq(model.id))
                .filter(plan_aim_partner::Column::AgencyCode.is_in(remove.clone()))
                .exec(txn)
                .await?;
        }
        report.added += add.len();
        report.removed += remove.len();
        sync_actions(
            txn,
            model.id,
            old.map(|(_, a)| a),
            &aim.actions,
            every_agency,
            report,
        )
        .await?;
    }
    Ok(())
}

async fn sync_actions(
    txn: &DatabaseTransaction,
    aim_id: Uuid,
    old: Option<&Aim>,
    actions: &[casework_domain::plan::ActionDoc],
    every_agency: &[String],
    report: &mut PlanImport,
) -> Result<(), StoreError> {
    let old_actions: HashMap<&str, (usize, &Action)> = old
        .iter()
        .flat_map(|a| a.actions.iter().enumerate())
        .map(|(i, a)| (a.key.as_str(), (i, a)))
        .collect();
    let keys: HashSet<&str> = actions.iter().map(|a| a.key.as_str()).collect();
    for (_, gone) in old_actions
        .values()
        .filter(|(_, a)| !keys.contains(a.key.as_str()))
    {
        plan_action::Entity::delete_by_id(gone.id).exec(txn).await?;
        report.removed += 1;
    }
    for (position, action) in actions.iter().enumerate() {
        let old = old_actions.get(action.key.as_str()).copied();
        let model = plan_action::Model {
            id: old.map_or_else(Uuid::new_v4, |(_, a)| a.id),
            aim_id,
            key: action.key.clone(),
            position: position as i32,
            text: action.text.clone(),
            review_date: action.review_on(),
        };
        let stored = old.map(|(i, a)| plan_action::Model {
            id: a.id,
            aim_id,
            key: a.key.clone(),
            position: i as i32,
            text: a.text.clone(),
            review_date: a.review_date,
        });
        upsert::<plan_action::ActiveModel>(txn, stored.as_ref(), model.clone(), report).await?;
        let owners: Vec<String> = action
            .owning_agencies(every_agency)
            .into_iter()
            .map(String::from)
            .collect();
        let (add, remove) = link_changes(
            old.map(|(_, a)| a.agencies.as_slice()).unwrap_or_default(),
            &owners,
        );
        for agency in &add {
            plan_action_agency::ActiveModel {
                action_id: Set(model.id),
                agency_code: Set(agency.clone()),
            }
            .insert(txn)
            .await?;
        }
        if !remove.is_empty() {
            plan_action_agency::Entity::delete_many()
                .filter(plan_action_agency::Column::ActionId.eq(model.id))
                .filter(plan_action_agency::Column::AgencyCode.is_in(remove.clone()))
                .exec(txn)
                .await?;
        }
        report.added += add.len();
        report.removed += remove.len();
    }
    Ok(())
}

/// Which agency links to add and which to remove so that `stored` becomes `wanted`.
fn link_changes(stored: &[String], wanted: &[String]) -> (Vec<String>, Vec<String>) {
    let stored: BTreeSet<&String> = stored.iter().collect();
    let wanted: BTreeSet<&String> = wanted.iter().collect();
    (
        wanted.difference(&stored).map(|s| s.to_string()).collect(),
        stored.difference(&wanted).map(|s| s.to_string()).collect(),
    )
}
