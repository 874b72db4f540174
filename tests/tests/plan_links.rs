//! Linking a case to a plan aim by hand, on both databases: the officer who works the
//! case links it with a reason, over the API and with the aim page's form; the case
//! then counts towards the aim and is listed on it; the reason is required, a second
//! link is a conflict, an officer who may not work the case gets a 404 (audited), and
//! the link is in the case's audit record with its reason.

use casework_tests::http::{json_of, page, post, read, store_of, submit};
use casework_tests::{TestApp, each_app};
use serde_json::{Value, json};

const YEAR: &str = "2012-13";
const AIM: &str = "asb-hotspots";

async fn asb_case(app: &TestApp, token: &str, forename: &str) -> Value {
    let person = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": forename, "surname": "Linked", "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    json_of(
        post(
            app,
            token,
            "/api/v1/asb/cases",
            json!({"person_id": person["id"], "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await
}

/// The aim's id, from the report's measures.
async fn aim_id(app: &TestApp, token: &str) -> String {
    let report = json_of(
        read(
            app,
            token,
            &format!("/api/v1/plan/{YEAR}/report?quarter=Q1"),
        )
        .await,
        200,
    )
    .await;
    report["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["aim"] == AIM)
        .and_then(|m| m["aim_id"].as_str())
        .expect("the aim")
        .to_string()
}

#[tokio::test]
async fn an_officer_links_a_case_they_work_to_an_aim_by_hand() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let analyst = app.api_token("analyst").await;
        let first = asb_case(&app, &police, "Lena").await;
        let second = asb_case(&app, &police, "Lorna").await;
        let first_id = first["id"].as_str().expect("id").to_string();
        let aim = aim_id(&app, &analyst).await;
        let cases = format!("/api/v1/plan/{YEAR}/aims/{aim}/cases");

        let before = json_of(read(&app, &analyst, &cases).await, 200).await;
        assert_eq!(before["serving"], 0);

        // The reason is required, and so is the case.
        let refused = json_of(
            post(
                &app,
                &police,
                &cases,
                json!({"case_id": first_id, "reason": " "}),
            )
            .await,
            422,
        )
        .await;
        assert!(refused.to_string().contains("reason"), "{refused}");
        let refused = json_of(
            post(&app, &police, &cases, json!({"reason": "Hotspot work"})).await,
            422,
        )
        .await;
        assert!(refused.to_string().contains("case_id"), "{refused}");

        // Housing may not work a police case: 404, as if it did not exist.
        let hidden = post(
            &app,
            &housing,
            &cases,
            json!({"case_id": first_id, "reason": "Hotspot work"}),
        )
        .await;
        assert_eq!(hidden.status(), 404);

        let linked = json_of(
            post(
                &app,
                &police,
                &cases,
                json!({"case_id": first_id, "reason": "Part of the harbour hotspot patrols"}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(linked["case_id"], first_id.as_str());
        assert_eq!(linked["aim_id"], aim.as_str());
        // Twice is a conflict.
        let again = post(
            &app,
            &police,
            &cases,
            json!({"case_id": first_id, "reason": "Again"}),
        )
        .await;
        assert_eq!(again.status(), 409);

        // The case counts for everyone and is listed, with the reason, for its officer.
        let counted = json_of(read(&app, &analyst, &cases).await, 200).await;
        assert_eq!(counted["serving"], 1);
        assert_eq!(counted["total"], 0);
        let listed = json_of(read(&app, &police, &cases).await, 200).await;
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["case_id"], first_id.as_str());
        assert!(
            listed["items"][0]["reasons"]
                .to_string()
                .contains("harbour hotspot patrols"),
            "{listed}"
        );

        // The form on the aim's page, by reference: an unknown reference is named on
        // the form; a good one links and returns to the list.
        let client = app.sign_in("police.officer").await;
        let aim_page = format!("/plan/{YEAR}/aims/{aim}/cases");
        let (code, _, html) = submit(
            &client,
            &app,
            &aim_page,
            &aim_page,
            &[("reference", "ASB-2099-99999"), ("reason", "Hotspot")],
        )
        .await;
        assert_eq!(code, 200);
        assert!(
            html.contains("There is no case with that reference"),
            "{html}"
        );
        let (code, location, _) = submit(
            &client,
            &app,
            &aim_page,
            &aim_page,
            &[
                (
                    "reference",
                    second["reference"].as_str().expect("reference"),
                ),
                ("reason", "Repeat calls from the same street"),
            ],
        )
        .await;
        assert_eq!(code, 303);
        assert_eq!(location, aim_page);
        let (_, html) = page(&client, &app, &aim_page).await;
        assert!(html.contains(second["reference"].as_str().expect("reference")));
        assert!(html.contains("2 cases serve"), "{html}");

        // The link is a change to the case, with its reason; the refusal is recorded.
        let store = store_of(&app).await;
        let trail = casework_audit::events_for_entity(store.connection(), "case", &first_id, 50)
            .await
            .expect("trail");
        let link = trail
            .iter()
            .find(|e| e.summary.contains("linked_to_aim"))
            .expect("a link event");
        assert_eq!(link.action, "update");
        assert_eq!(
            link.reason.as_deref(),
            Some("Part of the harbour hotspot patrols")
        );
        assert!(
            trail.iter().any(|e| e.action == "access-denied"),
            "the refusal"
        );
        store.close().await;
    })
    .await;
}
