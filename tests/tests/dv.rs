//! Domestic abuse over HTTP, on both databases: the API (DASH cut-offs, professional
//! judgement, the MARAC reasons including a repeat, referrals, measures), bad input
//! refused field by field with nothing stored, the restriction (a housing officer
//! without a share is told nothing; after a share they read the case, and the share is
//! in the audit log), the access matrix's domestic abuse rows, the pages, the two lists
//! a page at a time, and an action set on a case naming an active officer of the
//! action's agency.

use casework_store::dv::{BulkIncident, BulkVictim, NewDvCase, ReportedBy};
use casework_store::users::NewUser;
use casework_tests::http::{json_of, page, post, read, refused, store_of, submit};
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
            json!({"forename": forename, "surname": surname, "ward": "harbour",
                   "address": "4 Quay Street, Whitehaven"}),
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

fn day_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn incident(days_ago: i64, arrest: bool) -> Value {
    json!({
        "occurred_at": ago(days_ago),
        "reported_by": "police",
        "arrest_made": arrest,
        "children_present": false,
        "summary": "Neighbour called the police after shouting.",
    })
}

/// Answers to every question of the checklist: "yes" to the first `yes`, "not-known"
/// to the next one, "no" to the rest.
async fn answers(app: &TestApp, token: &str, yes: usize) -> Value {
    let instrument = json_of(app.api_get(token, "/api/v1/dv/instrument").await, 200).await;
    let mut map = Map::new();
    for (n, q) in instrument["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .enumerate()
    {
        let answer = if n < yes {
            "yes"
        } else if n == yes {
            "not-known"
        } else {
            "no"
        };
        map.insert(q["key"].as_str().expect("key").to_string(), json!(answer));
    }
    Value::Object(map)
}

async fn open_case(app: &TestApp, token: &str, victim: &str, perpetrator: Option<&str>) -> Value {
    let mut body = json!({"victim_id": victim, "ward": "harbour"});
    if let Some(p) = perpetrator {
        body["perpetrator_id"] = json!(p);
    }
    json_of(post(app, token, "/api/v1/dv/cases", body).await, 201).await
}

#[tokio::test]
async fn a_case_is_assessed_referred_to_marac_and_counted() {
    each_app(|app| async move {
        let token = app.api_token("dv.specialist").await;
        let victim = create_person(&app, &token, "Ffion", "Rigg").await;
        let abuser = create_person(&app, &token, "Gareth", "Rigg").await;
        let opened = open_case(&app, &token, &victim, Some(&abuser)).await;
        let year = Utc::now().format("%Y").to_string();
        assert_eq!(opened["reference"], format!("DV-{year}-00001"));
        assert_eq!(
            (&opened["status"], &opened["owner_agency"]),
            (&json!("open"), &json!("cumbria-constabulary"))
        );
        let id = opened["id"].as_str().expect("id").to_string();
        let case_path = format!("/api/v1/dv/cases/{id}");

        let instrument = json_of(app.api_get(&token, "/api/v1/dv/instrument").await, 200).await;
        assert_eq!(instrument["version"], 1);
        assert_eq!(instrument["questions"].as_array().expect("q").len(), 24);
        assert_eq!(instrument["questions"][0]["group"], "The current situation");
        assert_eq!(
            instrument["thresholds"],
            json!({"medium_from": 10, "high_from": 14})
        );

        // The first incident is the victim's first report.
        let incidents = format!("{case_path}/incidents");
        let first = json_of(
            post(&app, &token, &incidents, incident(40, true)).await,
            201,
        )
        .await;
        assert_eq!(first["first_time_report"], true);
        assert_eq!(
            first["perpetrator_id"],
            json!(abuser),
            "the case's perpetrator"
        );
        assert_eq!(
            (&first["marac_required"], &first["marac_reasons"]),
            (&json!(false), &json!([]))
        );

        // The cut-offs: 9 standard, 10 medium, 13 medium, 14 high (visible high risk).
        let dash = format!("{case_path}/dash");
        for (yes, level, required) in [
            (9, "standard", false),
            (10, "medium", false),
            (13, "medium", false),
            (14, "high", true),
        ] {
            let scored = json_of(
                post(
                    &app,
                    &token,
                    &dash,
                    json!({"answers": answers(&app, &token, yes).await}),
                )
                .await,
                201,
            )
            .await;
            assert_eq!(scored["yes_count"], yes, "{scored}");
            assert_eq!(
                (&scored["computed_level"], &scored["level"]),
                (&json!(level), &json!(level)),
                "{yes} yes"
            );
            assert_eq!(scored["marac_required"], required, "{yes} yes");
        }
        let case = json_of(read(&app, &token, &case_path).await, 200).await;
        assert_eq!(case["marac_reasons"], json!(["visible-high-risk"]));

        // Judgement raises to high with a reason; it never lowers, and needs a reason.
        let lowered = post(
            &app,
            &token,
            &dash,
            json!({"answers": answers(&app, &token, 14).await,
                   "professional_judgement": {"level": "medium", "reason": "She seems calmer"}}),
        )
        .await;
        assert_eq!(refused(lowered).await, ["professional_judgement.level"]);
        let no_reason = post(
            &app,
            &token,
            &dash,
            json!({"answers": answers(&app, &token, 3).await,
                   "professional_judgement": {"reason": "  "}}),
        )
        .await;
        assert_eq!(refused(no_reason).await, ["professional_judgement.reason"]);
        let raised = json_of(
            post(
                &app,
                &token,
                &dash,
                json!({"answers": answers(&app, &token, 3).await,
                       "professional_judgement": {"reason": "He has bought a knife"}}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(
            (
                &raised["yes_count"],
                &raised["computed_level"],
                &raised["level"]
            ),
            (&json!(3), &json!("standard"), &json!("high"))
        );
        assert_eq!(raised["marac_reasons"], json!(["professional-judgement"]));
        assert_eq!(raised["marac_required"], true);

        let case = json_of(read(&app, &token, &case_path).await, 200).await;
        assert_eq!(case["level"], "high");
        assert_eq!(case["marac_required"], true);
        assert_eq!(case["victim"]["address"], "4 Quay Street, Whitehaven");
        assert_eq!(case["perpetrator"]["surname"], "Rigg");
        let history: Vec<i64> = case["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .map(|a| a["yes_count"].as_i64().expect("count"))
            .collect();
        assert_eq!(
            history,
            [3, 14, 13, 10, 9],
            "newest first; refusals not stored"
        );
        assert_eq!(
            case["assessments"][0]["judgement_reason"],
            "He has bought a knife"
        );

        // A referral 30 days ago: no checklist yet on that day, so the officer says why.
        let referrals = format!("{case_path}/marac-referrals");
        let unexplained = post(
            &app,
            &token,
            &referrals,
            json!({"referred_on": day_ago(30)}),
        )
        .await;
        assert_eq!(refused(unexplained).await, ["reasons"]);
        let claimed = post(
            &app,
            &token,
            &referrals,
            json!({"referred_on": day_ago(30), "reasons": ["repeat"]}),
        )
        .await;
        assert_eq!(refused(claimed).await, ["reasons"], "not a repeat");
        let referred = json_of(
            post(
                &app,
                &token,
                &referrals,
                json!({"referred_on": day_ago(30), "reasons": ["professional-judgement"],
                       "meeting_on": day_ago(16)}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(referred["reasons"], json!(["professional-judgement"]));
        assert_eq!(referred["is_repeat"], false);
        assert_eq!(referred["meeting_on"], day_ago(16));
        assert_eq!(referred["marac_required"], false, "the referral covers it");
        let twice = post(
            &app,
            &token,
            &referrals,
            json!({"referred_on": day_ago(30), "reasons": ["professional-judgement"]}),
        )
        .await;
        assert_eq!(refused(twice).await, ["referred_on"]);

        // An incident after the referral and within 12 months of it is a repeat,
        // whatever the score.
        let second = json_of(
            post(&app, &token, &incidents, incident(10, false)).await,
            201,
        )
        .await;
        assert_eq!(second["first_time_report"], false);
        assert_eq!(second["marac_required"], true);
        assert_eq!(
            second["marac_reasons"],
            json!(["professional-judgement", "repeat"])
        );
        let repeat = json_of(
            post(&app, &token, &referrals, json!({"referred_on": day_ago(0)})).await,
            201,
        )
        .await;
        assert_eq!(
            repeat["reasons"],
            json!(["professional-judgement", "repeat"])
        );
        assert_eq!(repeat["is_repeat"], true);
        assert_eq!(repeat["marac_required"], false);
        let case = json_of(read(&app, &token, &case_path).await, 200).await;
        assert_eq!(case["marac_referrals"].as_array().expect("r").len(), 2);
        assert_eq!(
            case["marac_referrals"][0]["is_repeat"], true,
            "newest first"
        );

        // The measures: 2 incidents, 1 arrest, 1 first-time victim, 1 incident with a
        // repeat victim, 2 referrals of which 1 repeat; all in Copeland (harbour).
        let analyst = app.api_token("analyst").await;
        let period = format!(
            "/api/v1/dv/measures?from={}&to={}",
            day_ago(60),
            day_ago(-1)
        );
        let all = json_of(app.api_get(&analyst, &period).await, 200).await;
        assert_eq!(
            (&all["incidents"], &all["arrests"], &all["arrest_rate"]),
            (&json!(2), &json!(1), &json!(0.5))
        );
        assert_eq!(all["first_time_victims"], 1);
        assert_eq!(
            (
                &all["incidents_with_repeat_victim"],
                &all["repeat_victimisation_rate"]
            ),
            (&json!(1), &json!(0.5))
        );
        assert_eq!(
            (&all["marac_referrals"], &all["repeat_marac_rate"]),
            (&json!(2), &json!(0.5))
        );
        assert_eq!(all["district"], "all");
        assert_eq!(all["by_district"]["copeland"]["incidents"], 2);
        assert_eq!(all["by_district"]["allerdale"]["incidents"], 0);
        let copeland = json_of(
            app.api_get(&analyst, &format!("{period}&district=copeland"))
                .await,
            200,
        )
        .await;
        assert_eq!(copeland["incidents"], 2);
        assert!(copeland.get("by_district").is_none());
        let allerdale = json_of(
            app.api_get(&analyst, &format!("{period}&district=allerdale"))
                .await,
            200,
        )
        .await;
        assert_eq!(
            (&allerdale["incidents"], &allerdale["arrest_rate"]),
            (&json!(0), &Value::Null),
            "no incidents: no rate"
        );
        // Counts carry no personal data.
        assert!(!all.to_string().contains("Rigg"));
        for (query, bad) in [
            (format!("?to={}", day_ago(0)), vec!["from"]),
            (
                format!("?from={}&to={}", day_ago(0), day_ago(5)),
                vec!["to"],
            ),
            (
                format!("?from={}&to={}&district=atlantis", day_ago(5), day_ago(0)),
                vec!["district"],
            ),
        ] {
            let response = app
                .api_get(&analyst, &format!("/api/v1/dv/measures{query}"))
                .await;
            assert_eq!(refused(response).await, bad, "{query}");
        }
        let admin = app.api_token("demo.admin").await;
        assert_eq!(app.api_get(&admin, &period).await.status(), 403);

        // The API is described in the OpenAPI document.
        let doc = json_of(app.get("/api/v1/openapi.json").await, 200).await;
        for path in [
            "/api/v1/dv/cases",
            "/api/v1/dv/cases/{id}",
            "/api/v1/dv/cases/{id}/incidents",
            "/api/v1/dv/cases/{id}/dash",
            "/api/v1/dv/cases/{id}/marac-referrals",
            "/api/v1/dv/instrument",
            "/api/v1/dv/measures",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }

        // The reads and changes are in the case's trail.
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
        assert_eq!(actions[0], "create");
        assert_eq!(
            actions.iter().filter(|a| **a == "update").count(),
            1 + 4 + 1 + 1 + 1 + 1,
            "incident, four checklists, judgement, referral, incident, referral: {actions:?}"
        );
        assert_eq!(actions.iter().filter(|a| **a == "view").count(), 3);
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
async fn bad_dv_input_is_refused_field_by_field_and_nothing_is_stored() {
    each_app(|app| async move {
        let token = app.api_token("dv.specialist").await;
        let victim = create_person(&app, &token, "Nobody", "Stored").await;
        let cases = "/api/v1/dv/cases";
        for (body, bad) in [
            (
                json!({"victim_id": victim, "ward": "atlantis"}),
                vec!["ward"],
            ),
            (json!({"ward": "harbour"}), vec!["victim_id"]),
            (
                json!({"victim_id": "someone", "ward": "harbour"}),
                vec!["victim_id"],
            ),
            (
                json!({"victim_id": Uuid::new_v4(), "ward": "harbour"}),
                vec!["victim_id"],
            ),
            (
                json!({"victim_id": victim, "perpetrator_id": victim, "ward": "harbour"}),
                vec!["perpetrator_id"],
            ),
            (
                json!({"victim_id": victim, "perpetrator_id": "him", "ward": "atlantis"}),
                vec!["perpetrator_id", "ward"],
            ),
            (
                json!({"victim_id": victim, "perpetrator_id": Uuid::new_v4(), "ward": "nowhere"}),
                vec!["perpetrator_id", "ward"],
            ),
        ] {
            assert_eq!(
                refused(post(&app, &token, cases, body.clone()).await).await,
                bad,
                "{body}"
            );
        }
        // Nothing was stored: the first case opened now is number 1.
        let opened = open_case(&app, &token, &victim, Some("unknown")).await;
        let year = Utc::now().format("%Y").to_string();
        assert_eq!(opened["reference"], format!("DV-{year}-00001"));
        let id = opened["id"].as_str().expect("id").to_string();

        let incidents = format!("/api/v1/dv/cases/{id}/incidents");
        let with = |changes: Value| {
            let mut body = incident(3, false);
            for (k, v) in changes.as_object().expect("object") {
                body[k] = v.clone();
            }
            body
        };
        let future = (Utc::now() + Duration::days(2)).to_rfc3339();
        for (body, bad) in [
            (with(json!({"occurred_at": future})), vec!["occurred_at"]),
            (
                with(json!({"occurred_at": "last Tuesday"})),
                vec!["occurred_at"],
            ),
            (
                with(json!({"reported_by": "neighbour"})),
                vec!["reported_by"],
            ),
            (
                with(json!({"arrest_made": null, "children_present": null})),
                vec!["arrest_made", "children_present"],
            ),
            (with(json!({"summary": "x".repeat(1001)})), vec!["summary"]),
            (
                with(json!({"perpetrator_id": "him"})),
                vec!["perpetrator_id"],
            ),
            (
                with(json!({"perpetrator_id": Uuid::new_v4()})),
                vec!["perpetrator_id"],
            ),
            (with(json!({"arrest_made": "yes"})), vec!["body"]),
            (
                json!({}),
                vec![
                    "occurred_at",
                    "reported_by",
                    "arrest_made",
                    "children_present",
                ],
            ),
        ] {
            assert_eq!(
                refused(post(&app, &token, &incidents, body.clone()).await).await,
                bad,
                "{body}"
            );
        }

        let dash = format!("/api/v1/dv/cases/{id}/dash");
        let mut unknown = answers(&app, &token, 0).await;
        unknown["owns-a-dog"] = json!("yes");
        unknown["injured"] = json!("maybe");
        unknown
            .as_object_mut()
            .expect("object")
            .remove("threats-to-kill");
        assert_eq!(
            refused(post(&app, &token, &dash, json!({"answers": unknown})).await).await,
            [
                "answers.injured",
                "answers.owns-a-dog",
                "answers.threats-to-kill"
            ]
        );
        assert_eq!(
            refused(
                post(
                    &app,
                    &token,
                    &dash,
                    json!({"answers": {}, "professional_judgement": {"reason": ""}})
                )
                .await
            )
            .await
            .len(),
            25,
            "24 unanswered questions and the empty reason"
        );

        let referrals = format!("/api/v1/dv/cases/{id}/marac-referrals");
        for (body, bad) in [
            (json!({"referred_on": day_ago(-2)}), vec!["referred_on"]),
            (
                json!({"referred_on": "yesterday", "reasons": ["vibes"], "meeting_on": "soon"}),
                vec!["referred_on", "reasons", "meeting_on"],
            ),
            (
                json!({"referred_on": day_ago(2), "reasons": ["visible-high-risk"],
                       "meeting_on": day_ago(3)}),
                vec!["meeting_on"],
            ),
            (
                json!({"referred_on": day_ago(2), "reasons": ["repeat"]}),
                vec!["reasons"],
            ),
            (json!({"referred_on": day_ago(2)}), vec!["reasons"]),
        ] {
            assert_eq!(
                refused(post(&app, &token, &referrals, body.clone()).await).await,
                bad,
                "{body}"
            );
        }

        let case = json_of(
            read(&app, &token, &format!("/api/v1/dv/cases/{id}")).await,
            200,
        )
        .await;
        assert_eq!(case["incidents"], json!([]), "no incident was stored");
        assert_eq!(case["assessments"], json!([]), "no checklist was stored");
        assert_eq!(case["marac_referrals"], json!([]), "no referral was stored");
        assert_eq!(case["perpetrator_unknown"], true);
        assert_eq!(case["level"], Value::Null);
    })
    .await;
}

#[tokio::test]
async fn housing_sees_nothing_of_a_dv_case_until_it_is_shared() {
    each_app(|app| async move {
        let specialist = app.api_token("dv.specialist").await;
        let housing = app.api_token("housing.officer").await;
        let victim = create_person(&app, &specialist, "Hannah", "Quayle").await;
        let opened = open_case(&app, &specialist, &victim, None).await;
        let id = opened["id"].as_str().expect("id").to_string();
        let reference = opened["reference"].as_str().expect("reference").to_string();
        let case_path = format!("/api/v1/dv/cases/{id}");
        json_of(post(&app, &specialist, &format!("{case_path}/incidents"), incident(2, true)).await, 201).await;

        // Not shared: exactly the answer for a case that does not exist.
        let missing = read(&app, &housing, &format!("/api/v1/dv/cases/{}", Uuid::new_v4())).await;
        assert_eq!(missing.status(), 404);
        let missing = missing.text().await.expect("body");
        let denied = read(&app, &housing, &case_path).await;
        assert_eq!(denied.status(), 404);
        assert_eq!(denied.text().await.expect("body"), missing);
        let logged = post(&app, &housing, &format!("{case_path}/incidents"), incident(1, false)).await;
        assert_eq!(logged.status(), 404);

        // The person record says nothing of domestic abuse to housing: no flag, no case.
        let person_path = format!("/api/v1/people/{victim}");
        let person = json_of(read(&app, &housing, &person_path).await, 200).await;
        assert_eq!(person["flags"], json!([]));
        assert!(!person.to_string().contains(&reference));
        let browser = app.sign_in("housing.officer").await;
        let token = app.form_token(&browser, &format!("/people/{victim}")).await;
        let given = browser
            .post(app.url(&format!("/people/{victim}/reason")))
            .form(&[("csrf_token", token.as_str()), ("reason", "safeguarding")])
            .send()
            .await
            .expect("reason");
        assert_eq!(given.status(), 303);
        let page = browser
            .get(app.url(&format!("/people/{victim}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(page.contains("Hannah Quayle"), "housing reads the person");
        assert!(
            !page.contains(&reference) && !page.contains("restricted record"),
            "but no domestic abuse detail"
        );
        // The specialist who works the case sees it on the person.
        let own = json_of(read(&app, &specialist, &person_path).await, 200).await;
        assert_eq!(own["flags"], json!(["dv-victim"]));

        // Housing cannot share what it cannot see; the owner shares it for MARAC.
        let share = json!({"agency": "derwent-solway-ha", "reason": "MARAC safety planning"});
        assert_eq!(
            post(&app, &housing, &format!("/api/v1/cases/{id}/shares"), share.clone())
                .await
                .status(),
            404
        );
        json_of(
            post(&app, &specialist, &format!("/api/v1/cases/{id}/shares"), share).await,
            201,
        )
        .await;
        let case = json_of(read(&app, &housing, &case_path).await, 200).await;
        assert_eq!(case["victim"]["surname"], "Quayle");
        assert_eq!(
            case["victim"]["address"], "4 Quay Street, Whitehaven",
            "a shared agency works the case, so sees the address"
        );
        assert_eq!(case["incidents"].as_array().expect("incidents").len(), 1);
        let person = json_of(read(&app, &housing, &person_path).await, 200).await;
        assert_eq!(person["flags"], json!(["dv-victim"]));
        // A shared agency works the case but neither shares it on nor closes it.
        assert_eq!(
            post(
                &app,
                &housing,
                &format!("/api/v1/cases/{id}/shares"),
                json!({"agency": "impact-ha", "reason": "Moving"})
            )
            .await
            .status(),
            403
        );
        assert_eq!(
            post(&app, &housing, &format!("/api/v1/cases/{id}/close"), json!({"outcome": "x"}))
                .await
                .status(),
            403
        );

        // The share is in the audit log, with its reason.
        let trail = json_of(
            app.api_get(&specialist, &format!("/api/v1/cases/{id}/audit"))
                .await,
            200,
        )
        .await;
        let events = trail["events"].as_array().expect("events");
        let shared = events
            .iter()
            .find(|e| e["action"] == "share")
            .expect("share event");
        assert_eq!(shared["actor_username"], "dv.specialist");
        assert_eq!(shared["reason"], "MARAC safety planning");
        assert!(
            events
                .iter()
                .any(|e| e["action"] == "access-denied" && e["actor_username"] == "housing.officer"),
            "the refusals are logged"
        );
        assert!(
            events
                .iter()
                .any(|e| e["action"] == "view" && e["actor_username"] == "housing.officer"),
            "and so is housing's read after the share"
        );
    })
    .await;
}

#[tokio::test]
async fn a_specialist_elsewhere_learns_only_that_a_restricted_record_exists() {
    each_app(|app| async move {
        // Housing opens a DV case (its officer leads it); the police specialist may not
        // open it, but is told a restricted record exists and who holds it.
        let housing = app.api_token("housing.officer").await;
        let victim = create_person(&app, &housing, "Iona", "Sharp").await;
        let opened = open_case(&app, &housing, &victim, None).await;
        let reference = opened["reference"].as_str().expect("reference").to_string();
        let specialist = app.api_token("dv.specialist").await;
        let path = format!("/api/v1/people/{victim}");
        let person = json_of(read(&app, &specialist, &path).await, 200).await;
        assert_eq!(person["flags"], json!(["dv-restricted-record"]));
        assert!(!person.to_string().contains(&reference));
        // A plain officer in the same police force is told nothing.
        let police = app.api_token("police.officer").await;
        let person = json_of(read(&app, &police, &path).await, 200).await;
        assert_eq!(person["flags"], json!([]));
        let browser = app.sign_in("dv.specialist").await;
        let token = app.form_token(&browser, &format!("/people/{victim}")).await;
        browser
            .post(app.url(&format!("/people/{victim}/reason")))
            .form(&[("csrf_token", token.as_str()), ("reason", "safeguarding")])
            .send()
            .await
            .expect("reason");
        let page = browser
            .get(app.url(&format!("/people/{victim}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(
            page.contains("A restricted record about this person is held by derwent-solway-ha")
        );
        assert!(!page.contains(&reference));
    })
    .await;
}

#[tokio::test]
async fn the_access_matrix_holds_for_dv_cases_over_http() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let victim = Uuid::parse_str(&create_person(&app, &police, "Quillan", "Zebedee").await)
            .expect("uuid");
        let store = store_of(&app).await;
        let matrix = HttpMatrix {
            kind: "domestic-abuse",
            other_agencies: ["cumbria-constabulary", "copeland-bc"],
            asker: "police.officer",
            missing_path: format!("/api/v1/dv/cases/{}", Uuid::new_v4()),
            secrets: &["Quillan", "Zebedee"],
        };
        let open = async |setup: Setup<'_>| {
            let txn = store.begin_write().await.expect("txn");
            let case = store
                .open_dv_case(
                    &txn,
                    NewDvCase {
                        victim_id: victim,
                        perpetrator_id: None,
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
            "view" => app.client.get(app.url(&format!("/api/v1/dv/cases/{id}"))),
            "edit" => app
                .client
                .post(app.url(&format!("/api/v1/dv/cases/{id}/incidents")))
                .json(&incident(1, false)),
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
                .json(&json!({"outcome": "Victim moved to a refuge"})),
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
async fn a_specialist_works_a_case_through_the_pages() {
    each_app(|app| async move {
        let token = app.api_token("dv.specialist").await;
        let victim = create_person(&app, &token, "Jess", "Tallentire").await;
        let web = app.sign_in("dv.specialist").await;
        let (_, person) = page(&web, &app, &format!("/people/{victim}")).await;
        let new_page = format!("/dv/cases/new?person={victim}");
        assert!(person.contains(&new_page), "link to open a case");
        let (status, _, html) = submit(
            &web,
            &app,
            &new_page,
            "/dv/cases",
            &[
                ("victim_id", &victim),
                ("ward", "atlantis"),
                ("perpetrator_id", "him"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("href=\"#ward\"") && html.contains("href=\"#perpetrator_id\""));
        let (status, case_path, _) = submit(
            &web,
            &app,
            &new_page,
            "/dv/cases",
            &[
                ("victim_id", &victim),
                ("ward", "moss-bay"),
                ("perpetrator_id", ""),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, html) = page(&web, &app, &case_path).await;
        assert_eq!(status, 200);
        assert!(html.contains("No MARAC referral is required at present"));
        assert!(
            html.contains("4 Quay Street"),
            "the specialist sees the address"
        );

        let incidents = format!("{case_path}/incidents");
        let (status, _, html) = submit(&web, &app, &incidents, &incidents, &[]).await;
        assert_eq!(status, 422);
        for field in [
            "occurred_at",
            "reported_by",
            "arrest_made",
            "children_present",
        ] {
            assert!(
                html.contains(&format!("href=\"#{field}\"")),
                "{field} named"
            );
            assert!(
                html.contains(&format!("id=\"{field}\"")),
                "{field} has a target"
            );
        }
        let yesterday = (Utc::now() - Duration::days(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let (status, location, _) = submit(
            &web,
            &app,
            &incidents,
            &incidents,
            &[
                ("occurred_at", &yesterday),
                ("reported_by", "victim"),
                ("arrest_made", "no"),
                ("children_present", "yes"),
                ("summary", "Came to the refuge"),
            ],
        )
        .await;
        assert_eq!((status, location.as_str()), (303, case_path.as_str()));

        // The checklist is one page, grouped, with the count and what it means.
        let dash = format!("{case_path}/dash");
        let (status, html) = page(&web, &app, &dash).await;
        assert_eq!(status, 200);
        for heading in [
            "The current situation",
            "Children and family",
            "The abuse",
            "The abuser",
        ] {
            assert!(html.contains(&format!("<h2>{heading}</h2>")), "{heading}");
        }
        assert!(html.contains("<span id=\"yes-count\">0</span>"));
        assert!(html.contains("src=\"/static/dv-dash.js\""));
        let script = app.get("/static/dv-dash.js").await;
        assert_eq!(script.status(), 200);
        let instrument = json_of(app.api_get(&token, "/api/v1/dv/instrument").await, 200).await;
        let keys: Vec<String> = instrument["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| format!("answers.{}", q["key"].as_str().expect("key")))
            .collect();
        let mut answers: Vec<(&str, &str)> = keys
            .iter()
            .enumerate()
            .map(|(n, k)| (k.as_str(), if n < 14 { "yes" } else { "no" }))
            .collect();
        // Counting without saving, as a browser without the script does.
        let mut counting = answers.clone();
        counting.push(("intent", "count"));
        let (status, _, html) = submit(&web, &app, &dash, &dash, &counting).await;
        assert_eq!(status, 200);
        assert!(html.contains("<span id=\"yes-count\">14</span>") && html.contains("High risk"));
        let (status, _, html) = submit(&web, &app, &dash, &dash, &answers[1..]).await;
        assert_eq!(status, 422, "a question left unanswered");
        assert!(html.contains(&format!("href=\"#{}\"", keys[0])));
        answers.push(("intent", "save"));
        let (status, _, _) = submit(&web, &app, &dash, &dash, &answers).await;
        assert_eq!(status, 303);
        let (_, html) = page(&web, &app, &case_path).await;
        assert!(html.contains("MARAC referral required: visible high risk"));
        assert!(
            html.contains("class=\"tag tag-bad\">High risk"),
            "level in words and colour"
        );
        let (_, list) = page(&web, &app, "/dv/marac").await;
        assert!(list.contains("Jess Tallentire") && list.contains("visible high risk"));

        let referral = format!("{case_path}/marac-referrals");
        let (status, html) = page(&web, &app, &referral).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("value=\"visible-high-risk\" checked"),
            "today's reasons ticked"
        );
        let (status, _, html) = submit(
            &web,
            &app,
            &referral,
            &referral,
            &[("referred_on", "2999-01-01"), ("meeting_on", "")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("href=\"#referred_on\""));
        let today = Utc::now().format("%Y-%m-%d").to_string();
        let (status, _, _) = submit(
            &web,
            &app,
            &referral,
            &referral,
            &[
                ("referred_on", &today),
                ("reasons", "visible-high-risk"),
                ("meeting_on", ""),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (_, html) = page(&web, &app, &case_path).await;
        assert!(html.contains("MARAC referral made on"));
        let (_, list) = page(&web, &app, "/dv/marac").await;
        assert!(
            !list.contains("Jess Tallentire"),
            "no longer needing a referral"
        );
        let (_, list) = page(&web, &app, "/dv/cases").await;
        assert!(list.contains("Jess Tallentire") && list.contains("High risk"));

        // The measures page, for analysts too; never for administrators.
        let analyst = app.sign_in("analyst").await;
        let (status, html) = page(&analyst, &app, "/dv/measures").await;
        assert_eq!(status, 200);
        assert!(html.contains("DV incidents (calls to service)") && html.contains("Allerdale"));
        assert!(!html.contains("Tallentire"));
        let (status, _) = page(&analyst, &app, &case_path).await;
        assert_eq!(status, 404, "an analyst never sees the case");
        let admin = app.sign_in("demo.admin").await;
        assert_eq!(page(&admin, &app, "/dv/measures").await.0, 403);
    })
    .await;
}

/// An action set on a case names its officer as LMAPS minutes do: an active user of
/// the action's agency. Another agency's officer, a disabled one, or an id naming
/// nobody is refused on `officer`, with one answer for all three, and nothing is
/// stored; the agency's own active officer is taken.
#[tokio::test]
async fn a_case_action_names_an_active_officer_of_its_agency_or_nothing_is_stored() {
    each_app(|app| async move {
        let specialist = app.api_token("dv.specialist").await;
        let victim = create_person(&app, &specialist, "Olive", "Chain").await;
        let opened = open_case(&app, &specialist, &victim, None).await;
        let id = opened["id"].as_str().expect("id");
        let path = format!("/api/v1/cases/{id}/actions");
        let store = store_of(&app).await;
        let mut demo = Vec::new();
        for name in ["police.officer", "housing.officer"] {
            demo.push(
                store
                    .user_by_username(name)
                    .await
                    .expect("read")
                    .expect(name),
            );
        }
        let (police, housing) = (&demo[0], &demo[1]);
        let left = store
            .create_user(
                store.connection(),
                NewUser {
                    username: "police.leaver".into(),
                    display_name: "Left the force".into(),
                    agency: police.agency.clone(),
                    roles: police.roles.clone(),
                    password_hash: police.password_hash.clone(),
                    must_change_password: false,
                },
            )
            .await
            .expect("user");
        store
            .set_user_disabled(store.connection(), left.id, true)
            .await
            .expect("disabled");
        let today = day_ago(0);
        let action = |officer: String, description: &str| {
            json!({"description": description, "agency": police.agency.clone(),
                   "officer": officer, "due_on": today.clone()})
        };
        let mut messages = Vec::new();
        for officer in [housing.id, left.id, Uuid::new_v4()] {
            let response = post(
                &app,
                &specialist,
                &path,
                action(officer.to_string(), "Fit a door chain"),
            )
            .await;
            assert_eq!(response.status(), 422, "{officer}");
            let problem: Value = response.json().await.expect("problem");
            assert_eq!(problem["errors"][0]["field"], "officer", "{problem}");
            assert_eq!(
                problem["errors"].as_array().map(Vec::len),
                Some(1),
                "{problem}"
            );
            messages.push(problem["errors"][0]["message"].clone());
        }
        assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
        // With other faults, each is named in the form's order.
        assert_eq!(
            refused(
                post(
                    &app,
                    &specialist,
                    &path,
                    action(housing.id.to_string(), " ")
                )
                .await
            )
            .await,
            ["description", "officer"]
        );
        let listed = json_of(
            read(&app, &specialist, "/api/v1/actions?status=all").await,
            200,
        )
        .await;
        assert_eq!(listed["total"], 0, "nothing stored: {listed}");

        let made = json_of(
            post(
                &app,
                &specialist,
                &path,
                action(police.id.to_string(), "Fit a door chain"),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(made["officer"], police.id.to_string());
        assert_eq!(made["case_id"], id);
        let listed = json_of(
            read(&app, &specialist, "/api/v1/actions?status=all").await,
            200,
        )
        .await;
        assert_eq!(listed["total"], 1, "{listed}");
    })
    .await;
}

/// Both lists come a page at a time, newest first: the open cases paged by SQL, those
/// needing a MARAC referral paged once the rule has decided on every case; each view is
/// audited with the victims its page showed, and the count of all.
#[tokio::test]
async fn the_dv_lists_come_a_page_at_a_time() {
    each_app(|app| async move {
        const PER_PAGE: usize = 25;
        let store = store_of(&app).await;
        let specialist = store
            .user_by_username("dv.specialist")
            .await
            .expect("read")
            .expect("specialist");
        // A page and five more cases, opened an hour apart, oldest first. Each victim
        // but those of cases 3, 10, 17 and 24 has three recent incidents, so needs a
        // referral (potential escalation): a page and one more.
        let now = Utc::now();
        let mut victims = Vec::new();
        let mut incidents = Vec::new();
        let mut needing = Vec::new();
        for n in 0..PER_PAGE as i64 + 5 {
            let (person_id, case_id) = (Uuid::new_v4(), Uuid::new_v4());
            let name = format!("Paged{n:02} Victim");
            victims.push(BulkVictim {
                person_id,
                case_id,
                forename: format!("Paged{n:02}"),
                surname: "Victim".into(),
                ward: "moss-bay".into(),
                opened_at: now - Duration::days(200) + Duration::hours(n),
            });
            if n % 7 == 3 {
                continue;
            }
            needing.push(name);
            for days in [10, 20, 30] {
                incidents.push(BulkIncident {
                    case_id,
                    ward: "moss-bay".into(),
                    victim_id: person_id,
                    occurred_at: now - Duration::days(days),
                    reported_by: ReportedBy::Police,
                    arrest_made: false,
                    children_present: false,
                });
            }
        }
        store
            .bulk_load_dv(&specialist.agency, specialist.id, &victims, &incidents, &[])
            .await
            .expect("loaded");
        let newest_first: Vec<String> = victims
            .iter()
            .rev()
            .map(|v| format!("{} {}", v.forename, v.surname))
            .collect();
        needing.reverse();
        assert_eq!(needing.len(), PER_PAGE + 1);

        let web = app.sign_in("dv.specialist").await;
        for (path, all, caption) in [
            ("/dv/cases", &newest_first, "30 open cases, newest first"),
            ("/dv/marac", &needing, "26 cases needing a referral"),
        ] {
            let (status, first) = page(&web, &app, path).await;
            assert_eq!(status, 200, "{path}");
            assert!(first.contains(caption), "{path}: {caption}");
            assert!(first.contains("Page 1 of 2."), "{path}");
            assert!(
                first.contains(&format!("href=\"{path}?page=2\">Next page")),
                "{path}: a link to page 2"
            );
            let (status, second) = page(&web, &app, &format!("{path}?page=2")).await;
            assert_eq!(status, 200, "{path}");
            assert!(second.contains("Page 2 of 2."), "{path}");
            assert!(second.contains(&format!("href=\"{path}?page=1\">Previous page")));
            assert!(!second.contains("Next page"), "{path}");
            for (n, name) in all.iter().enumerate() {
                let (on, off) = if n < PER_PAGE {
                    (&first, &second)
                } else {
                    (&second, &first)
                };
                assert!(on.contains(name.as_str()), "{path}: {name}");
                assert!(!off.contains(name.as_str()), "{path}: {name} once");
            }
            // Newest first within the page.
            let at = |name: &str| first.find(name).expect("listed");
            assert!(at(&all[0]) < at(&all[1]) && at(&all[1]) < at(&all[PER_PAGE - 1]));
        }
        let (_, list) = page(&web, &app, "/dv/cases").await;
        assert!(
            list.contains("Paged29 Victim") && !list.contains("Paged04 Victim"),
            "the newest page is the first"
        );
        let (_, marac) = page(&web, &app, "/dv/marac?page=2").await;
        assert!(marac.contains("Paged00 Victim") && !marac.contains("Paged03 Victim"));

        // Each view is audited with the page's victims and the count of all.
        for (what, first_count) in [("dv-open-cases", 30), ("dv-marac-needed", 26)] {
            let events = casework_audit::events_for_entity(store.connection(), "case", what, 50)
                .await
                .expect("events");
            let seen: Vec<(Option<i64>, usize)> = events
                .iter()
                .filter(|e| e.actor_username.as_deref() == Some("dv.specialist"))
                .map(|e| (e.result_count, e.subjects.len()))
                .collect();
            assert!(
                seen.contains(&(Some(first_count), PER_PAGE)),
                "{what}: {seen:?}"
            );
            let rest = first_count as usize - PER_PAGE;
            assert!(
                seen.contains(&(Some(first_count), rest)),
                "{what}: {seen:?}"
            );
            assert!(events.iter().all(|e| e.action == "search"));
        }
        store.close().await;
    })
    .await;
}
