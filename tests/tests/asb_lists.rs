//! The ASB lists over HTTP, on both databases: the repeat victims of a district (only
//! those the caller may see, counted across every case; paged; audited as a search;
//! refused to roles that do not work ASB) and ward hotspots (ranked against the period
//! before, with the flag and type counts, per district; bad days named; for analysts
//! too), as the API and as pages.

use casework_store::Store;
use casework_tests::{TestApp, each_app};
use chrono::{Datelike, Duration, Months, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

async fn get_json(app: &TestApp, token: &str, path: &str, status: u16) -> Value {
    json_of(app.api_get(token, path).await, status).await
}

/// The fields a 422 names, after checking it is a problem document.
async fn refused(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let response = app.api_get(token, path).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{path}"
    );
    let problem = json_of(response, 422).await;
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_string())
        .collect()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

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

/// Opens a case for `victim` and returns its id and reference.
async fn open_case(app: &TestApp, token: &str, victim: &str, ward: &str) -> (String, String) {
    let body = json_of(
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
    (
        body["id"].as_str().expect("id").to_string(),
        body["reference"].as_str().expect("reference").to_string(),
    )
}

struct Logged<'a> {
    occurred_at: String,
    ward: &'a str,
    kind: &'a str,
    alcohol: bool,
    youth: bool,
}

async fn log(app: &TestApp, token: &str, case: &str, victim: &str, incident: Logged<'_>) {
    let occurred = chrono::DateTime::parse_from_rfc3339(&incident.occurred_at).expect("time");
    let reported = (occurred + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    json_of(
        post(
            app,
            token,
            &format!("/api/v1/asb/cases/{case}/incidents"),
            json!({
                "occurred_at": incident.occurred_at,
                "reported_at": reported,
                "category": "nuisance",
                "type": incident.kind,
                "ward": incident.ward,
                "alcohol_related": incident.alcohol,
                "youth_related": incident.youth,
                "victim_ids": [victim],
                "perpetrator_ids": ["unknown"],
            }),
        )
        .await,
        201,
    )
    .await;
}

/// `n` noise incidents in `ward` on the days before today, for the repeat-victim rule.
async fn recent(app: &TestApp, token: &str, case: &str, victim: &str, ward: &str, n: i64) {
    for days in 0..n {
        let at =
            (Utc::now() - Duration::days(3 + days * 10)).to_rfc3339_opts(SecondsFormat::Secs, true);
        log(
            app,
            token,
            case,
            victim,
            Logged {
                occurred_at: at,
                ward,
                kind: "noise",
                alcohol: false,
                youth: false,
            },
        )
        .await;
    }
}

fn surnames(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["surname"].as_str().expect("surname"))
        .collect()
}

#[tokio::test]
async fn repeat_victims_are_listed_as_far_as_the_caller_may_see_them() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let council = app.api_token("council.officer").await;
        // Three incidents on one case; four over two cases, one of them the council's;
        // two, which is not enough; three in Allerdale only.
        let three = create_person(&app, &police, "Ada", "Three").await;
        let (three_case, three_ref) = open_case(&app, &police, &three, "harbour").await;
        recent(&app, &police, &three_case, &three, "harbour", 3).await;
        let four = create_person(&app, &police, "Bea", "Four").await;
        let (four_case, four_ref) = open_case(&app, &police, &four, "mirehouse").await;
        recent(&app, &police, &four_case, &four, "mirehouse", 2).await;
        let (council_case, council_ref) = open_case(&app, &council, &four, "harbour").await;
        recent(&app, &council, &council_case, &four, "sandwith", 2).await;
        let two = create_person(&app, &police, "Cy", "Two").await;
        let (two_case, _) = open_case(&app, &police, &two, "harbour").await;
        recent(&app, &police, &two_case, &two, "harbour", 2).await;
        let west = create_person(&app, &police, "Di", "Workington").await;
        let (west_case, _) = open_case(&app, &police, &west, "moss-bay").await;
        recent(&app, &police, &west_case, &west, "moss-bay", 3).await;

        let path = "/api/v1/asb/repeat-victims?district=copeland";
        let seen = get_json(&app, &police, path, 200).await;
        assert_eq!(seen["total"], 2);
        assert_eq!(surnames(&seen), ["Four", "Three"], "most incidents first");
        assert_eq!(seen["items"][0]["person_id"], four);
        assert_eq!(seen["items"][0]["incidents"], 4, "every case counts");
        // The police see their own case of hers, not the council's.
        assert_eq!(
            seen["items"][0]["cases"],
            json!([{"id": four_case, "reference": four_ref, "status": "open"}])
        );
        assert_eq!(seen["items"][1]["incidents"], 3);
        assert_eq!(seen["threshold"], 3);
        assert_eq!(seen["months"], 12);
        let council_sees = get_json(&app, &council, path, 200).await;
        assert_eq!(surnames(&council_sees), ["Four"]);
        assert_eq!(council_sees["items"][0]["incidents"], 4);
        assert_eq!(
            council_sees["items"][0]["cases"],
            json!([{"id": council_case, "reference": council_ref, "status": "open"}])
        );
        let allerdale = get_json(
            &app,
            &police,
            "/api/v1/asb/repeat-victims?district=allerdale",
            200,
        )
        .await;
        assert_eq!(surnames(&allerdale), ["Workington"]);

        // Housing sees no one until a case is shared with it.
        let before = get_json(&app, &housing, path, 200).await;
        assert_eq!(
            (before["total"].clone(), surnames(&before).len()),
            (json!(0), 0)
        );
        json_of(
            post(
                &app,
                &police,
                &format!("/api/v1/cases/{three_case}/shares"),
                json!({"agency": "derwent-solway-ha", "reason": "Tenancy enforcement"}),
            )
            .await,
            201,
        )
        .await;
        let after = get_json(&app, &housing, path, 200).await;
        assert_eq!(after["total"], 1);
        assert_eq!(surnames(&after), ["Three"]);
        assert_eq!(
            after["items"][0]["cases"],
            json!([{"id": three_case, "reference": three_ref, "status": "open"}])
        );

        // Pages: one a page, the same total on each, nothing past the end.
        let first = get_json(&app, &police, &format!("{path}&per_page=1"), 200).await;
        let second = get_json(&app, &police, &format!("{path}&per_page=1&page=2"), 200).await;
        let past = get_json(&app, &police, &format!("{path}&per_page=1&page=3"), 200).await;
        assert_eq!(surnames(&first), ["Four"]);
        assert_eq!(surnames(&second), ["Three"]);
        assert!(surnames(&past).is_empty());
        for p in [&first, &second, &past] {
            assert_eq!(p["total"], 2);
            assert_eq!(p["per_page"], 1);
        }

        assert_eq!(
            refused(&app, &police, "/api/v1/asb/repeat-victims").await,
            ["district"]
        );
        assert_eq!(
            refused(
                &app,
                &police,
                "/api/v1/asb/repeat-victims?district=atlantis"
            )
            .await,
            ["district"]
        );
        for username in ["analyst", "dpo", "iom.manager", "pd.officer", "demo.admin"] {
            let token = app.api_token(username).await;
            let response = app.api_get(&token, path).await;
            assert_eq!(response.status(), 403, "{username}");
        }

        // Each read is audited as a search: what was asked, how many, who was shown.
        let store = Store::connect(&app.database.url).await.expect("store");
        let events = casework_audit::events_for_entity(
            store.connection(),
            "person",
            "asb-repeat-victims",
            50,
        )
        .await
        .expect("events");
        let housing_reads: Vec<(Option<i64>, usize)> = events
            .iter()
            .filter(|e| e.actor_username.as_deref() == Some("housing.officer"))
            .map(|e| (e.result_count, e.subjects.len()))
            .collect();
        assert_eq!(housing_reads, [(Some(1), 1), (Some(0), 0)], "newest first");
        assert!(events.iter().all(|e| e.action == "search"));
        assert!(
            events[0]
                .query
                .as_deref()
                .is_some_and(|q| q.contains("copeland")),
            "{:?}",
            events[0].query
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_repeat_victims_page_lists_links_and_refuses() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let victim = create_person(&app, &police, "Eve", "Often").await;
        let (case, reference) = open_case(&app, &police, &victim, "harbour").await;
        recent(&app, &police, &case, &victim, "harbour", 3).await;

        let officer = app.sign_in("police.officer").await;
        let (status, html) = page(&officer, &app, "/asb/repeat-victims").await;
        assert_eq!(status, 200);
        assert!(html.contains("<label for=\"district\">"));
        assert!(
            !html.contains("Often"),
            "nothing until a district is chosen"
        );
        let (status, html) = page(&officer, &app, "/asb/repeat-victims?district=copeland").await;
        assert_eq!(status, 200);
        assert!(html.contains("Often, Eve"), "{html}");
        assert!(html.contains(&format!("href=\"/asb/cases/{case}\">{reference}</a>")));
        assert!(html.contains(&format!("href=\"/people/{victim}\"")));
        assert!(html.contains("1 repeat victim,"));
        assert!(
            html.contains("href=\"/asb/repeat-victims\">Repeat victims</a>"),
            "nav link"
        );
        let (status, html) = page(&officer, &app, "/asb/repeat-victims?district=atlantis").await;
        assert_eq!(status, 422);
        assert!(html.contains("error-summary") && html.contains("href=\"#district\""));

        let housing = app.sign_in("housing.officer").await;
        let (status, html) = page(&housing, &app, "/asb/repeat-victims?district=copeland").await;
        assert_eq!(status, 200);
        assert!(!html.contains("Often, Eve"), "not shared with housing");
        assert!(html.contains("no repeat victims in Copeland that you may see"));

        let analyst = app.sign_in("analyst").await;
        let (status, _) = page(&analyst, &app, "/asb/repeat-victims?district=copeland").await;
        assert_eq!(status, 403);
    })
    .await;
}

/// Q1 2012-13 (April to June 2012) and the quarter before, January to March 2012.
async fn hotspot_incidents(app: &TestApp, token: &str) {
    let victim = create_person(app, token, "Gail", "Ward").await;
    let (case, _) = open_case(app, token, &victim, "harbour").await;
    let incidents = [
        // 00:30 on 1 April (BST): Q1.
        (
            "2012-03-31T23:30:00Z",
            "harbour",
            "criminal-damage",
            true,
            true,
        ),
        (
            "2012-05-10T20:00:00Z",
            "harbour",
            "deliberate-fire",
            false,
            true,
        ),
        ("2012-06-01T21:00:00Z", "harbour", "noise", true, false),
        ("2012-04-20T12:00:00Z", "mirehouse", "noise", false, false),
        (
            "2012-06-30T22:00:00Z",
            "mirehouse",
            "rowdy-behaviour",
            false,
            false,
        ),
        (
            "2012-05-05T12:00:00Z",
            "moss-bay",
            "rowdy-behaviour",
            false,
            true,
        ),
        // 23:59 on 31 March (BST): the quarter before.
        ("2012-03-31T22:59:00Z", "harbour", "noise", false, false),
        ("2012-01-15T12:00:00Z", "mirehouse", "noise", false, false),
        ("2012-02-15T12:00:00Z", "mirehouse", "noise", false, false),
        ("2012-03-15T12:00:00Z", "mirehouse", "noise", true, false),
        ("2012-03-16T12:00:00Z", "mirehouse", "noise", false, false),
        (
            "2012-02-01T12:00:00Z",
            "sandwith",
            "deliberate-fire",
            false,
            false,
        ),
        (
            "2012-02-02T12:00:00Z",
            "sandwith",
            "criminal-damage",
            false,
            false,
        ),
        // July: neither.
        ("2012-07-01T12:00:00Z", "harbour", "noise", true, true),
    ];
    for (at, ward, kind, alcohol, youth) in incidents {
        log(
            app,
            token,
            &case,
            &victim,
            Logged {
                occurred_at: at.to_string(),
                ward,
                kind,
                alcohol,
                youth,
            },
        )
        .await;
    }
}

/// (ward, district, count, previous_count) of each item, in order.
fn ranking(body: &Value) -> Vec<(String, String, u64, u64)> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["ward"].as_str().expect("ward").to_string(),
                i["district"].as_str().expect("district").to_string(),
                i["count"].as_u64().expect("count"),
                i["previous_count"].as_u64().expect("previous"),
            )
        })
        .collect()
}

fn row(ward: &str, district: &str, count: u64, previous: u64) -> (String, String, u64, u64) {
    (ward.into(), district.into(), count, previous)
}

#[tokio::test]
async fn hotspots_rank_wards_against_the_period_before() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        hotspot_incidents(&app, &police).await;
        let q1 = "/api/v1/asb/hotspots?from=2012-04-01&to=2012-06-30";
        let body = get_json(&app, &police, q1, 200).await;
        assert_eq!(
            ranking(&body),
            [
                row("harbour", "copeland", 3, 1),
                row("mirehouse", "copeland", 2, 4),
                row("moss-bay", "allerdale", 1, 0),
                row("sandwith", "copeland", 0, 2),
            ]
        );
        assert_eq!(body["total"], 4);
        assert_eq!(
            (
                &body["from"],
                &body["to"],
                &body["previous_from"],
                &body["previous_to"]
            ),
            (
                &json!("2012-04-01"),
                &json!("2012-06-30"),
                &json!("2012-01-01"),
                &json!("2012-03-31")
            )
        );
        let harbour = &body["items"][0];
        assert_eq!(harbour["position"], 1);
        assert_eq!(harbour["ward_name"], "Harbour");
        for (flag, n) in [
            ("alcohol_related", 2),
            ("youth_related", 2),
            ("alcohol_related_youth", 1),
            ("criminal_damage", 1),
            ("deliberate_fire", 1),
        ] {
            assert_eq!(harbour[flag], n, "{flag}");
        }
        assert_eq!(
            (&harbour["change"], &harbour["change_percent"]),
            (&json!(2), &json!(200))
        );
        let mirehouse = &body["items"][1];
        assert_eq!(
            (&mirehouse["change"], &mirehouse["change_percent"]),
            (&json!(-2), &json!(-50))
        );
        assert_eq!(mirehouse["alcohol_related"], 0, "only this period's flags");
        assert_eq!(
            body["items"][2]["change_percent"],
            Value::Null,
            "none before"
        );

        let copeland = get_json(&app, &police, &format!("{q1}&district=copeland"), 200).await;
        assert_eq!(
            ranking(&copeland),
            [
                row("harbour", "copeland", 3, 1),
                row("mirehouse", "copeland", 2, 4),
                row("sandwith", "copeland", 0, 2),
            ]
        );
        assert_eq!(copeland["district"], "copeland");
        let paged = get_json(&app, &police, &format!("{q1}&per_page=2&page=2"), 200).await;
        assert_eq!(
            ranking(&paged),
            [
                row("moss-bay", "allerdale", 1, 0),
                row("sandwith", "copeland", 0, 2)
            ]
        );
        assert_eq!(paged["total"], 4);
        // Whole months compare with as many whole months: June with May.
        let june = get_json(
            &app,
            &police,
            "/api/v1/asb/hotspots?from=2012-06-01&to=2012-06-30",
            200,
        )
        .await;
        assert_eq!(
            ranking(&june),
            [
                row("harbour", "copeland", 1, 1),
                row("mirehouse", "copeland", 1, 0),
                row("moss-bay", "allerdale", 0, 1)
            ]
        );

        // The default is the last whole quarter, against the one before it.
        let default = get_json(&app, &police, "/api/v1/asb/hotspots", 200).await;
        let day = |field: &str| {
            NaiveDate::parse_from_str(default[field].as_str().expect(field), "%Y-%m-%d")
                .expect("day")
        };
        let (from, to) = (day("from"), day("to"));
        assert!(
            [1, 4, 7, 10].contains(&from.month()) && from.day() == 1,
            "{from}"
        );
        assert_eq!(to, from + Months::new(3) - Duration::days(1));
        let today = Utc::now().date_naive();
        assert!(to < today + Duration::days(1) && today <= to + Months::new(3) + Duration::days(1));
        assert_eq!(day("previous_from"), from - Months::new(3));
        assert_eq!(day("previous_to"), from - Duration::days(1));

        // Bad days and districts are named; nothing else is said.
        let base = "/api/v1/asb/hotspots";
        for (query, fields) in [
            ("?from=2012-13-01&to=2012-06-30", vec!["from"]),
            ("?from=2012-04-01&to=30-06-2012", vec!["to"]),
            ("?from=soon&to=later", vec!["from", "to"]),
            ("?from=2012-07-01&to=2012-06-30", vec!["from"]),
            ("?to=2012-06-30", vec!["from"]),
            (
                "?from=2012-04-01&to=2012-06-30&district=atlantis",
                vec!["district"],
            ),
            ("?from=nope&district=atlantis", vec!["from", "district"]),
        ] {
            assert_eq!(
                refused(&app, &police, &format!("{base}{query}")).await,
                fields,
                "{query}"
            );
        }

        // Counts only: analysts see them; a bare administrator does not.
        let analyst = app.api_token("analyst").await;
        assert_eq!(
            ranking(&get_json(&app, &analyst, q1, 200).await),
            ranking(&body)
        );
        let admin = app.api_token("demo.admin").await;
        assert_eq!(app.api_get(&admin, q1).await.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_hotspots_page_draws_the_chart_and_names_bad_days() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        hotspot_incidents(&app, &police).await;
        let analyst = app.sign_in("analyst").await;
        let (status, html) = page(&analyst, &app, "/asb/hotspots?from=2012-04-01&to=2012-06-30&district=copeland").await;
        assert_eq!(status, 200);
        assert!(html.contains("href=\"/asb/hotspots\">ASB hotspots</a>"), "nav link");
        assert!(html.contains("Copeland, 1 April 2012 to 30 June 2012"), "{html}");
        assert!(html.contains("5 incidents in all, against 7 from 1 January 2012 to 31 March 2012"));
        // The chart: labelled, with its numbers written, the periods told apart in words.
        assert!(html.contains("<svg") && html.contains("role=\"img\""));
        assert!(html.contains("aria-labelledby=\"chart-title chart-desc\""));
        assert!(html.contains("Harbour: 3 this period, 1 before; Mirehouse: 2 this period, 4 before; Sandwith: 0 this period, 2 before"));
        assert!(html.contains("<title>Harbour: 3 this period</title>"));
        assert!(html.contains("<title>Mirehouse: 4 in the previous period</title>"));
        assert!(html.contains("Previous period (outlined)"));
        assert!(!html.contains("Moss Bay"), "Allerdale is left out");
        // The table, ranked, with the changes and counts.
        let harbour = html.find("<td data-label=\"Ward\">Harbour <span class=\"meta\">Copeland</span></td>").expect("harbour row");
        let mirehouse = html.find("<td data-label=\"Ward\">Mirehouse <span class=\"meta\">Copeland</span></td>").expect("mirehouse row");
        assert!(harbour < mirehouse);
        assert!(html.contains("<td data-label=\"Change\">+2 (+200%)</td>"));
        assert!(html.contains("<td data-label=\"Change\">-2 (-50%)</td>"));
        assert!(html.contains("<td data-label=\"Alcohol-related youth\">1</td>"));
        // The form keeps what was asked.
        assert!(html.contains("id=\"from\" name=\"from\" value=\"2012-04-01\""));
        assert!(html.contains("<option value=\"copeland\" selected>"));

        let (status, html) = page(&analyst, &app, "/asb/hotspots?from=2012-07-01&to=2012-06-30").await;
        assert_eq!(status, 422);
        assert!(html.contains("error-summary") && html.contains("href=\"#from\""));
        assert!(!html.contains("<svg"));
        let (status, html) = page(&analyst, &app, "/asb/hotspots?from=2012-04-01&to=junk").await;
        assert_eq!(status, 422);
        assert!(html.contains("href=\"#to\"") && html.contains("value=\"junk\""));

        // The default period is shown in the form, so it can be seen and changed.
        let (status, html) = page(&analyst, &app, "/asb/hotspots").await;
        assert_eq!(status, 200);
        assert!(html.contains("id=\"from\" name=\"from\" value=\"20"));

        let admin = app.sign_in("demo.admin").await;
        let (status, _) = page(&admin, &app, "/asb/hotspots").await;
        assert_eq!(status, 403);
    })
    .await;
}
