//! Sessions in the database (tower-sessions over the store), so every server sharing
//! the database shares them, and ending a user's sessions is one delete.

use async_trait::async_trait;
use casework_store::Store;
use casework_store::sessions::SessionRow;
use chrono::{DateTime, Utc};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use uuid::Uuid;

/// The session key that holds the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    store: Store,
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn to_row(record: &Record) -> session_store::Result<SessionRow> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expires_at = DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| session_store::Error::Encode("expiry out of range".into()))?;
    let user_id = record
        .data
        .get(USER_ID_KEY)
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok());
    Ok(SessionRow {
        id: record.id.to_string(),
        data,
        expires_at,
        user_id,
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Refuses to reuse an id: a collision picks a fresh one instead of overwriting.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            if self
                .store
                .create_session(to_row(record)?)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store
            .save_session(to_row(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = self
            .store
            .load_session(&id.to_string(), Utc::now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.store
            .delete_expired_sessions(Utc::now())
            .await
            .map(|_| ())
            .map_err(backend)
    }
}
