//! The append-only, hash-chained audit log (Data Protection Act 2018 s.62: who
//! collected, altered, consulted, disclosed or erased what, when and why).
//!
//! - Events that go with a change: [`append`] inside the change's write transaction.
//! - Events that stand alone (views, searches, sign-ins): [`AuditLog::record`],
//!   which returns once the event is committed.
//! - [`verify`] walks the chain; [`checkpoint`] signs its head so a cut-off tail or a
//!   rebuilt chain is caught later.
//!
//! The format and the procedures are described in docs/audit.md.

mod append;
pub mod bench;
mod canonical;
mod checkpoint;
mod entity;
mod error;
mod event;
mod log;
mod query;
mod verify;

pub use append::append;
pub use canonical::{FORMAT_TAG, GENESIS_HASH, canonical_encoding, canonical_time, chain_hash};
pub use checkpoint::{
    CHECKPOINT_FORMAT, Checkpoint, VerifiedCheckpoint, checkpoint, generate_keys, load_signing_key,
    load_verifying_key, read_checkpoint,
};
pub use error::AuditError;
pub use event::{AuditAction, NewAuditEvent, StoredEvent, changes};
pub use log::AuditLog;
pub use query::{AuditFilter, EventPage, count, events_for_entity, search, trail_for_person};
pub use verify::{Problem, VerifyReport, verify};
