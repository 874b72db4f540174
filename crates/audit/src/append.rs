//! Appending events inside the caller's write transaction, so a change and its audit
//! event commit or roll back together.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};

use crate::canonical::{canonical_encoding, chain_hash, decode_hash, join_subjects};
use crate::entity::{audit_event, audit_head, audit_subject};
use crate::{AuditError, NewAuditEvent, StoredEvent};

/// Most rows per INSERT: 17 columns x 512 stays far below SQLite's 32,766 and
/// PostgreSQL's 65,535 bind parameters.
const EVENTS_PER_INSERT: usize = 512;
const SUBJECTS_PER_INSERT: usize = 4_096;
const HEAD_ID: i32 = 1;

/// Appends `events`, in order, to the chain, and returns them as stored (with their
/// sequence numbers and hashes).
///
/// Call it inside the transaction that makes the change being audited, opened with
/// `Store::begin_write` (`BEGIN IMMEDIATE` on SQLite, so the transaction already holds
/// the database's write lock). On PostgreSQL the head row is locked `FOR UPDATE`,
/// so appenders in any number of processes queue there and the chain stays linear.
/// The lock is held until the caller commits: keep the transaction short.
pub async fn append(
    txn: &DatabaseTransaction,
    events: Vec<NewAuditEvent>,
) -> Result<Vec<StoredEvent>, AuditError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let head = audit_head::Entity::find_by_id(HEAD_ID)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| AuditError::Head("no row".into()))?;
    let mut prev = decode_hash(&head.hash)
        .ok_or_else(|| AuditError::Head(format!("hash {:?} is not hex", head.hash)))?;
    let mut seq = head.seq;
    let mut stored = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let mut event = StoredEvent::prepare(seq, event)?;
        let hash = chain_hash(&prev, &canonical_encoding(&event)?);
        event.prev_hash = hex::encode(prev);
        event.hash = hex::encode(hash);
        prev = hash;
        stored.push(event);
    }
    for chunk in shaped_chunks(&stored, EVENTS_PER_INSERT) {
        audit_event::Entity::insert_many(chunk.iter().map(active_event))
            .exec_without_returning(txn)
            .await?;
    }
    let subjects: Vec<audit_subject::ActiveModel> = stored
        .iter()
        .flat_map(|event| {
            event
                .subjects
                .iter()
                .map(|person| audit_subject::ActiveModel {
                    seq: Set(event.seq),
                    person_id: Set(*person),
                })
        })
        .collect();
    for chunk in shaped_chunks(&subjects, SUBJECTS_PER_INSERT) {
        audit_subject::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(seq))
        .col_expr(audit_head::Column::Hash, Expr::value(hex::encode(prev)))
        .filter(audit_head::Column::Id.eq(HEAD_ID))
        .exec(txn)
        .await?;
    Ok(stored)
}

/// Splits `rows` into chunks whose sizes are powers of two (largest first). Each row
/// count is a different SQL text, and the driver keeps a cache of 100 prepared
/// statements per connection: any group size from 1 to 256 would thrash it and cost
/// a re-prepare on nearly every append, while powers of two make about ten shapes.
fn shaped_chunks<T>(mut rows: &[T], max: usize) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    while !rows.is_empty() {
        let len = rows.len().min(max);
        let size = 1 << len.ilog2();
        let (chunk, rest) = rows.split_at(size);
        chunks.push(chunk);
        rows = rest;
    }
    chunks
}

fn active_event(event: &StoredEvent) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        seq: Set(event.seq),
        prev_hash: Set(event.prev_hash.clone()),
        hash: Set(event.hash.clone()),
        occurred_at: Set(event.occurred_at),
        actor_user_id: Set(event.actor_user_id),
        actor_username: Set(event.actor_username.clone()),
        actor_agency: Set(event.actor_agency.clone()),
        action: Set(event.action.clone()),
        entity_kind: Set(event.entity_kind.clone()),
        entity_id: Set(event.entity_id.clone()),
        subjects: Set(join_subjects(&event.subjects)),
        reason: Set(event.reason.clone()),
        summary: Set(event.summary.clone()),
        query: Set(event.query.clone()),
        result_count: Set(event.result_count),
        request_id: Set(event.request_id.clone()),
        client_addr: Set(event.client_addr.clone()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn chunks_are_powers_of_two_in_order() {
        let rows: Vec<u32> = (0..1_100).collect();
        let chunks = super::shaped_chunks(&rows, 512);
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [512, 512, 64, 8, 4]);
        assert_eq!(chunks.concat(), rows);
        assert!(super::shaped_chunks(&rows[..0], 512).is_empty());
    }
}
