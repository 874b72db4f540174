//! What LMAPS tests share: days relative to today, and a Copeland meeting made over
//! the API.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::TestApp;
use crate::http::{json_of, post};

/// Today plus `offset` days, as `YYYY-MM-DD` (UTC's date: tests do not run at midnight
/// UK time, and the meeting rules compare whole days).
pub fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A planned Copeland meeting on `held_on` for the invited agencies, made by `chair`
/// (a token). Returns its id.
pub async fn meeting(app: &TestApp, chair: &str, held_on: &str, invited: &[&str]) -> String {
    let created = json_of(
        post(
            app,
            chair,
            "/api/v1/lmaps/meetings",
            json!({"district": "copeland", "held_on": held_on, "invited_agencies": invited}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(created["status"], "planned");
    created["id"].as_str().expect("id").to_string()
}
