//! The one actions list across Casework: actions from LMAPS minutes, from cases and
//! the plan's own, per agency and per officer, by view (open, due, overdue, done).
//! The rules are `casework_domain::actions`.

use casework_domain::actions::{ActionSource, ActionStatus, ActionView, NewAction};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::entities::{action, case};
use crate::people::Page;
use crate::{Store, StoreError};

/// An action to store, with where it was set.
#[derive(Debug, Clone)]
pub struct NewActionRow {
    pub source: ActionSource,
    pub case_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub plan_action_id: Option<Uuid>,
    pub action: NewAction,
}

/// An action as stored, with its case's reference when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionRecord {
    pub id: Uuid,
    pub source: ActionSource,
    pub case_id: Option<Uuid>,
    pub case_reference: Option<String>,
    pub meeting_id: Option<Uuid>,
    pub plan_action_id: Option<Uuid>,
    pub description: String,
    pub agency: String,
    pub officer: Option<Uuid>,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub completed_by: Option<Uuid>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Which actions a list holds.
#[derive(Debug, Clone)]
pub struct ActionFilter {
    pub agency: Option<String>,
    pub officer: Option<Uuid>,
    pub view: ActionView,
}

fn to_record(row: action::Model, reference: Option<String>) -> Result<ActionRecord, StoreError> {
    Ok(ActionRecord {
        id: row.id,
        source: ActionSource::parse(&row.source).ok_or_else(|| {
            StoreError::Invalid(format!("unknown action source '{}'", row.source))
        })?,
        case_id: row.case_id,
        case_reference: reference,
        meeting_id: row.meeting_id,
        plan_action_id: row.plan_action_id,
        description: row.description,
        agency: row.agency,
        officer: row.officer_id,
        due_on: row.due_on,
        status: ActionStatus::parse(&row.status).ok_or_else(|| {
            StoreError::Invalid(format!("unknown action status '{}'", row.status))
        })?,
        created_by: row.created_by,
        created_at: row.created_at,
        completed_by: row.completed_by,
        completed_at: row.completed_at,
    })
}

impl Store {
    /// Stores an open action.
    pub async fn create_action(
        &self,
        conn: &impl ConnectionTrait,
        new: NewActionRow,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<ActionRecord, StoreError> {
        let row = action::ActiveModel {
            id: Set(Uuid::new_v4()),
            source: Set(new.source.as_str().to_string()),
            case_id: Set(new.case_id),
            meeting_id: Set(new.meeting_id),
            plan_action_id: Set(new.plan_action_id),
            description: Set(new.action.description),
            agency: Set(new.action.agency),
            officer_id: Set(new.action.officer),
            due_on: Set(new.action.due_on),
            status: Set(ActionStatus::Open.as_str().to_string()),
            created_by: Set(by),
            created_at: Set(now),
            completed_by: Set(None),
            completed_at: Set(None),
        }
        .insert(conn)
        .await?;
        to_record(row, None)
    }

    /// One action, or `None`.
    pub async fn action(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<ActionRecord>, StoreError> {
        match action::Entity::find_by_id(id).one(conn).await? {
            None => Ok(None),
            Some(row) => to_record(row, None).map(Some),
        }
    }

    /// Marks an open action done by `by` at `now` (the caller has checked it is open).
    pub async fn complete_action(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        action::ActiveModel {
            id: Set(id),
            status: Set(ActionStatus::Done.as_str().to_string()),
            completed_by: Set(Some(by)),
            completed_at: Set(Some(now)),
            ..Default::default()
        }
        .update(conn)
        .await?;
        Ok(())
    }

    /// A page of actions matching the filter as of `today`, soonest due first, with
    /// the total (two queries, and one for the page's case references).
    pub async fn actions(
        &self,
        filter: &ActionFilter,
        today: NaiveDate,
        page: u64,
        per_page: u64,
    ) -> Result<Page<ActionRecord>, StoreError> {
        let conn = self.connection();
        let (status, from, to) = filter.view.bounds(today);
        let mut condition = Condition::all();
        if let Some(agency) = &filter.agency {
            condition = condition.add(action::Column::Agency.eq(agency.clone()));
        }
        if let Some(officer) = filter.officer {
            condition = condition.add(action::Column::OfficerId.eq(officer));
        }
        if let Some(status) = status {
            condition = condition.add(action::Column::Status.eq(status.as_str()));
        }
        if let Some(from) = from {
            condition = condition.add(action::Column::DueOn.gte(from));
        }
        if let Some(to) = to {
            condition = condition.add(action::Column::DueOn.lte(to));
        }
        let query = action::Entity::find().filter(condition);
        let total = query.clone().count(conn).await?;
        let per_page = per_page.clamp(1, 200);
        let rows = query
            .order_by_asc(action::Column::DueOn)
            .order_by_asc(action::Column::CreatedAt)
            .order_by_asc(action::Column::Id)
            .limit(per_page)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .all(conn)
            .await?;
        let case_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.case_id).collect();
        let references: std::collections::HashMap<Uuid, String> = if case_ids.is_empty() {
            Default::default()
        } else {
            case::Entity::find()
                .select_only()
                .column(case::Column::Id)
                .column(case::Column::Reference)
                .filter(case::Column::Id.is_in(case_ids))
                .into_tuple::<(Uuid, String)>()
                .all(conn)
                .await?
                .into_iter()
                .collect()
        };
        let items = rows
            .into_iter()
            .map(|row| {
                let reference = row.case_id.and_then(|id| references.get(&id).cloned());
                to_record(row, reference)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page { items, total })
    }
}
