//! The running system: health, readiness, the plan page and the plan API, on both
//! databases, through the real binary.

use casework_tests::each_app;
use serde_json::Value;

#[tokio::test]
async fn health_and_readiness() {
    each_app(|app| async move {
        let health = app.get("/healthz").await;
        assert_eq!(health.status(), 200);
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200);
        let body: Value = ready.json().await.expect("json");
        assert_eq!(body["status"], "ready");
    })
    .await;
}

#[tokio::test]
async fn the_plan_page_shows_priorities_aims_and_actions() {
    each_app(|app| async move {
        let client = app.sign_in("analyst").await;
        let page = client.get(app.url("/plan")).send().await.expect("page");
        assert_eq!(page.status(), 200);
        let headers = page.headers().clone();
        let html = page.text().await.expect("html");
        assert!(html.contains("West Cumbria Community Safety Partnership Plan 2012/13"));
        assert!(html.contains("Target ASB Hotspots"));
        assert!(html.contains("Secure continuation of IOM outreach worker post"));
        assert!(
            html.contains("31 December 2011"),
            "review dates are shown UK style"
        );
        assert!(
            html.contains("Solway Housing Association"),
            "agency names, not codes"
        );
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert!(headers.contains_key("x-request-id"));
    })
    .await;
}

#[tokio::test]
async fn the_plan_api_follows_the_contract() {
    each_app(|app| async move {
        let token = app.api_token("analyst").await;
        let response = app.api_get(&token, "/api/v1/plan").await;
        assert_eq!(response.status(), 200);
        let plan: Value = response.json().await.expect("json");
        assert_eq!(plan["year"], "2012-13");
        let priorities = plan["priorities"].as_array().expect("priorities");
        assert_eq!(priorities.len(), 5);
        let aims: Vec<&Value> = priorities
            .iter()
            .flat_map(|p| p["aims"].as_array().expect("aims"))
            .collect();
        assert_eq!(aims.len(), 12);
        let actions: Vec<&Value> = aims
            .iter()
            .flat_map(|a| a["actions"].as_array().expect("actions"))
            .collect();
        assert_eq!(actions.len(), 23);
        let pilot = actions
            .iter()
            .find(|a| {
                a["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("Pilot to provide accommodation"))
            })
            .expect("pilot");
        assert_eq!(pilot["review_date"], "2012-01-31");
        assert_eq!(
            pilot["agencies"],
            serde_json::json!(["derwent-solway-ha", "impact-ha"])
        );
        assert!(uuid::Uuid::parse_str(pilot["id"].as_str().expect("id")).is_ok());
        assert!(aims[2]["baseline_source"].is_string());
    })
    .await;
}

#[tokio::test]
async fn reference_data_and_openapi() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let agencies: Value = app
            .api_get(&token, "/api/v1/agencies")
            .await
            .json()
            .await
            .expect("json");
        let codes: Vec<&str> = agencies
            .as_array()
            .expect("list")
            .iter()
            .map(|a| a["code"].as_str().expect("code"))
            .collect();
        assert_eq!(codes.len(), 14);
        assert!(codes.contains(&"derwent-solway-ha") && codes.contains(&"west-cumbria-csp"));
        let wards: Value = app
            .api_get(&token, "/api/v1/wards")
            .await
            .json()
            .await
            .expect("json");
        let harbour = wards
            .as_array()
            .expect("list")
            .iter()
            .find(|w| w["code"] == "harbour")
            .expect("harbour ward");
        assert_eq!(harbour["district"], "copeland");
        let doc: Value = app
            .get("/api/v1/openapi.json")
            .await
            .json()
            .await
            .expect("json");
        for path in ["/api/v1/plan", "/api/v1/agencies", "/api/v1/wards"] {
            assert!(
                doc["paths"].get(path).is_some(),
                "{path} missing from OpenAPI: {}",
                doc["paths"]
            );
        }
        let missing = app.get("/api/v1/no-such-thing").await;
        assert_eq!(missing.status(), 404);
        assert_eq!(
            missing.headers()["content-type"],
            "application/problem+json"
        );
    })
    .await;
}

#[tokio::test]
async fn a_second_start_on_the_same_database_changes_nothing() {
    for database in casework_tests::databases().await {
        let first = casework_tests::spawn_app(database).await;
        let token = first.api_token("analyst").await;
        let before: Value = first
            .api_get(&token, "/api/v1/plan")
            .await
            .json()
            .await
            .expect("json");
        assert!(first.admin_password.is_some());
        let second = casework_tests::spawn_second(&first).await;
        let via_second: Value = first
            .client
            .get(format!("{}/api/v1/plan", second.address))
            .bearer_auth(&token)
            .send()
            .await
            .expect("plan")
            .json()
            .await
            .expect("json");
        assert_eq!(before, via_second, "same plan, same ids");
        let store = casework_store::Store::connect(&first.database.url)
            .await
            .expect("store");
        // One administrator and the ten demo accounts: nothing was added twice.
        assert_eq!(store.count_users().await.expect("count"), 11);
        store.close().await;
    }
}
