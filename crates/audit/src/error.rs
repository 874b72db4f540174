use std::path::PathBuf;
use std::sync::Arc;

use crate::verify::Problem;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("audit database error: {0}")]
    Store(#[from] casework_store::StoreError),
    #[error("cannot serialise the audit summary: {0}")]
    Summary(#[from] serde_json::Error),
    #[error("unknown audit action {0:?}")]
    UnknownAction(String),
    #[error("audit event field {0} is too long to encode")]
    TooLong(&'static str),
    #[error("the audit log's head row is missing or unreadable: {0}")]
    Head(String),
    /// A group commit failed; every event in the group gets the same error.
    #[error("{0}")]
    Batch(Arc<AuditError>),
    #[error("audit task failed: {0}")]
    Task(String),
    #[error("the audit log is shut down")]
    Closed,
    #[error("audit log broken: {0}")]
    Broken(Problem),
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    #[error("checkpoint signature does not verify with this public key")]
    BadSignature,
    #[error("invalid checkpoint: {0}")]
    Checkpoint(String),
}

impl AuditError {
    pub(crate) fn file(path: &std::path::Path, reason: impl ToString) -> Self {
        Self::File {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}
