//! What an audit event says: who did what to which record about which persons, when,
//! and why.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::AuditError;

/// What was done. Stored and hashed as its kebab-case name, so the names are part
/// of the log's format: add new actions, never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    View,
    Search,
    Create,
    Update,
    Delete,
    Export,
    Share,
    AccessDenied,
    Erase,
    /// An account's password, roles or agency changed (the summary names which,
    /// never the password itself).
    AccountChange,
    /// A privileged administrative act with no record of its own, such as a
    /// reference data edit or a plan import.
    Admin,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::View,
        Self::Search,
        Self::Create,
        Self::Update,
        Self::Delete,
        Self::Export,
        Self::Share,
        Self::AccessDenied,
        Self::Erase,
        Self::AccountChange,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignInFailed => "sign-in-failed",
            Self::SignOut => "sign-out",
            Self::View => "view",
            Self::Search => "search",
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Export => "export",
            Self::Share => "share",
            Self::AccessDenied => "access-denied",
            Self::Erase => "erase",
            Self::AccountChange => "account-change",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for AuditAction {
    type Err = AuditError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| AuditError::UnknownAction(text.to_string()))
    }
}

/// An event to append.
///
/// `summary` is kept for as long as the log: put in it what the record said, never
/// a password, password hash, session token, API key or one-time code. For an
/// update, build it with [`changes`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    /// When it happened. [`NewAuditEvent::new`] takes the clock; appending truncates
    /// it to whole microseconds, which both databases store exactly.
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_username: Option<String>,
    /// The actor's agency code.
    pub actor_agency: Option<String>,
    pub action: AuditAction,
    pub entity_kind: Option<String>,
    pub entity_id: Option<String>,
    /// The persons the event concerns; order and repeats do not matter.
    pub subjects: Vec<Uuid>,
    /// The officer's justification for the access, when one was asked for.
    pub reason: Option<String>,
    pub summary: Value,
    /// For searches: the query as typed and how many results it gave.
    pub query: Option<String>,
    pub result_count: Option<i64>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl NewAuditEvent {
    /// An event happening now, with nothing else filled in; set the fields you need.
    pub fn new(action: AuditAction) -> Self {
        Self {
            occurred_at: Utc::now(),
            actor_user_id: None,
            actor_username: None,
            actor_agency: None,
            action,
            entity_kind: None,
            entity_id: None,
            subjects: Vec::new(),
            reason: None,
            summary: Value::Object(Map::new()),
            query: None,
            result_count: None,
            request_id: None,
            client_addr: None,
        }
    }

    pub fn entity(mut self, kind: impl Into<String>, id: impl ToString) -> Self {
        self.entity_kind = Some(kind.into());
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn subjects(mut self, subjects: impl IntoIterator<Item = Uuid>) -> Self {
        self.subjects.extend(subjects);
        self
    }

    pub fn summary(mut self, summary: Value) -> Self {
        self.summary = summary;
        self
    }
}

/// Summary of an update: `{"field": {"old": ..., "new": ...}, ...}`. Fields whose
/// value did not change are left out. Never pass a secret (see [`NewAuditEvent`]).
pub fn changes(fields: &[(&str, Value, Value)]) -> Value {
    let mut map = Map::new();
    for (field, old, new) in fields {
        if old != new {
            let mut change = Map::new();
            change.insert("old".into(), old.clone());
            change.insert("new".into(), new.clone());
            map.insert((*field).to_string(), Value::Object(change));
        }
    }
    Value::Object(map)
}

/// An event as it is stored and hashed: time truncated, subjects sorted and unique,
/// summary serialised once. The hash covers exactly these values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub actor_agency: Option<String>,
    /// The action's name; kept as text so an old log still verifies if an action is
    /// ever retired from the enum.
    pub action: String,
    pub entity_kind: Option<String>,
    pub entity_id: Option<String>,
    pub subjects: Vec<Uuid>,
    pub reason: Option<String>,
    /// The summary's JSON text, exactly as stored.
    pub summary: String,
    pub query: Option<String>,
    pub result_count: Option<i64>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl StoredEvent {
    /// The normalised, not yet chained form of `event` at position `seq`.
    pub(crate) fn prepare(seq: i64, event: NewAuditEvent) -> Result<Self, AuditError> {
        let mut subjects = event.subjects;
        subjects.sort_unstable();
        subjects.dedup();
        Ok(Self {
            seq,
            prev_hash: String::new(),
            hash: String::new(),
            occurred_at: event.occurred_at.trunc_subsecs(6),
            actor_user_id: event.actor_user_id,
            actor_username: event.actor_username,
            actor_agency: event.actor_agency,
            action: event.action.as_str().to_string(),
            entity_kind: event.entity_kind,
            entity_id: event.entity_id,
            subjects,
            reason: event.reason,
            summary: serde_json::to_string(&event.summary)?,
            query: event.query,
            result_count: event.result_count,
            request_id: event.request_id,
            client_addr: event.client_addr,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn action_names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            let json = serde_json::to_string(&action).expect("serialise");
            assert_eq!(json, format!("\"{}\"", action.as_str()));
        }
        assert_eq!(
            AuditAction::parse("sign-in-failed"),
            Some(AuditAction::SignInFailed)
        );
        assert!("nonsense".parse::<AuditAction>().is_err());
    }

    #[test]
    fn changes_lists_only_what_changed() {
        let summary = changes(&[
            ("surname", json!("Smith"), json!("Smyth")),
            ("ward", json!("E05"), json!("E05")),
            ("risk", Value::Null, json!("gold")),
        ]);
        assert_eq!(
            summary,
            json!({
                "surname": {"old": "Smith", "new": "Smyth"},
                "risk": {"old": null, "new": "gold"},
            })
        );
    }
}
