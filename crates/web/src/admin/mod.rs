//! Administration: users. Only the `admin` role reaches these pages, and it reaches no
//! case data through them.

mod users;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    users::router()
}
