//! Referrals between agencies over HTTP, on both databases: the receiver sees the
//! referred case only after accepting it (a share, audited); a third agency never
//! does; every step is refused or allowed by side and status, and every step is in
//! the audit log; panels' inboxes; bad input named field by field with nothing stored.

use casework_tests::http::{json_of, page, post, read, refused, store_of, submit};
use casework_tests::{TestApp, each_app};
use serde_json::{Value, json};

async fn person(app: &TestApp, token: &str, ward: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": "Robin", "surname": "Referred", "ward": ward}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

async fn asb_case(app: &TestApp, token: &str, person: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/asb/cases",
            json!({"person_id": person, "ward": "harbour", "summary": "Noise and threats"}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

async fn step(
    app: &TestApp,
    token: &str,
    id: &str,
    to: &str,
    reason: Option<&str>,
) -> reqwest::Response {
    post(
        app,
        token,
        &format!("/api/v1/referrals/{id}/transitions"),
        json!({"to": to, "reason": reason}),
    )
    .await
}

async fn total(app: &TestApp, token: &str, which: &str) -> u64 {
    let body = json_of(
        app.api_get(token, &format!("/api/v1/referrals?box={which}"))
            .await,
        200,
    )
    .await;
    body["total"].as_u64().expect("total")
}

/// The audit events of one entity, oldest first: (action, summary).
async fn audit_of(app: &TestApp, kind: &str, id: &str) -> Vec<(String, String)> {
    let store = store_of(app).await;
    let mut events = casework_audit::events_for_entity(store.connection(), kind, id, 200)
        .await
        .expect("audit events");
    events.reverse();
    events.into_iter().map(|e| (e.action, e.summary)).collect()
}

#[tokio::test]
async fn the_receiver_sees_the_case_only_after_accepting_and_a_third_agency_never() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let council = app.api_token("council.officer").await;
        let who = person(&app, &police, "harbour").await;
        let case = asb_case(&app, &police, &who).await;
        let case_path = format!("/api/v1/asb/cases/{case}");
        assert_eq!(read(&app, &housing, &case_path).await.status(), 404);
        assert_eq!(read(&app, &council, &case_path).await.status(), 404);

        // Without consent, a justification is needed; nothing is stored.
        let fields = refused(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": who, "case_id": case, "to_agency": "derwent-solway-ha",
                       "reason": "Tenancy at risk", "consent": false}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["consent_override_reason"]);
        assert_eq!(total(&app, &police, "outbox").await, 0);
        assert_eq!(total(&app, &housing, "inbox").await, 0);

        let made = json_of(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": who, "case_id": case, "to_agency": "derwent-solway-ha",
                       "reason": "Tenancy at risk", "consent": true}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(made["status"], "in-progress");
        assert_eq!(made["inbox_agency"], "derwent-solway-ha");
        assert_eq!(made["overdue"], false);
        let id = made["id"].as_str().expect("id").to_string();
        assert_eq!(total(&app, &police, "outbox").await, 1);
        assert_eq!(total(&app, &housing, "inbox").await, 1);
        assert_eq!(total(&app, &council, "inbox").await, 0);
        assert_eq!(total(&app, &council, "outbox").await, 0);

        // In progress: the receiver sees the referral, not yet the case.
        let seen = json_of(
            app.api_get(&housing, &format!("/api/v1/referrals/{id}"))
                .await,
            200,
        )
        .await;
        assert_eq!(seen["surname"], "Referred");
        assert_eq!(read(&app, &housing, &case_path).await.status(), 404);
        // A third agency: neither the referral nor the case, and no step.
        assert_eq!(
            app.api_get(&council, &format!("/api/v1/referrals/{id}"))
                .await
                .status(),
            404
        );
        assert_eq!(
            step(&app, &council, &id, "accepted", None).await.status(),
            404
        );
        // The referrer may not accept its own referral; the receiver may not withdraw it.
        assert_eq!(
            step(&app, &police, &id, "accepted", None).await.status(),
            403
        );
        assert_eq!(
            step(&app, &housing, &id, "withdrawn", None).await.status(),
            403
        );
        // Done before accepting is impossible, and says where it stands.
        let problem = json_of(
            step(&app, &housing, &id, "done", Some("need-met")).await,
            422,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "to");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains("The referral is in progress"),
            "{problem}"
        );
        assert_eq!(read(&app, &housing, &case_path).await.status(), 404);

        let accepted = json_of(step(&app, &housing, &id, "accepted", None).await, 200).await;
        assert_eq!(accepted["status"], "accepted");
        // Now the receiver works the case; the third agency still cannot see it.
        assert_eq!(read(&app, &housing, &case_path).await.status(), 200);
        assert_eq!(read(&app, &council, &case_path).await.status(), 404);

        let problem = json_of(step(&app, &housing, &id, "accepted", None).await, 422).await;
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains("The referral is accepted"),
            "{problem}"
        );
        assert_eq!(
            refused(step(&app, &police, &id, "withdrawn", None).await).await,
            ["to"]
        );
        assert_eq!(
            refused(step(&app, &housing, &id, "done", Some("it went well")).await).await,
            ["reason"]
        );
        let done = json_of(
            step(&app, &housing, &id, "done", Some("need-met")).await,
            200,
        )
        .await;
        assert_eq!(done["status"], "done");
        assert_eq!(done["status_reason"], "need-met");
        let history = json_of(
            app.api_get(&police, &format!("/api/v1/referrals/{id}"))
                .await,
            200,
        )
        .await;
        let steps: Vec<(&str, &str)> = history["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|t| {
                (
                    t["from"].as_str().expect("from"),
                    t["to"].as_str().expect("to"),
                )
            })
            .collect();
        assert_eq!(steps, [("in-progress", "accepted"), ("accepted", "done")]);

        // Every step is in the audit log: made, accepted, done, and the share.
        let events = audit_of(&app, "referral", &id).await;
        let changes: Vec<&(String, String)> = events
            .iter()
            .filter(|(a, _)| a != "view" && a != "access-denied")
            .collect();
        assert_eq!(changes.len(), 3, "{events:?}");
        assert_eq!(changes[0].0, "create");
        assert!(
            changes[1].0 == "update" && changes[1].1.contains("accepted"),
            "{events:?}"
        );
        assert!(
            changes[2].0 == "update" && changes[2].1.contains("done"),
            "{events:?}"
        );
        assert!(
            events.iter().any(|(a, _)| a == "access-denied"),
            "the third agency's refusal"
        );
        let case_events = audit_of(&app, "case", &case).await;
        let shares: Vec<&(String, String)> =
            case_events.iter().filter(|(a, _)| a == "share").collect();
        assert_eq!(shares.len(), 1, "{case_events:?}");
        assert!(shares[0].1.contains("derwent-solway-ha"));
    })
    .await;
}

#[tokio::test]
async fn rejection_withdrawal_and_panels() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let council = app.api_token("council.officer").await;
        let housing = app.api_token("housing.officer").await;
        let who = person(&app, &police, "harbour").await;
        // LMAPS in Copeland is coordinated by Copeland Borough Council.
        let to_lmaps = json_of(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": who, "to_panel": "lmaps", "reason": "Persistent ASB",
                       "consent": false, "consent_override_reason": "Risk to neighbours; s.115"}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(to_lmaps["inbox_agency"], "copeland-bc");
        assert_eq!(to_lmaps["to_panel"], "lmaps");
        assert_eq!(to_lmaps["consent"], false);
        let id = to_lmaps["id"].as_str().expect("id").to_string();
        assert_eq!(total(&app, &council, "inbox").await, 1);
        assert_eq!(app.api_get(&housing, &format!("/api/v1/referrals/{id}")).await.status(), 404);
        // Unanswered after five working days, it is overdue in the inbox and on its page.
        let store = store_of(&app).await;
        // The only referral so far.
        sea_orm_execute(&store, "UPDATE referrals SET referred_on = '2012-06-01'").await;
        let inbox = json_of(app.api_get(&council, "/api/v1/referrals?box=inbox").await, 200).await;
        assert_eq!(inbox["items"][0]["overdue"], true);
        assert_eq!(inbox["items"][0]["decision_due"], "2012-06-12");
        let browser = app.sign_in("council.officer").await;
        let (status, html) = page(&browser, &app, "/referrals?box=inbox").await;
        assert_eq!(status, 200);
        assert!(html.contains("Robin Referred") && html.contains("Overdue"), "{html}");
        let (status, html) = page(&browser, &app, &format!("/referrals/{id}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Decision overdue") && html.contains("value=\"rejected\""), "{html}");
        let other = app.sign_in("housing.officer").await;
        assert_eq!(page(&other, &app, &format!("/referrals/{id}")).await.0, 404);
        assert_eq!(refused(step(&app, &council, &id, "rejected", None).await).await, ["reason"]);
        let rejected = json_of(
            step(&app, &council, &id, "rejected", Some("Not for LMAPS: single incident")).await,
            200,
        )
        .await;
        assert_eq!(rejected["status"], "rejected");
        for to in ["accepted", "withdrawn", "done", "rejected"] {
            let side = if to == "withdrawn" { &police } else { &council };
            let problem = json_of(step(&app, side, &id, to, Some("need-met")).await, 422).await;
            assert!(
                problem["detail"].as_str().unwrap_or_default().contains("rejected")
                    || problem["errors"][0]["message"].as_str().unwrap_or_default().contains("The referral is rejected"),
                "{problem}"
            );
        }

        // The referrer withdraws one in progress; nothing more happens to it.
        let to_iom = json_of(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": who, "to_panel": "iom-panel", "reason": "Prolific", "consent": true}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(to_iom["inbox_agency"], "iom-team");
        let id = to_iom["id"].as_str().expect("id").to_string();
        let iom = app.api_token("iom.manager").await;
        assert_eq!(total(&app, &iom, "inbox").await, 1);
        let withdrawn = json_of(step(&app, &police, &id, "withdrawn", Some("Moved away")).await, 200).await;
        assert_eq!(withdrawn["status"], "withdrawn");
        assert_eq!(refused(step(&app, &iom, &id, "accepted", None).await).await, ["to"]);
        let events = audit_of(&app, "referral", &id).await;
        assert_eq!(
            events.iter().filter(|(a, _)| a == "create" || a == "update").count(),
            2,
            "{events:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn bad_referrals_are_refused_field_by_field_and_nothing_is_stored() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let who = person(&app, &police, "harbour").await;
        let fields = refused(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": "not-an-id", "to_agency": "nowhere", "reason": " "}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["person_id", "to_agency", "reason", "consent"]);
        let fields = refused(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": who, "to_agency": "cumbria-constabulary", "to_panel": "marac",
                       "reason": "x", "consent": true}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["to_agency"]);
        let fields = refused(
            post(
                &app,
                &police,
                "/api/v1/referrals",
                json!({"person_id": who, "to_agency": "cumbria-constabulary", "reason": "x", "consent": true}),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["to_agency"], "not to your own agency");
        // A case the referrer may not share is answered as no such case.
        let case = asb_case(&app, &police, &who).await;
        let response = post(
            &app,
            &housing,
            "/api/v1/referrals",
            json!({"person_id": who, "case_id": case, "to_agency": "copeland-bc", "reason": "x",
                   "consent": true}),
        )
        .await;
        assert_eq!(response.status(), 404);
        // Analysts make no referrals and have no boxes.
        let analyst = app.api_token("analyst").await;
        assert_eq!(
            post(&app, &analyst, "/api/v1/referrals", json!({})).await.status(),
            403
        );
        assert_eq!(app.api_get(&analyst, "/api/v1/referrals?box=inbox").await.status(), 403);
        assert_eq!(
            refused(app.api_get(&police, "/api/v1/referrals?box=sideways").await).await,
            ["box"]
        );
        assert_eq!(total(&app, &police, "outbox").await, 0);
        assert_eq!(total(&app, &housing, "outbox").await, 0);
        // The form: a bad referral is sent back naming the fields, a good one is made.
        let web = app.sign_in("police.officer").await;
        let form = format!("/referrals/new?person_id={who}");
        let (status, html) = page(&web, &app, &form).await;
        assert_eq!(status, 200);
        assert!(html.contains("value=\"lmaps\""), "{html}");
        let (status, _, html) = submit(
            &web,
            &app,
            &form,
            "/referrals",
            &[("person_id", who.as_str()), ("to_agency", "copeland-bc"), ("reason", "Noise"), ("consent", "false")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("record why sharing is justified"), "{html}");
        assert_eq!(total(&app, &police, "outbox").await, 0);
        let (status, location, _) = submit(
            &web,
            &app,
            &form,
            "/referrals",
            &[("person_id", who.as_str()), ("to_agency", "copeland-bc"), ("to_panel", ""), ("case_id", ""),
              ("reason", "Noise"), ("consent", "true")],
        )
        .await;
        assert_eq!(status, 303);
        assert!(location.starts_with("/referrals/"), "{location}");
        assert_eq!(total(&app, &police, "outbox").await, 1);
        // The API is described in the OpenAPI document.
        let doc = json_of(app.get("/api/v1/openapi.json").await, 200).await;
        for path in [
            "/api/v1/referrals",
            "/api/v1/referrals/{id}",
            "/api/v1/referrals/{id}/transitions",
            "/api/v1/prevent-deter/referrals",
            "/api/v1/prevent-deter/referrals/{id}",
            "/api/v1/prevent-deter/referrals/{id}/stage",
            "/api/v1/prevent-deter/measures",
            "/api/v1/prevent-deter/programme-stages",
        ] {
            let documented: &Value = &doc["paths"][path];
            assert!(!documented.is_null(), "{path} documented");
        }
    })
    .await;
}

/// Runs one SQL statement on the test server's database (to back-date a referral).
async fn sea_orm_execute(store: &casework_store::Store, sql: &str) {
    use casework_store::ConnectionTrait;
    store
        .connection()
        .execute_unprepared(sql)
        .await
        .expect("sql");
}
