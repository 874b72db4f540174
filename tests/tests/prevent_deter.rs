//! Prevent & Deter over HTTP, on both databases: a housing officer refers a
//! 15-year-old (a `PD-` case owned by the team and shared with housing, audited); the
//! age edges and the bar refused clearly with nothing stored; the referring agency
//! reads but cannot move the referral, a third agency never sees it; the team moves
//! the young person through the stages and two programme stages, impossible steps
//! refused naming where they are; the measures count them (counts only); the LMAPS
//! agenda's query; administrators extend the programme's stages.

use casework_tests::http::{json_of, page, post, read, refused, store_of, submit};
use casework_tests::{TestApp, each_app};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::{Value, json};

/// Today in the UK, as the server counts it.
fn today() -> NaiveDate {
    let now = Utc::now();
    let london = now + chrono::Duration::hours(i64::from(in_summer_time(now.date_naive())));
    london.date_naive()
}

/// British Summer Time: the last Sunday of March to the last Sunday of October
/// (near enough for a test: the hour of the change does not matter here).
fn in_summer_time(day: NaiveDate) -> u8 {
    let last_sunday = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(day.year(), month, 31).expect("date");
        while d.weekday() != chrono::Weekday::Sun {
            d = d.pred_opt().expect("date");
        }
        d
    };
    u8::from(day >= last_sunday(3) && day < last_sunday(10))
}

fn years_ago(years: i32, days_later: i64) -> String {
    let t = today();
    // Born on this day `years` ago (28 February for a 29 February today).
    let born = t
        .with_year(t.year() - years)
        .or_else(|| NaiveDate::from_ymd_opt(t.year() - years, 2, 28))
        .expect("date");
    let day = born + chrono::Duration::days(days_later);
    day.to_string()
}

async fn young_person(app: &TestApp, token: &str, born: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": "Jay", "surname": "Young", "date_of_birth": born, "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

fn referral(person: &str, factors: &[&str]) -> Value {
    json!({"person_id": person, "referred_on": today().to_string(),
           "reasons": ["alcohol-related-asb", "asb"], "risk_factors": factors,
           "consent_young_person": true, "consent_parent": true})
}

const FOUR: &[&str] = &[
    "family-offending",
    "truanting",
    "alcohol-misuse",
    "lives-in-hotspot",
];

async fn stage(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    post(
        app,
        token,
        &format!("/api/v1/prevent-deter/referrals/{id}/stage"),
        body,
    )
    .await
}

async fn measures(app: &TestApp, token: &str) -> Value {
    let t = today();
    json_of(
        app.api_get(
            token,
            &format!(
                "/api/v1/prevent-deter/measures?from={}&to={}",
                t - chrono::Duration::days(30),
                t
            ),
        )
        .await,
        200,
    )
    .await
}

#[tokio::test]
async fn a_young_person_is_referred_moved_through_the_programme_and_counted() {
    each_app(|app| async move {
        let housing = app.api_token("housing.officer").await;
        let council = app.api_token("council.officer").await;
        let pd = app.api_token("pd.officer").await;
        let analyst = app.api_token("analyst").await;
        let jay = young_person(&app, &housing, &years_ago(15, 0)).await;

        let made = json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&jay, FOUR),
            )
            .await,
            201,
        )
        .await;
        let year = today().year();
        assert_eq!(made["reference"], format!("PD-{year}-00001"));
        assert_eq!(made["age_at_referral"], 15);
        assert_eq!(made["risk_factor_count"], 4);
        assert_eq!(made["alcohol_related"], true);
        assert_eq!(made["stage"], "referred");
        assert_eq!(made["shared_with"], json!(["derwent-solway-ha"]));
        let id = made["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/prevent-deter/referrals/{id}");

        // A second referral while this one is open is refused.
        assert_eq!(
            refused(
                post(
                    &app,
                    &housing,
                    "/api/v1/prevent-deter/referrals",
                    referral(&jay, FOUR)
                )
                .await
            )
            .await,
            ["person_id"]
        );
        // The referring agency reads it, but cannot move it on; a third agency never sees it.
        assert_eq!(read(&app, &housing, &path).await.status(), 200);
        assert_eq!(read(&app, &council, &path).await.status(), 404);
        assert_eq!(
            stage(&app, &housing, &id, json!({"to": "screened"}))
                .await
                .status(),
            403
        );
        assert_eq!(
            stage(&app, &council, &id, json!({"to": "screened"}))
                .await
                .status(),
            404
        );

        // Impossible steps name where the young person is.
        let problem = json_of(stage(&app, &pd, &id, json!({"to": "accepted"})).await, 422).await;
        assert_eq!(
            problem["errors"][0]["message"],
            "The young person is referred: they cannot move to accepted onto the programme."
        );
        for to in ["screened", "assessed", "panel-decision"] {
            let moved = json_of(
                stage(&app, &pd, &id, json!({"to": to, "note": "seen"})).await,
                200,
            )
            .await;
            assert_eq!(moved["stage"], to);
        }
        // Awaiting the panel's decision: on Copeland's LMAPS agenda, not Allerdale's.
        let store = store_of(&app).await;
        let awaiting =
            casework_store::prevent_deter::awaiting_panel_decision(store.connection(), "copeland")
                .await
                .expect("query");
        assert_eq!(awaiting.len(), 1);
        assert_eq!(awaiting[0].to_string(), id);
        assert!(
            casework_store::prevent_deter::awaiting_panel_decision(store.connection(), "allerdale")
                .await
                .expect("query")
                .is_empty()
        );
        json_of(stage(&app, &pd, &id, json!({"to": "accepted"})).await, 200).await;
        assert!(
            casework_store::prevent_deter::awaiting_panel_decision(store.connection(), "copeland")
                .await
                .expect("query")
                .is_empty()
        );
        let moved = json_of(
            stage(&app, &pd, &id, json!({"to": "engagement"})).await,
            200,
        )
        .await;
        assert_eq!(
            (moved["stage"].as_str(), moved["programme_stage"].as_str()),
            (Some("programme"), Some("engagement"))
        );
        json_of(
            stage(&app, &pd, &id, json!({"to": "action-plan"})).await,
            200,
        )
        .await;
        let problem = json_of(
            stage(&app, &pd, &id, json!({"to": "engagement"})).await,
            422,
        )
        .await;
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .expect("message")
                .starts_with("The young person is at the programme stage \"Action plan agreed\""),
            "{problem}"
        );

        // The measures: counts only, for analysts too; administrators see none.
        let m = measures(&app, &analyst).await;
        assert_eq!(m["referred"], 1);
        assert_eq!(m["accepted"], 1);
        assert_eq!(m["alcohol_related"], 1);
        assert_eq!(m["alcohol_related_accepted"], 1);
        assert_eq!(m["by_stage"], json!({"action-plan": 1}));
        assert_eq!(m["by_agency"], json!({"derwent-solway-ha": 1}));
        assert_eq!(m["exited"]["completed"], 0);
        assert!(!m.to_string().contains("Young"), "no personal data: {m}");
        let admin = app.api_token("demo.admin").await;
        let t = today();
        assert_eq!(
            app.api_get(
                &admin,
                &format!("/api/v1/prevent-deter/measures?from={t}&to={t}")
            )
            .await
            .status(),
            403
        );
        assert_eq!(
            refused(
                app.api_get(&analyst, "/api/v1/prevent-deter/measures?from=2012-13-01")
                    .await
            )
            .await,
            ["from", "to"]
        );

        // Exiting needs an outcome and a reason; then the case closes.
        assert_eq!(
            refused(stage(&app, &pd, &id, json!({"to": "exited"})).await).await,
            ["outcome", "reason"]
        );
        let exited = json_of(
            stage(
                &app,
                &pd,
                &id,
                json!({"to": "exited", "outcome": "completed", "reason": "All sessions attended"}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(exited["status"], "closed");
        assert_eq!(exited["outcome"], "completed");
        assert_eq!(exited["steps"].as_array().expect("steps").len(), 8);
        let m = measures(&app, &analyst).await;
        assert_eq!(m["exited"]["completed"], 1);
        assert_eq!(m["by_stage"], json!({}));
        assert_eq!(
            refused(stage(&app, &pd, &id, json!({"to": "review"})).await).await,
            ["to"]
        );

        // Every change is in the case's audit log: created, shared, seven steps on.
        let events = casework_audit::events_for_entity(store.connection(), "case", &id, 200)
            .await
            .expect("events");
        let count = |action: &str| events.iter().filter(|e| e.action == action).count();
        assert_eq!(count("create"), 1);
        assert_eq!(count("share"), 1);
        assert_eq!(count("update"), 7, "{events:?}");
        assert!(count("access-denied") >= 2);
    })
    .await;
}

#[tokio::test]
async fn ages_consent_and_the_bar_are_refused_clearly_and_nothing_is_stored() {
    each_app(|app| async move {
        let housing = app.api_token("housing.officer").await;
        let pd = app.api_token("pd.officer").await;
        // 18 today: refused. The day before the 18th birthday: accepted.
        let eighteen = young_person(&app, &housing, &years_ago(18, 0)).await;
        let fields = refused(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&eighteen, FOUR),
            )
            .await,
        )
        .await;
        assert_eq!(fields, ["person_id"]);
        let seventeen = young_person(&app, &housing, &years_ago(18, 1)).await;
        let ok = json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&seventeen, FOUR),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(ok["age_at_referral"], 17);
        // The 8th birthday is in; the day before is out.
        let seven = young_person(&app, &housing, &years_ago(8, 1)).await;
        assert_eq!(
            refused(
                post(
                    &app,
                    &housing,
                    "/api/v1/prevent-deter/referrals",
                    referral(&seven, FOUR)
                )
                .await
            )
            .await,
            ["person_id"]
        );
        let eight = young_person(&app, &housing, &years_ago(8, 0)).await;
        let ok = json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&eight, FOUR),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(ok["age_at_referral"], 8);

        // Below the bar a reason is needed; consent from both; every field at once.
        let jay = young_person(&app, &housing, &years_ago(15, 0)).await;
        let fields = refused(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                json!({"person_id": jay, "referred_on": "someday", "reasons": ["joyriding"],
                       "risk_factors": ["truanting"], "consent_young_person": false}),
            )
            .await,
        )
        .await;
        assert_eq!(
            fields,
            [
                "referred_on",
                "reasons",
                "below_bar_reason",
                "consent_young_person",
                "consent_parent"
            ]
        );
        let mut below = referral(&jay, &["truanting"]);
        below["below_bar_reason"] = json!("Older brother recently convicted");
        let ok = json_of(
            post(&app, &housing, "/api/v1/prevent-deter/referrals", below).await,
            201,
        )
        .await;
        assert_eq!(ok["risk_factor_count"], 1);
        assert_eq!(ok["below_bar_reason"], "Older brother recently convicted");

        // Only the refused ones are missing: three referrals were made.
        let analyst = app.api_token("analyst").await;
        assert_eq!(measures(&app, &analyst).await["referred"], 3);
        assert_eq!(
            measures(&app, &analyst).await["by_stage"],
            json!({"referred": 3})
        );

        // Declining needs a reason, and closes the case.
        let id = ok["id"].as_str().expect("id");
        assert_eq!(
            refused(stage(&app, &pd, id, json!({"to": "declined"})).await).await,
            ["reason"]
        );
        let declined = json_of(
            stage(
                &app,
                &pd,
                id,
                json!({"to": "declined", "reason": "Already with the Youth Offending Team"}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(declined["status"], "closed");
        assert_eq!(
            refused(stage(&app, &pd, id, json!({"to": "screened"})).await).await,
            ["to"]
        );
        // Declined is closed: they may be referred again.
        let again = referral(&jay, FOUR);
        json_of(
            post(&app, &housing, "/api/v1/prevent-deter/referrals", again).await,
            201,
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn administrators_extend_the_programme_stages() {
    each_app(|app| async move {
        let admin = app.api_token("demo.admin").await;
        let pd = app.api_token("pd.officer").await;
        let before = json_of(
            app.api_get(&pd, "/api/v1/prevent-deter/programme-stages")
                .await,
            200,
        )
        .await;
        let codes: Vec<&str> = before
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["code"].as_str().expect("code"))
            .collect();
        assert_eq!(codes, ["engagement", "action-plan", "activities", "review"]);
        assert_eq!(
            post(
                &app,
                &pd,
                "/api/v1/prevent-deter/programme-stages",
                json!({"code": "mentoring", "name": "Mentoring"})
            )
            .await
            .status(),
            403
        );
        assert_eq!(
            refused(
                post(
                    &app,
                    &admin,
                    "/api/v1/prevent-deter/programme-stages",
                    json!({"code": "accepted", "name": ""})
                )
                .await
            )
            .await,
            ["code", "name"]
        );
        json_of(
            post(
                &app,
                &admin,
                "/api/v1/prevent-deter/programme-stages",
                json!({"code": "mentoring", "name": "Mentoring"}),
            )
            .await,
            201,
        )
        .await;
        // And on the page: a bad stage is sent back naming the field; a good one is listed.
        let web = app.sign_in("demo.admin").await;
        let stages = "/prevent-deter/programme-stages";
        let (status, _, html) = submit(
            &web,
            &app,
            stages,
            stages,
            &[("code", "review"), ("name", "Again")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("That code is taken"), "{html}");
        let (status, location, _) = submit(
            &web,
            &app,
            stages,
            stages,
            &[("code", "follow-up"), ("name", "Follow-up visit")],
        )
        .await;
        assert_eq!((status, location.as_str()), (303, stages));
        let team = app.sign_in("pd.officer").await;
        let (status, html) = page(&team, &app, stages).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Follow-up visit") && !html.contains("Add a stage"),
            "{html}"
        );
        let housing_web = app.sign_in("housing.officer").await;
        assert_eq!(page(&housing_web, &app, stages).await.0, 404);
        let after = json_of(
            app.api_get(&pd, "/api/v1/prevent-deter/programme-stages")
                .await,
            200,
        )
        .await;
        let codes: Vec<&str> = after
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["code"].as_str().expect("code"))
            .collect();
        assert_eq!(
            codes,
            [
                "engagement",
                "action-plan",
                "activities",
                "review",
                "mentoring",
                "follow-up"
            ]
        );
        // The new stage is one a young person can move to.
        let housing = app.api_token("housing.officer").await;
        let jay = young_person(&app, &housing, &years_ago(12, 0)).await;
        let made = json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&jay, FOUR),
            )
            .await,
            201,
        )
        .await;
        let id = made["id"].as_str().expect("id");
        for to in [
            "screened",
            "assessed",
            "panel-decision",
            "accepted",
            "mentoring",
        ] {
            json_of(stage(&app, &pd, id, json!({"to": to})).await, 200).await;
        }
    })
    .await;
}

#[tokio::test]
async fn the_pages_show_the_board_to_the_team_and_the_measures_as_counts() {
    each_app(|app| async move {
        let housing = app.api_token("housing.officer").await;
        let jay = young_person(&app, &housing, &years_ago(14, 0)).await;
        let made = json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&jay, FOUR),
            )
            .await,
            201,
        )
        .await;
        let id = made["id"].as_str().expect("id");
        let team = app.sign_in("pd.officer").await;
        let (status, html) = page(&team, &app, "/prevent-deter").await;
        assert_eq!(status, 200);
        assert!(html.contains("Jay Young"), "{html}");
        // The step form, and a refused step sent back with its message.
        let path = format!("/prevent-deter/referrals/{id}");
        let (status, html) = page(&team, &app, &path).await;
        assert_eq!(status, 200);
        assert!(html.contains("value=\"screened\""), "{html}");
        let (status, _, html) = submit(
            &team,
            &app,
            &path,
            &format!("{path}/stage"),
            &[("to", "accepted")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("The young person is referred"), "{html}");
        let (status, location, _) = submit(
            &team,
            &app,
            &path,
            &format!("{path}/stage"),
            &[("to", "screened"), ("note", "Met at school")],
        )
        .await;
        assert_eq!((status, location.as_str()), (303, path.as_str()));
        // The referring officer reads it without a step form; the board is not theirs.
        let referrer = app.sign_in("housing.officer").await;
        let (status, html) = page(&referrer, &app, &path).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Screened") && !html.contains("value=\"assessed\""),
            "{html}"
        );
        assert_eq!(page(&referrer, &app, "/prevent-deter").await.0, 404);
        let council = app.sign_in("council.officer").await;
        assert_eq!(page(&council, &app, &path).await.0, 404);
        // The analyst's page: counts, no names.
        let analyst = app.sign_in("analyst").await;
        let t = today();
        let (status, html) = page(
            &analyst,
            &app,
            &format!("/prevent-deter/measures?from={t}&to={t}"),
        )
        .await;
        assert_eq!(status, 200);
        assert!(html.contains("<td id=\"referred\">1</td>"), "{html}");
        assert!(!html.contains("Jay"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn the_access_matrix_holds_for_prevent_deter_referrals_over_http() {
    use casework_store::prevent_deter::{NewPdReferral, PdReferral, Reason, RiskFactor};
    use casework_tests::matrix::{HttpMatrix, Setup, refusals_audited};

    each_app(|app| async move {
        let housing = app.api_token("housing.officer").await;
        let who = young_person(&app, &housing, &years_ago(13, 0)).await;
        let who = uuid::Uuid::parse_str(&who).expect("uuid");
        let store = store_of(&app).await;
        let matrix = HttpMatrix {
            kind: "prevent-deter",
            other_agencies: ["prevent-deter", "cumbria-constabulary"],
            asker: "pd.officer",
            missing_path: format!("/api/v1/prevent-deter/referrals/{}", uuid::Uuid::new_v4()),
            secrets: &["Young", "truanting"],
        };
        let open = async |setup: Setup<'_>| {
            let txn = store.begin_write().await.expect("txn");
            // Straight into the store, owned as the row needs and shared with nobody
            // (the referring agency is the owner): the driver shares for `shared`.
            let case = store
                .insert_pd_referral(
                    &txn,
                    NewPdReferral {
                        person_id: who,
                        referral: PdReferral {
                            referred_on: today(),
                            age: 13,
                            reasons: vec![Reason::Asb],
                            risk_factors: vec![RiskFactor::Truanting],
                            below_bar_reason: Some("matrix".into()),
                        },
                        ward: "harbour".into(),
                        owner_agency: setup.owner_agency.clone(),
                        lead_officer: setup.lead_officer,
                        referring_agency: setup.owner_agency,
                        referred_by: setup.logged_by,
                        now: Utc::now(),
                    },
                )
                .await
                .expect("referral");
            txn.commit().await.expect("commit");
            case.case.id
        };
        let request = |id: uuid::Uuid, action: &str| match action {
            "view" => app
                .client
                .get(app.url(&format!("/api/v1/prevent-deter/referrals/{id}"))),
            "edit" => app
                .client
                .post(app.url(&format!("/api/v1/prevent-deter/referrals/{id}/stage")))
                .json(&json!({"to": "screened"})),
            "share" => app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/shares")))
                .json(&json!({"agency": "impact-ha", "reason": "Housing need"})),
            "view-audit" => app
                .client
                .get(app.url(&format!("/api/v1/cases/{id}/audit"))),
            _ => app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/close")))
                .json(&json!({"outcome": "Moved away"})),
        };
        let refusals = matrix.check(&app, &store, open, request).await;
        // Closed through the shared case route: off the board and the measures, and
        // closed to steps.
        let team = app.api_token("pd.officer").await;
        let analyst = app.api_token("analyst").await;
        let now_referred = async || {
            measures(&app, &analyst).await["by_stage"]["referred"]
                .as_u64()
                .unwrap_or(0)
        };
        let before = now_referred().await;
        let jo = young_person(&app, &housing, &years_ago(11, 0)).await;
        let made = json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&jo, FOUR),
            )
            .await,
            201,
        )
        .await;
        let id = made["id"].as_str().expect("id");
        assert_eq!(now_referred().await, before + 1);
        json_of(
            post(
                &app,
                &team,
                &format!("/api/v1/cases/{id}/close"),
                json!({"outcome": "Moved away"}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(now_referred().await, before);
        assert_eq!(
            stage(&app, &team, id, json!({"to": "screened"}))
                .await
                .status(),
            409
        );
        // Closed, they may be referred again.
        json_of(
            post(
                &app,
                &housing,
                "/api/v1/prevent-deter/referrals",
                referral(&jo, FOUR),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(
            refusals_audited(&store).await,
            refusals,
            "every refusal is audited"
        );
        store.close().await;
    })
    .await;
}
