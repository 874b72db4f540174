//! Helpers the HTTP tests of every module share: JSON requests with a bearer token,
//! problem+json answers, and forms posted as a browser posts them.

use casework_store::Store;
use serde_json::Value;

use crate::TestApp;

/// POST a JSON body with a bearer token.
pub async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post")
}

pub async fn read(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .header("X-Access-Reason", "safeguarding")
        .send()
        .await
        .expect("get")
}

/// The JSON body of a response that must have this status.
pub async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

/// The fields a 422 problem names, in order.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The fields of a 422 problem+json answer.
pub async fn refused(response: reqwest::Response) -> Vec<String> {
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    fields(&json_of(response, 422).await)
}

/// The test server's database, opened beside it.
pub async fn store_of(app: &TestApp) -> Store {
    Store::connect(&app.database.url).await.expect("store")
}

/// A page as a signed-in browser gets it: status and HTML.
pub async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

/// Posts a form the way a browser would, with the form token from `form_page`:
/// status, `Location` and body.
pub async fn submit(
    client: &reqwest::Client,
    app: &TestApp,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let token = app.form_token(client, form_page).await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    let response = client
        .post(app.url(action))
        .form(&form)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("ascii").to_string())
        .unwrap_or_default();
    (status, location, response.text().await.expect("html"))
}
