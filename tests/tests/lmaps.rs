//! LMAPS meetings and the actions list over the API, on both databases: the agenda
//! proposed with its reasons (other districts, closed cases and silver victims left
//! out), who may read an agenda case and until when (the access window, tested with a
//! short one), the chair's choices, minutes (actions on the list, the review date on
//! the case, read-only once approved), and completing an action; domestic abuse
//! cases shared with LMAPS and Prevent & Deter referrals awaiting the panel on the
//! agenda; the printed meeting page and the agenda and minutes CSVs, each reader's copy
//! holding only the cases their agency may see.

use casework_store::users::NewUser;
use casework_tests::http::{json_of, page, post, read, refused, store_of, submit};
use casework_tests::lmaps::{day, meeting};
use casework_tests::matrix::refusals_audited;
use casework_tests::{TestApp, each_app};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

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
    asb_case_for(app, token, "Maisie", ward, gold).await
}

/// As [`asb_case_with_victim`], for a victim of this forename.
async fn asb_case_for(
    app: &TestApp,
    token: &str,
    forename: &str,
    ward: &str,
    gold: bool,
) -> (String, String, String) {
    let victim = person(app, token, forename, ward).await;
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

/// A domestic abuse case opened by the police's specialist for a new victim in
/// Harbour ward: id and reference.
async fn dv_case(app: &TestApp, specialist: &str, forename: &str) -> (String, String) {
    let victim = person(app, specialist, forename, "harbour").await;
    let case = json_of(
        post(
            app,
            specialist,
            "/api/v1/dv/cases",
            json!({"victim_id": victim, "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    (
        case["id"].as_str().expect("id").to_string(),
        case["reference"].as_str().expect("reference").to_string(),
    )
}

/// The Prevent & Deter team moves a referral on.
async fn stage_to(app: &TestApp, pd: &str, id: &str, to: &str) {
    json_of(
        post(
            app,
            pd,
            &format!("/api/v1/prevent-deter/referrals/{id}/stage"),
            json!({"to": to}),
        )
        .await,
        200,
    )
    .await;
}

/// The partnership that runs LMAPS (`casework_domain::lmaps::LMAPS_SHARE_AGENCY`):
/// a domestic abuse case shared with it is "shared with LMAPS".
const LMAPS_SHARE_AGENCY: &str = "west-cumbria-csp";

async fn share(app: &TestApp, owner: &str, case: &str, agency: &str) {
    json_of(
        post(
            app,
            owner,
            &format!("/api/v1/cases/{case}/shares"),
            json!({"agency": agency, "reason": "For the LMAPS meeting"}),
        )
        .await,
        201,
    )
    .await;
}

/// The agenda as stored (every item, whoever may see it): case id to reason codes.
async fn stored_reasons(app: &TestApp, meeting: &str) -> Vec<(String, Vec<String>)> {
    let store = store_of(app).await;
    store
        .lmaps_agenda(store.connection(), meeting.parse().expect("id"))
        .await
        .expect("agenda")
        .into_iter()
        .filter(|e| e.on_agenda)
        .map(|e| {
            (
                e.case_id.to_string(),
                e.reasons.iter().map(|r| r.as_str().to_string()).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn domestic_abuse_shared_with_lmaps_and_referrals_awaiting_the_panel_are_proposed() {
    each_app(|app| async move {
        let specialist = app.api_token("dv.specialist").await;
        let housing = app.api_token("housing.officer").await;
        let pd = app.api_token("pd.officer").await;
        let chair = app.api_token("lmaps.chair").await;

        // Shared with the partnership that runs LMAPS; shared only with housing; not
        // shared at all.
        let (shared, shared_ref) = dv_case(&app, &specialist, "Dora").await;
        share(&app, &specialist, &shared, LMAPS_SHARE_AGENCY).await;
        let (with_housing, _) = dv_case(&app, &specialist, "Edna").await;
        share(&app, &specialist, &with_housing, "derwent-solway-ha").await;
        let (unshared, unshared_ref) = dv_case(&app, &specialist, "Freya").await;

        // A 15-year-old referred by housing, moved on to the panel's decision; another
        // only screened.
        let born = (Utc::now().date_naive() - Duration::days(15 * 365 + 100)).to_string();
        let referral = |person: &str| {
            json!({"person_id": person, "referred_on": day(0),
                   "reasons": ["alcohol-related-asb", "asb"],
                   "risk_factors": ["family-offending", "truanting", "alcohol-misuse",
                                    "lives-in-hotspot"],
                   "consent_young_person": true, "consent_parent": true})
        };
        let mut referred = Vec::new();
        for forename in ["Jay", "Kit"] {
            let young = json_of(
                post(
                    &app,
                    &housing,
                    "/api/v1/people",
                    json!({"forename": forename, "surname": "Young", "date_of_birth": born,
                           "ward": "harbour"}),
                )
                .await,
                201,
            )
            .await;
            let made = json_of(
                post(
                    &app,
                    &housing,
                    "/api/v1/prevent-deter/referrals",
                    referral(young["id"].as_str().expect("id")),
                )
                .await,
                201,
            )
            .await;
            referred.push((
                made["id"].as_str().expect("id").to_string(),
                made["reference"].as_str().expect("reference").to_string(),
            ));
        }
        let (awaiting, awaiting_ref) = referred[0].clone();
        let (screened, _) = referred[1].clone();
        for to in ["screened", "assessed", "panel-decision"] {
            stage_to(&app, &pd, &awaiting, to).await;
        }
        stage_to(&app, &pd, &screened, "screened").await;

        let id = meeting(&app, &chair, &day(0), &[]).await;
        // As stored: each once, with its reason; the others not at all.
        let stored = stored_reasons(&app, &id).await;
        let reasons = |case: &str| {
            stored
                .iter()
                .find(|(c, _)| c == case)
                .map(|(_, r)| r.clone())
        };
        assert_eq!(
            reasons(&shared),
            Some(vec!["domestic-abuse-shared-with-lmaps".to_string()]),
            "{stored:?}"
        );
        assert_eq!(
            reasons(&awaiting),
            Some(vec!["awaiting-panel-decision".to_string()]),
            "{stored:?}"
        );
        for left_out in [&with_housing, &unshared, &screened] {
            assert_eq!(reasons(left_out), None, "{stored:?}");
        }
        assert_eq!(stored.len(), 2, "{stored:?}");

        // As the chair reads it over the API and on the page, with the reasons named.
        let proposed = agenda(&app, &chair, &id).await;
        assert_eq!(
            reasons_of(&proposed, &shared),
            Some(vec!["domestic-abuse-shared-with-lmaps".to_string()])
        );
        assert_eq!(
            reasons_of(&proposed, &awaiting),
            Some(vec!["awaiting-panel-decision".to_string()])
        );
        assert_eq!(proposed["total"], 2);
        let web = app.sign_in("lmaps.chair").await;
        let (status, html) = page(&web, &app, &format!("/lmaps/meetings/{id}")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&shared_ref) && html.contains("Domestic abuse case shared with LMAPS"),
            "{html}"
        );
        assert!(
            html.contains(&awaiting_ref)
                && html.contains("Deter referral awaiting a panel decision"),
            "{html}"
        );
        assert!(!html.contains(&unshared_ref), "{html}");
        // An agenda reader never sees the victim's address.
        assert!(!html.contains("Harbour Row"), "{html}");
        assert!(!proposed.to_string().contains("Harbour Row"), "{proposed}");
    })
    .await;
}

/// A web client signed in as a new user of `agency` holding the chair's roles
/// (`lmaps` and `officer`), and an API token for it.
async fn lmaps_officer(app: &TestApp, username: &str, agency: &str) -> (reqwest::Client, String) {
    let store = store_of(app).await;
    let chair = store
        .user_by_username("lmaps.chair")
        .await
        .expect("read")
        .expect("chair");
    store
        .create_user(
            store.connection(),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                agency: agency.into(),
                roles: chair.roles.clone(),
                password_hash: chair.password_hash.clone(),
                must_change_password: false,
            },
        )
        .await
        .expect("user");
    (app.sign_in(username).await, app.api_token(username).await)
}

/// A download as a signed-in browser gets it: status, content type and body.
async fn download(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String, String) {
    let response = client.get(app.url(path)).send().await.expect("download");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().expect("ascii").to_string())
        .unwrap_or_default();
    (status, kind, response.text().await.expect("body"))
}

/// The data lines of a CSV body (after the header).
fn csv_rows(body: &str) -> Vec<&str> {
    body.split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect()
}

#[tokio::test]
async fn each_reader_prints_and_downloads_only_the_cases_their_agency_may_see() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let council = app.api_token("council.officer").await;
        let specialist = app.api_token("dv.specialist").await;
        let chair = app.api_token("lmaps.chair").await;
        let store = store_of(&app).await;

        // The police's case, the council's and a domestic abuse case shared with LMAPS.
        let (own, own_ref, _) = asb_case_for(&app, &police, "Olive", "harbour", true).await;
        let (theirs, theirs_ref, _) = asb_case_for(&app, &council, "Tamsin", "harbour", true).await;
        let (dv, dv_ref) = dv_case(&app, &specialist, "Dora").await;
        share(&app, &specialist, &dv, LMAPS_SHARE_AGENCY).await;

        // Yesterday's meeting, the police invited; held and minuted, an action each.
        let id = meeting(&app, &chair, &day(-1), &["cumbria-constabulary"]).await;
        json_of(
            post(
                &app,
                &chair,
                &format!("/api/v1/lmaps/meetings/{id}/status"),
                json!({"to": "held"}),
            )
            .await,
            200,
        )
        .await;
        let pc = store
            .user_by_username("police.officer")
            .await
            .expect("read")
            .expect("officer");
        let minutes = format!("/api/v1/lmaps/meetings/{id}/minutes");
        for (case, what, agency, officer) in [
            (
                &own,
                "Olive",
                "cumbria-constabulary",
                Some(pc.id.to_string()),
            ),
            (&theirs, "Tamsin", "copeland-bc", None),
            (&dv, "Dora", "cumbria-constabulary", None),
        ] {
            let mut action = json!({"description": format!("Visit {what}"), "agency": agency,
                                    "due_on": day(7)});
            if let Some(officer) = officer {
                action["officer"] = json!(officer);
            }
            json_of(
                post(
                    &app,
                    &chair,
                    &minutes,
                    json!({"case_id": case,
                           "summary": format!("Discussed {what}'s case"),
                           "decisions": format!("=Decided for {what}"),
                           "next_review_date": day(27),
                           "actions": [action]}),
                )
                .await,
                201,
            )
            .await;
        }

        // The page prints on A4: the print stylesheet, for print only, sets the page.
        let (web, _) = lmaps_officer(&app, "police.lmaps", "cumbria-constabulary").await;
        let meeting_page = format!("/lmaps/meetings/{id}");
        let (status, html) = page(&web, &app, &meeting_page).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(
                r#"<link rel="stylesheet" href="/static/lmaps-print.css" media="print">"#
            ),
            "{html}"
        );
        assert!(html.contains(&format!("/lmaps/meetings/{id}/agenda.csv")));
        assert!(html.contains(&format!("/lmaps/meetings/{id}/minutes.csv")));
        let (status, kind, css) = download(&web, &app, "/static/lmaps-print.css").await;
        assert_eq!((status, kind.as_str()), (200, "text/css; charset=utf-8"));
        let page_rule = css
            .split("@page")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .expect("an @page rule");
        assert!(
            page_rule.trim_start().starts_with('{') && page_rule.contains("size: A4"),
            "{css}"
        );

        // Within the access window the invited police read every item, on the page
        // and in both CSVs, never the victim's address.
        let agenda_csv = format!("/lmaps/meetings/{id}/agenda.csv");
        let minutes_csv = format!("/lmaps/meetings/{id}/minutes.csv");
        for reference in [&own_ref, &theirs_ref, &dv_ref] {
            assert!(html.contains(reference.as_str()), "{reference} in {html}");
        }
        assert!(html.contains("Visit Olive") && html.contains("PC Alex Harper"));
        let (status, kind, all_agenda) = download(&web, &app, &agenda_csv).await;
        assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
        assert_eq!(csv_rows(&all_agenda).len(), 3, "{all_agenda}");
        let (status, kind, all_minutes) = download(&web, &app, &minutes_csv).await;
        assert_eq!(
            (status, kind.as_str()),
            (200, "text/csv; charset=utf-8"),
            "{all_minutes}"
        );
        assert!(
            all_minutes.starts_with(
                "reference,entry,recorded_at,summary,decisions,next_review_date,\
                 correction_reason,action,action_agency,action_officer,action_due_on,\
                 action_status\r\n"
            ),
            "{all_minutes}"
        );
        assert_eq!(csv_rows(&all_minutes).len(), 6, "{all_minutes}");
        for text in [&html, &all_agenda, &all_minutes] {
            assert!(!text.contains("Harbour Row"), "{text}");
        }
        let rows = csv_rows(&all_minutes);
        let review = day(27);
        assert_eq!(
            rows[0],
            format!(
                "\"{own_ref}\",\"minute\",{},\"Discussed Olive's case\",\
                 \"'=Decided for Olive\",\"{review}\",\"\",\"\",\"\",\"\",\"\",\"\"",
                rows[0].split(',').nth(2).expect("recorded")
            ),
            "one line per entry, formulas defused: {all_minutes}"
        );
        assert_eq!(
            rows[1],
            format!(
                "\"{own_ref}\",\"action\",\"\",\"\",\"\",\"\",\"\",\"Visit Olive\",\
                 \"cumbria-constabulary\",\"PC Alex Harper\",\"{}\",\"open\"",
                day(7)
            ),
            "then one per action: {all_minutes}"
        );

        // Once the window has closed the meeting still opens to them, but only the
        // police's own case: the council's and the restricted case are not there at
        // all, neither reference nor name nor minutes.
        store
            .set_setting(store.connection(), "lmaps.access-window-days", "0")
            .await
            .expect("setting");
        let (status, html) = page(&web, &app, &meeting_page).await;
        assert_eq!(status, 200);
        let (_, _, own_agenda) = download(&web, &app, &agenda_csv).await;
        let (status, _, own_minutes) = download(&web, &app, &minutes_csv).await;
        assert_eq!(status, 200);
        for text in [&html, &own_agenda, &own_minutes] {
            assert!(text.contains(own_ref.as_str()), "{text}");
            for hidden in [&theirs_ref, &dv_ref] {
                assert!(!text.contains(hidden.as_str()), "{hidden} in {text}");
            }
            for hidden in ["Tamsin", "Dora"] {
                assert!(!text.contains(hidden), "{hidden} in {text}");
            }
        }
        assert_eq!(csv_rows(&own_agenda).len(), 1, "{own_agenda}");
        assert_eq!(csv_rows(&own_minutes).len(), 2, "{own_minutes}");
        assert!(own_minutes.contains("Discussed Olive's case"));

        // Each download is audited as a read of the meeting by its reader.
        let events =
            casework_audit::events_for_entity(store.connection(), "lmaps-meeting", &id, 100)
                .await
                .expect("events");
        let reads: Vec<Value> = events
            .iter()
            .filter(|e| e.actor_username.as_deref() == Some("police.lmaps"))
            .map(|e| serde_json::from_str(&e.summary).expect("summary"))
            .filter(|s: &Value| s["read"] == "minutes-csv")
            .collect();
        assert_eq!(reads.len(), 2, "{reads:?}");
        assert_eq!(
            (&reads[0]["entries"], &reads[0]["actions"]),
            (&json!(1), &json!(1)),
            "newest first: {reads:?}"
        );

        // An agency not invited is answered as if the meeting did not exist, audited.
        let (fire, _) = lmaps_officer(&app, "fire.lmaps", "cumbria-fire-rescue").await;
        let refusals = refusals_audited(&store).await;
        assert_eq!(download(&fire, &app, &minutes_csv).await.0, 404);
        assert_eq!(download(&fire, &app, &agenda_csv).await.0, 404);
        assert_eq!(refusals_audited(&store).await, refusals + 2);
    })
    .await;
}

/// Posts one of the meeting page's forms as the signed-in chair: status and page.
async fn on_page(
    web: &reqwest::Client,
    app: &TestApp,
    meeting: &str,
    form: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (status, _, html) = submit(
        web,
        app,
        &format!("/lmaps/meetings/{meeting}"),
        &format!("/lmaps/meetings/{meeting}/{form}"),
        fields,
    )
    .await;
    (status, html)
}

/// The fields a refused page names in its error summary.
fn named(html: &str) -> Vec<&str> {
    let summary = html
        .split(r#"class="error-summary""#)
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_default();
    summary
        .split(r##"<a href="#"##)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn the_chair_adds_a_case_by_its_reference_and_learns_nothing_of_cases_hidden() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let council = app.api_token("council.officer").await;
        let chair = app.api_token("lmaps.chair").await;
        // Silver victims: no reason to be proposed. The council's case the chair's
        // agency owns; the police's it may not see.
        let (ours, our_ref) = asb_case(&app, &council, "harbour", false).await;
        let (hidden, hidden_ref) = asb_case(&app, &police, "harbour", false).await;
        let id = meeting(&app, &chair, &day(1), &["cumbria-constabulary"]).await;
        let web = app.sign_in("lmaps.chair").await;
        let (status, html) = page(&web, &app, &format!("/lmaps/meetings/{id}")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(r#"id="reference" name="reference""#),
            "{html}"
        );

        // A case that does not exist and one the chair may not see get one answer,
        // on `reference`; a reference badly typed says how to write one.
        let unknown = hidden_ref.replace("-000", "-099");
        let mut answers = Vec::new();
        for typed in [unknown.as_str(), hidden_ref.as_str(), "12345", ""] {
            let (status, html) = on_page(
                &web,
                &app,
                &id,
                "items",
                &[("action", "add"), ("reference", typed)],
            )
            .await;
            assert_eq!(status, 422, "{typed}: {html}");
            assert_eq!(named(&html), ["reference"], "{typed}");
            answers.push(html.contains("There is no case with that reference that you may see."));
        }
        assert_eq!(answers, [true, true, false, false]);
        let store = store_of(&app).await;
        let stored = store
            .lmaps_agenda(store.connection(), id.parse().expect("id"))
            .await
            .expect("agenda");
        assert!(
            stored
                .iter()
                .all(|e| e.case_id.to_string() != hidden && e.case_id.to_string() != ours),
            "nothing added: {stored:?}"
        );

        // The chair's own agency's case, typed in lower case with spaces around it.
        let (status, html) = on_page(
            &web,
            &app,
            &id,
            "items",
            &[
                ("action", "add"),
                ("reference", &format!("  {}  ", our_ref.to_lowercase())),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        assert_eq!(
            reasons_of(&agenda(&app, &chair, &id).await, &ours),
            Some(vec!["added-by-chair".to_string()])
        );
        // The API keeps naming the case by id.
        assert_eq!(
            refused(
                post(
                    &app,
                    &chair,
                    &format!("/api/v1/lmaps/meetings/{id}/items"),
                    json!({"action": "add"})
                )
                .await
            )
            .await,
            ["case_id"]
        );
    })
    .await;
}

#[tokio::test]
async fn the_chair_minutes_several_actions_by_username_in_one_save_or_none() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let chair = app.api_token("lmaps.chair").await;
        let store = store_of(&app).await;
        let (gold, gold_ref) = asb_case(&app, &police, "harbour", true).await;
        let id = meeting(&app, &chair, &day(0), &["cumbria-constabulary"]).await;
        json_of(
            post(
                &app,
                &chair,
                &format!("/api/v1/lmaps/meetings/{id}/status"),
                json!({"to": "held"}),
            )
            .await,
            200,
        )
        .await;
        let meeting_id: uuid::Uuid = id.parse().expect("id");
        let web = app.sign_in("lmaps.chair").await;

        // Three action rows, the officer box offering the invited agencies' users.
        let (_, html) = page(&web, &app, &format!("/lmaps/meetings/{id}")).await;
        for n in 0..3 {
            assert!(
                html.contains(&format!(r#"name="actions[{n}].officer""#)),
                "{html}"
            );
        }
        assert!(html.contains(r#"<datalist id="officers">"#), "{html}");
        assert!(
            html.contains(r#"<option value="police.officer">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<option value="council.officer">"#),
            "{html}"
        );
        assert!(
            !html.contains(r#"<option value="housing.officer">"#),
            "{html}"
        );

        let (due, review) = (day(7), day(28));
        let good: Vec<(&str, &str)> = vec![
            ("case_id", &gold),
            ("summary", "Further incidents at the door."),
            ("decisions", "Target hardening."),
            ("next_review_date", &review),
            ("actions[0].description", "Fit a door chain"),
            ("actions[0].agency", "cumbria-constabulary"),
            ("actions[0].officer", "police.officer"),
            ("actions[0].due_on", &due),
        ];
        let nothing_stored = || async {
            let entries = store
                .lmaps_minutes(store.connection(), meeting_id)
                .await
                .expect("minutes");
            let actions = store
                .lmaps_minuted_actions(store.connection(), meeting_id)
                .await
                .expect("actions");
            let case = json_of(
                read(&app, &police, &format!("/api/v1/asb/cases/{gold}")).await,
                200,
            )
            .await;
            entries.is_empty() && actions.is_empty() && case["review_date"].is_null()
        };

        // A second row partly filled: its fields are named and nothing is stored,
        // neither the minutes, the good first action nor the review date.
        let mut bad = good.clone();
        bad.push(("actions[1].description", "Write to the family"));
        bad.push(("actions[1].agency", ""));
        bad.push(("actions[1].officer", ""));
        bad.push(("actions[1].due_on", ""));
        let (status, html) = on_page(&web, &app, &id, "minutes", &bad).await;
        assert_eq!(status, 422, "{html}");
        assert_eq!(named(&html), ["actions[1].agency", "actions[1].due_on"]);
        assert!(
            html.contains("Write to the family") && html.contains("Further incidents"),
            "what was typed is shown again: {html}"
        );
        assert!(nothing_stored().await);

        // An action for Copeland BC cannot name a police officer, nor someone unknown;
        // on the API either, which names the officer by id.
        let pc = store
            .user_by_username("police.officer")
            .await
            .expect("read")
            .expect("officer");
        for officer in ["police.officer", "no.such.user"] {
            let mut other = good.clone();
            other[5] = ("actions[0].agency", "copeland-bc");
            other[6] = ("actions[0].officer", officer);
            let (status, html) = on_page(&web, &app, &id, "minutes", &other).await;
            assert_eq!(status, 422, "{html}");
            assert_eq!(named(&html), ["actions[0].officer"], "{officer}");
        }
        let minutes = format!("/api/v1/lmaps/meetings/{id}/minutes");
        let mut body = json!({
            "case_id": gold, "summary": "Discussed.", "next_review_date": review,
            "actions": [{"description": "Visit", "agency": "copeland-bc",
                         "officer": pc.id, "due_on": due}],
        });
        assert_eq!(
            refused(post(&app, &chair, &minutes, body.clone()).await).await,
            ["actions[0].officer"]
        );
        body["actions"][0]["officer"] = json!("police.officer");
        assert_eq!(
            refused(post(&app, &chair, &minutes, body).await).await,
            ["actions[0].officer"],
            "the API takes an id, not a username"
        );
        assert!(nothing_stored().await);

        // Two actions in one save, the third row left blank: both reach the lists,
        // each with its officer.
        let mut two = good.clone();
        two.extend([
            ("actions[1].description", "Warning letter to the neighbour"),
            ("actions[1].agency", "copeland-bc"),
            ("actions[1].officer", "Council.Officer"),
            ("actions[1].due_on", due.as_str()),
            ("actions[2].description", ""),
            ("actions[2].agency", ""),
            ("actions[2].officer", ""),
            ("actions[2].due_on", ""),
        ]);
        let (status, html) = on_page(&web, &app, &id, "minutes", &two).await;
        assert_eq!(status, 303, "{html}");
        let council = store
            .user_by_username("council.officer")
            .await
            .expect("read")
            .expect("officer");
        let police_list = json_of(
            read(&app, &police, "/api/v1/actions?agency=cumbria-constabulary").await,
            200,
        )
        .await;
        assert_eq!(police_list["total"], 1, "{police_list}");
        assert_eq!(police_list["items"][0]["description"], "Fit a door chain");
        assert_eq!(police_list["items"][0]["officer"], pc.id.to_string());
        let council_list = json_of(
            read(&app, &chair, "/api/v1/actions?agency=copeland-bc").await,
            200,
        )
        .await;
        assert_eq!(council_list["total"], 1, "{council_list}");
        assert_eq!(
            council_list["items"][0]["description"],
            "Warning letter to the neighbour"
        );
        assert_eq!(council_list["items"][0]["officer"], council.id.to_string());
        for list in [&police_list, &council_list] {
            assert_eq!(list["items"][0]["case_reference"], gold_ref.as_str());
            assert_eq!(list["items"][0]["source"], "lmaps");
        }
        let entries = store
            .lmaps_minutes(store.connection(), meeting_id)
            .await
            .expect("minutes");
        assert_eq!(entries.len(), 1);
        let case = json_of(
            read(&app, &police, &format!("/api/v1/asb/cases/{gold}")).await,
            200,
        )
        .await;
        assert_eq!(case["review_date"], review.as_str());
        let (_, html) = page(&web, &app, &format!("/lmaps/meetings/{id}")).await;
        assert!(
            html.contains("PC Alex Harper") && html.contains("Jo Fletcher"),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_chair_ticks_the_members_who_came_and_types_the_others() {
    each_app(|app| async move {
        let chair = app.api_token("lmaps.chair").await;
        lmaps_member(&app, "police.lmaps", "cumbria-constabulary").await;
        lmaps_member(&app, "fire.lmaps", "cumbria-fire-rescue").await;
        let store = store_of(&app).await;
        let id_of = |username: &'static str| {
            let store = &store;
            async move {
                store
                    .user_by_username(username)
                    .await
                    .expect("read")
                    .expect("user")
                    .id
                    .to_string()
            }
        };
        let (police_lmaps, fire_lmaps, pat) = (
            id_of("police.lmaps").await,
            id_of("fire.lmaps").await,
            id_of("lmaps.chair").await,
        );
        let id = meeting(&app, &chair, &day(0), &["cumbria-constabulary"]).await;
        json_of(
            post(
                &app,
                &chair,
                &format!("/api/v1/lmaps/meetings/{id}/status"),
                json!({"to": "held"}),
            )
            .await,
            200,
        )
        .await;
        let web = app.sign_in("lmaps.chair").await;
        let meeting_page = format!("/lmaps/meetings/{id}");

        // The invited agencies' LMAPS members, and only they, have a box.
        let (_, html) = page(&web, &app, &meeting_page).await;
        for (username, offered) in [
            ("police.lmaps", true),
            ("lmaps.chair", true),
            ("fire.lmaps", false),
            ("police.officer", false),
        ] {
            assert_eq!(
                html.contains(&format!(r#"id="attendee-{username}""#)),
                offered,
                "{username}: {html}"
            );
        }

        // Ticking someone not offered stores nothing.
        let (status, html) = on_page(
            &web,
            &app,
            &id,
            "attendance",
            &[("attendee", &police_lmaps), ("attendee", &fire_lmaps)],
        )
        .await;
        assert_eq!(status, 422, "{html}");
        assert_eq!(named(&html), ["attendee"]);
        let minutes = format!("/api/v1/lmaps/meetings/{id}/minutes");
        let recorded = json_of(read(&app, &chair, &minutes).await, 200).await;
        assert_eq!(recorded["attendance"], json!([]));

        let (status, html) = on_page(
            &web,
            &app,
            &id,
            "attendance",
            &[
                ("attendee", &police_lmaps),
                ("attendee", &pat),
                ("attendance", "derwent-solway-ha: Sam Kerr\r\n"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        let recorded = json_of(read(&app, &chair, &minutes).await, 200).await;
        assert_eq!(
            recorded["attendance"],
            json!([
                {"agency": "copeland-bc", "name": "Pat Nicholson"},
                {"agency": "cumbria-constabulary", "name": "police.lmaps"},
                {"agency": "derwent-solway-ha", "name": "Sam Kerr"},
            ])
        );

        // The boxes are ticked as recorded; the box for others holds only the others.
        let (_, html) = page(&web, &app, &meeting_page).await;
        for (username, user_id) in [("police.lmaps", &police_lmaps), ("lmaps.chair", &pat)] {
            assert!(
                html.contains(&format!(
                    r#"id="attendee-{username}" name="attendee" value="{user_id}" checked"#
                )),
                "{username}: {html}"
            );
        }
        let others = html
            .split(r#"<textarea id="attendance" name="attendance">"#)
            .nth(1)
            .and_then(|rest| rest.split("</textarea>").next())
            .expect("the others box");
        assert_eq!(others, "derwent-solway-ha: Sam Kerr\n");
    })
    .await;
}

/// The plan aim's list of cases filters by the same need-to-know relations as every
/// other list: an invited agency's LMAPS member finds the police's case there once it
/// is on a meeting's agenda, and not before.
#[tokio::test]
async fn an_agenda_case_is_on_a_plan_aims_list_for_the_invited_members() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let chair = app.api_token("lmaps.chair").await;
        let analyst = app.api_token("analyst").await;
        let (gold, _) = asb_case(&app, &police, "harbour", true).await;
        let report = json_of(
            read(&app, &analyst, "/api/v1/plan/2012-13/report?quarter=Q1").await,
            200,
        )
        .await;
        let aim = report["measures"]
            .as_array()
            .expect("measures")
            .iter()
            .find(|m| m["aim"] == "asb-hotspots")
            .and_then(|m| m["aim_id"].as_str())
            .expect("the aim")
            .to_string();
        let cases = format!("/api/v1/plan/2012-13/aims/{aim}/cases");
        json_of(
            post(
                &app,
                &police,
                &cases,
                json!({"case_id": gold, "reason": "Gold victim in the Harbour hotspot"}),
            )
            .await,
            201,
        )
        .await;
        let housing = lmaps_member(&app, "housing.lmaps", "derwent-solway-ha").await;
        let listed = |body: Value| {
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["case_id"] == gold.as_str())
        };
        let before = json_of(read(&app, &housing, &cases).await, 200).await;
        assert_eq!(before["serving"], 1);
        assert!(!listed(before));

        meeting(&app, &chair, &day(0), &["derwent-solway-ha"]).await;
        assert!(listed(
            json_of(read(&app, &housing, &cases).await, 200).await
        ));
    })
    .await;
}
