//! Meetings, their invited agencies and their status; the active users of the
//! agencies invited; and which agencies an open meeting lets read a case.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use casework_domain::access::{CaseFacts, lmaps_window_open};
use casework_domain::calendar::uk_day;
use casework_domain::lmaps::{MeetingStatus, NewMeeting};
use casework_domain::roles::Role;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Query,
};
use uuid::Uuid;

use super::{Meeting, status_of};
use crate::cases::{Case, Share, to_case};
use crate::entities::{
    case, case_share, district, lmaps_agenda_item, lmaps_invitation, lmaps_meeting, user, user_role,
};
use crate::users::User;
use crate::{Store, StoreError};

fn to_meeting(row: lmaps_meeting::Model, invited: Vec<String>) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        id: row.id,
        district: row.district_code,
        held_on: row.held_on,
        chair_id: row.chair_id,
        status: status_of(&row.status)?,
        invited_agencies: invited,
        created_at: row.created_at,
    })
}

impl Store {
    /// Every district's code.
    pub async fn district_codes(&self) -> Result<Vec<String>, StoreError> {
        Ok(district::Entity::find()
            .select_only()
            .column(district::Column::Code)
            .order_by_asc(district::Column::Code)
            .into_tuple()
            .all(self.connection())
            .await?)
    }

    /// Stores a checked meeting, planned, with its invitations.
    pub async fn create_lmaps_meeting(
        &self,
        conn: &impl ConnectionTrait,
        new: &NewMeeting,
        chair: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        let id = Uuid::new_v4();
        lmaps_meeting::ActiveModel {
            id: Set(id),
            district_code: Set(new.district.clone()),
            held_on: Set(new.held_on),
            chair_id: Set(chair),
            status: Set(MeetingStatus::Planned.as_str().to_string()),
            created_by: Set(chair),
            created_at: Set(now),
            status_changed_at: Set(None),
        }
        .insert(conn)
        .await?;
        lmaps_invitation::Entity::insert_many(new.invited_agencies.iter().map(|agency| {
            lmaps_invitation::ActiveModel {
                meeting_id: Set(id),
                agency: Set(agency.clone()),
            }
        }))
        .exec(conn)
        .await?;
        self.lmaps_meeting(conn, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A meeting with its invited agencies, or `None`.
    pub async fn lmaps_meeting(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<Meeting>, StoreError> {
        let Some(row) = lmaps_meeting::Entity::find_by_id(id).one(conn).await? else {
            return Ok(None);
        };
        let invited = lmaps_invitation::Entity::find()
            .select_only()
            .column(lmaps_invitation::Column::Agency)
            .filter(lmaps_invitation::Column::MeetingId.eq(id))
            .order_by_asc(lmaps_invitation::Column::Agency)
            .into_tuple()
            .all(conn)
            .await?;
        to_meeting(row, invited).map(Some)
    }

    /// The meetings an agency is invited to, latest first (at most `limit`).
    pub async fn lmaps_meetings_for_agency(
        &self,
        agency: &str,
        limit: u64,
    ) -> Result<Vec<Meeting>, StoreError> {
        let conn = self.connection();
        let invited_to = Query::select()
            .column(lmaps_invitation::Column::MeetingId)
            .from(lmaps_invitation::Entity)
            .and_where(lmaps_invitation::Column::Agency.eq(agency))
            .to_owned();
        let rows = lmaps_meeting::Entity::find()
            .filter(lmaps_meeting::Column::Id.in_subquery(invited_to))
            .order_by_desc(lmaps_meeting::Column::HeldOn)
            .order_by_asc(lmaps_meeting::Column::Id)
            .limit(limit)
            .all(conn)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut invited: HashMap<Uuid, Vec<String>> = HashMap::new();
        if !ids.is_empty() {
            for row in lmaps_invitation::Entity::find()
                .filter(lmaps_invitation::Column::MeetingId.is_in(ids))
                .order_by_asc(lmaps_invitation::Column::Agency)
                .all(conn)
                .await?
            {
                invited.entry(row.meeting_id).or_default().push(row.agency);
            }
        }
        rows.into_iter()
            .map(|row| {
                let agencies = invited.remove(&row.id).unwrap_or_default();
                to_meeting(row, agencies)
            })
            .collect()
    }

    /// The active (not disabled) users of these agencies, by agency then name, with
    /// their roles: whom a meeting's page offers as action officers and attendees (a
    /// query for the users, one per 500 of them for their roles).
    pub async fn active_users_of(
        &self,
        conn: &impl ConnectionTrait,
        agencies: &[String],
    ) -> Result<Vec<User>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let rows = user::Entity::find()
            .filter(user::Column::AgencyCode.is_in(agencies.iter().cloned()))
            .filter(user::Column::Disabled.eq(false))
            .order_by_asc(user::Column::AgencyCode)
            .order_by_asc(user::Column::DisplayName)
            .order_by_asc(user::Column::Username)
            .all(conn)
            .await?;
        let mut roles: HashMap<Uuid, BTreeSet<Role>> = HashMap::new();
        for chunk in rows.chunks(500) {
            for r in user_role::Entity::find()
                .filter(user_role::Column::UserId.is_in(chunk.iter().map(|u| u.id)))
                .all(conn)
                .await?
            {
                if let Some(role) = Role::parse(&r.role) {
                    roles.entry(r.user_id).or_default().insert(role);
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| User {
                roles: roles.remove(&row.id).unwrap_or_default(),
                id: row.id,
                username: row.username,
                display_name: row.display_name,
                agency: row.agency_code,
                must_change_password: row.must_change_password,
                disabled: row.disabled,
                locked_until: row.locked_until,
                password_hash: row.password_hash,
            })
            .collect())
    }

    /// Moves a meeting to `to` (the caller has checked the step).
    pub async fn set_lmaps_meeting_status(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        to: MeetingStatus,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        lmaps_meeting::ActiveModel {
            id: Set(id),
            status: Set(to.as_str().to_string()),
            status_changed_at: Set(Some(now)),
            ..Default::default()
        }
        .update(conn)
        .await?;
        Ok(())
    }

    /// The first meeting day whose agenda still opens its cases on `today`: meetings
    /// on that day or later are planned, held or within the access window
    /// (`lmaps.access-window-days`).
    pub async fn lmaps_open_since(&self, today: NaiveDate) -> Result<NaiveDate, StoreError> {
        let window = self.settings().await?.lmaps_access_window_days;
        let since = today - Duration::days(window);
        debug_assert!(lmaps_window_open(since, today, window));
        Ok(since)
    }

    /// The agencies invited to a meeting on or after `since` whose agenda holds the
    /// case, for each of `cases` (one query).
    pub async fn lmaps_agencies_of(
        &self,
        conn: &impl ConnectionTrait,
        cases: &[Uuid],
        since: NaiveDate,
    ) -> Result<HashMap<Uuid, Vec<String>>, StoreError> {
        let mut found: HashMap<Uuid, Vec<String>> = HashMap::new();
        for chunk in cases.chunks(500) {
            let rows: Vec<(Uuid, Uuid)> = lmaps_agenda_item::Entity::find()
                .select_only()
                .column(lmaps_agenda_item::Column::CaseId)
                .column(lmaps_agenda_item::Column::MeetingId)
                .filter(lmaps_agenda_item::Column::CaseId.is_in(chunk.iter().copied()))
                .filter(lmaps_agenda_item::Column::OnAgenda.eq(true))
                .into_tuple()
                .all(conn)
                .await?;
            if rows.is_empty() {
                continue;
            }
            let meetings: Vec<Uuid> = rows.iter().map(|(_, m)| *m).collect();
            let open: Vec<Uuid> = lmaps_meeting::Entity::find()
                .select_only()
                .column(lmaps_meeting::Column::Id)
                .filter(lmaps_meeting::Column::Id.is_in(meetings.clone()))
                .filter(lmaps_meeting::Column::HeldOn.gte(since))
                .into_tuple()
                .all(conn)
                .await?;
            let mut invited: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
            if !open.is_empty() {
                for row in lmaps_invitation::Entity::find()
                    .filter(lmaps_invitation::Column::MeetingId.is_in(open))
                    .all(conn)
                    .await?
                {
                    invited.entry(row.meeting_id).or_default().push(row.agency);
                }
            }
            for (case_id, meeting) in rows {
                if let Some(agencies) = invited.get(&meeting) {
                    let list = found.entry(case_id).or_default();
                    for agency in agencies {
                        if !list.contains(agency) {
                            list.push(agency.clone());
                        }
                    }
                }
            }
        }
        for list in found.values_mut() {
            list.sort();
        }
        Ok(found)
    }

    /// The facts the access policy needs about a case, with the agencies whose open
    /// LMAPS meetings have it on their agenda as of `today`.
    pub async fn case_facts_on(
        &self,
        id: Uuid,
        today: NaiveDate,
    ) -> Result<Option<CaseFacts>, StoreError> {
        let Some(case) = self.case(self.connection(), id).await? else {
            return Ok(None);
        };
        let since = self.lmaps_open_since(today).await?;
        let mut agencies = self
            .lmaps_agencies_of(self.connection(), &[id], since)
            .await?;
        let mut facts = case.facts();
        facts.lmaps_agencies = agencies.remove(&id).unwrap_or_default();
        Ok(Some(facts))
    }

    /// As [`Store::case_facts_on`] for today in the UK.
    pub async fn case_facts_now(&self, id: Uuid) -> Result<Option<CaseFacts>, StoreError> {
        self.case_facts_on(id, uk_day(Utc::now())).await
    }

    /// Cases by id with their shares and open LMAPS agendas, for deciding access to a
    /// list of them (four queries per 500 cases).
    pub async fn cases_with_facts(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
        today: NaiveDate,
    ) -> Result<HashMap<Uuid, (Case, CaseFacts)>, StoreError> {
        let since = self.lmaps_open_since(today).await?;
        let mut found = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = case::Entity::find()
                .filter(case::Column::Id.is_in(chunk.iter().copied()))
                .all(conn)
                .await?;
            let mut shares: HashMap<Uuid, Vec<Share>> = HashMap::new();
            for s in case_share::Entity::find()
                .filter(case_share::Column::CaseId.is_in(chunk.iter().copied()))
                .order_by_asc(case_share::Column::SharedAt)
                .all(conn)
                .await?
            {
                shares.entry(s.case_id).or_default().push(Share {
                    agency: s.agency,
                    shared_by: s.shared_by,
                    shared_at: s.shared_at,
                    reason: s.reason,
                });
            }
            let mut agendas = self.lmaps_agencies_of(conn, chunk, since).await?;
            for row in rows {
                let id = row.id;
                let case = to_case(row, shares.remove(&id).unwrap_or_default())?;
                let mut facts = case.facts();
                facts.lmaps_agencies = agendas.remove(&id).unwrap_or_default();
                found.insert(id, (case, facts));
            }
        }
        Ok(found)
    }
}
