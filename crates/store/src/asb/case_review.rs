//! ASB Case Review applications: recording one with the due date of each step (the
//! domain counts the working days), recording each step as it is done, and the open
//! applications an agency is working, for the overdue list.

use casework_domain::FieldError;
use casework_domain::asb::{CaseReviewDeadlines, CaseReviewStep};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use uuid::Uuid;

use crate::cases::{MAX_TEXT, OPEN, owned_by_or_shared_with};
use crate::entities::{asb_case_review, case};
use crate::{Store, StoreError};

/// An application to record.
#[derive(Debug, Clone)]
pub struct NewCaseReview {
    pub case_id: Uuid,
    pub applicant_id: Uuid,
    pub applied_on: NaiveDate,
    pub deadlines: CaseReviewDeadlines,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// An application as stored, with what has been done so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseReviewApplication {
    pub id: Uuid,
    pub case_id: Uuid,
    pub applicant_id: Uuid,
    pub applied_on: NaiveDate,
    pub acknowledge_by: NaiveDate,
    pub decide_by: NaiveDate,
    pub review_by: NaiveDate,
    pub acknowledged_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub threshold_met: Option<bool>,
    pub review_held_on: Option<NaiveDate>,
    pub outcome: Option<String>,
}

impl CaseReviewApplication {
    pub fn deadlines(&self) -> CaseReviewDeadlines {
        CaseReviewDeadlines {
            acknowledge_by: self.acknowledge_by,
            decide_by: self.decide_by,
            review_by: self.review_by,
        }
    }

    /// The steps done so far, for [`CaseReviewDeadlines::overdue`]. A threshold found
    /// not met ends the application: no review is held.
    pub fn steps_done(&self) -> Vec<CaseReviewStep> {
        let mut done = Vec::new();
        if self.acknowledged_on.is_some() {
            done.push(CaseReviewStep::Acknowledge);
        }
        if self.decided_on.is_some() {
            done.push(CaseReviewStep::DecideThreshold);
        }
        if self.review_held_on.is_some() || self.threshold_met == Some(false) {
            done.push(CaseReviewStep::HoldReview);
        }
        done
    }

    /// Whether every step is done.
    pub fn is_finished(&self) -> bool {
        self.steps_done().len() == CaseReviewStep::ALL.len()
    }
}

/// An application still being worked, with its case's reference and facts for the
/// policy to check.
#[derive(Debug, Clone, Serialize)]
pub struct OpenCaseReview {
    pub application: CaseReviewApplication,
    pub case_reference: String,
    pub owner_agency: String,
}

/// One step done, as recorded.
#[derive(Debug, Clone)]
pub enum StepDone {
    Acknowledged { on: NaiveDate },
    Decided { on: NaiveDate, threshold_met: bool },
    ReviewHeld { on: NaiveDate, outcome: String },
}

impl Store {
    pub async fn record_case_review(
        &self,
        conn: &impl ConnectionTrait,
        new: NewCaseReview,
    ) -> Result<CaseReviewApplication, StoreError> {
        let id = Uuid::new_v4();
        let row = asb_case_review::ActiveModel {
            id: Set(id),
            case_id: Set(new.case_id),
            applicant_id: Set(new.applicant_id),
            applied_on: Set(new.applied_on),
            acknowledge_by: Set(new.deadlines.acknowledge_by),
            decide_by: Set(new.deadlines.decide_by),
            review_by: Set(new.deadlines.review_by),
            acknowledged_on: Set(None),
            decided_on: Set(None),
            threshold_met: Set(None),
            review_held_on: Set(None),
            outcome: Set(None),
            recorded_by: Set(new.recorded_by),
            recorded_at: Set(new.recorded_at),
        }
        .insert(conn)
        .await?;
        Ok(to_application(row))
    }

    /// A case's applications, newest first.
    pub async fn case_reviews_of(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
    ) -> Result<Vec<CaseReviewApplication>, StoreError> {
        Ok(asb_case_review::Entity::find()
            .filter(asb_case_review::Column::CaseId.eq(case_id))
            .order_by_desc(asb_case_review::Column::AppliedOn)
            .order_by_desc(asb_case_review::Column::RecordedAt)
            .all(conn)
            .await?
            .into_iter()
            .map(to_application)
            .collect())
    }

    /// Records a step of an application on `case_id`. A step already recorded is not
    /// written over: the officer is told when it was done.
    pub async fn record_case_review_step(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        application_id: Uuid,
        step: StepDone,
    ) -> Result<CaseReviewApplication, StoreError> {
        let row = asb_case_review::Entity::find_by_id(application_id)
            .filter(asb_case_review::Column::CaseId.eq(case_id))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let already = |field: &str, on: Option<NaiveDate>| match on {
            Some(on) => Err(StoreError::Fields(vec![FieldError::new(
                field,
                format!("This was already recorded, on {}.", on.format("%Y-%m-%d")),
            )])),
            None => Ok(()),
        };
        let mut active: asb_case_review::ActiveModel = row.clone().into();
        match step {
            StepDone::Acknowledged { on } => {
                already("acknowledged_on", row.acknowledged_on)?;
                active.acknowledged_on = Set(Some(on));
            }
            StepDone::Decided { on, threshold_met } => {
                already("decided_on", row.decided_on)?;
                active.decided_on = Set(Some(on));
                active.threshold_met = Set(Some(threshold_met));
            }
            StepDone::ReviewHeld { on, outcome } => {
                already("review_held_on", row.review_held_on)?;
                if row.threshold_met != Some(true) {
                    return Err(StoreError::Fields(vec![FieldError::new(
                        "review_held_on",
                        "A review is held only once the threshold is found to be met.",
                    )]));
                }
                if outcome.trim().is_empty() || outcome.chars().count() > MAX_TEXT {
                    return Err(StoreError::Fields(vec![FieldError::new(
                        "outcome",
                        format!("Say what the review found, in up to {MAX_TEXT} characters."),
                    )]));
                }
                active.review_held_on = Set(Some(on));
                active.outcome = Set(Some(outcome.trim().to_string()));
            }
        }
        Ok(to_application(active.update(conn).await?))
    }

    /// Applications with a step still to do, on open ASB cases owned by or shared with
    /// `agency`: the agency's work queue, oldest application first. The caller asks the
    /// access policy about each case before showing it.
    pub async fn open_case_reviews_for(
        &self,
        agency: &str,
    ) -> Result<Vec<OpenCaseReview>, StoreError> {
        let conn = self.connection();
        let rows = asb_case_review::Entity::find()
            .find_also_related(case::Entity)
            .filter(asb_case_review::Column::ReviewHeldOn.is_null())
            .filter(case::Column::Status.eq(OPEN))
            .filter(owned_by_or_shared_with(agency))
            .order_by_asc(asb_case_review::Column::AppliedOn)
            .all(conn)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(row, case)| {
                let case = case?;
                let application = to_application(row);
                (!application.is_finished()).then_some(OpenCaseReview {
                    application,
                    case_reference: case.reference,
                    owner_agency: case.owner_agency,
                })
            })
            .collect())
    }
}

fn to_application(row: asb_case_review::Model) -> CaseReviewApplication {
    CaseReviewApplication {
        id: row.id,
        case_id: row.case_id,
        applicant_id: row.applicant_id,
        applied_on: row.applied_on,
        acknowledge_by: row.acknowledge_by,
        decide_by: row.decide_by,
        review_by: row.review_by,
        acknowledged_on: row.acknowledged_on,
        decided_on: row.decided_on,
        threshold_met: row.threshold_met,
        review_held_on: row.review_held_on,
        outcome: row.outcome,
    }
}
