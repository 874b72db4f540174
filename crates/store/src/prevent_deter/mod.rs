//! Prevent & Deter: each referral is a case of kind `prevent-deter` (`PD-2012-00001`)
//! owned by the Prevent & Deter team, whose subject is the young person, shared with
//! the referring agency (an audited share, so that agency can read it); beside it the
//! referral's own facts, where the young person is now, and every step they took. The
//! programme's own stages are a list (`pd_programme_stages`). The rules are
//! `casework_domain::prevent_deter`.
//!
//! For other modules: [`awaiting_panel_decision`] (LMAPS agendas) and [`measures`]
//! (the plan's report).

mod measures;
#[cfg(test)]
mod tests;

use casework_domain::access::CaseKind;
use casework_domain::prevent_deter::{ExitOutcome, ProgrammeStage, Stage, Step};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::cases::{Case, NewCaseRow, OPEN, insert_case};
use crate::entities::{case, pd_programme_stage, pd_referral, pd_stage_change, ward};
use crate::{Store, StoreError};

/// The rules' types a new referral is made of, for callers without the domain crate.
pub use casework_domain::prevent_deter::{PdReferral, Reason, RiskFactor};
pub use measures::{PdEvents, PdMeasures, events, measures};

/// The agency that owns every Prevent & Deter case.
pub const TEAM_AGENCY: &str = "prevent-deter";

/// The most lines the board shows.
pub const BOARD_LIMIT: u64 = 1000;

/// A referral as read: its case, its facts, where the young person is, and the steps
/// (oldest first).
#[derive(Debug, Clone)]
pub struct PdCase {
    pub case: Case,
    pub person_id: Uuid,
    pub referred_on: NaiveDate,
    pub referring_agency: String,
    pub age_at_referral: u32,
    pub reasons: Vec<Reason>,
    pub alcohol_related: bool,
    pub risk_factors: Vec<RiskFactor>,
    pub below_bar_reason: Option<String>,
    pub consent_young_person: bool,
    pub consent_parent: bool,
    pub stage: Stage,
    pub stage_on: NaiveDate,
    pub steps: Vec<StepRecord>,
}

/// One step: the stage reached, the day, the officer, the reason and note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub stage: Stage,
    pub on: NaiveDate,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub officer: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// A checked referral to store.
#[derive(Debug, Clone)]
pub struct NewPdReferral {
    pub person_id: Uuid,
    pub referral: PdReferral,
    pub ward: String,
    /// The Prevent & Deter team's agency ([`TEAM_AGENCY`]), which owns the case.
    pub owner_agency: String,
    /// The team's officer leading the work, if one is named yet.
    pub lead_officer: Option<Uuid>,
    pub referring_agency: String,
    pub referred_by: Uuid,
    pub now: DateTime<Utc>,
}

/// One young person on the board.
#[derive(Debug, Clone)]
pub struct BoardLine {
    pub case_id: Uuid,
    pub reference: String,
    pub person_id: Uuid,
    pub referred_on: NaiveDate,
    pub referring_agency: String,
    pub alcohol_related: bool,
    pub risk_factor_count: u32,
    pub stage: Stage,
    pub stage_on: NaiveDate,
}

fn invalid(what: &str, text: &str) -> StoreError {
    StoreError::Invalid(format!("unknown {what} '{text}'"))
}

fn stage_of(
    code: &str,
    programme: Option<&str>,
    outcome: Option<&str>,
) -> Result<Stage, StoreError> {
    Stage::from_stored(code, programme, outcome).ok_or_else(|| invalid("stage", code))
}

fn codes<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, StoreError> {
    text.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| parse(t).ok_or_else(|| invalid("code", t)))
        .collect()
}

/// The ids of open Prevent & Deter cases. Declining and exiting close the case; a case
/// closed through the shared case routes counts as finished too.
pub(crate) fn open_cases() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(case::Column::Id)
        .from(case::Entity)
        .and_where(case::Column::Kind.eq(CaseKind::PreventDeter.as_str()))
        .and_where(case::Column::Status.eq(OPEN))
        .to_owned()
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// The open Prevent & Deter cases in `district` awaiting a panel decision (assessed,
/// or put to the panel and not yet decided), oldest referral first: one query.
pub async fn awaiting_panel_decision(
    conn: &impl ConnectionTrait,
    district: &str,
) -> Result<Vec<Uuid>, StoreError> {
    let wards = Query::select()
        .column(ward::Column::Code)
        .from(ward::Entity)
        .and_where(ward::Column::DistrictCode.eq(district))
        .to_owned();
    let open_cases = open_cases()
        .and_where(case::Column::WardCode.in_subquery(wards))
        .to_owned();
    Ok(pd_referral::Entity::find()
        .select_only()
        .column(pd_referral::Column::CaseId)
        .filter(pd_referral::Column::Stage.is_in(Stage::AWAITING_PANEL_CODES))
        .filter(pd_referral::Column::CaseId.in_subquery(open_cases))
        .order_by_asc(pd_referral::Column::ReferredOn)
        .order_by_asc(pd_referral::Column::CaseId)
        .into_tuple()
        .all(conn)
        .await?)
}

impl Store {
    /// The programme's own stages, in order.
    pub async fn pd_programme_stages(
        &self,
        conn: &impl ConnectionTrait,
    ) -> Result<Vec<ProgrammeStage>, StoreError> {
        Ok(pd_programme_stage::Entity::find()
            .order_by_asc(pd_programme_stage::Column::Position)
            .order_by_asc(pd_programme_stage::Column::Code)
            .all(conn)
            .await?
            .into_iter()
            .map(|row| ProgrammeStage {
                code: row.code,
                name: row.name,
            })
            .collect())
    }

    /// Adds a programme stage (checked by `check_programme_stage`) at the end.
    pub async fn add_pd_programme_stage(
        &self,
        conn: &impl ConnectionTrait,
        stage: &ProgrammeStage,
    ) -> Result<(), StoreError> {
        let last: Option<Option<i32>> = pd_programme_stage::Entity::find()
            .select_only()
            .column_as(pd_programme_stage::Column::Position.max(), "last")
            .into_tuple()
            .one(conn)
            .await?;
        pd_programme_stage::ActiveModel {
            code: Set(stage.code.clone()),
            name: Set(stage.name.clone()),
            position: Set(last.flatten().unwrap_or(0) + 1),
        }
        .insert(conn)
        .await?;
        Ok(())
    }

    /// The young person's open referral (not declined, exited or closed), if any.
    pub async fn pd_open_referral_of(
        &self,
        conn: &impl ConnectionTrait,
        person_id: Uuid,
    ) -> Result<Option<Uuid>, StoreError> {
        Ok(pd_referral::Entity::find()
            .select_only()
            .column(pd_referral::Column::CaseId)
            .filter(pd_referral::Column::PersonId.eq(person_id))
            .filter(pd_referral::Column::CaseId.in_subquery(open_cases()))
            .into_tuple()
            .one(conn)
            .await?)
    }

    /// Stores a referral: a new case `PD-2012-00001`, its facts, its first step
    /// (referred, by the referring officer, on the referral day) and the share with
    /// the referring agency. Call it in the write transaction that appends its audit
    /// events (a `create` and a `share`).
    pub async fn insert_pd_referral(
        &self,
        conn: &impl ConnectionTrait,
        new: NewPdReferral,
    ) -> Result<PdCase, StoreError> {
        let r = &new.referral;
        let case = insert_case(
            conn,
            NewCaseRow {
                kind: CaseKind::PreventDeter,
                owner_agency: new.owner_agency.clone(),
                lead_officer: new.lead_officer,
                logged_by: new.referred_by,
                subject_person_id: new.person_id,
                ward_code: new.ward.clone(),
                summary: None,
                opened_at: new.now,
            },
        )
        .await?;
        let join = |items: Vec<&str>| items.join(",");
        pd_referral::ActiveModel {
            case_id: Set(case.id),
            person_id: Set(new.person_id),
            referred_on: Set(r.referred_on),
            referring_agency: Set(new.referring_agency.clone()),
            age_at_referral: Set(i32::try_from(r.age).unwrap_or(i32::MAX)),
            reasons: Set(join(r.reasons.iter().map(|x| x.as_str()).collect())),
            alcohol_related: Set(r.alcohol_related()),
            risk_factors: Set(join(r.risk_factors.iter().map(|x| x.as_str()).collect())),
            risk_factor_count: Set(i32::try_from(r.risk_factor_count()).unwrap_or(i32::MAX)),
            below_bar_reason: Set(r.below_bar_reason.clone()),
            consent_young_person: Set(true),
            consent_parent: Set(true),
            stage: Set(Stage::Referred.code().to_string()),
            programme_stage: Set(None),
            exit_outcome: Set(None),
            stage_on: Set(r.referred_on),
        }
        .insert(conn)
        .await?;
        insert_step(
            conn,
            case.id,
            &Step {
                to: Stage::Referred,
                on: r.referred_on,
                reason: None,
                note: None,
            },
            new.referred_by,
            new.now,
        )
        .await?;
        if new.referring_agency != new.owner_agency {
            self.share_case(
                conn,
                case.id,
                &new.referring_agency,
                "Referred to Prevent & Deter by this agency.",
                new.referred_by,
                new.now,
            )
            .await?;
        }
        self.pd_case(conn, case.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A referral with its steps, or `None`.
    pub async fn pd_case(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<PdCase>, StoreError> {
        let Some(row) = pd_referral::Entity::find_by_id(id).one(conn).await? else {
            return Ok(None);
        };
        let case = self.case(conn, id).await?.ok_or(StoreError::NotFound)?;
        let steps = pd_stage_change::Entity::find()
            .filter(pd_stage_change::Column::CaseId.eq(id))
            .order_by_asc(pd_stage_change::Column::RecordedAt)
            .order_by_asc(pd_stage_change::Column::ChangedOn)
            .all(conn)
            .await?
            .into_iter()
            .map(|s| {
                Ok(StepRecord {
                    stage: stage_of(
                        &s.stage,
                        s.programme_stage.as_deref(),
                        s.exit_outcome.as_deref(),
                    )?,
                    on: s.changed_on,
                    reason: s.reason,
                    note: s.note,
                    officer: s.officer,
                    recorded_at: s.recorded_at,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(PdCase {
            case,
            person_id: row.person_id,
            referred_on: row.referred_on,
            referring_agency: row.referring_agency,
            age_at_referral: count(row.age_at_referral),
            reasons: codes(&row.reasons, Reason::parse)?,
            alcohol_related: row.alcohol_related,
            risk_factors: codes(&row.risk_factors, RiskFactor::parse)?,
            below_bar_reason: row.below_bar_reason,
            consent_young_person: row.consent_young_person,
            consent_parent: row.consent_parent,
            stage: stage_of(
                &row.stage,
                row.programme_stage.as_deref(),
                row.exit_outcome.as_deref(),
            )?,
            stage_on: row.stage_on,
            steps,
        }))
    }

    /// Records a checked step from `from`. It only happens if the young person is
    /// still there (otherwise someone moved them first: a conflict). Declining and
    /// exiting close the case with the outcome.
    pub async fn record_pd_step(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        from: &Stage,
        step: &Step,
        officer: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut update = pd_referral::Entity::update_many()
            .col_expr(pd_referral::Column::Stage, Expr::value(step.to.code()))
            .col_expr(
                pd_referral::Column::ProgrammeStage,
                Expr::value(step.to.programme_stage().map(str::to_string)),
            )
            .col_expr(
                pd_referral::Column::ExitOutcome,
                Expr::value(step.to.exit_outcome().map(|o| o.as_str().to_string())),
            )
            .col_expr(pd_referral::Column::StageOn, Expr::value(step.on))
            .filter(pd_referral::Column::CaseId.eq(id))
            .filter(pd_referral::Column::Stage.eq(from.code()));
        if let Some(code) = from.programme_stage() {
            update = update.filter(pd_referral::Column::ProgrammeStage.eq(code));
        }
        if update.exec(conn).await?.rows_affected != 1 {
            return Err(StoreError::Conflict(
                "Someone else moved this young person on: reload and try again.".into(),
            ));
        }
        insert_step(conn, id, step, officer, now).await?;
        let outcome = match &step.to {
            Stage::Declined => Some("Declined".to_string()),
            Stage::Exited(o) => Some(format!("Exited: {}", o.name())),
            _ => None,
        };
        if let Some(outcome) = outcome {
            let text = match &step.reason {
                Some(reason) => format!("{outcome}. {reason}"),
                None => outcome,
            };
            self.close_case(conn, id, &text, now).await?;
        }
        Ok(())
    }

    /// The young people on the programme's board: every open referral (not declined,
    /// exited or closed), oldest referral first (at most [`BOARD_LIMIT`]).
    pub async fn pd_board(
        &self,
        conn: &impl ConnectionTrait,
    ) -> Result<Vec<BoardLine>, StoreError> {
        let rows = pd_referral::Entity::find()
            .filter(pd_referral::Column::CaseId.in_subquery(open_cases()))
            .order_by_asc(pd_referral::Column::ReferredOn)
            .order_by_asc(pd_referral::Column::CaseId)
            .limit(BOARD_LIMIT)
            .all(conn)
            .await?;
        let references: std::collections::HashMap<Uuid, String> = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .column(case::Column::Reference)
            .filter(case::Column::Id.is_in(rows.iter().map(|r| r.case_id)))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        rows.into_iter()
            .map(|row| {
                Ok(BoardLine {
                    case_id: row.case_id,
                    reference: references.get(&row.case_id).cloned().unwrap_or_default(),
                    person_id: row.person_id,
                    referred_on: row.referred_on,
                    referring_agency: row.referring_agency,
                    alcohol_related: row.alcohol_related,
                    risk_factor_count: count(row.risk_factor_count),
                    stage: stage_of(
                        &row.stage,
                        row.programme_stage.as_deref(),
                        row.exit_outcome.as_deref(),
                    )?,
                    stage_on: row.stage_on,
                })
            })
            .collect()
    }
}

async fn insert_step(
    conn: &impl ConnectionTrait,
    id: Uuid,
    step: &Step,
    officer: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    pd_stage_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(id),
        stage: Set(step.to.code().to_string()),
        programme_stage: Set(step.to.programme_stage().map(str::to_string)),
        exit_outcome: Set(step.to.exit_outcome().map(|o| o.as_str().to_string())),
        changed_on: Set(step.on),
        reason: Set(step.reason.clone()),
        note: Set(step.note.clone()),
        officer: Set(officer),
        recorded_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// For the measures: the exit outcomes by code.
pub(crate) fn exit_outcome_codes() -> impl Iterator<Item = &'static str> {
    ExitOutcome::ALL.into_iter().map(ExitOutcome::as_str)
}
