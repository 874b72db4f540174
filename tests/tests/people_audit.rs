//! People over the API and the audit trail they leave, on both databases: duplicate
//! flags, bad input, access reasons, audited reads under load and across two servers,
//! the DPO's search and export, and a failed audit write that must undo its change.

use casework_audit::{AuditAction, AuditFilter};
use casework_store::{ConnectionTrait, Store};
use casework_tests::{TestApp, each_app, spawn_second};
use serde_json::{Value, json};

async fn create_person(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/people"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post")
}

async fn search(app: &TestApp, token: &str, q: &str) -> Value {
    let response = app.api_get(token, &format!("/api/v1/people?q={q}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn store_of(app: &TestApp) -> Store {
    Store::connect(&app.database.url).await.expect("store")
}

#[tokio::test]
async fn people_are_recorded_flagged_and_found() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let first = create_person(
            &app,
            &token,
            json!({
                "forename": "Zoë", "surname": "O'Brien", "date_of_birth": "1990-05-04",
                "address": "12 Harbour View, Whitehaven", "ward": "harbour"
            }),
        )
        .await;
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.expect("json");
        assert_eq!(first["possible_duplicates"], json!([]));
        assert_eq!(first["flags"], json!([]));
        let again = create_person(
            &app,
            &token,
            json!({
                "forename": "zoe", "surname": "o'brien", "date_of_birth": "1990-05-04"
            }),
        )
        .await;
        assert_eq!(again.status(), 201, "flagged, never refused or merged");
        let again: Value = again.json().await.expect("json");
        assert_eq!(again["possible_duplicates"], json!([first["id"]]));

        for q in ["zoe", "ZOË", "obrien", "zoe%20brien", "Brie"] {
            let found = search(&app, &token, q).await;
            assert_eq!(found["total"], 2, "search '{q}'");
            assert!(
                found["items"][0].get("address").is_none(),
                "search shows no address"
            );
        }
        assert_eq!(search(&app, &token, "smith").await["total"], 0);
    })
    .await;
}

#[tokio::test]
async fn bad_people_are_refused_field_by_field_and_nothing_is_stored() {
    each_app(|app| async move {
        let token = app.api_token("housing.officer").await;
        let response = create_person(&app, &token, json!({
            "forename": "", "surname": "Nobody", "date_of_birth": "2999-01-01", "ward": "atlantis"
        }))
        .await;
        assert_eq!(response.status(), 422);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.expect("json");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().expect("field"))
            .collect();
        assert_eq!(fields, ["forename", "date_of_birth"]);
        let unknown_ward = create_person(
            &app,
            &token,
            json!({"forename": "A", "surname": "Nobody", "ward": "atlantis"}),
        )
        .await;
        assert_eq!(unknown_ward.status(), 422);
        let problem: Value = unknown_ward.json().await.expect("json");
        assert_eq!(problem["errors"][0]["field"], "ward");
        assert_eq!(search(&app, &token, "nobody").await["total"], 0);
    })
    .await;
}

#[tokio::test]
async fn reading_someone_elses_person_needs_a_reason_and_logs_it() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let created: Value = create_person(
            &app,
            &police,
            json!({"forename": "Kim", "surname": "Lowther", "address": "3 Moss Bay Road"}),
        )
        .await
        .json()
        .await
        .expect("json");
        let id = created["id"].as_str().expect("id").to_string();
        // The recording agency reads it without a reason.
        assert_eq!(
            app.api_get(&police, &format!("/api/v1/people/{id}"))
                .await
                .status(),
            200
        );

        let housing = app.api_token("housing.officer").await;
        let without = app.api_get(&housing, &format!("/api/v1/people/{id}")).await;
        assert_eq!(without.status(), 428);
        assert_eq!(
            without.headers()["content-type"],
            "application/problem+json"
        );
        let with = app
            .client
            .get(app.url(&format!("/api/v1/people/{id}")))
            .bearer_auth(&housing)
            .header("X-Access-Reason", "safeguarding")
            .send()
            .await
            .expect("get");
        assert_eq!(with.status(), 200);
        let body: Value = with.json().await.expect("json");
        assert_eq!(body["surname"], "Lowther");

        for (user, status) in [("analyst", 404), ("demo.admin", 404)] {
            let token = app.api_token(user).await;
            let response = app
                .client
                .get(app.url(&format!("/api/v1/people/{id}")))
                .bearer_auth(&token)
                .header("X-Access-Reason", "curious")
                .send()
                .await
                .expect("get");
            assert_eq!(response.status(), status, "{user}");
            let text = response.text().await.expect("body");
            assert!(
                !text.contains("Lowther") && !text.contains("Moss Bay"),
                "{user} sees no personal data"
            );
        }

        let store = store_of(&app).await;
        let person = uuid::Uuid::parse_str(&id).expect("uuid");
        let trail = casework_audit::trail_for_person(store.connection(), person)
            .await
            .expect("trail");
        let views: Vec<_> = trail.iter().filter(|e| e.action == "view").collect();
        assert_eq!(views.len(), 2);
        assert_eq!(views[1].reason.as_deref(), Some("Safeguarding concern"));
        assert_eq!(views[1].actor_agency.as_deref(), Some("derwent-solway-ha"));
        let denied = casework_audit::search(
            store.connection(),
            &AuditFilter {
                action: Some(AuditAction::AccessDenied),
                ..Default::default()
            },
            1,
            10,
        )
        .await
        .expect("search");
        assert_eq!(denied.total, 2, "both refusals are logged");
        store.close().await;
    })
    .await;
}

/// Reads a person `n` times at once through `addresses` (round robin).
async fn concurrent_reads(app: &TestApp, addresses: &[String], token: &str, id: &str, n: usize) {
    let mut tasks = Vec::new();
    for i in 0..n {
        let url = format!("{}/api/v1/people/{id}", addresses[i % addresses.len()]);
        let client = app.client.clone();
        let token = token.to_string();
        tasks.push(tokio::spawn(async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("get")
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 200);
    }
}

async fn views_of(store: &Store, id: &str) -> usize {
    let person = uuid::Uuid::parse_str(id).expect("uuid");
    casework_audit::trail_for_person(store.connection(), person)
        .await
        .expect("trail")
        .iter()
        .filter(|e| e.action == "view")
        .count()
}

#[tokio::test]
async fn sixty_four_concurrent_reads_leave_one_unbroken_chain() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let created: Value = create_person(
            &app,
            &token,
            json!({"forename": "Ash", "surname": "Pattinson"}),
        )
        .await
        .json()
        .await
        .expect("json");
        let id = created["id"].as_str().expect("id").to_string();
        concurrent_reads(&app, std::slice::from_ref(&app.address), &token, &id, 64).await;
        let store = store_of(&app).await;
        assert_eq!(
            views_of(&store, &id).await,
            64,
            "exactly one event per read"
        );
        let report = casework_audit::verify(store.connection(), None)
            .await
            .expect("verify");
        assert!(report.is_intact(), "{:?}", report.problem);
        assert_eq!(
            report.events_checked,
            casework_audit::count(store.connection())
                .await
                .expect("count")
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn two_servers_on_one_postgres_keep_one_chain() {
    let Some(database) = casework_tests::TestDatabase::postgres().await else {
        return;
    };
    let app = casework_tests::spawn_app(database).await;
    let second = spawn_second(&app).await;
    let token = app.api_token("police.officer").await;
    let created: Value = create_person(
        &app,
        &token,
        json!({"forename": "Lou", "surname": "Fearon"}),
    )
    .await
    .json()
    .await
    .expect("json");
    let id = created["id"].as_str().expect("id").to_string();
    // Sessions and tokens live in the database: the second server honours the token.
    let addresses = [app.address.clone(), second.address.clone()];
    concurrent_reads(&app, &addresses, &token, &id, 64).await;
    let store = store_of(&app).await;
    assert_eq!(views_of(&store, &id).await, 64);
    let report = casework_audit::verify(store.connection(), None)
        .await
        .expect("verify");
    assert!(report.is_intact(), "{:?}", report.problem);
    store.close().await;
}

#[tokio::test]
async fn a_failed_audit_write_leaves_no_change_behind() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let store = store_of(&app).await;
        // Break the audit table under the running server.
        store
            .connection()
            .execute_unprepared("ALTER TABLE audit_events RENAME TO audit_events_away")
            .await
            .expect("rename");
        let response = create_person(
            &app,
            &token,
            json!({"forename": "Rowan", "surname": "Unstored"}),
        )
        .await;
        assert_eq!(response.status(), 500);
        let problem: Value = response.json().await.expect("problem");
        assert!(
            !problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("audit_events"),
            "no internals leak"
        );
        store
            .connection()
            .execute_unprepared("ALTER TABLE audit_events_away RENAME TO audit_events")
            .await
            .expect("rename back");
        assert_eq!(
            search(&app, &token, "unstored").await["total"],
            0,
            "the person was not stored"
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_dpo_searches_the_log_and_exports_a_trail() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let created: Value = create_person(
            &app,
            &token,
            json!({"forename": "Ellis", "surname": "Hodgson"}),
        )
        .await
        .json()
        .await
        .expect("json");
        let id = created["id"].as_str().expect("id").to_string();
        app.api_get(&token, &format!("/api/v1/people/{id}")).await;

        let officer = app.sign_in("police.officer").await;
        assert_eq!(
            officer
                .get(app.url("/audit"))
                .send()
                .await
                .expect("page")
                .status(),
            404
        );
        assert_eq!(
            officer
                .get(app.url(&format!("/audit/people/{id}/trail.csv")))
                .send()
                .await
                .expect("csv")
                .status(),
            404
        );

        let dpo = app.sign_in("dpo").await;
        let page = dpo
            .get(app.url(&format!("/audit?person={id}")))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("2 events"), "create and view of this person");
        let csv = dpo
            .get(app.url(&format!("/audit/people/{id}/trail.csv")))
            .send()
            .await
            .expect("csv");
        assert_eq!(csv.status(), 200);
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/csv")
        );
        let text = csv.text().await.expect("csv text");
        // Header, the create, the view, and the DPO's own search for this person.
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.contains(",create,police.officer,") && text.contains(",view,police.officer,"));
        let json: Value = dpo
            .get(app.url(&format!("/audit/people/{id}/trail.json")))
            .send()
            .await
            .expect("json")
            .json()
            .await
            .expect("json body");
        // The search and the CSV export are now in the person's own trail too.
        let actions: Vec<&str> = json["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["action"].as_str().expect("action"))
            .collect();
        assert_eq!(actions, ["create", "view", "search", "export"]);
        let bad = dpo
            .get(app.url("/audit?person=nonsense&from=yesterday"))
            .send()
            .await
            .expect("page");
        let html = bad.text().await.expect("html");
        assert!(html.contains("href=\"#person\"") && html.contains("href=\"#from\""));
    })
    .await;
}
