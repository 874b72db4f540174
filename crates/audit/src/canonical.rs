//! The canonical byte encoding of an event and the chain hash over it. The format is
//! specified in docs/audit.md so anyone can re-implement the check; change nothing
//! here without a new format tag.
//!
//! ```text
//! hash     = SHA-256(prev_hash as 32 raw bytes || encoding)
//! encoding = text("casework-audit-v1") || int(seq) || text(occurred_at)
//!            || opt_text(actor_user_id) || opt_text(actor_username) || opt_text(actor_agency)
//!            || text(action) || opt_text(entity_kind) || opt_text(entity_id)
//!            || u32(count) || text(subject)...   (ascending, no repeats)
//!            || opt_text(reason) || text(summary) || opt_text(query) || opt_int(result_count)
//!            || opt_text(request_id) || opt_text(client_addr)
//! text(s)  = u32(byte length of s) || UTF-8 bytes of s
//! int(n)   = u32(8) || n as 8 bytes, big-endian two's complement
//! absent   = u32(0xFFFF_FFFF), nothing after it
//! u32(n)   = 4 bytes, big-endian
//! ```
//!
//! Times are RFC 3339 in UTC with exactly six fractional digits
//! (`2026-11-28T09:15:00.123456Z`); ids are lowercase hyphenated UUIDs.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{AuditError, StoredEvent};

/// The `prev_hash` of event 1.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
pub const FORMAT_TAG: &str = "casework-audit-v1";
const ABSENT: u32 = u32::MAX;

/// The canonical bytes of `event` (its `prev_hash` and `hash` are not part of them).
pub fn canonical_encoding(event: &StoredEvent) -> Result<Vec<u8>, AuditError> {
    let mut out = Vec::with_capacity(256 + event.summary.len());
    text(&mut out, "tag", FORMAT_TAG)?;
    int(&mut out, event.seq);
    text(&mut out, "occurred_at", &canonical_time(event.occurred_at))?;
    let actor = event.actor_user_id.map(|id| id.to_string());
    opt_text(&mut out, "actor_user_id", actor.as_deref())?;
    opt_text(&mut out, "actor_username", event.actor_username.as_deref())?;
    opt_text(&mut out, "actor_agency", event.actor_agency.as_deref())?;
    text(&mut out, "action", &event.action)?;
    opt_text(&mut out, "entity_kind", event.entity_kind.as_deref())?;
    opt_text(&mut out, "entity_id", event.entity_id.as_deref())?;
    let count = u32::try_from(event.subjects.len()).map_err(|_| AuditError::TooLong("subjects"))?;
    out.extend_from_slice(&count.to_be_bytes());
    for subject in &event.subjects {
        text(&mut out, "subjects", &subject.to_string())?;
    }
    opt_text(&mut out, "reason", event.reason.as_deref())?;
    text(&mut out, "summary", &event.summary)?;
    opt_text(&mut out, "query", event.query.as_deref())?;
    match event.result_count {
        Some(n) => int(&mut out, n),
        None => out.extend_from_slice(&ABSENT.to_be_bytes()),
    }
    opt_text(&mut out, "request_id", event.request_id.as_deref())?;
    opt_text(&mut out, "client_addr", event.client_addr.as_deref())?;
    Ok(out)
}

/// SHA-256 of the previous hash's bytes followed by the event's encoding.
pub fn chain_hash(prev: &[u8; 32], encoding: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(encoding);
    hasher.finalize().into()
}

/// A stored hex hash as bytes, if it is one.
pub fn decode_hash(hex_text: &str) -> Option<[u8; 32]> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut bytes).ok()?;
    Some(bytes)
}

pub fn canonical_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Subjects as the audit_events row holds them: sorted ids joined by commas.
pub(crate) fn join_subjects(subjects: &[Uuid]) -> String {
    subjects
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn split_subjects(text: &str) -> Result<Vec<Uuid>, uuid::Error> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(Uuid::parse_str)
        .collect()
}

fn text(out: &mut Vec<u8>, field: &'static str, value: &str) -> Result<(), AuditError> {
    let len = u32::try_from(value.len())
        .ok()
        .filter(|&len| len != ABSENT)
        .ok_or(AuditError::TooLong(field))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value.as_bytes());
    Ok(())
}

fn opt_text(out: &mut Vec<u8>, field: &'static str, value: Option<&str>) -> Result<(), AuditError> {
    match value {
        Some(value) => text(out, field, value),
        None => {
            out.extend_from_slice(&ABSENT.to_be_bytes());
            Ok(())
        }
    }
}

fn int(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&8u32.to_be_bytes());
    out.extend_from_slice(&value.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fixed_event() -> StoredEvent {
        StoredEvent {
            seq: 1,
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
            occurred_at: Utc
                .with_ymd_and_hms(2026, 11, 28, 9, 15, 0)
                .single()
                .expect("valid time")
                + chrono::Duration::microseconds(123_456),
            actor_user_id: Some(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef)),
            actor_username: Some("jsmith".into()),
            actor_agency: Some("cumbria-constabulary".into()),
            action: "update".into(),
            entity_kind: Some("person".into()),
            entity_id: Some("42".into()),
            subjects: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
            reason: None,
            summary: r#"{"surname":{"new":"Smyth","old":"Smith"}}"#.into(),
            query: None,
            result_count: Some(3),
            request_id: Some("req-1".into()),
            client_addr: None,
        }
    }

    #[test]
    fn times_have_six_fractional_digits() {
        assert_eq!(
            canonical_time(fixed_event().occurred_at),
            "2026-11-28T09:15:00.123456Z"
        );
        let whole = Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("valid time");
        assert_eq!(canonical_time(whole), "2026-01-02T03:04:05.000000Z");
    }

    #[test]
    fn encoding_starts_with_the_tag_and_marks_absent_fields() {
        let bytes = canonical_encoding(&fixed_event()).expect("encode");
        assert_eq!(&bytes[..4], &17u32.to_be_bytes());
        assert_eq!(&bytes[4..21], FORMAT_TAG.as_bytes());
        assert_eq!(&bytes[21..33], &[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]);
        // client_addr, the last field, is absent.
        assert_eq!(&bytes[bytes.len() - 4..], &[0xff; 4]);
    }

    /// Known answer: if this changes, every stored chain stops verifying. The value
    /// was cross-checked with an independent Python implementation of the spec.
    #[test]
    fn known_answer_hash() {
        let event = fixed_event();
        let genesis = decode_hash(GENESIS_HASH).expect("genesis is hex");
        let encoding = canonical_encoding(&event).expect("encode");
        assert_eq!(
            hex::encode(chain_hash(&genesis, &encoding)),
            "4164ba10044067eb51d34fe2306baec356f91d58c3abe0164a04b6f5f1488d61"
        );
    }

    #[test]
    fn absent_and_empty_differ() {
        let mut a = fixed_event();
        let mut b = fixed_event();
        a.reason = None;
        b.reason = Some(String::new());
        assert_ne!(
            canonical_encoding(&a).expect("encode"),
            canonical_encoding(&b).expect("encode")
        );
    }

    #[test]
    fn subjects_round_trip_through_the_row() {
        let subjects = fixed_event().subjects;
        assert_eq!(
            split_subjects(&join_subjects(&subjects)).expect("parse"),
            subjects
        );
        assert_eq!(split_subjects("").expect("parse"), Vec::<Uuid>::new());
    }
}
