//! Referrals between agencies: storing a checked referral, reading one with its
//! history, an agency's inbox and outbox (one indexed filter each, paginated), and a
//! change of status that only happens from the status the rule was checked against,
//! so two officers answering at once cannot both win. The rules are
//! `casework_domain::referral`.

use casework_domain::referral::{CheckedReferral, Destination, Panel, Status, Transition};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

use crate::entities::{referral, referral_transition};
use crate::{Store, StoreError};

/// A referral as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referral {
    pub id: Uuid,
    pub person_id: Uuid,
    pub case_id: Option<Uuid>,
    pub from_agency: String,
    pub referred_by: Uuid,
    pub to_agency: Option<String>,
    pub to_panel: Option<Panel>,
    /// The agency referred to, or the panel's coordinating agency.
    pub inbox_agency: String,
    pub reason: String,
    pub consent: bool,
    pub consent_override_reason: Option<String>,
    pub status: Status,
    pub status_reason: Option<String>,
    pub referred_on: NaiveDate,
    pub referred_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One change of status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionRecord {
    pub from: Status,
    pub to: Status,
    pub reason: Option<String>,
    pub by_user: Uuid,
    pub at: DateTime<Utc>,
}

/// A checked referral to store.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub person_id: Uuid,
    pub case_id: Option<Uuid>,
    pub checked: CheckedReferral,
    pub inbox_agency: String,
    pub from_agency: String,
    pub referred_by: Uuid,
    pub referred_on: NaiveDate,
    pub now: DateTime<Utc>,
}

/// Which of an agency's boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralBox {
    /// Referrals to the agency (or to a panel it coordinates).
    Inbox,
    /// Referrals the agency made.
    Outbox,
}

fn status(text: &str) -> Result<Status, StoreError> {
    Status::parse(text).ok_or_else(|| StoreError::Invalid(format!("unknown status '{text}'")))
}

fn to_referral(row: referral::Model) -> Result<Referral, StoreError> {
    let to_panel = match row.to_panel.as_deref() {
        None => None,
        Some(p) => Some(
            Panel::parse(p).ok_or_else(|| StoreError::Invalid(format!("unknown panel '{p}'")))?,
        ),
    };
    Ok(Referral {
        id: row.id,
        person_id: row.person_id,
        case_id: row.case_id,
        from_agency: row.from_agency,
        referred_by: row.referred_by,
        to_agency: row.to_agency,
        to_panel,
        inbox_agency: row.inbox_agency,
        reason: row.reason,
        consent: row.consent,
        consent_override_reason: row.consent_override_reason,
        status: status(&row.status)?,
        status_reason: row.status_reason,
        referred_on: row.referred_on,
        referred_at: row.referred_at,
        updated_at: row.updated_at,
    })
}

impl Store {
    /// Stores a checked referral, in progress. Call it in the write transaction that
    /// appends its audit event.
    pub async fn insert_referral(
        &self,
        conn: &impl ConnectionTrait,
        new: NewReferral,
    ) -> Result<Referral, StoreError> {
        let (to_agency, to_panel) = match &new.checked.destination {
            Destination::Agency(a) => (Some(a.clone()), None),
            Destination::Panel(p) => (None, Some(p.as_str().to_string())),
        };
        let row = referral::ActiveModel {
            id: Set(Uuid::new_v4()),
            person_id: Set(new.person_id),
            case_id: Set(new.case_id),
            from_agency: Set(new.from_agency),
            referred_by: Set(new.referred_by),
            to_agency: Set(to_agency),
            to_panel: Set(to_panel),
            inbox_agency: Set(new.inbox_agency),
            reason: Set(new.checked.reason),
            consent: Set(new.checked.consent),
            consent_override_reason: Set(new.checked.consent_override_reason),
            status: Set(Status::InProgress.as_str().to_string()),
            status_reason: Set(None),
            referred_on: Set(new.referred_on),
            referred_at: Set(new.now),
            updated_at: Set(new.now),
        }
        .insert(conn)
        .await?;
        to_referral(row)
    }

    pub async fn referral(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<Referral>, StoreError> {
        referral::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(to_referral)
            .transpose()
    }

    /// A referral's changes of status, oldest first.
    pub async fn referral_transitions(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Vec<TransitionRecord>, StoreError> {
        referral_transition::Entity::find()
            .filter(referral_transition::Column::ReferralId.eq(id))
            .order_by_asc(referral_transition::Column::At)
            .order_by_asc(referral_transition::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|row| {
                Ok(TransitionRecord {
                    from: status(&row.from_status)?,
                    to: status(&row.to_status)?,
                    reason: row.reason,
                    by_user: row.by_user,
                    at: row.at,
                })
            })
            .collect()
    }

    /// Records a checked change of status. It only happens if the referral is still
    /// in the status the rule was checked against; otherwise someone answered first
    /// and this is a conflict.
    pub async fn record_referral_transition(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        transition: &Transition,
        by_user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let updated = referral::Entity::update_many()
            .col_expr(
                referral::Column::Status,
                Expr::value(transition.to.as_str()),
            )
            .col_expr(
                referral::Column::StatusReason,
                Expr::value(transition.reason.clone()),
            )
            .col_expr(referral::Column::UpdatedAt, Expr::value(now))
            .filter(referral::Column::Id.eq(id))
            .filter(referral::Column::Status.eq(transition.from.as_str()))
            .exec(conn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(StoreError::Conflict(
                "The referral was changed by someone else: reload it and try again.".into(),
            ));
        }
        referral_transition::ActiveModel {
            id: Set(Uuid::new_v4()),
            referral_id: Set(id),
            from_status: Set(transition.from.as_str().to_string()),
            to_status: Set(transition.to.as_str().to_string()),
            reason: Set(transition.reason.clone()),
            by_user: Set(by_user),
            at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(())
    }

    /// One page (from 1) of an agency's inbox or outbox, newest first, and how many
    /// there are in all.
    pub async fn referral_box(
        &self,
        agency: &str,
        which: ReferralBox,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<Referral>, u64), StoreError> {
        let column = match which {
            ReferralBox::Inbox => referral::Column::InboxAgency,
            ReferralBox::Outbox => referral::Column::FromAgency,
        };
        let query = referral::Entity::find().filter(column.eq(agency));
        let total = query.clone().count(self.connection()).await?;
        let rows = query
            .order_by_desc(referral::Column::ReferredAt)
            .order_by_desc(referral::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(self.connection())
            .await?;
        let items = rows
            .into_iter()
            .map(to_referral)
            .collect::<Result<_, _>>()?;
        Ok((items, total))
    }
}
