//! The plan, measured: a plan year's measure catalogue, the quarterly report (every
//! measure against its baseline per district and quarter, the plan's actions with
//! their progress), the figures officers enter, and the cases that serve an aim.
//! Counts only: nothing here reads a person's details.

mod bulk;
mod cases;
mod sources;

use std::collections::{HashMap, HashSet};

use casework_domain::calendar::{FinancialYear, Quarter};
use casework_domain::plan_measures::{
    ALL_DISTRICTS, ActionStatus, Catalogue, Direction, EnteredFigure, Source, Status, Unit,
    change_percent, is_overdue, quarters_reported, status,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use uuid::Uuid;

pub use bulk::{BulkAsbAssessment, BulkAsbCase, BulkAsbIncident};
pub use cases::AimCase;
pub use sources::{Figure, Figures};

use crate::entities::{plan_action_update, plan_measure_catalogue, plan_measure_figure};
use crate::plan::Plan;
use crate::{Store, StoreError};

/// The measures of the built-in plan, loaded with it.
pub const BUILT_IN_MEASURES: &str =
    include_str!("../../../../reference/plans/2012-13-measures.toml");

/// The year of the built-in measures file.
pub const BUILT_IN_MEASURES_YEAR: &str = "2012-13";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub year: String,
    pub title: String,
    pub quarter: Quarter,
    /// The quarters shown, up to the report's own, that have begun.
    pub quarters: Vec<Quarter>,
    /// District codes in the plan's order, then `all`.
    pub districts: Vec<String>,
    pub tolerance_percent: i64,
    pub priorities: Vec<ReportPriority>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportPriority {
    pub key: String,
    pub title: String,
    pub aims: Vec<ReportAim>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportAim {
    pub id: Uuid,
    pub key: String,
    pub title: String,
    pub baseline_source: Option<String>,
    pub measures: Vec<ReportMeasure>,
    pub actions: Vec<ReportAction>,
    /// Whether cases serve the aim by rule (so it has a list of cases).
    pub has_case_rules: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportMeasure {
    pub key: String,
    pub name: String,
    pub definition: String,
    pub direction: Direction,
    pub unit: Unit,
    pub source: Source,
    pub baseline_period: Option<String>,
    /// False for a computed measure whose module Casework does not have yet: shown as
    /// "not yet computed", never as a zero.
    pub computed_yet: bool,
    pub rows: Vec<MeasureRow>,
}

impl ReportMeasure {
    pub fn is_entered(&self) -> bool {
        self.source == Source::Entered
    }

    /// The row for a district and quarter.
    pub fn row(&self, district: &str, quarter: Quarter) -> Option<&MeasureRow> {
        self.rows
            .iter()
            .find(|r| r.district == district && r.quarter == quarter)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureRow {
    pub district: String,
    pub quarter: Quarter,
    pub actual: Option<f64>,
    pub baseline: Option<f64>,
    pub change: Option<f64>,
    pub change_percent: Option<f64>,
    pub status: Status,
    pub provisional: bool,
    /// Where an entered figure came from.
    pub source_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportAction {
    pub id: Uuid,
    pub key: String,
    pub text: String,
    pub agencies: Vec<String>,
    pub review_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub overdue: bool,
    pub latest: Option<ActionUpdate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionUpdate {
    pub status: ActionStatus,
    pub note: String,
    pub agency: String,
    pub written_at: DateTime<Utc>,
}

/// Whether the module a source comes from is in Casework: every one now (Prevent &
/// Deter was the last); kept so that a source added before its module shows "not yet
/// computed" rather than a zero.
fn computed_yet(_source: Source) -> bool {
    true
}

impl Store {
    /// The measure catalogue of a stored plan: as loaded for its year, or for the
    /// built-in year the built-in file. `None` when the year has none.
    pub async fn measure_catalogue(&self, plan: &Plan) -> Result<Option<Catalogue>, StoreError> {
        let year = FinancialYear::parse(&plan.year).map_err(StoreError::Invalid)?;
        let stored = plan_measure_catalogue::Entity::find_by_id(plan.year.clone())
            .one(self.connection())
            .await?;
        let text = match &stored {
            Some(row) => row.document.as_str(),
            None if plan.year == BUILT_IN_MEASURES_YEAR => BUILT_IN_MEASURES,
            None => return Ok(None),
        };
        self.check_catalogue(plan, year, text).await.map(Some)
    }

    async fn check_catalogue(
        &self,
        plan: &Plan,
        year: FinancialYear,
        text: &str,
    ) -> Result<Catalogue, StoreError> {
        let aims: HashSet<String> = plan
            .priorities
            .iter()
            .flat_map(|p| p.aims.iter().map(|a| a.key.clone()))
            .collect();
        let districts: HashSet<String> = self
            .districts()
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect();
        Catalogue::parse(text, year, &aims, &districts)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// Checks a measures file against a stored plan and stores it for the plan's year,
    /// replacing the one before.
    pub async fn import_measure_catalogue(
        &self,
        plan: &Plan,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Catalogue, StoreError> {
        let year = FinancialYear::parse(&plan.year).map_err(StoreError::Invalid)?;
        let catalogue = self.check_catalogue(plan, year, text).await?;
        let txn = self.begin_write().await?;
        plan_measure_catalogue::Entity::delete_by_id(plan.year.clone())
            .exec(&txn)
            .await?;
        plan_measure_catalogue::ActiveModel {
            plan_year: Set(plan.year.clone()),
            document: Set(text.to_string()),
            loaded_at: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(catalogue)
    }

    /// The report of `quarter` of a plan year as it stands on `today`: every measure
    /// per district and for West Cumbria, for each quarter of the year up to this one
    /// that has begun, against its baseline; and the plan's actions with their latest
    /// progress. `None` when no plan is stored for the year.
    pub async fn plan_report(
        &self,
        year: FinancialYear,
        quarter: Quarter,
        today: NaiveDate,
    ) -> Result<Option<Report>, StoreError> {
        let Some(plan) = self.plan(year).await? else {
            return Ok(None);
        };
        let catalogue = self.measure_catalogue(&plan).await?.unwrap_or(Catalogue {
            year,
            measures: Vec::new(),
            case_rules: Vec::new(),
        });
        let settings = self.settings().await?;
        let quarters = quarters_reported(year, quarter, today);
        let sources: HashSet<Source> = catalogue
            .measures
            .iter()
            .map(|m| m.source)
            .filter(|s| *s != Source::Entered && computed_yet(*s))
            .collect();
        let action_ids: Vec<Uuid> = plan
            .priorities
            .iter()
            .flat_map(|p| p.aims.iter().flat_map(|a| a.actions.iter().map(|x| x.id)))
            .collect();
        let (computed, entered, updates, districts) = tokio::try_join!(
            self.plan_computed_figures(year, &quarters, &sources, &settings, today),
            self.entered_figures(&plan.year),
            self.latest_action_updates(&action_ids),
            self.districts(),
        )?;
        let mut district_codes: Vec<String> = districts.into_iter().map(|d| d.code).collect();
        district_codes.push(ALL_DISTRICTS.to_string());
        let tolerance = settings.plan_status_tolerance_percent;

        let priorities = plan
            .priorities
            .iter()
            .map(|p| ReportPriority {
                key: p.key.clone(),
                title: p.title.clone(),
                aims: p
                    .aims
                    .iter()
                    .map(|a| ReportAim {
                        id: a.id,
                        key: a.key.clone(),
                        title: a.title.clone(),
                        baseline_source: a.baseline_source.clone(),
                        has_case_rules: catalogue.case_rules.iter().any(|r| r.aim == a.key),
                        measures: catalogue
                            .of_aim(&a.key)
                            .map(|m| {
                                let mut rows = Vec::new();
                                for q in &quarters {
                                    for d in &district_codes {
                                        let baseline =
                                            m.baseline.as_ref().and_then(|b| b.for_district(d));
                                        let (actual, provisional, source_note) =
                                            if m.source == Source::Entered {
                                                match entered.get(&(m.key.clone(), *q, d.clone())) {
                                                    Some((v, note)) => {
                                                        (Some(*v), false, Some(note.clone()))
                                                    }
                                                    None => (None, false, None),
                                                }
                                            } else {
                                                match computed.get(&(m.source, *q, d.clone())) {
                                                    Some(f) => (Some(f.value), f.provisional, None),
                                                    None => (None, false, None),
                                                }
                                            };
                                        let change = actual.zip(baseline).map(|(a, b)| a - b);
                                        rows.push(MeasureRow {
                                            district: d.clone(),
                                            quarter: *q,
                                            actual,
                                            baseline,
                                            change,
                                            change_percent: actual
                                                .zip(baseline)
                                                .and_then(|(a, b)| change_percent(b, a)),
                                            status: status(
                                                m.direction,
                                                baseline,
                                                actual,
                                                tolerance,
                                            ),
                                            provisional,
                                            source_note,
                                        });
                                    }
                                }
                                ReportMeasure {
                                    key: m.key.clone(),
                                    name: m.name.clone(),
                                    definition: m.definition.clone(),
                                    direction: m.direction,
                                    unit: m.unit,
                                    source: m.source,
                                    baseline_period: m.baseline.as_ref().map(|b| b.period.clone()),
                                    computed_yet: computed_yet(m.source),
                                    rows,
                                }
                            })
                            .collect(),
                        actions: a
                            .actions
                            .iter()
                            .map(|x| {
                                let latest = updates.get(&x.id).cloned();
                                let status = latest
                                    .as_ref()
                                    .map_or(ActionStatus::NotStarted, |u| u.status);
                                ReportAction {
                                    id: x.id,
                                    key: x.key.clone(),
                                    text: x.text.clone(),
                                    agencies: x.agencies.clone(),
                                    review_date: x.review_date,
                                    overdue: is_overdue(x.review_date, status, today),
                                    status,
                                    latest,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Some(Report {
            year: plan.year.clone(),
            title: plan.title.clone(),
            quarter,
            quarters,
            districts: district_codes,
            tolerance_percent: tolerance,
            priorities,
        }))
    }

    /// The entered figures of a plan year by measure, quarter and district, with
    /// their source.
    async fn entered_figures(
        &self,
        year: &str,
    ) -> Result<HashMap<(String, Quarter, String), (f64, String)>, StoreError> {
        let rows = plan_measure_figure::Entity::find()
            .filter(plan_measure_figure::Column::PlanYear.eq(year))
            .all(self.connection())
            .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in rows {
            if let Some(q) = Quarter::parse(&r.quarter) {
                out.insert((r.measure_key, q, r.district), (r.value, r.source));
            }
        }
        Ok(out)
    }

    /// The latest progress note of each of the actions.
    async fn latest_action_updates(
        &self,
        action_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, ActionUpdate>, StoreError> {
        let mut out = HashMap::new();
        if action_ids.is_empty() {
            return Ok(out);
        }
        let rows = plan_action_update::Entity::find()
            .filter(plan_action_update::Column::ActionId.is_in(action_ids.to_vec()))
            .order_by_desc(plan_action_update::Column::WrittenAt)
            .all(self.connection())
            .await?;
        for r in rows {
            if out.contains_key(&r.action_id) {
                continue;
            }
            let Some(status) = ActionStatus::parse(&r.status) else {
                return Err(StoreError::Invalid(format!(
                    "stored action status '{}'",
                    r.status
                )));
            };
            out.insert(
                r.action_id,
                ActionUpdate {
                    status,
                    note: r.note,
                    agency: r.agency,
                    written_at: r.written_at,
                },
            );
        }
        Ok(out)
    }

    /// Every progress note of one action, newest first.
    pub async fn action_updates(&self, action_id: Uuid) -> Result<Vec<ActionUpdate>, StoreError> {
        plan_action_update::Entity::find()
            .filter(plan_action_update::Column::ActionId.eq(action_id))
            .order_by_desc(plan_action_update::Column::WrittenAt)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|r| {
                Ok(ActionUpdate {
                    status: ActionStatus::parse(&r.status).ok_or_else(|| {
                        StoreError::Invalid(format!("stored action status '{}'", r.status))
                    })?,
                    note: r.note,
                    agency: r.agency,
                    written_at: r.written_at,
                })
            })
            .collect()
    }
}

/// Who enters a quarter's figure, and when: for [`put_measure_figure`].
#[derive(Debug, Clone)]
pub struct EnteredBy {
    pub user: Uuid,
    pub agency: String,
    pub at: DateTime<Utc>,
}

/// Stores an entered figure in `txn`, replacing the one for the same measure, quarter
/// and district; returns the figure's id and the value and source it replaced.
pub async fn put_measure_figure(
    txn: &DatabaseTransaction,
    year: &str,
    measure_key: &str,
    figure: &EnteredFigure,
    by: &EnteredBy,
) -> Result<(Uuid, Option<(f64, String)>), StoreError> {
    let quarter = format!("{:?}", figure.quarter);
    let old = plan_measure_figure::Entity::find()
        .filter(plan_measure_figure::Column::PlanYear.eq(year))
        .filter(plan_measure_figure::Column::MeasureKey.eq(measure_key))
        .filter(plan_measure_figure::Column::Quarter.eq(quarter.clone()))
        .filter(plan_measure_figure::Column::District.eq(figure.district.clone()))
        .one(txn)
        .await?;
    let replaced = old.as_ref().map(|o| (o.value, o.source.clone()));
    if let Some(o) = &old {
        plan_measure_figure::Entity::delete_by_id(o.id)
            .exec(txn)
            .await?;
    }
    let id = Uuid::new_v4();
    plan_measure_figure::ActiveModel {
        id: Set(id),
        plan_year: Set(year.to_string()),
        measure_key: Set(measure_key.to_string()),
        quarter: Set(quarter),
        district: Set(figure.district.clone()),
        value: Set(figure.value),
        source: Set(figure.source.clone()),
        entered_by: Set(by.user),
        entered_by_agency: Set(by.agency.clone()),
        entered_at: Set(by.at),
    }
    .insert(txn)
    .await?;
    Ok((id, replaced))
}

/// Adds a progress note to a plan action in `txn`.
pub async fn add_action_update(
    conn: &impl ConnectionTrait,
    action_id: Uuid,
    status: ActionStatus,
    note: &str,
    by: &EnteredBy,
) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    plan_action_update::ActiveModel {
        id: Set(id),
        action_id: Set(action_id),
        status: Set(status.as_str().to_string()),
        note: Set(note.to_string()),
        agency: Set(by.agency.clone()),
        written_by: Set(by.user),
        written_at: Set(by.at),
    }
    .insert(conn)
    .await?;
    Ok(id)
}
