//! ASB over the API, on both databases: cases, incidents that make a repeat victim,
//! the Gold/Silver/Bronze assessment with professional judgement, bad input refused
//! field by field with nothing stored, and the access matrix's ASB rows over HTTP.

use casework_store::asb::NewAsbCase;
use casework_tests::http::{json_of, page, post, refused, store_of, submit};
use casework_tests::matrix::{HttpMatrix, Setup, refusals_audited};
use casework_tests::{TestApp, each_app};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

async fn create_person(app: &TestApp, token: &str, forename: &str, surname: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": forename, "surname": surname, "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn incident(victim: &str, days_ago: i64) -> Value {
    json!({
        "occurred_at": ago(days_ago),
        "reported_at": ago(days_ago - 1),
        "category": "personal",
        "type": "harassment",
        "ward": "harbour",
        "alcohol_related": true,
        "youth_related": false,
        "victim_ids": [victim],
        "perpetrator_ids": ["unknown"],
    })
}

/// Answers to every question of the instrument: yes to `yes`, no to the rest.
async fn answers(app: &TestApp, token: &str, yes: &[&str]) -> Value {
    let instrument = json_of(app.api_get(token, "/api/v1/asb/instrument").await, 200).await;
    let mut map = Map::new();
    for q in instrument["questions"].as_array().expect("questions") {
        let key = q["key"].as_str().expect("key");
        map.insert(key.to_string(), Value::Bool(yes.contains(&key)));
    }
    Value::Object(map)
}

#[tokio::test]
async fn a_case_is_opened_incidents_make_a_repeat_victim_and_risk_is_assessed() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let victim = create_person(&app, &token, "Maisie", "Tyson").await;
        let opened = json_of(
            post(
                &app,
                &token,
                "/api/v1/asb/cases",
                json!({"person_id": victim, "ward": "harbour", "summary": "Youths at the door"}),
            )
            .await,
            201,
        )
        .await;
        let year = Utc::now().format("%Y").to_string();
        assert_eq!(opened["reference"], format!("ASB-{year}-00001"));
        assert_eq!(opened["status"], "open");
        assert_eq!(opened["owner_agency"], "cumbria-constabulary");
        assert_eq!(opened["tier"], Value::Null);
        let second = json_of(
            post(
                &app,
                &token,
                "/api/v1/asb/cases",
                json!({"person_id": victim, "ward": "mirehouse"}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(second["reference"], format!("ASB-{year}-00002"));

        let id = opened["id"].as_str().expect("id").to_string();
        let case_path = format!("/api/v1/asb/cases/{id}");
        let incidents = format!("/api/v1/asb/cases/{id}/incidents");
        for (n, days) in [40, 20].into_iter().enumerate() {
            let logged = json_of(
                post(&app, &token, &incidents, incident(&victim, days)).await,
                201,
            )
            .await;
            assert_eq!(logged["repeat_victim_ids"], json!([]), "incident {n}");
            assert_eq!(logged["type"], "harassment");
            assert_eq!(logged["reporting_agency"], "cumbria-constabulary");
            assert_eq!(logged["perpetrator_unknown"], true);
        }
        let case = json_of(app.api_get(&token, &case_path).await, 200).await;
        assert_eq!(case["victim"]["flags"], json!([]));
        // The third within twelve months makes a repeat victim, on any case.
        let second_incidents = format!(
            "/api/v1/asb/cases/{}/incidents",
            second["id"].as_str().expect("id")
        );
        let third = json_of(
            post(&app, &token, &second_incidents, incident(&victim, 2)).await,
            201,
        )
        .await;
        assert_eq!(third["repeat_victim_ids"], json!([victim]));
        let case = json_of(app.api_get(&token, &case_path).await, 200).await;
        assert_eq!(
            case["victim"]["flags"],
            json!(["asb-repeat-victim", "asb-case-review-threshold"])
        );
        assert_eq!(case["victim"]["surname"], "Tyson");
        assert_eq!(case["incidents"].as_array().expect("incidents").len(), 2);
        let person = json_of(
            app.api_get(&token, &format!("/api/v1/people/{victim}"))
                .await,
            200,
        )
        .await;
        // Three complaints within six months also meet the Case Review threshold.
        assert_eq!(
            person["flags"],
            json!(["asb-repeat-victim", "asb-case-review-threshold"])
        );

        let assessments = format!("/api/v1/asb/cases/{id}/risk-assessments");
        let bronze = json_of(
            post(
                &app,
                &token,
                &assessments,
                json!({"answers": answers(&app, &token, &[]).await}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(
            (&bronze["score"], &bronze["computed_tier"], &bronze["tier"]),
            (&json!(0), &json!("bronze"), &json!("bronze"))
        );
        let gold = json_of(
            post(
                &app,
                &token,
                &assessments,
                json!({"answers": answers(&app, &token, &["threats-or-violence"]).await}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(
            (&gold["score"], &gold["computed_tier"], &gold["tier"]),
            (&json!(3), &json!("gold"), &json!("gold"))
        );
        assert_eq!(gold["gold_because"], json!(["threats-or-violence"]));
        let raised = json_of(
            post(
                &app,
                &token,
                &assessments,
                json!({
                    "answers": answers(&app, &token, &["targeted-for-who-they-are", "afraid-at-home"]).await,
                    "professional_judgement": {"tier": "gold", "reason": "Perpetrator released next week"},
                }),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(
            (&raised["score"], &raised["computed_tier"], &raised["tier"]),
            (&json!(6), &json!("silver"), &json!("gold"))
        );
        let lowered = post(
            &app,
            &token,
            &assessments,
            json!({
                "answers": answers(&app, &token, &["self-harm"]).await,
                "professional_judgement": {"tier": "silver", "reason": "Seems fine"},
            }),
        )
        .await;
        assert_eq!(refused(lowered).await, ["professional_judgement.tier"]);

        let case = json_of(app.api_get(&token, &case_path).await, 200).await;
        assert_eq!(case["tier"], "gold");
        let history: Vec<(&str, &str)> = case["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .map(|a| {
                (
                    a["computed_tier"].as_str().expect("computed"),
                    a["tier"].as_str().expect("tier"),
                )
            })
            .collect();
        assert_eq!(
            history,
            [("silver", "gold"), ("gold", "gold"), ("bronze", "bronze")],
            "newest first; the lowering was not stored"
        );
        assert_eq!(
            case["assessments"][0]["judgement_reason"],
            "Perpetrator released next week"
        );

        let types = json_of(app.api_get(&token, "/api/v1/asb/incident-types").await, 200).await;
        let codes: Vec<&str> = types
            .as_array()
            .expect("types")
            .iter()
            .map(|t| t["code"].as_str().expect("code"))
            .collect();
        assert_eq!(codes.len(), 10);
        assert!(codes.contains(&"criminal-damage") && codes.contains(&"deliberate-fire"));
        let instrument = json_of(app.api_get(&token, "/api/v1/asb/instrument").await, 200).await;
        assert_eq!(instrument["version"], 1);
        assert_eq!(
            instrument["questions"].as_array().expect("questions").len(),
            15
        );
        assert!(instrument["questions"][0]["weight"].is_u64());

        // The reads and changes are in the case's trail, in order.
        let trail = json_of(
            app.api_get(&token, &format!("/api/v1/cases/{id}/audit"))
                .await,
            200,
        )
        .await;
        let actions: Vec<&str> = trail["events"]
            .as_array()
            .expect("events")
            .iter()
            .rev()
            .map(|e| e["action"].as_str().expect("action"))
            .collect();
        assert_eq!(
            actions,
            [
                "create", "update", "update", "view", "view", "update", "update", "update",
                "view"
            ]
        );
        let store = store_of(&app).await;
        let report = casework_audit::verify(store.connection(), None)
            .await
            .expect("verify");
        assert!(report.is_intact(), "{:?}", report.problem);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn bad_asb_input_is_refused_field_by_field_and_nothing_is_stored() {
    each_app(|app| async move {
        let token = app.api_token("housing.officer").await;
        let victim = create_person(&app, &token, "Nobody", "Stored").await;
        let cases = "/api/v1/asb/cases";
        assert_eq!(
            refused(post(&app, &token, cases, json!({"person_id": victim, "ward": "atlantis"})).await)
                .await,
            ["ward"]
        );
        assert_eq!(
            refused(
                post(
                    &app,
                    &token,
                    cases,
                    json!({"person_id": Uuid::new_v4(), "ward": "harbour"})
                )
                .await
            )
            .await,
            ["person_id"]
        );
        assert_eq!(
            refused(post(&app, &token, cases, json!({"person_id": "someone", "ward": "harbour"})).await)
                .await,
            ["person_id"]
        );
        let store = store_of(&app).await;
        let open = store
            .open_asb_cases_of("derwent-solway-ha", 1, 10)
            .await
            .expect("cases");
        assert_eq!(open.total, 0, "no case was stored");

        let opened = json_of(
            post(&app, &token, cases, json!({"person_id": victim, "ward": "harbour"})).await,
            201,
        )
        .await;
        let id = opened["id"].as_str().expect("id").to_string();
        let incidents = format!("/api/v1/asb/cases/{id}/incidents");
        let with = |changes: Value| {
            let mut body = incident(&victim, 3);
            for (k, v) in changes.as_object().expect("object") {
                body[k] = v.clone();
            }
            body
        };
        let future = (Utc::now() + Duration::days(2)).to_rfc3339();
        for (body, expected) in [
            (
                with(json!({"occurred_at": future, "reported_at": ago(1)})),
                vec!["occurred_at", "reported_at"],
            ),
            (with(json!({"reported_at": ago(5)})), vec!["reported_at"]),
            (with(json!({"ward": "atlantis"})), vec!["ward"]),
            (with(json!({"type": "loitering"})), vec!["type"]),
            (with(json!({"category": "noisy"})), vec!["category"]),
            (with(json!({"victim_ids": [Uuid::new_v4()]})), vec!["victim_ids"]),
            (with(json!({"victim_ids": []})), vec!["victim_ids"]),
            (
                with(json!({"perpetrator_ids": [Uuid::new_v4()]})),
                vec!["perpetrator_ids"],
            ),
            (with(json!({"alcohol_related": "yes"})), vec!["body"]),
        ] {
            assert_eq!(
                refused(post(&app, &token, &incidents, body.clone()).await).await,
                expected,
                "{body}"
            );
        }

        let assessments = format!("/api/v1/asb/cases/{id}/risk-assessments");
        let mut unknown = answers(&app, &token, &[]).await;
        unknown["owns-a-dog"] = json!(true);
        assert_eq!(
            refused(post(&app, &token, &assessments, json!({"answers": unknown})).await).await,
            ["answers.owns-a-dog"]
        );
        let mut missing = answers(&app, &token, &[]).await;
        missing
            .as_object_mut()
            .expect("object")
            .remove("self-harm");
        assert_eq!(
            refused(post(&app, &token, &assessments, json!({"answers": missing})).await).await,
            ["answers.self-harm"]
        );
        let none = answers(&app, &token, &[]).await;
        assert_eq!(
            refused(
                post(
                    &app,
                    &token,
                    &assessments,
                    json!({"answers": none.clone(), "professional_judgement": {"tier": "silver", "reason": " "}})
                )
                .await
            )
            .await,
            ["professional_judgement.reason"]
        );
        assert_eq!(
            refused(
                post(
                    &app,
                    &token,
                    &assessments,
                    json!({"answers": none, "professional_judgement": {"tier": "platinum"}})
                )
                .await
            )
            .await,
            ["professional_judgement.tier"]
        );
        let gold = answers(&app, &token, &["self-harm"]).await;
        assert_eq!(
            refused(
                post(
                    &app,
                    &token,
                    &assessments,
                    json!({"answers": gold, "professional_judgement": {"tier": "bronze", "reason": "x"}})
                )
                .await
            )
            .await,
            ["professional_judgement.tier"]
        );

        let shares = format!("/api/v1/cases/{id}/shares");
        assert_eq!(
            refused(post(&app, &token, &shares, json!({"agency": "nowhere", "reason": ""})).await)
                .await,
            ["agency", "reason"]
        );
        assert_eq!(
            refused(
                post(
                    &app,
                    &token,
                    &shares,
                    json!({"agency": "derwent-solway-ha", "reason": "ours"})
                )
                .await
            )
            .await,
            ["agency"]
        );
        assert_eq!(
            refused(post(&app, &token, &format!("/api/v1/cases/{id}/close"), json!({"outcome": " "})).await)
                .await,
            ["outcome"]
        );

        let case = store
            .asb_case(Uuid::parse_str(&id).expect("uuid"))
            .await
            .expect("read")
            .expect("case");
        assert!(case.incidents.is_empty(), "no incident was stored");
        assert!(case.assessments.is_empty(), "no assessment was stored");
        assert!(case.case.shares.is_empty(), "no share was stored");
        assert!(case.case.is_open(), "the case was not closed");
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_access_matrix_holds_for_asb_cases_over_http() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let victim = Uuid::parse_str(&create_person(&app, &police, "Quillan", "Zebedee").await)
            .expect("uuid");
        let store = store_of(&app).await;
        let matrix = HttpMatrix {
            kind: "asb",
            other_agencies: ["cumbria-constabulary", "copeland-bc"],
            asker: "police.officer",
            missing_path: format!("/api/v1/asb/cases/{}", Uuid::new_v4()),
            secrets: &["Quillan", "Zebedee"],
        };
        let open = async |setup: Setup<'_>| {
            let txn = store.begin_write().await.expect("txn");
            let case = store
                .open_asb_case(
                    &txn,
                    NewAsbCase {
                        person_id: victim,
                        ward: "harbour".into(),
                        summary: None,
                        owner_agency: setup.owner_agency,
                        logged_by: setup.logged_by,
                        lead_officer: setup.lead_officer,
                        opened_at: Utc::now(),
                    },
                )
                .await
                .expect("case opened");
            txn.commit().await.expect("commit");
            case.id
        };
        let request = |id: Uuid, action: &str| match action {
            "view" => app.client.get(app.url(&format!("/api/v1/asb/cases/{id}"))),
            "edit" => app
                .client
                .post(app.url(&format!("/api/v1/asb/cases/{id}/incidents")))
                .json(&incident(&victim.to_string(), 1)),
            "share" => app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/shares")))
                .json(&json!({"agency": "impact-ha", "reason": "Tenant of theirs"})),
            "view-audit" => app
                .client
                .get(app.url(&format!("/api/v1/cases/{id}/audit"))),
            _ => app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/close")))
                .json(&json!({"outcome": "Resolved"})),
        };
        let denials = matrix.check(&app, &store, open, request).await;
        assert_eq!(
            refusals_audited(&store).await,
            denials,
            "every refusal is in the audit log"
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_officer_works_a_case_through_the_pages() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let victim = create_person(&app, &token, "Elsie", "Braithwaite").await;
        let police = app.sign_in("police.officer").await;
        let new_page = format!("/asb/cases/new?person={victim}");
        // The person page leads to opening a case for them.
        let (status, person_html) = page(&police, &app, &format!("/people/{victim}")).await;
        assert_eq!(status, 200);
        assert!(person_html.contains(&new_page), "link to open a case");
        let (status, html) = page(&police, &app, &new_page).await;
        assert_eq!(status, 200);
        assert!(html.contains("Elsie Braithwaite") && html.contains("<label for=\"ward\">"));
        let (status, _, html) = submit(
            &police,
            &app,
            &new_page,
            "/asb/cases",
            &[("person_id", &victim), ("ward", "atlantis")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            html.contains("href=\"#ward\""),
            "the error links to its field"
        );
        let (status, case_path, _) = submit(
            &police,
            &app,
            &new_page,
            "/asb/cases",
            &[
                ("person_id", &victim),
                ("ward", "harbour"),
                ("summary", "Stones at windows"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, html) = page(&police, &app, &case_path).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Not assessed yet") && html.contains("Who has viewed or changed this")
        );
        // The case leads to a referral form that names it and its victim.
        let case_id = case_path.trim_start_matches("/asb/cases/");
        let refer = format!("/referrals/new?person_id={victim}&amp;case_id={case_id}");
        assert!(html.contains(&refer), "{html}");
        let (status, form) = page(&police, &app, &refer.replace("&amp;", "&")).await;
        assert_eq!(status, 200);
        assert!(form.contains(case_id) && form.contains(&victim), "{form}");
        let person_page = format!("/people/{victim}");
        let (_, person) = page(&police, &app, &person_page).await;
        assert!(person.contains(&format!("/prevent-deter/referrals/new?person_id={victim}")));
        // The person page lists the cases the viewer may open, and only those.
        let case_link = format!("<a href=\"/cases/{case_id}\">");
        assert!(person.contains(&case_link), "{person}");
        let council = app.sign_in("council.officer").await;
        let (status, _, _) = submit(
            &council,
            &app,
            &person_page,
            &format!("{person_page}/reason"),
            &[("reason", "safeguarding")],
        )
        .await;
        assert_eq!(status, 303);
        let (_, seen) = page(&council, &app, &person_page).await;
        assert!(
            seen.contains("Braithwaite") && !seen.contains(&case_link),
            "{seen}"
        );

        let incidents = format!("{case_path}/incidents");
        let (status, _, html) = submit(
            &police,
            &app,
            &incidents,
            &incidents,
            &[("category", "personal")],
        )
        .await;
        assert_eq!(status, 422);
        for field in ["occurred_at", "reported_at", "type"] {
            assert!(
                html.contains(&format!("href=\"#{field}\"")),
                "{field} named"
            );
        }
        let yesterday = (Utc::now() - Duration::days(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let (status, location, _) = submit(
            &police,
            &app,
            &incidents,
            &incidents,
            &[
                ("occurred_at", &yesterday),
                ("reported_at", &yesterday),
                ("reporting_agency", "cumbria-constabulary"),
                ("category", "personal"),
                ("type", "criminal-damage"),
                ("ward", "harbour"),
                ("subject_is_victim", "yes"),
                ("perpetrator_ids", ""),
            ],
        )
        .await;
        assert_eq!((status, location.as_str()), (303, case_path.as_str()));

        let assessment = format!("{case_path}/risk-assessments");
        let instrument = json_of(app.api_get(&token, "/api/v1/asb/instrument").await, 200).await;
        let keys: Vec<String> = instrument["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| format!("answers.{}", q["key"].as_str().expect("key")))
            .collect();
        let mut fields: Vec<(&str, &str)> = keys
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    if k == "answers.threats-or-violence" {
                        "yes"
                    } else {
                        "no"
                    },
                )
            })
            .collect();
        let (status, _, html) = submit(&police, &app, &assessment, &assessment, &fields[1..]).await;
        assert_eq!(status, 422, "a question left unanswered");
        assert!(html.contains(&format!("href=\"#{}\"", keys[0])));
        fields.push(("professional_judgement.tier", ""));
        let (status, _, _) = submit(&police, &app, &assessment, &assessment, &fields).await;
        assert_eq!(status, 303);
        let (_, html) = page(&police, &app, &case_path).await;
        assert!(
            html.contains("class=\"tag-gold\">Gold (high risk)"),
            "tier in words and colour"
        );
        assert!(html.contains("Criminal damage"));

        // Housing may not know the case exists until it is shared with them.
        let housing = app.sign_in("housing.officer").await;
        assert_eq!(page(&housing, &app, &case_path).await.0, 404);
        let (status, _, _) = submit(
            &police,
            &app,
            &case_path,
            &format!("{case_path}/share"),
            &[("agency", "derwent-solway-ha"), ("reason", "Their tenant")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, html) = page(&housing, &app, &case_path).await;
        assert_eq!(status, 200);
        assert!(html.contains("Why are you opening case ASB-") && !html.contains("Braithwaite"));
        let (status, _, _) = submit(
            &housing,
            &app,
            &case_path,
            // One answer route serves every kind of case.
            &format!("{}/reason", case_path.replace("/asb/cases/", "/cases/")),
            &[("reason", "safeguarding")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, html) = page(&housing, &app, &case_path).await;
        assert_eq!(status, 200);
        assert!(html.contains("Safeguarding concern") && html.contains("Elsie Braithwaite"));
        assert!(
            !html.contains("Close the case"),
            "a shared agency does not close it"
        );

        let (status, _, _) = submit(
            &police,
            &app,
            &case_path,
            &format!("{case_path}/close"),
            &[("outcome", "Perpetrator moved away")],
        )
        .await;
        assert_eq!(status, 303);
        let (_, list) = page(&police, &app, "/asb/cases").await;
        assert!(
            list.contains("no open ASB cases"),
            "the closed case left the list"
        );
    })
    .await;
}

/// Opens a case for a new person through the API; returns (case id, reference, person).
async fn open_case_for(app: &TestApp, token: &str, forename: &str) -> (String, String, String) {
    let person = create_person(app, token, forename, "Casework").await;
    let case = json_of(
        post(
            app,
            token,
            "/api/v1/asb/cases",
            json!({"person_id": person, "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    (
        case["id"].as_str().expect("id").to_string(),
        case["reference"].as_str().expect("reference").to_string(),
        person,
    )
}

#[tokio::test]
async fn notes_and_review_dates_are_kept_on_the_case_and_audited() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let (id, _, _) = open_case_for(&app, &token, "Norah").await;
        let police = app.sign_in("police.officer").await;
        let case_page = format!("/asb/cases/{id}");
        let (status, _, html) = submit(
            &police,
            &app,
            &case_page,
            &format!("/asb/cases/{id}/notes"),
            &[("text", "   ")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("Write the note.") && html.contains("href=\"#text\""));
        let (status, location, _) = submit(
            &police,
            &app,
            &case_page,
            &format!("/asb/cases/{id}/notes"),
            &[("text", "Spoke to the neighbour at number 12.")],
        )
        .await;
        assert_eq!((status, location.as_str()), (303, case_page.as_str()));

        let (status, _, html) = submit(
            &police,
            &app,
            &case_page,
            &format!("/asb/cases/{id}/review-date"),
            &[("review_date", "2012-01-01")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("Choose today or a later date."));
        let review = (Utc::now() + Duration::days(40)).date_naive();
        let (status, _, _) = submit(
            &police,
            &app,
            &case_page,
            &format!("/asb/cases/{id}/review-date"),
            &[("review_date", &review.format("%Y-%m-%d").to_string())],
        )
        .await;
        assert_eq!(status, 303);
        let (_, html) = page(&police, &app, &case_page).await;
        assert!(html.contains("Spoke to the neighbour at number 12."));
        assert!(
            html.contains(&review.format("%-d %B %Y").to_string()),
            "review date shown"
        );

        // Both changes are in the case's audit trail; the note's words are not.
        let store = store_of(&app).await;
        let trail: Vec<String> =
            casework_audit::events_for_entity(store.connection(), "case", &id, 50)
                .await
                .expect("trail")
                .into_iter()
                .filter(|e| e.action == "update")
                .map(|e| e.summary)
                .collect();
        assert!(trail.iter().any(|s| s.contains("note_id")), "{trail:?}");
        assert!(trail.iter().any(|s| s.contains("review_date")), "{trail:?}");
        assert!(!trail.iter().any(|s| s.contains("number 12")));
        store.close().await;

        // Someone who may see the case but not change it cannot add to it.
        let housing = app.sign_in("housing.officer").await;
        let csrf = app.form_token(&housing, "/").await;
        let response = housing
            .post(app.url(&format!("/asb/cases/{id}/notes")))
            .form(&[("csrf_token", csrf.as_str()), ("text", "Not mine")])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 404, "another agency's case is not found");
    })
    .await;
}

#[tokio::test]
async fn a_case_review_application_runs_to_its_deadlines() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let (id, reference, _) = open_case_for(&app, &token, "Ada").await;
        let police = app.sign_in("police.officer").await;
        let case_page = format!("/asb/cases/{id}");
        let apply = format!("/asb/cases/{id}/case-reviews");
        let tomorrow = (Utc::now() + Duration::days(2)).date_naive().to_string();
        let (status, _, html) = submit(
            &police,
            &app,
            &case_page,
            &apply,
            &[("applied_on", &tomorrow)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("cannot be made after today"));
        // Thursday 29 March 2012: 10, 15 and 20 working days skip Easter's bank holidays.
        let (status, _, _) = submit(
            &police,
            &app,
            &case_page,
            &apply,
            &[("applied_on", "2012-03-29")],
        )
        .await;
        assert_eq!(status, 303);
        let (_, html) = page(&police, &app, &case_page).await;
        for due in ["16 April 2012", "23 April 2012", "30 April 2012"] {
            assert!(html.contains(due), "{due} due");
        }
        assert!(html.contains("Overdue"));
        let (status, queue) = page(&police, &app, "/asb/case-reviews").await;
        assert_eq!(status, 200);
        assert!(queue.contains(&reference) && queue.contains("Acknowledge the application"));

        let application = {
            let marker = format!("/asb/cases/{id}/case-reviews/");
            let start = html.find(&marker).expect("step form") + marker.len();
            html[start..start + 36].to_string()
        };
        let steps = format!("/asb/cases/{id}/case-reviews/{application}/steps");
        let (status, _, html) = submit(
            &police,
            &app,
            &case_page,
            &steps,
            &[("step", "acknowledge"), ("on", "2012-03-28")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("before the application was made (29 March 2012)"));
        for (fields, want) in [
            (vec![("step", "acknowledge"), ("on", "2012-04-02")], 303),
            (
                vec![("step", "decide-threshold"), ("on", "2012-04-10")],
                422,
            ),
            (
                vec![
                    ("step", "decide-threshold"),
                    ("on", "2012-04-10"),
                    ("threshold_met", "yes"),
                ],
                303,
            ),
            (vec![("step", "acknowledge"), ("on", "2012-04-03")], 422),
            (
                vec![
                    ("step", "hold-review"),
                    ("on", "2012-04-20"),
                    ("outcome", "An action plan with the landlord"),
                ],
                303,
            ),
        ] {
            let (status, _, html) = submit(&police, &app, &case_page, &steps, &fields).await;
            assert_eq!(status, want, "{fields:?}: {html}");
        }
        let (_, html) = page(&police, &app, &case_page).await;
        assert!(html.contains("The review found: An action plan with the landlord"));
        assert!(html.contains("2 April 2012") && html.contains("Threshold met"));
        let (_, queue) = page(&police, &app, "/asb/case-reviews").await;
        assert!(
            !queue.contains(&reference),
            "a finished application leaves the queue"
        );

        let analyst = app.sign_in("analyst").await;
        let (status, _) = page(&analyst, &app, "/asb/case-reviews").await;
        assert_eq!(status, 403);
    })
    .await;
}

#[tokio::test]
async fn victims_reported_by_other_agencies_are_contacted_within_the_standard() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let (id, reference, victim) = open_case_for(&app, &token, "Mabel").await;
        let mut by_council = incident(&victim, 3);
        by_council["reporting_agency"] = json!("copeland-bc");
        let mut by_police = incident(&victim, 2);
        by_police["reporting_agency"] = json!("cumbria-constabulary");
        for body in [by_council, by_police] {
            json_of(
                post(
                    &app,
                    &token,
                    &format!("/api/v1/asb/cases/{id}/incidents"),
                    body,
                )
                .await,
                201,
            )
            .await;
        }
        let police = app.sign_in("police.officer").await;
        let case_page = format!("/asb/cases/{id}");
        let (_, html) = page(&police, &app, &case_page).await;
        assert!(
            html.contains("Police report"),
            "police reports are not covered"
        );
        assert_eq!(html.matches("name=\"contacted_at\"").count(), 1);
        let (status, overdue) = page(&police, &app, "/asb/contacts-overdue").await;
        assert_eq!(status, 200);
        assert!(
            overdue.contains(&reference),
            "24 hours have passed without contact"
        );

        let contact_form = {
            let marker = format!("/asb/cases/{id}/incidents/");
            let start = html.find(&marker).expect("contact form");
            let end = html[start..].find('"').expect("end of action");
            html[start..start + end].to_string()
        };
        // The report was made two days ago (UK time is UTC or an hour ahead).
        let too_early = (Utc::now() - Duration::days(4))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let (status, _, html) = submit(
            &police,
            &app,
            &case_page,
            &contact_form,
            &[("contacted_at", &too_early)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("before it was made"));
        let in_time_but_late = (Utc::now() - Duration::hours(5))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let (status, _, _) = submit(
            &police,
            &app,
            &case_page,
            &contact_form,
            &[("contacted_at", &in_time_but_late)],
        )
        .await;
        assert_eq!(status, 303);
        let (_, html) = page(&police, &app, &case_page).await;
        assert!(html.contains("Contacted") && html.contains("Late"));
        let (_, overdue) = page(&police, &app, "/asb/contacts-overdue").await;
        assert!(!overdue.contains(&reference));
        let (status, _, html) = submit(
            &police,
            &app,
            &case_page,
            &contact_form,
            &[("contacted_at", &in_time_but_late)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("already recorded"));
    })
    .await;
}

#[tokio::test]
async fn three_complaints_in_six_months_flag_a_case_review_threshold() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let (id, _, victim) = open_case_for(&app, &token, "Iris").await;
        let person_path = format!("/api/v1/people/{victim}");
        for (n, days_ago) in [200, 60, 10].into_iter().enumerate() {
            json_of(
                post(
                    &app,
                    &token,
                    &format!("/api/v1/asb/cases/{id}/incidents"),
                    incident(&victim, days_ago),
                )
                .await,
                201,
            )
            .await;
            let person = json_of(app.api_get(&token, &person_path).await, 200).await;
            let flags = person["flags"].to_string();
            // The first complaint is outside six months: the threshold needs a fourth.
            assert!(
                !flags.contains("asb-case-review-threshold"),
                "after {n}: {flags}"
            );
        }
        json_of(
            post(
                &app,
                &token,
                &format!("/api/v1/asb/cases/{id}/incidents"),
                incident(&victim, 5),
            )
            .await,
            201,
        )
        .await;
        let person = json_of(app.api_get(&token, &person_path).await, 200).await;
        assert!(
            person["flags"]
                .to_string()
                .contains("asb-case-review-threshold")
        );
        let police = app.sign_in("police.officer").await;
        let (_, html) = page(&police, &app, &format!("/people/{victim}")).await;
        assert!(html.contains("May apply for an ASB Case Review"));
        assert!(html.contains("Repeat victim of ASB"));
    })
    .await;
}

async fn flags_of(app: &TestApp, token: &str, person: &str) -> String {
    let path = format!("/api/v1/people/{person}");
    json_of(app.api_get(token, &path).await, 200).await["flags"].to_string()
}

async fn incident_count(app: &TestApp, token: &str, case: &str) -> usize {
    let path = format!("/api/v1/asb/cases/{case}");
    json_of(app.api_get(token, &path).await, 200).await["incidents"]
        .as_array()
        .expect("incidents")
        .len()
}

#[tokio::test]
async fn incidents_on_the_wrong_case_are_moved_or_removed_and_the_flag_follows() {
    each_app(|app| async move {
        let token = app.api_token("police.officer").await;
        let (first, _, victim) = open_case_for(&app, &token, "Olive").await;
        let (second, second_reference, _) = open_case_for(&app, &token, "Percy").await;
        for days_ago in [90, 40, 3] {
            json_of(
                post(
                    &app,
                    &token,
                    &format!("/api/v1/asb/cases/{first}/incidents"),
                    incident(&victim, days_ago),
                )
                .await,
                201,
            )
            .await;
        }
        assert!(
            flags_of(&app, &token, &victim)
                .await
                .contains("asb-repeat-victim")
        );
        let case = json_of(
            app.api_get(&token, &format!("/api/v1/asb/cases/{first}"))
                .await,
            200,
        )
        .await;
        let ids: Vec<String> = case["incidents"]
            .as_array()
            .expect("incidents")
            .iter()
            .map(|i| i["id"].as_str().expect("id").to_string())
            .collect();
        let police = app.sign_in("police.officer").await;
        let case_page = format!("/asb/cases/{first}");
        let move_to = format!("/asb/cases/{first}/incidents/{}/move", ids[0]);

        // Refused: no reason; a reference that is not a case; another agency's case.
        let council = app.api_token("council.officer").await;
        let (_, council_reference, _) = open_case_for(&app, &council, "Queenie").await;
        for (to, reason, message) in [
            (
                second_reference.as_str(),
                "",
                "Say why it is being corrected.",
            ),
            (
                "ASB-1999-00001",
                "Wrong case",
                "no open ASB case with this reference",
            ),
            (
                council_reference.as_str(),
                "Wrong case",
                "no open ASB case with this reference",
            ),
        ] {
            let (status, _, html) = submit(
                &police,
                &app,
                &case_page,
                &move_to,
                &[("to_reference", to), ("reason", reason)],
            )
            .await;
            assert_eq!(status, 422, "{to}");
            assert!(html.contains(message), "{to}: {message}");
        }

        let (status, _, _) = submit(
            &police,
            &app,
            &case_page,
            &move_to,
            &[
                ("to_reference", &second_reference),
                ("reason", "Logged on the wrong case"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(
            (
                incident_count(&app, &token, &first).await,
                incident_count(&app, &token, &second).await
            ),
            (2, 1)
        );
        // The rule counts the person's incidents wherever they are.
        assert!(
            flags_of(&app, &token, &victim)
                .await
                .contains("asb-repeat-victim")
        );

        let (status, _, _) = submit(
            &police,
            &app,
            &case_page,
            &format!("/asb/cases/{first}/incidents/{}/remove", ids[1]),
            &[("reason", "Logged twice")],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(incident_count(&app, &token, &first).await, 1);
        assert!(
            !flags_of(&app, &token, &victim)
                .await
                .contains("asb-repeat-victim")
        );

        let store = store_of(&app).await;
        let trail = casework_audit::events_for_entity(store.connection(), "case", &first, 50)
            .await
            .expect("trail");
        let removed = trail
            .iter()
            .find(|e| e.action == "delete")
            .expect("a delete event");
        assert_eq!(removed.reason.as_deref(), Some("Logged twice"));
        assert!(
            removed.summary.contains("harassment"),
            "what it said is kept"
        );
        let moved_in = casework_audit::events_for_entity(store.connection(), "case", &second, 50)
            .await
            .expect("trail");
        assert!(moved_in.iter().any(|e| e.summary.contains("moved_from")));
        store.close().await;
    })
    .await;
}
