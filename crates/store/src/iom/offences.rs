//! Offences per person: recording one, importing many at once (all or nothing), and
//! reading a person's.

use std::collections::{HashMap, HashSet};

use casework_domain::iom::Offence;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{OffenceRecord, to_offence};
use crate::entities::{iom_offence, person};
use crate::{Store, StoreError};

/// One offence of an import, checked, for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedOffence {
    pub person_id: Uuid,
    pub offence: Offence,
}

/// Rows per insert statement: well under SQLite's and PostgreSQL's bind limits.
const CHUNK: usize = 500;

fn active(
    person_id: Uuid,
    o: &Offence,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> iom_offence::ActiveModel {
    iom_offence::ActiveModel {
        id: Set(Uuid::new_v4()),
        person_id: Set(person_id),
        committed_on: Set(o.committed_on),
        proven_on: Set(o.proven_on),
        outcome: Set(o.outcome.as_str().to_string()),
        category: Set(o.category.clone()),
        harm_weight: Set(o.harm_weight),
        recorded_by: Set(by),
        recorded_at: Set(now),
    }
}

impl Store {
    /// Records an offence (checked by `casework_domain::iom::Offence::parse`) against
    /// a person who exists.
    pub async fn record_offence(
        &self,
        conn: &impl ConnectionTrait,
        person_id: Uuid,
        offence: &Offence,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<OffenceRecord, StoreError> {
        if person::Entity::find_by_id(person_id)
            .one(conn)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let row = active(person_id, offence, Some(by), now)
            .insert(conn)
            .await?;
        to_offence(row)
    }

    /// Which of these people exist (one query per thousand ids).
    pub async fn existing_people(
        &self,
        conn: &impl ConnectionTrait,
        ids: &HashSet<Uuid>,
    ) -> Result<HashSet<Uuid>, StoreError> {
        let ids: Vec<Uuid> = ids.iter().copied().collect();
        let mut found = HashSet::new();
        for chunk in ids.chunks(1000) {
            let rows: Vec<Uuid> = person::Entity::find()
                .select_only()
                .column(person::Column::Id)
                .filter(person::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(conn)
                .await?;
            found.extend(rows);
        }
        Ok(found)
    }

    /// Inserts checked offences in the caller's transaction: all of them or, if the
    /// transaction is not committed, none.
    pub async fn import_offences(
        &self,
        conn: &impl ConnectionTrait,
        rows: &[ImportedOffence],
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        for chunk in rows.chunks(CHUNK) {
            iom_offence::Entity::insert_many(
                chunk
                    .iter()
                    .map(|r| active(r.person_id, &r.offence, by, now)),
            )
            .exec(conn)
            .await?;
        }
        Ok(rows.len())
    }

    /// A person's offences, most recently committed first.
    pub async fn offences_of(
        &self,
        conn: &impl ConnectionTrait,
        person_id: Uuid,
    ) -> Result<Vec<OffenceRecord>, StoreError> {
        iom_offence::Entity::find()
            .filter(iom_offence::Column::PersonId.eq(person_id))
            .order_by_desc(iom_offence::Column::CommittedOn)
            .order_by_desc(iom_offence::Column::RecordedAt)
            .all(conn)
            .await?
            .into_iter()
            .map(to_offence)
            .collect()
    }

    /// Each person's latest committed offence: the day and category.
    pub async fn latest_offences(
        &self,
        conn: &impl ConnectionTrait,
        people: &[Uuid],
    ) -> Result<HashMap<Uuid, (NaiveDate, String)>, StoreError> {
        let mut latest: HashMap<Uuid, (NaiveDate, String)> = HashMap::new();
        for chunk in people.chunks(1000) {
            let rows: Vec<(Uuid, NaiveDate, String)> = iom_offence::Entity::find()
                .select_only()
                .column(iom_offence::Column::PersonId)
                .column(iom_offence::Column::CommittedOn)
                .column(iom_offence::Column::Category)
                .filter(iom_offence::Column::PersonId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(conn)
                .await?;
            for (person, on, category) in rows {
                let newer = latest.get(&person).is_none_or(|(seen, _)| on > *seen);
                if newer {
                    latest.insert(person, (on, category));
                }
            }
        }
        Ok(latest)
    }
}
