//! LMAPS meetings and the actions list over the API, on both databases: the agenda
//! proposed with its reasons (other districts, closed cases and silver victims left
//! out), who may read an agenda case and until when (the access window, tested with a
//! short one), the chair's choices, minutes (actions on the list, the review date on
//! the case, read-only once approved), and completing an action.

use casework_store::users::NewUser;
use casework_tests::http::{json_of, post, read, refused, store_of};
use casework_tests::matrix::refusals_audited;
use casework_tests::{TestApp, each_app};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
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
        "alcohol_related": false,
        "youth_related": false,
        "victim_ids": [victim],
        "perpetrator_ids": ["unknown"],
    })
}

async fn person(app: &TestApp, token: &str, forename: &str, ward: &str) -> String {
    let body = json!({"forename": forename, "surname": "Tyson", "ward": ward,
                      "address": "1 Harbour Row, Whitehaven"});
    let person = json_of(post(app, token, "/api/v1/people", body).await, 201).await;
    person["id"].as_str().expect("id").to_string()
}

/// An ASB case for a new victim in `ward`, assessed Gold (threats or violence) or
/// Silver.
async fn asb_case(app: &TestApp, token: &str, ward: &str, gold: bool) -> (String, String) {
    let (id, reference, _) = asb_case_with_victim(app, token, ward, gold).await;
    (id, reference)
}

/// As [`asb_case`], with the victim's id.
async fn asb_case_with_victim(
    app: &TestApp,
    token: &str,
    ward: &str,
    gold: bool,
) -> (String, String, String) {
    let victim = person(app, token, "Maisie", ward).await;
    let case = json_of(
        post(
            app,
            token,
            "/api/v1/asb/cases",
            json!({"person_id": victim, "ward": ward}),
        )
        .await,
        201,
    )
    .await;
    let id = case["id"].as_str().expect("id").to_string();
    let instrument = json_of(app.api_get(token, "/api/v1/asb/instrument").await, 200).await;
    let yes: &[&str] = if gold {
        &["threats-or-violence"]
    } else {
        &["targeted-for-who-they-are", "afraid-at-home"]
    };
    let mut answers = Map::new();
    for q in instrument["questions"].as_array().expect("questions") {
        let key = q["key"].as_str().expect("key");
        answers.insert(key.to_string(), Value::Bool(yes.contains(&key)));
    }
    let assessed = json_of(
        post(
            app,
            token,
            &format!("/api/v1/asb/cases/{id}/risk-assessments"),
            json!({"answers": answers}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(assessed["tier"], if gold { "gold" } else { "silver" });
    (
        id,
        case["reference"].as_str().expect("ref").to_string(),
        victim,
    )
}

/// A user of `agency` with the `lmaps` role only, signing in with the demo password.
async fn lmaps_member(app: &TestApp, username: &str, agency: &str) -> String {
    let store = store_of(app).await;
    let chair = store
        .user_by_username("lmaps.chair")
        .await
        .expect("read")
        .expect("chair");
    let mut roles = chair.roles.clone();
    roles.retain(|r| r.to_string() == "lmaps");
    assert_eq!(roles.len(), 1);
    store
        .create_user(
            store.connection(),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                agency: agency.into(),
                roles,
                password_hash: chair.password_hash.clone(),
                must_change_password: false,
            },
        )
        .await
        .expect("user");
    app.api_token(username).await
}

async fn meeting(app: &TestApp, chair: &str, held_on: &str, invited: &[&str]) -> String {
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

async fn agenda(app: &TestApp, token: &str, meeting: &str) -> Value {
    json_of(
        read(
            app,
            token,
            &format!("/api/v1/lmaps/meetings/{meeting}/agenda"),
        )
        .await,
        200,
    )
    .await
}

fn reasons_of(agenda: &Value, case: &str) -> Option<Vec<String>> {
    agenda["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["case_id"] == case)
        .map(|i| {
            i["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .map(|r| r.as_str().expect("reason").to_string())
                .collect()
        })
}

async fn status_of(app: &TestApp, token: &str, path: &str) -> u16 {
    read(app, token, path).await.status().as_u16()
}

#[tokio::test]
async fn the_agenda_is_proposed_with_reasons_and_invited_agencies_read_it_within_the_window() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let chair = app.api_token("lmaps.chair").await;
        let (gold, gold_ref) = asb_case(&app, &police, "harbour", true).await;
        let (silver, _) = asb_case(&app, &police, "harbour", false).await;
        let (elsewhere, _) = asb_case(&app, &police, "moss-bay", true).await;
        let (closed, _) = asb_case(&app, &police, "harbour", true).await;
        json_of(
            post(
                &app,
                &police,
                &format!("/api/v1/cases/{closed}/close"),
                json!({"outcome": "Moved away"}),
            )
            .await,
            200,
        )
        .await;
        // A repeat victim: three incidents in the window (Silver, so for that alone);
        // two make no repeat victim.
        let (repeat, _, repeat_victim) =
            asb_case_with_victim(&app, &police, "harbour", false).await;
        let (twice, _, twice_victim) = asb_case_with_victim(&app, &police, "harbour", false).await;
        for (case, victim, times) in [(&repeat, &repeat_victim, 3), (&twice, &twice_victim, 2)] {
            let path = format!("/api/v1/asb/cases/{case}/incidents");
            for n in 0..times {
                json_of(
                    post(&app, &police, &path, incident(victim, 10 + n * 20)).await,
                    201,
                )
                .await;
            }
        }
        // Review dates: on the meeting day (due) and the day after (not yet).
        let (due, _) = asb_case(&app, &police, "harbour", false).await;
        let (later, _) = asb_case(&app, &police, "harbour", false).await;
        let store = store_of(&app).await;
        let today = Utc::now().date_naive();
        for (case, date) in [(&due, today), (&later, today + Duration::days(1))] {
            store
                .set_review_date(store.connection(), case.parse().expect("id"), Some(date))
                .await
                .expect("review date");
        }

        let openapi = app
            .get("/api/v1/openapi.json")
            .await
            .text()
            .await
            .expect("openapi");
        for path in [
            "/api/v1/lmaps/meetings",
            "/api/v1/lmaps/meetings/{id}/agenda",
            "/api/v1/lmaps/meetings/{id}/items",
            "/api/v1/lmaps/meetings/{id}/minutes",
            "/api/v1/actions",
        ] {
            assert!(
                openapi.contains(&format!("\"{path}\"")),
                "{path} in the OpenAPI document"
            );
        }

        let id = meeting(&app, &chair, &day(0), &["derwent-solway-ha"]).await;
        let proposed = agenda(&app, &chair, &id).await;
        assert_eq!(
            reasons_of(&proposed, &gold),
            Some(vec!["gold-asb-victim".to_string()])
        );
        let item = &proposed["items"].as_array().expect("items")[0];
        assert_eq!(item["reference"], gold_ref.as_str());
        assert_eq!(
            reasons_of(&proposed, &due),
            Some(vec!["review-due".to_string()])
        );
        assert_eq!(
            reasons_of(&proposed, &repeat),
            Some(vec!["asb-repeat-victim".to_string()])
        );
        for left_out in [&silver, &elsewhere, &closed, &later, &twice] {
            assert_eq!(reasons_of(&proposed, left_out), None, "{proposed}");
        }
        assert_eq!(proposed["total"], 3);
        assert!(!proposed.to_string().contains("Harbour Row"), "{proposed}");

        // An invited agency's LMAPS member reads the agenda and its cases, without
        // the address; another agency's, and a plain officer of the invited agency,
        // are answered as if neither existed.
        let housing = lmaps_member(&app, "housing.lmaps", "derwent-solway-ha").await;
        let fire = lmaps_member(&app, "fire.lmaps", "cumbria-fire-rescue").await;
        let housing_officer = app.api_token("housing.officer").await;
        let case_path = format!("/api/v1/asb/cases/{gold}");
        let read_case = json_of(read(&app, &housing, &case_path).await, 200).await;
        assert!(!read_case.to_string().contains("Harbour Row"));
        assert_eq!(agenda(&app, &housing, &id).await["total"], 3);
        // Lists filter with the same relation in SQL: the chair (an officer too, of
        // the council) finds the police's repeat victim on the list through the
        // agenda; a council officer without the `lmaps` role does not.
        let listed = |body: Value| {
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["person_id"] == repeat_victim.as_str())
        };
        let list = "/api/v1/asb/repeat-victims?district=copeland";
        let council = app.api_token("council.officer").await;
        assert!(listed(json_of(read(&app, &chair, list).await, 200).await));
        assert!(!listed(
            json_of(read(&app, &council, list).await, 200).await
        ));
        let refusals = refusals_audited(&store).await;
        assert_eq!(status_of(&app, &fire, &case_path).await, 404);
        assert_eq!(status_of(&app, &housing_officer, &case_path).await, 404);
        assert_eq!(
            status_of(&app, &fire, &format!("/api/v1/lmaps/meetings/{id}/agenda")).await,
            404
        );
        assert_eq!(refusals_audited(&store).await, refusals + 3);

        // A one-day window: a meeting yesterday still opens its cases, one the day
        // before does not; with no window at all, yesterday's closes too.
        store
            .set_setting(store.connection(), "lmaps.access-window-days", "1")
            .await
            .expect("setting");
        meeting(&app, &chair, &day(-1), &["cumbria-fire-rescue"]).await;
        let impact = lmaps_member(&app, "impact.lmaps", "impact-ha").await;
        meeting(&app, &chair, &day(-2), &["impact-ha"]).await;
        assert_eq!(status_of(&app, &fire, &case_path).await, 200);
        assert_eq!(status_of(&app, &impact, &case_path).await, 404);
        store
            .set_setting(store.connection(), "lmaps.access-window-days", "0")
            .await
            .expect("setting");
        assert_eq!(status_of(&app, &fire, &case_path).await, 404);
        // Today's meeting is still open on its own day.
        assert_eq!(status_of(&app, &housing, &case_path).await, 200);
    })
    .await;
}

#[tokio::test]
async fn the_chair_settles_the_agenda_minutes_it_and_the_actions_reach_the_list() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let chair = app.api_token("lmaps.chair").await;
        let (gold, _) = asb_case(&app, &police, "harbour", true).await;
        let (other, _) = asb_case(&app, &police, "harbour", true).await;
        let (by_hand, _) = asb_case(&app, &police, "harbour", false).await;
        let id = meeting(&app, &chair, &day(0), &["cumbria-constabulary"]).await;
        let items = format!("/api/v1/lmaps/meetings/{id}/items");

        // Removing needs a reason; adding a case the chair may not see is 404.
        assert_eq!(
            refused(
                post(
                    &app,
                    &chair,
                    &items,
                    json!({"case_id": other, "action": "remove"})
                )
                .await
            )
            .await,
            ["reason"]
        );
        let removed = json_of(
            post(
                &app,
                &chair,
                &items,
                json!({"case_id": other, "action": "remove", "reason": "Discussed at MARAC"}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(reasons_of(&removed, &other), None);
        // Off the agenda, the case no longer opens to the meeting: the chair (of
        // another agency) does not see it even among the removed items; the store
        // keeps why.
        assert_eq!(removed["removed"], json!([]));
        let store = store_of(&app).await;
        let stored = store
            .lmaps_agenda(store.connection(), id.parse().expect("id"))
            .await
            .expect("agenda");
        let off = stored
            .iter()
            .find(|e| e.case_id.to_string() == other)
            .expect("kept");
        assert!(!off.on_agenda);
        assert_eq!(off.choice_reason.as_deref(), Some("Discussed at MARAC"));
        // The chair's council cannot see a police case it has no share of.
        assert_eq!(
            post(
                &app,
                &chair,
                &items,
                json!({"case_id": by_hand, "action": "add"})
            )
            .await
            .status(),
            404
        );
        json_of(
            post(
                &app,
                &police,
                &format!("/api/v1/cases/{by_hand}/shares"),
                json!({"agency": "copeland-bc", "reason": "For LMAPS"}),
            )
            .await,
            201,
        )
        .await;
        let added = json_of(
            post(
                &app,
                &chair,
                &items,
                json!({"case_id": by_hand, "action": "add"}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(
            reasons_of(&added, &by_hand),
            Some(vec!["added-by-chair".to_string()])
        );
        // Proposing again keeps the chair's choices.
        let again = json_of(
            post(
                &app,
                &chair,
                &format!("/api/v1/lmaps/meetings/{id}/agenda"),
                json!({}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(reasons_of(&again, &other), None);
        assert!(reasons_of(&again, &by_hand).is_some());
        // Only the chair changes the agenda.
        assert_eq!(
            post(
                &app,
                &police,
                &items,
                json!({"case_id": gold, "action": "remove", "reason": "x"})
            )
            .await
            .status(),
            404,
            "a plain officer does not know the meeting"
        );

        // Minutes wait for the meeting to be held.
        let minutes = format!("/api/v1/lmaps/meetings/{id}/minutes");
        let review = day(28);
        let good = json!({
            "case_id": gold,
            "summary": "Three further incidents since the last meeting.",
            "decisions": "Target hardening; warning letter.",
            "next_review_date": review,
            "actions": [{"description": "Fit a door chain", "agency": "cumbria-constabulary",
                         "due_on": day(7)}],
        });
        assert_eq!(
            post(&app, &chair, &minutes, good.clone()).await.status(),
            409
        );
        let status = format!("/api/v1/lmaps/meetings/{id}/status");
        assert_eq!(
            post(&app, &chair, &status, json!({"to": "minutes-approved"}))
                .await
                .status(),
            409
        );
        json_of(
            post(&app, &chair, &status, json!({"to": "held"})).await,
            200,
        )
        .await;

        // Bad minutes name each field and store nothing.
        let bad = json!({
            "case_id": gold, "summary": " ", "next_review_date": day(0),
            "actions": [{"description": "", "agency": "nowhere", "due_on": "soon"}],
        });
        assert_eq!(
            refused(post(&app, &chair, &minutes, bad).await).await,
            [
                "actions[0].due_on",
                "summary",
                "next_review_date",
                "actions[0].description",
                "actions[0].agency"
            ]
        );
        let police_actions = json_of(read(&app, &police, "/api/v1/actions").await, 200).await;
        assert_eq!(police_actions["total"], 0);

        let minuted = json_of(post(&app, &chair, &minutes, good.clone()).await, 201).await;
        assert_eq!(minuted["entry"]["kind"], "minute");
        // The next review date is the case's now.
        let case = json_of(
            read(&app, &police, &format!("/api/v1/asb/cases/{gold}")).await,
            200,
        )
        .await;
        assert_eq!(case["review_date"], review.as_str());

        // The action is on the police's list; another agency may not read that list.
        let list = json_of(
            read(
                &app,
                &police,
                "/api/v1/actions?agency=cumbria-constabulary&status=open",
            )
            .await,
            200,
        )
        .await;
        assert_eq!(list["total"], 1);
        let action = &list["items"][0];
        assert_eq!(action["source"], "lmaps");
        assert_eq!(action["case_id"], gold.as_str());
        assert_eq!(action["overdue"], false);
        let due = json_of(read(&app, &police, "/api/v1/actions?status=due").await, 200).await;
        assert_eq!(due["total"], 1);
        let overdue = json_of(
            read(&app, &police, "/api/v1/actions?status=overdue").await,
            200,
        )
        .await;
        assert_eq!(overdue["total"], 0);
        let housing = app.api_token("housing.officer").await;
        assert_eq!(
            read(
                &app,
                &housing,
                "/api/v1/actions?agency=cumbria-constabulary"
            )
            .await
            .status(),
            403
        );
        let action_id = action["id"].as_str().expect("id").to_string();
        let complete = format!("/api/v1/actions/{action_id}/complete");
        assert_eq!(
            post(&app, &housing, &complete, json!({})).await.status(),
            404
        );
        let done = json_of(post(&app, &police, &complete, json!({})).await, 200).await;
        assert_eq!(done["status"], "done");
        assert!(done["completed_by"].is_string() && done["completed_at"].is_string());
        assert_eq!(
            post(&app, &police, &complete, json!({})).await.status(),
            409
        );
        let open = json_of(read(&app, &police, "/api/v1/actions").await, 200).await;
        assert_eq!(open["total"], 0);

        // Approved minutes are read-only: only a correction, with its reason, is added.
        json_of(
            post(&app, &chair, &status, json!({"to": "minutes-approved"})).await,
            200,
        )
        .await;
        assert_eq!(
            refused(post(&app, &chair, &minutes, good.clone()).await).await,
            ["correction_reason"]
        );
        let mut correction = good.clone();
        correction["correction_reason"] = json!("The letter was a first warning, not a final one.");
        correction["actions"] = json!([]);
        let corrected = json_of(post(&app, &chair, &minutes, correction).await, 201).await;
        assert_eq!(corrected["entry"]["kind"], "correction");
        let read_back = json_of(read(&app, &chair, &minutes).await, 200).await;
        let kinds: Vec<&str> = read_back["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["kind"].as_str().expect("kind"))
            .collect();
        assert_eq!(kinds, ["minute", "correction"]);
    })
    .await;
}

/// The `agenda` rows of the access matrix for ASB cases, over HTTP: each demo user
/// meets a case owned by another agency that is on the agenda of a meeting their
/// agency is invited to, and every action is answered as the matrix says.
#[tokio::test]
async fn the_agenda_rows_of_the_access_matrix_hold_over_http() {
    use casework_tests::matrix::{ACTIONS, USERS, expected};
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let council = app.api_token("council.officer").await;
        let chair = app.api_token("lmaps.chair").await;
        let store = store_of(&app).await;
        let today = Utc::now().date_naive();
        let mut failures = Vec::new();
        let mut allowed = 0;
        for (username, agency, roles) in USERS {
            // Owned by another agency than the user's, and due for review today.
            let owner = if *agency == "cumbria-constabulary" {
                &council
            } else {
                &police
            };
            let (case, _, victim) = asb_case_with_victim(&app, owner, "harbour", false).await;
            store
                .set_review_date(store.connection(), case.parse().expect("id"), Some(today))
                .await
                .expect("review date");
            let id = meeting(&app, &chair, &day(0), &[agency]).await;
            assert!(reasons_of(&agenda(&app, &chair, &id).await, &case).is_some());
            let token = app.api_token(username).await;
            for action in ACTIONS {
                let request = match action {
                    "view" => app
                        .client
                        .get(app.url(&format!("/api/v1/asb/cases/{case}"))),
                    "edit" => app
                        .client
                        .post(app.url(&format!("/api/v1/asb/cases/{case}/incidents")))
                        .json(&incident(&victim, 1)),
                    "share" => app
                        .client
                        .post(app.url(&format!("/api/v1/cases/{case}/shares")))
                        .json(&json!({"agency": "impact-ha", "reason": "Tenant of theirs"})),
                    "view-audit" => app
                        .client
                        .get(app.url(&format!("/api/v1/cases/{case}/audit"))),
                    _ => app
                        .client
                        .post(app.url(&format!("/api/v1/cases/{case}/close")))
                        .json(&json!({"outcome": "Resolved"})),
                };
                let response = request
                    .bearer_auth(&token)
                    .header("X-Access-Reason", "lmaps-preparation")
                    .send()
                    .await
                    .expect("request");
                let status = response.status().as_u16();
                let body = response.text().await.expect("body");
                let want = expected(roles, "agenda", "asb", action);
                let ok = match want {
                    "allow" => (200..300).contains(&status),
                    "403" => status == 403,
                    _ => status == 404,
                };
                allowed += usize::from(want == "allow" && ok);
                if want != "allow" && body.contains("Maisie") {
                    failures.push(format!("{username} {action}: personal data in {body}"));
                }
                if !ok {
                    failures.push(format!(
                        "{username} {action}: expected {want}, got {status}"
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Of the demo users only the LMAPS chair holds the `lmaps` role: it reads the
        // case and its audit trail; the DPO reads any case's audit trail.
        assert_eq!(allowed, 3);
    })
    .await;
}
