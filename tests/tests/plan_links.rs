//! Linking a case to a plan aim by hand, on both databases: the officer who works the
//! case links it with a reason, over the API and with the aim page's form; the case
//! then counts towards the aim and is listed on it; the reason is required, a second
//! link is a conflict, an officer who may not work the case gets a 404 (audited), and
//! the link is in the case's audit record with its reason. A link made in error is
//! removed the same way (reason required, 404 and audited for whoever may not work the
//! case), is kept with who removed it and why, and the case may be linked again; a
//! case the plan's rules count has no link to remove (409).

use casework_tests::http::{fields, json_of, page, post, read, store_of, submit};
use casework_tests::{TestApp, each_app};
use serde_json::{Value, json};

const YEAR: &str = "2012-13";
const AIM: &str = "asb-hotspots";

/// A new ASB case, with its subject's id as `person_id`.
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
    let mut case = json_of(
        post(
            app,
            token,
            "/api/v1/asb/cases",
            json!({"person_id": person["id"], "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    case["person_id"] = person["id"].clone();
    case
}

/// DELETE with a JSON body and a bearer token.
async fn remove(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("delete")
}

/// The id of the aim `key`, from the report's measures.
async fn aim_id(app: &TestApp, token: &str, key: &str) -> String {
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
        .find(|m| m["aim"] == key)
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
        let aim = aim_id(&app, &analyst, AIM).await;
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

#[tokio::test]
async fn a_link_made_in_error_is_removed_with_its_reason_and_may_be_made_again() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let analyst = app.api_token("analyst").await;
        let case = asb_case(&app, &police, "Rhona").await;
        let case_id = case["id"].as_str().expect("id").to_string();
        let aim = aim_id(&app, &analyst, AIM).await;
        let cases = format!("/api/v1/plan/{YEAR}/aims/{aim}/cases");
        let link = format!("{cases}/{case_id}");
        let made = json!({"case_id": case_id, "reason": "Harbour hotspot patrols"});
        json_of(post(&app, &police, &cases, made.clone()).await, 201).await;

        // The reason is required and named.
        for body in [json!({}), json!({"reason": "  "})] {
            let refused = json_of(remove(&app, &police, &link, body).await, 422).await;
            assert_eq!(fields(&refused), ["reason"], "{refused}");
        }
        // Housing may not work a police case: 404, as if it did not exist.
        let hidden = remove(&app, &housing, &link, json!({"reason": "Wrong aim"})).await;
        assert_eq!(hidden.status(), 404);
        let still = json_of(read(&app, &analyst, &cases).await, 200).await;
        assert_eq!(still["serving"], 1);

        let removed = remove(&app, &police, &link, json!({"reason": "Wrong aim"})).await;
        assert_eq!(removed.status(), 204);
        let listed = json_of(read(&app, &police, &cases).await, 200).await;
        assert_eq!(listed["serving"], 0);
        assert_eq!(listed["total"], 0, "{listed}");
        // Nothing is left to remove.
        let again = remove(&app, &police, &link, json!({"reason": "Wrong aim"})).await;
        assert_eq!(again.status(), 404);

        // The removal is a change to the case with its reason; the refusal is
        // recorded; the link is kept with who removed it, when and why.
        let store = store_of(&app).await;
        let trail = casework_audit::events_for_entity(store.connection(), "case", &case_id, 50)
            .await
            .expect("trail");
        let unlink = trail
            .iter()
            .find(|e| e.summary.contains("unlinked_from_aim"))
            .expect("a removal event");
        assert_eq!(unlink.action, "update");
        assert_eq!(unlink.reason.as_deref(), Some("Wrong aim"));
        assert!(
            trail.iter().any(|e| e.action == "access-denied"),
            "the refusal"
        );
        let kept = store
            .removed_aim_links(case_id.parse().expect("uuid"))
            .await
            .expect("removals");
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].case_id.to_string(), case_id);
        assert_eq!(kept[0].reason, "Harbour hotspot patrols");
        assert_eq!(kept[0].removed_reason, "Wrong aim");
        assert_eq!(kept[0].removed_by, kept[0].linked_by);
        store.close().await;

        // The route is in the OpenAPI document.
        let doc = json_of(app.get("/api/v1/openapi.json").await, 200).await;
        assert!(
            doc["paths"]["/api/v1/plan/{year}/aims/{id}/cases/{case_id}"]
                .get("delete")
                .is_some(),
            "the removal is documented"
        );

        // It may be linked again, and counts again.
        json_of(post(&app, &police, &cases, made).await, 201).await;
        let relinked = json_of(read(&app, &police, &cases).await, 200).await;
        assert_eq!(relinked["serving"], 1);
        assert_eq!(relinked["items"][0]["case_id"], case_id.as_str());
    })
    .await;
}

#[tokio::test]
async fn a_case_the_rules_count_has_no_link_to_remove_and_the_page_removes_one_by_hand() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let analyst = app.api_token("analyst").await;
        let aim = aim_id(&app, &analyst, "asb-alcohol-youth").await;
        let cases = format!("/api/v1/plan/{YEAR}/aims/{aim}/cases");

        // An alcohol-related youth incident: the plan's rules count the case.
        let by_rule = asb_case(&app, &police, "Ruby").await;
        let by_rule_id = by_rule["id"].as_str().expect("id");
        json_of(
            post(
                &app,
                &police,
                &format!("/api/v1/asb/cases/{by_rule_id}/incidents"),
                json!({
                    "occurred_at": "2012-06-01T21:00:00+01:00",
                    "reported_at": "2012-06-01T21:00:00+01:00",
                    "category": "nuisance", "type": "noise", "ward": "harbour",
                    "alcohol_related": true, "youth_related": true,
                    "victim_ids": [by_rule["person_id"]], "perpetrator_ids": ["unknown"],
                }),
            )
            .await,
            201,
        )
        .await;
        let refused = json_of(
            remove(
                &app,
                &police,
                &format!("{cases}/{by_rule_id}"),
                json!({"reason": "Not alcohol related after all"}),
            )
            .await,
            409,
        )
        .await;
        assert!(refused.to_string().contains("plan's rules"), "{refused}");

        // A case linked by hand gets a "Remove" form on the aim's page; the rule's
        // case does not.
        let by_hand = asb_case(&app, &police, "Hattie").await;
        let by_hand_id = by_hand["id"].as_str().expect("id");
        let reference = by_hand["reference"].as_str().expect("reference");
        json_of(
            post(
                &app,
                &police,
                &cases,
                json!({"case_id": by_hand_id, "reason": "Street drinking by the park"}),
            )
            .await,
            201,
        )
        .await;
        let client = app.sign_in("police.officer").await;
        let aim_page = format!("/plan/{YEAR}/aims/{aim}/cases");
        let action = format!("{aim_page}/{by_hand_id}/remove");
        let (_, html) = page(&client, &app, &aim_page).await;
        assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
        assert!(!html.contains(&format!("{by_rule_id}/remove")), "{html}");
        assert!(html.contains("2 cases serve"), "{html}");

        // The reason is named on that form; with it the link goes.
        let (code, _, html) = submit(&client, &app, &aim_page, &action, &[("reason", "")]).await;
        assert_eq!(code, 200);
        assert!(
            html.contains(&format!("href=\"#remove-reason-{by_hand_id}\"")),
            "{html}"
        );
        let (code, location, _) = submit(
            &client,
            &app,
            &aim_page,
            &action,
            &[("reason", "Linked to the wrong aim")],
        )
        .await;
        assert_eq!(code, 303);
        assert_eq!(location, aim_page);
        let (_, html) = page(&client, &app, &aim_page).await;
        assert!(!html.contains(reference), "{html}");
        assert!(html.contains("1 case serves"), "{html}");
    })
    .await;
}
