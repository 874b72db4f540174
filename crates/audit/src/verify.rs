//! Walking the chain: every event's hash recomputed from its content, every link to
//! the event before it checked, and the subject index compared with the events.

use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::canonical::{canonical_encoding, chain_hash, split_subjects};
use crate::checkpoint::VerifiedCheckpoint;
use crate::entity::{audit_event, audit_head, audit_subject};
use uuid::Uuid;

use crate::{AuditError, StoredEvent};

/// Events read per query: enough to keep the database busy, small enough that memory
/// stays flat however long the log grows.
const PAGE: u64 = 5_000;

/// The first thing found wrong with the chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("event {seq} was altered: its content does not match its hash")]
    ContentAltered { seq: i64 },
    #[error(
        "event {seq} is out of place: it does not follow event {} (events swapped, reordered or inserted)",
        seq - 1
    )]
    OutOfOrder { seq: i64 },
    #[error("event {expected} is missing (deleted?): the next event stored is {found}")]
    Gap { expected: i64, found: i64 },
    #[error("the subject index of event {seq} does not match the event")]
    SubjectsAltered { seq: i64 },
    #[error("the log's head names event {head_seq} but the chain ends at event {last_seq}")]
    HeadMismatch { head_seq: i64, last_seq: i64 },
    #[error(
        "events from {first_missing} on are missing: the checkpoint covers {checkpoint_seq} events"
    )]
    Truncated {
        first_missing: i64,
        checkpoint_seq: i64,
    },
    #[error("event {seq} differs from the signed checkpoint: the chain was rewritten")]
    Rewritten { seq: i64 },
}

impl Problem {
    /// The sequence number of the first bad (or first missing) event.
    pub fn seq(&self) -> i64 {
        match *self {
            Self::ContentAltered { seq }
            | Self::OutOfOrder { seq }
            | Self::SubjectsAltered { seq }
            | Self::Rewritten { seq } => seq,
            Self::Gap { expected, .. } => expected,
            Self::HeadMismatch { head_seq, last_seq } => head_seq.min(last_seq + 1),
            Self::Truncated { first_missing, .. } => first_missing,
        }
    }
}

#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub events_checked: u64,
    /// The last event checked and its hash (seq 0 and the genesis hash when empty).
    pub head_seq: i64,
    pub head_hash: String,
    /// Bytes fed to SHA-256: 32 + the canonical encoding, per event.
    pub bytes_hashed: u64,
    pub elapsed: Duration,
    /// `None` when the chain is intact.
    pub problem: Option<Problem>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }

    pub fn events_per_second(&self) -> f64 {
        self.events_checked as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Checks the chain from event 1 to the head recorded when the walk starts (events
/// appended meanwhile are left for next time), stopping at the first problem. With a
/// checkpoint whose signature has been checked, also catches a cut-off tail and a
/// chain rebuilt from scratch.
pub async fn verify<C: ConnectionTrait>(
    conn: &C,
    checkpoint: Option<&VerifiedCheckpoint>,
) -> Result<VerifyReport, AuditError> {
    let started = Instant::now();
    let head = audit_head::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| AuditError::Head("no row".into()))?;
    let mut walk = Walk {
        last_seq: 0,
        last_hash: [0; 32],
        checked: 0,
        bytes: 0,
    };
    let mut problem = None;
    let mut rows = fetch_page(conn, 0, head.seq).await?;
    // One page is hashed on a blocking thread while the next is read.
    while let Some(page_end) = rows.last().map(|row| row.seq) {
        let page_start = walk.last_seq;
        let expected_subjects = page_subjects(&rows);
        let owned_checkpoint = checkpoint.cloned();
        let hashing = tokio::task::spawn_blocking(move || {
            let found = walk.page(rows, owned_checkpoint.as_ref());
            (walk, found)
        });
        let (subject_problem, next) = tokio::join!(
            check_subjects(conn, expected_subjects, page_start, page_end),
            fetch_page(conn, page_end, head.seq),
        );
        let (done, chain_problem) = hashing.await.map_err(|e| AuditError::Task(e.to_string()))?;
        walk = done;
        problem = match (chain_problem?, subject_problem?) {
            (Some(a), Some(b)) => Some(if b.seq() < a.seq() { b } else { a }),
            (a, b) => a.or(b),
        };
        if problem.is_some() {
            break;
        }
        rows = next?;
    }
    if problem.is_none() {
        problem = check_end(&walk, &head, checkpoint);
    }
    Ok(VerifyReport {
        events_checked: walk.checked,
        head_seq: walk.last_seq,
        head_hash: hex::encode(walk.last_hash),
        bytes_hashed: walk.bytes,
        elapsed: started.elapsed(),
        problem,
    })
}

/// Where the walk has got to: the last good event.
struct Walk {
    last_seq: i64,
    last_hash: [u8; 32],
    checked: u64,
    bytes: u64,
}

impl Walk {
    fn page(
        &mut self,
        rows: Vec<audit_event::Model>,
        checkpoint: Option<&VerifiedCheckpoint>,
    ) -> Result<Option<Problem>, AuditError> {
        for row in rows {
            let expected = self.last_seq + 1;
            if row.seq != expected {
                return Ok(Some(Problem::Gap {
                    expected,
                    found: row.seq,
                }));
            }
            if row.prev_hash != hex::encode(self.last_hash) {
                return Ok(Some(Problem::OutOfOrder { seq: row.seq }));
            }
            let seq = row.seq;
            let stored_hash = row.hash.clone();
            let Some(event) = stored_event(row) else {
                return Ok(Some(Problem::ContentAltered { seq }));
            };
            let encoding = canonical_encoding(&event)?;
            let hash = chain_hash(&self.last_hash, &encoding);
            if hex::encode(hash) != stored_hash {
                return Ok(Some(Problem::ContentAltered { seq }));
            }
            if let Some(checkpoint) = checkpoint
                && checkpoint.seq() == seq
                && checkpoint.hash() != stored_hash
            {
                return Ok(Some(Problem::Rewritten { seq }));
            }
            self.last_seq = seq;
            self.last_hash = hash;
            self.checked += 1;
            self.bytes += 32 + encoding.len() as u64;
        }
        Ok(None)
    }
}

/// The event as hashed, or `None` when a column no longer parses (itself tampering).
pub(crate) fn stored_event(row: audit_event::Model) -> Option<StoredEvent> {
    Some(StoredEvent {
        subjects: split_subjects(&row.subjects).ok()?,
        seq: row.seq,
        prev_hash: row.prev_hash,
        hash: row.hash,
        occurred_at: row.occurred_at,
        actor_user_id: row.actor_user_id,
        actor_username: row.actor_username,
        actor_agency: row.actor_agency,
        action: row.action,
        entity_kind: row.entity_kind,
        entity_id: row.entity_id,
        reason: row.reason,
        summary: row.summary,
        query: row.query,
        result_count: row.result_count,
        request_id: row.request_id,
        client_addr: row.client_addr,
    })
}

/// Events `after+1..=to` (at most a page) in sequence order.
async fn fetch_page<C: ConnectionTrait>(
    conn: &C,
    after: i64,
    to: i64,
) -> Result<Vec<audit_event::Model>, AuditError> {
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::Seq.gt(after))
        .filter(audit_event::Column::Seq.lte(to))
        .order_by_asc(audit_event::Column::Seq)
        .limit(PAGE)
        .all(conn)
        .await?)
}

/// The (seq, person) pairs the page's events name, sorted.
fn page_subjects(rows: &[audit_event::Model]) -> Vec<(i64, Uuid)> {
    let mut expected = Vec::new();
    for row in rows {
        // Unparseable subjects are reported by the hash check.
        for person in split_subjects(&row.subjects).unwrap_or_default() {
            expected.push((row.seq, person));
        }
    }
    expected.sort_unstable();
    expected
}

/// The index rows for events `after+1..=to` must be exactly the events' subjects.
async fn check_subjects<C: ConnectionTrait>(
    conn: &C,
    expected: Vec<(i64, Uuid)>,
    after: i64,
    to: i64,
) -> Result<Option<Problem>, AuditError> {
    let mut indexed: Vec<(i64, Uuid)> = audit_subject::Entity::find()
        .filter(audit_subject::Column::Seq.gt(after))
        .filter(audit_subject::Column::Seq.lte(to))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.seq, s.person_id))
        .collect();
    indexed.sort_unstable();
    let first_difference = indexed
        .iter()
        .zip(&expected)
        .find(|(a, b)| a != b)
        .map(|(a, b)| a.0.min(b.0))
        .or_else(|| match indexed.len().cmp(&expected.len()) {
            std::cmp::Ordering::Less => expected.get(indexed.len()).map(|e| e.0),
            std::cmp::Ordering::Greater => indexed.get(expected.len()).map(|e| e.0),
            std::cmp::Ordering::Equal => None,
        });
    Ok(first_difference.map(|seq| Problem::SubjectsAltered { seq }))
}

/// After the walk: the chain must reach the checkpoint and end where the head says.
fn check_end(
    walk: &Walk,
    head: &audit_head::Model,
    checkpoint: Option<&VerifiedCheckpoint>,
) -> Option<Problem> {
    if let Some(checkpoint) = checkpoint
        && checkpoint.seq() > walk.last_seq
    {
        return Some(Problem::Truncated {
            first_missing: walk.last_seq + 1,
            checkpoint_seq: checkpoint.seq(),
        });
    }
    (head.seq != walk.last_seq || head.hash != hex::encode(walk.last_hash)).then_some(
        Problem::HeadMismatch {
            head_seq: head.seq,
            last_seq: walk.last_seq,
        },
    )
}
