//! Needs against the resettlement pathways, their status, and referring a housing
//! need to the Housing Task & Finish Group or to a housing provider, which shares the
//! membership with that agency so that it may open it (and see the housing need).

use casework_domain::FieldError;
use casework_domain::iom::{HousingTarget, NeedInput, NeedStatus};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::{NeedRecord, NeedReferral, to_need};
use crate::cases::MAX_TEXT;
use crate::entities::{agency, iom_need, iom_need_referral};
use crate::{Store, StoreError};

/// A referral of a housing need, as asked for.
#[derive(Debug, Clone)]
pub struct NewNeedReferral {
    pub need_id: Uuid,
    pub to: HousingTarget,
    pub reason: String,
    pub by: Uuid,
    pub now: DateTime<Utc>,
}

/// The kind of agency a housing need may be referred to.
const HOUSING: &str = "housing";

impl Store {
    /// Records a need on a membership.
    pub async fn add_iom_need(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        need: &NeedInput,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<NeedRecord, StoreError> {
        check_note(need.note.as_deref())?;
        let row = iom_need::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(case_id),
            pathway: Set(need.pathway.as_str().to_string()),
            status: Set(need.status.as_str().to_string()),
            note: Set(need.note.clone()),
            recorded_by: Set(by),
            recorded_at: Set(now),
            updated_at: Set(now),
        }
        .insert(conn)
        .await?;
        to_need(row, Vec::new())
    }

    /// Changes a need's status (and note, when one is given). Returns the need as it
    /// was.
    pub async fn set_iom_need_status(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        need_id: Uuid,
        status: NeedStatus,
        note: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<NeedRecord, StoreError> {
        check_note(note.as_deref())?;
        let before = need_of(conn, case_id, need_id).await?;
        let mut row = iom_need::ActiveModel {
            id: Set(need_id),
            status: Set(status.as_str().to_string()),
            updated_at: Set(now),
            ..Default::default()
        };
        if note.is_some() {
            row.note = Set(note);
        }
        row.update(conn).await?;
        to_need(before, Vec::new())
    }

    /// Refers a housing need. To an agency, it must be a housing provider, and the
    /// membership is shared with it (once) so that it may open it.
    pub async fn refer_iom_need(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        referral: &NewNeedReferral,
    ) -> Result<NeedReferral, StoreError> {
        let NewNeedReferral {
            need_id,
            to,
            reason,
            by,
            now,
        } = referral;
        let (need_id, by, now) = (*need_id, *by, *now);
        let need = to_need(need_of(conn, case_id, need_id).await?, Vec::new())?;
        let reason = reason.trim();
        let mut errors = Vec::new();
        if !need.pathway.may_be_referred_to_housing() {
            errors.push(FieldError::new(
                "need",
                "Only an accommodation need can be referred to housing.",
            ));
        }
        if let HousingTarget::Agency(code) = to {
            let found = agency::Entity::find_by_id(code.clone()).one(conn).await?;
            if !found.is_some_and(|a| a.kind == HOUSING && a.active) {
                errors.push(FieldError::new(
                    "to",
                    "Choose the Housing Task & Finish Group or a housing provider.",
                ));
            }
        }
        if reason.is_empty() || reason.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                "reason",
                format!("Say why it is referred, in at most {MAX_TEXT} characters."),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let (to_agency, to_panel) = match to {
            HousingTarget::Agency(code) => (Some(code.clone()), None),
            HousingTarget::TaskAndFinishGroup => (None, Some(HousingTarget::PANEL.to_string())),
        };
        if let Some(code) = &to_agency {
            let case = self
                .case(conn, case_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            if !case.shares.iter().any(|s| &s.agency == code) {
                self.share_case(conn, case_id, code, reason, by, now)
                    .await?;
            }
        }
        let row = iom_need_referral::ActiveModel {
            id: Set(Uuid::new_v4()),
            need_id: Set(need_id),
            case_id: Set(case_id),
            to_agency: Set(to_agency),
            to_panel: Set(to_panel),
            reason: Set(reason.to_string()),
            referred_by: Set(by),
            referred_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(NeedReferral {
            id: row.id,
            to_agency: row.to_agency,
            to_panel: row.to_panel,
            reason: row.reason,
            referred_by: row.referred_by,
            referred_at: row.referred_at,
        })
    }
}

fn check_note(note: Option<&str>) -> Result<(), StoreError> {
    if note.is_some_and(|n| n.chars().count() > MAX_TEXT) {
        return Err(StoreError::Fields(vec![FieldError::new(
            "note",
            format!("Use at most {MAX_TEXT} characters."),
        )]));
    }
    Ok(())
}

/// The need, when it belongs to this membership.
async fn need_of(
    conn: &impl ConnectionTrait,
    case_id: Uuid,
    need_id: Uuid,
) -> Result<iom_need::Model, StoreError> {
    iom_need::Entity::find_by_id(need_id)
        .one(conn)
        .await?
        .filter(|n| n.case_id == case_id)
        .ok_or(StoreError::NotFound)
}
