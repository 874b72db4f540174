//! The web side of the audit log: events stamped with who, from where and which
//! request, and the rule that a change and its event commit together.

use casework_audit::{AuditAction, AuditError, NewAuditEvent, append};
use casework_store::DatabaseTransaction;

use crate::AppError;
use crate::auth::CurrentUser;

impl From<AuditError> for AppError {
    fn from(err: AuditError) -> Self {
        AppError::Internal(format!("audit log: {err}"))
    }
}

impl CurrentUser {
    /// An event by this user, with the request's id and the client's address.
    pub fn event(&self, action: AuditAction) -> NewAuditEvent {
        let mut event = NewAuditEvent::new(action);
        event.actor_user_id = Some(self.user.id);
        event.actor_username = Some(self.user.username.clone());
        event.actor_agency = Some(self.user.agency.clone());
        event.request_id = self.request_id.clone();
        event.client_addr = self.client_addr.clone();
        event
    }
}

/// Appends the change's events and commits: both happen, or neither.
pub async fn commit_with(
    txn: DatabaseTransaction,
    events: Vec<NewAuditEvent>,
) -> Result<(), AppError> {
    append(&txn, events).await?;
    txn.commit()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(())
}
