//! Pieces for `casework bench audit` and for tests that need many events.

use std::time::{Duration, Instant};

use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{AuditAction, NewAuditEvent, changes};

/// A realistic event: an officer viewing or updating a person's record, or searching.
pub fn sample_event(i: u64) -> NewAuditEvent {
    let person = Uuid::from_u128(u128::from(i % 5_000) + 1);
    let officer = Uuid::from_u128(0xC0FF_EE00_0000 + u128::from(i % 40));
    let mut event = match i % 4 {
        0 | 1 => NewAuditEvent::new(AuditAction::View)
            .entity("person", person)
            .subjects([person]),
        2 => NewAuditEvent::new(AuditAction::Update)
            .entity("case", format!("ASB-{:06}", i % 100_000))
            .subjects([person])
            .summary(changes(&[
                ("risk_level", json!("bronze"), json!("silver")),
                ("next_review", json!("2026-12-01"), json!("2026-12-15")),
            ])),
        _ => {
            let mut search = NewAuditEvent::new(AuditAction::Search);
            search.query = Some(format!("surname:smith ward:E0501{:04}", i % 10_000));
            search.result_count = Some((i % 17) as i64);
            search
        }
    };
    event.actor_user_id = Some(officer);
    event.actor_username = Some(format!("officer{:02}", i % 40));
    event.actor_agency = Some("cumbria-constabulary".into());
    event.request_id = Some(format!("{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    event.client_addr = Some("10.20.30.40".into());
    event
}

/// Time to SHA-256 `messages` chained messages of `message_len` bytes each (the
/// previous hash's 32 and the rest): the hashing a verify of that many events does,
/// without the database.
pub fn sha256_time(messages: u64, message_len: usize) -> Duration {
    let rest = message_len.saturating_sub(32);
    let buffer: Vec<u8> = (0..rest).map(|i| (i % 251) as u8).collect();
    let started = Instant::now();
    let mut carry = [0u8; 32];
    for _ in 0..messages {
        let mut hasher = Sha256::new();
        hasher.update(carry);
        hasher.update(&buffer);
        carry = hasher.finalize().into();
    }
    // Keeps the loop from being optimised away.
    std::hint::black_box(carry);
    started.elapsed()
}
