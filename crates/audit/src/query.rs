//! Reading the log: the trail of one record, a person's trail for a subject access
//! request, and the data protection officer's search. Every query is indexed and paged.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use uuid::Uuid;

use crate::entity::{audit_event, audit_subject};
use crate::verify::stored_event;
use crate::{AuditAction, AuditError, StoredEvent};

/// What the data protection officer searches by; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub person: Option<Uuid>,
    pub user: Option<Uuid>,
    pub username: Option<String>,
    pub agency: Option<String>,
    pub action: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One page of events, newest first, and how many match in all.
#[derive(Debug, Clone)]
pub struct EventPage {
    pub events: Vec<StoredEvent>,
    pub total: u64,
}

fn rows_to_events(rows: Vec<audit_event::Model>) -> Vec<StoredEvent> {
    rows.into_iter().filter_map(stored_event).collect()
}

/// The latest events about one record (entity kind and id), newest first: who has
/// viewed or changed it.
pub async fn events_for_entity<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    id: &str,
    limit: u64,
) -> Result<Vec<StoredEvent>, AuditError> {
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::EntityKind.eq(kind))
        .filter(audit_event::Column::EntityId.eq(id))
        .order_by_desc(audit_event::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(rows_to_events(rows))
}

/// Searches the whole log, newest first.
pub async fn search<C: ConnectionTrait>(
    conn: &C,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<EventPage, AuditError> {
    let mut query = audit_event::Entity::find();
    if let Some(person) = filter.person {
        let seqs = audit_subject::Entity::find()
            .select_only()
            .column(audit_subject::Column::Seq)
            .filter(audit_subject::Column::PersonId.eq(person))
            .into_query();
        query = query.filter(audit_event::Column::Seq.in_subquery(seqs));
    }
    if let Some(user) = filter.user {
        query = query.filter(audit_event::Column::ActorUserId.eq(user));
    }
    if let Some(username) = &filter.username {
        query = query.filter(audit_event::Column::ActorUsername.eq(username.as_str()));
    }
    if let Some(agency) = &filter.agency {
        query = query.filter(audit_event::Column::ActorAgency.eq(agency.as_str()));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::OccurredAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_event::Column::OccurredAt.lt(to));
    }
    let paginator = query
        .order_by_desc(audit_event::Column::Seq)
        .paginate(conn, Ord::max(per_page, 1));
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok(EventPage {
        events: rows_to_events(rows),
        total,
    })
}

/// Every event concerning one person, oldest first, for a subject access request.
pub async fn trail_for_person<C: ConnectionTrait>(
    conn: &C,
    person: Uuid,
) -> Result<Vec<StoredEvent>, AuditError> {
    let seqs = audit_subject::Entity::find()
        .select_only()
        .column(audit_subject::Column::Seq)
        .filter(audit_subject::Column::PersonId.eq(person))
        .into_query();
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::Seq.in_subquery(seqs))
        .order_by_asc(audit_event::Column::Seq)
        .all(conn)
        .await?;
    Ok(rows_to_events(rows))
}

/// How many events there are in all (the chain's length).
pub async fn count<C: ConnectionTrait>(conn: &C) -> Result<u64, AuditError> {
    Ok(audit_event::Entity::find().count(conn).await?)
}
