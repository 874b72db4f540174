use casework_domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("cannot open database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error("invalid input")]
    Fields(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
}
