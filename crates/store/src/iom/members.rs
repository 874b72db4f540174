//! Selecting people into the cohort, reading a membership, changing its tier and
//! de-selecting. Each change is checked by `casework_domain::iom` against the
//! memberships read in the same write transaction, so two panels cannot race.

use casework_domain::FieldError;
use casework_domain::access::CaseKind;
use casework_domain::calendar::uk_day;
use casework_domain::iom::{Deselection, Membership, Stream, TierChange};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{IomMember, TierRecord, invalid, to_need, to_tier};
use crate::cases::{CLOSED, MAX_TEXT, NewCaseRow, insert_case};
use crate::entities::{
    case, iom_membership, iom_need, iom_need_referral, iom_tier_change, person, user, ward,
};
use crate::{Store, StoreError};

const KIND: CaseKind = CaseKind::Iom;

/// A selection, already checked by `casework_domain::iom::check_selection`.
#[derive(Debug, Clone)]
pub struct NewIomMember {
    pub person_id: Uuid,
    pub membership: Membership,
    pub selection_reason: Option<String>,
    /// The ward the case counts in; the person's own when `None`.
    pub ward: Option<String>,
    pub owner_agency: String,
    pub logged_by: Uuid,
    /// The lead offender manager.
    pub lead_officer: Option<Uuid>,
    pub police_lead: Option<Uuid>,
    pub probation_lead: Option<Uuid>,
    pub placement: Option<String>,
    pub outreach_worker: Option<String>,
    pub now: DateTime<Utc>,
}

fn short(field: &str, value: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    if value
        .as_deref()
        .is_some_and(|v| v.chars().count() > MAX_TEXT)
    {
        errors.push(FieldError::new(
            field,
            format!("Use at most {MAX_TEXT} characters."),
        ));
    }
    value
}

impl Store {
    /// A person's memberships, oldest first, as the rules read them (with case ids).
    pub async fn iom_memberships_of(
        &self,
        conn: &impl ConnectionTrait,
        person_id: Uuid,
    ) -> Result<Vec<(Uuid, Membership)>, StoreError> {
        let ids: Vec<Uuid> = iom_membership::Entity::find()
            .select_only()
            .column(iom_membership::Column::CaseId)
            .filter(iom_membership::Column::PersonId.eq(person_id))
            .order_by_asc(iom_membership::Column::EnteredOn)
            .into_tuple()
            .all(conn)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(member) = self.iom_member(conn, id).await? {
                out.push((id, member.membership()));
            }
        }
        Ok(out)
    }

    /// Selects a person into the cohort: a new case `IOM-2012-00001`, its membership
    /// and its first tier. Call it in the write transaction that appends its audit
    /// event.
    pub async fn select_iom_member(
        &self,
        conn: &impl ConnectionTrait,
        new: NewIomMember,
    ) -> Result<IomMember, StoreError> {
        let mut errors = Vec::new();
        let Some(subject) = person::Entity::find_by_id(new.person_id).one(conn).await? else {
            return Err(StoreError::Fields(vec![FieldError::new(
                "person_id",
                "There is no such person.",
            )]));
        };
        let ward_code = new
            .ward
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .or(subject.ward_code);
        match &ward_code {
            None => errors.push(FieldError::new(
                "ward",
                "They have no ward on record: choose the ward the membership counts in.",
            )),
            Some(code) => {
                if ward::Entity::find_by_id(code.clone())
                    .one(conn)
                    .await?
                    .is_none()
                {
                    errors.push(FieldError::new(
                        "ward",
                        format!("'{code}' is not a ward of the partnership."),
                    ));
                }
            }
        }
        for (field, id) in [
            ("lead_officer", new.lead_officer),
            ("police_lead", new.police_lead),
            ("probation_lead", new.probation_lead),
        ] {
            if let Some(id) = id
                && user::Entity::find_by_id(id).one(conn).await?.is_none()
            {
                errors.push(FieldError::new(field, "There is no such user."));
            }
        }
        let reason = short("reason", new.selection_reason, &mut errors);
        let placement = short("placement", new.placement, &mut errors);
        let worker = short("outreach_worker", new.outreach_worker, &mut errors);
        let (Some(ward_code), true) = (ward_code, errors.is_empty()) else {
            return Err(StoreError::Fields(errors));
        };
        let Some(first) = new.membership.tiers.first().cloned() else {
            return Err(StoreError::Invalid(
                "a membership starts with a tier".into(),
            ));
        };
        let id = insert_case(
            conn,
            NewCaseRow {
                kind: KIND,
                owner_agency: new.owner_agency,
                lead_officer: new.lead_officer,
                logged_by: new.logged_by,
                subject_person_id: new.person_id,
                ward_code,
                summary: None,
                opened_at: new.now,
            },
        )
        .await?
        .id;
        iom_membership::ActiveModel {
            case_id: Set(id),
            person_id: Set(new.person_id),
            entered_on: Set(new.membership.entered_on),
            stream: Set(new.membership.stream.as_str().to_string()),
            selection_reason: Set(reason),
            police_lead: Set(new.police_lead),
            probation_lead: Set(new.probation_lead),
            placement: Set(placement),
            outreach_worker: Set(worker),
            deselected_on: Set(None),
            deselection_reason: Set(None),
        }
        .insert(conn)
        .await?;
        insert_tier(conn, id, &first, new.logged_by, new.now).await?;
        self.iom_member(conn, id).await?.ok_or(StoreError::NotFound)
    }

    /// A membership with its case, tiers and needs, or `None` when there is no IOM
    /// membership with this id.
    pub async fn iom_member(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<IomMember>, StoreError> {
        let Some(case) = self.case(conn, id).await? else {
            return Ok(None);
        };
        let Some(row) = iom_membership::Entity::find_by_id(id).one(conn).await? else {
            return Ok(None);
        };
        let tiers = iom_tier_change::Entity::find()
            .filter(iom_tier_change::Column::CaseId.eq(id))
            .order_by_asc(iom_tier_change::Column::ChangedOn)
            .order_by_asc(iom_tier_change::Column::RecordedAt)
            .all(conn)
            .await?
            .into_iter()
            .map(to_tier)
            .collect::<Result<Vec<_>, _>>()?;
        let mut referrals = iom_need_referral::Entity::find()
            .filter(iom_need_referral::Column::CaseId.eq(id))
            .order_by_asc(iom_need_referral::Column::ReferredAt)
            .all(conn)
            .await?;
        let mut needs = Vec::new();
        for need in iom_need::Entity::find()
            .filter(iom_need::Column::CaseId.eq(id))
            .order_by_asc(iom_need::Column::RecordedAt)
            .order_by_asc(iom_need::Column::Id)
            .all(conn)
            .await?
        {
            let (own, rest) = referrals.into_iter().partition(|r| r.need_id == need.id);
            referrals = rest;
            needs.push(to_need(need, own)?);
        }
        needs.sort_by_key(|n| n.pathway);
        let stream = Stream::parse(&row.stream).ok_or_else(|| invalid("stream", &row.stream))?;
        let deselection = match (row.deselected_on, row.deselection_reason) {
            (Some(on), reason) => Some(Deselection {
                on,
                reason: reason.unwrap_or_default(),
            }),
            // Closed through the case routes rather than de-selected: it is over all the
            // same, on the day it closed, so the rules never see two open memberships.
            (None, _) if !case.is_open() => Some(Deselection {
                on: case
                    .closed_at
                    .map(uk_day)
                    .unwrap_or(row.entered_on)
                    .max(row.entered_on),
                reason: case.outcome.clone().unwrap_or_default(),
            }),
            (None, _) => None,
        };
        Ok(Some(IomMember {
            case,
            person_id: row.person_id,
            entered_on: row.entered_on,
            stream,
            selection_reason: row.selection_reason,
            police_lead: row.police_lead,
            probation_lead: row.probation_lead,
            placement: row.placement,
            outreach_worker: row.outreach_worker,
            deselection,
            tiers,
            needs,
        }))
    }

    /// Records a change of tier checked by `casework_domain::iom::check_tier_change`.
    pub async fn change_iom_tier(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        change: &TierChange,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<TierRecord, StoreError> {
        insert_tier(conn, id, change, by, now).await
    }

    /// De-selects a member (checked by `casework_domain::iom::check_deselection`):
    /// the membership records the day and reason, and its case closes with the reason
    /// as its outcome.
    pub async fn deselect_iom_member(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        out: &Deselection,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if out.reason.chars().count() > MAX_TEXT {
            return Err(StoreError::Fields(vec![FieldError::new(
                "reason",
                format!("Use at most {MAX_TEXT} characters."),
            )]));
        }
        iom_membership::ActiveModel {
            case_id: Set(id),
            deselected_on: Set(Some(out.on)),
            deselection_reason: Set(Some(out.reason.clone())),
            ..Default::default()
        }
        .update(conn)
        .await?;
        case::ActiveModel {
            id: Set(id),
            status: Set(CLOSED.to_string()),
            outcome: Set(Some(out.reason.clone())),
            closed_at: Set(Some(now)),
            ..Default::default()
        }
        .update(conn)
        .await?;
        Ok(())
    }
}

async fn insert_tier(
    conn: &impl ConnectionTrait,
    id: Uuid,
    change: &TierChange,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<TierRecord, StoreError> {
    let row = iom_tier_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(id),
        changed_on: Set(change.on),
        tier: Set(change.tier.as_str().to_string()),
        reason: Set(change.reason.clone()),
        recorded_by: Set(by),
        recorded_at: Set(now),
    }
    .insert(conn)
    .await?;
    to_tier(row)
}
