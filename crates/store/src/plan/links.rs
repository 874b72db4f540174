//! Hand links to an aim taken back. A removed link leaves `plan_aim_case_links` for
//! `plan_aim_case_link_removals` (same id, with who removed it, when and why), so
//! every reader of the links in force counts only those, and the case may be linked
//! again; the history stays. Links are made in `plan_report::cases`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{plan_aim_case_link, plan_aim_case_link_removal};
use crate::{Store, StoreError};

impl Store {
    /// Takes back the hand link of `case_id` to `aim_id`, in `txn`: the link moves to
    /// the removals with who (`by`), when and why. Returns its id, or `None` when the
    /// case has no hand link to the aim (never had one, or someone removed it first).
    pub async fn unlink_case_from_aim(
        txn: &impl ConnectionTrait,
        aim_id: Uuid,
        case_id: Uuid,
        reason: &str,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Option<Uuid>, StoreError> {
        let Some(link) = plan_aim_case_link::Entity::find()
            .filter(plan_aim_case_link::Column::AimId.eq(aim_id))
            .filter(plan_aim_case_link::Column::CaseId.eq(case_id))
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        // Deleted first: a second removal at once waits on the row (PostgreSQL) or
        // the write lock (SQLite), then deletes nothing and answers `None`.
        let deleted = plan_aim_case_link::Entity::delete_by_id(link.id)
            .exec(txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Ok(None);
        }
        plan_aim_case_link_removal::ActiveModel {
            id: Set(link.id),
            aim_id: Set(link.aim_id),
            case_id: Set(link.case_id),
            reason: Set(link.reason),
            linked_by: Set(link.linked_by),
            linked_at: Set(link.linked_at),
            removed_by: Set(by),
            removed_at: Set(at),
            removed_reason: Set(reason.to_string()),
        }
        .insert(txn)
        .await?;
        Ok(Some(link.id))
    }

    /// The hand links of `case_id` that were taken back, to any aim, oldest first.
    pub async fn removed_aim_links(
        &self,
        case_id: Uuid,
    ) -> Result<Vec<plan_aim_case_link_removal::Model>, StoreError> {
        Ok(plan_aim_case_link_removal::Entity::find()
            .filter(plan_aim_case_link_removal::Column::CaseId.eq(case_id))
            .order_by_asc(plan_aim_case_link_removal::Column::RemovedAt)
            .all(self.connection())
            .await?)
    }

    /// The cases linked to `aim_id` by hand, removed links left out.
    pub async fn hand_linked_cases(&self, aim_id: Uuid) -> Result<BTreeSet<Uuid>, StoreError> {
        let ids: Vec<Uuid> = plan_aim_case_link::Entity::find()
            .select_only()
            .column(plan_aim_case_link::Column::CaseId)
            .filter(plan_aim_case_link::Column::AimId.eq(aim_id))
            .into_tuple()
            .all(self.connection())
            .await?;
        Ok(ids.into_iter().collect())
    }
}
