//! The victim contact standard: recording the first contact about an incident, and
//! the incidents whose first contact is overdue for an agency's open cases.

use casework_domain::FieldError;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::cases::{OPEN, owned_by_or_shared_with};
use crate::entities::{asb_incident, case};
use crate::{Store, StoreError};

/// An incident whose victim has not been contacted in time.
#[derive(Debug, Clone, Serialize)]
pub struct ContactOverdue {
    pub incident_id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub owner_agency: String,
    pub reporting_agency: String,
    pub reported_at: DateTime<Utc>,
    pub contact_due_at: DateTime<Utc>,
}

/// The most overdue contacts a list shows at once: the oldest are the worst misses.
pub const OVERDUE_LIST_LIMIT: u64 = 200;

impl Store {
    /// Records when the victim of an incident on `case_id` was first contacted. The
    /// first contact is recorded once; a second attempt is told when it was made.
    pub async fn record_victim_contact(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        incident_id: Uuid,
        contacted_at: DateTime<Utc>,
        contacted_by: Uuid,
    ) -> Result<(), StoreError> {
        let row = asb_incident::Entity::find_by_id(incident_id)
            .filter(asb_incident::Column::CaseId.eq(case_id))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(at) = row.victim_contacted_at {
            return Err(StoreError::Fields(vec![FieldError::new(
                "contacted_at",
                format!(
                    "The first contact was already recorded, at {}.",
                    at.format("%Y-%m-%d %H:%M UTC")
                ),
            )]));
        }
        let mut active: asb_incident::ActiveModel = row.into();
        active.victim_contacted_at = Set(Some(contacted_at));
        active.contacted_by = Set(Some(contacted_by));
        active.update(conn).await?;
        Ok(())
    }

    /// Incidents on open ASB cases owned by or shared with `agency` whose victim was
    /// due a first contact before `now` and has had none, most overdue first. The
    /// caller asks the access policy about each case before showing it.
    pub async fn contacts_overdue_for(
        &self,
        agency: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<ContactOverdue>, StoreError> {
        let rows = asb_incident::Entity::find()
            .find_also_related(case::Entity)
            .filter(asb_incident::Column::ContactDueAt.lt(now))
            .filter(asb_incident::Column::VictimContactedAt.is_null())
            .filter(case::Column::Status.eq(OPEN))
            .filter(owned_by_or_shared_with(agency))
            .order_by_asc(asb_incident::Column::ContactDueAt)
            .limit(OVERDUE_LIST_LIMIT)
            .all(self.connection())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(incident, case)| {
                let case = case?;
                Some(ContactOverdue {
                    incident_id: incident.id,
                    case_id: incident.case_id,
                    case_reference: case.reference,
                    owner_agency: case.owner_agency,
                    reporting_agency: incident.reporting_agency,
                    reported_at: incident.reported_at,
                    contact_due_at: incident.contact_due_at?,
                })
            })
            .collect())
    }
}
