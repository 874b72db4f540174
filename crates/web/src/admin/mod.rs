//! Administration: users. Only the `admin` role reaches these pages, and it reaches no
//! case data through them.

mod settings;
mod users;

use axum::Router;
use casework_domain::access::may_administer;

use crate::auth::CurrentUser;
use crate::{AppError, AppState, HtmlError};

pub fn router() -> Router<AppState> {
    users::router().merge(settings::router())
}

/// Administrators only; anyone else is told the page does not exist.
fn require_admin(current: &CurrentUser) -> Result<(), HtmlError> {
    if may_administer(&current.actor()) {
        Ok(())
    } else {
        Err(HtmlError(AppError::NotFound))
    }
}
