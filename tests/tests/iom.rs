//! Integrated Offender Management over HTTP, on both databases: the worked example of
//! ten members (figures computed by hand in crates/domain/src/iom/reoffending_tests.rs)
//! through the API and the measures page; bad input refused field by field with
//! nothing stored; re-selection; a housing need referred to a housing provider, which
//! then sees that need and nothing else; and the pages.

use casework_tests::http::{json_of, post, read, refused};
use casework_tests::{TestApp, each_app};
use serde_json::{Value, json};

async fn person(app: &TestApp, token: &str, forename: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": forename, "surname": "Cohort", "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

async fn select(
    app: &TestApp,
    token: &str,
    who: &str,
    on: &str,
    stream: &str,
    tier: &str,
) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/iom/members",
            json!({"person_id": who, "entered_on": on, "stream": stream, "tier": tier,
                   "reason": "prolific acquisitive offending"}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

async fn deselect(app: &TestApp, token: &str, member: &str, on: &str) {
    json_of(
        post(
            app,
            token,
            &format!("/api/v1/iom/members/{member}/deselect"),
            json!({"on": on, "reason": "custody"}),
        )
        .await,
        200,
    )
    .await;
}

async fn offence(
    app: &TestApp,
    token: &str,
    who: &str,
    committed: &str,
    proven: Option<&str>,
    weight: Option<f64>,
) {
    json_of(
        post(
            app,
            token,
            &format!("/api/v1/people/{who}/offences"),
            json!({"committed_on": committed, "proven_on": proven, "outcome": "conviction",
                   "category": "theft", "harm_weight": weight}),
        )
        .await,
        201,
    )
    .await;
}

/// The worked example, member by member as in the domain test (A to J in the cohort,
/// K the day after the period, L never selected).
async fn worked_example(app: &TestApp, token: &str) {
    let mut p = Vec::new();
    for name in ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"] {
        p.push(person(app, token, name).await);
    }
    select(app, token, &p[0], "2012-04-02", "fixed", "red").await;
    select(app, token, &p[1], "2012-05-15", "fixed", "red").await;
    select(app, token, &p[2], "2012-06-01", "flex", "amber").await;
    let d = select(app, token, &p[3], "2012-07-01", "flex", "amber").await;
    deselect(app, token, &d, "2012-09-30").await;
    select(app, token, &p[4], "2012-08-01", "free", "green").await;
    let f = select(app, token, &p[5], "2012-02-01", "fixed", "red").await;
    deselect(app, token, &f, "2012-05-31").await;
    select(app, token, &p[5], "2012-09-01", "fixed", "red").await;
    let g = select(app, token, &p[6], "2012-10-15", "fixed", "green").await;
    deselect(app, token, &g, "2012-12-01").await;
    select(app, token, &p[6], "2013-02-01", "flex", "red").await;
    select(app, token, &p[7], "2013-01-07", "free", "amber").await;
    select(app, token, &p[8], "2013-03-31", "flex", "red").await;
    select(app, token, &p[9], "2012-04-01", "flex", "green").await;
    select(app, token, &p[10], "2013-04-01", "fixed", "red").await;
    let rows: &[(usize, &str, Option<&str>, Option<f64>)] = &[
        (0, "2011-06-10", Some("2011-07-01"), Some(3.0)),
        (0, "2012-01-15", Some("2012-02-01"), None),
        (0, "2012-09-01", Some("2012-10-01"), Some(5.0)),
        (1, "2012-05-15", Some("2012-06-01"), Some(2.0)),
        (1, "2013-05-15", Some("2013-06-01"), Some(1.0)),
        (2, "2011-06-01", Some("2011-07-01"), Some(9.0)),
        (2, "2013-01-10", Some("2014-01-02"), Some(9.0)),
        (3, "2012-03-01", Some("2012-04-01"), Some(2.0)),
        (3, "2012-04-01", Some("2012-05-01"), Some(2.0)),
        (3, "2012-05-01", Some("2012-06-01"), None),
        (3, "2012-08-20", Some("2012-09-15"), Some(4.0)),
        (3, "2012-12-01", Some("2013-02-01"), Some(4.0)),
        (4, "2011-12-25", Some("2012-01-10"), Some(1.0)),
        (4, "2012-10-01", None, Some(7.0)),
        (5, "2012-03-10", Some("2012-04-10"), Some(2.0)),
        (5, "2012-08-31", Some("2012-09-20"), Some(2.0)),
        (5, "2013-02-14", Some("2013-03-01"), Some(6.0)),
        (5, "2013-09-02", Some("2013-10-01"), Some(6.0)),
        (6, "2013-03-01", Some("2013-04-01"), Some(1.0)),
        (6, "2013-10-16", Some("2013-11-01"), Some(1.0)),
        (8, "2012-03-31", Some("2012-04-15"), Some(3.0)),
        (8, "2012-04-01", Some("2012-05-01"), Some(3.0)),
        (8, "2013-04-01", Some("2013-04-20"), Some(10.0)),
        (8, "2014-03-31", Some("2014-09-30"), None),
        (9, "2012-04-01", Some("2012-04-20"), None),
        (9, "2013-04-01", Some("2013-05-01"), Some(2.0)),
        (10, "2013-05-01", Some("2013-06-01"), Some(8.0)),
        (11, "2012-09-01", Some("2012-10-01"), Some(8.0)),
    ];
    for (who, committed, proven, weight) in rows {
        offence(app, token, &p[*who], committed, *proven, *weight).await;
    }
}

const PERIOD: &str = "/api/v1/iom/reoffending?entered_from=2012-04-01&entered_to=2013-03-31";

#[tokio::test]
async fn the_worked_example_gives_the_hand_computed_figures_on_the_api_and_the_page() {
    each_app(|app| async move {
        let token = app.api_token("iom.manager").await;
        worked_example(&app, &token).await;
        let m = json_of(app.api_get(&token, PERIOD).await, 200).await;
        assert_eq!(m["members"], 10);
        assert_eq!(m["reoffenders"], 7);
        assert_eq!(m["binary_rate"], 0.7);
        assert_eq!(m["frequency_per_100"], 90.0);
        assert_eq!(m["offences_before"], 11);
        assert_eq!(m["offences_after"], 9);
        assert_eq!(m["harm_before"], 20.0);
        assert_eq!(m["harm_after"], 34.0);
        assert_eq!(m["provisional"], false);
        let g = |group: &str, key: &str| {
            let x = &m[group][key];
            (
                x["members"].clone(),
                x["reoffenders"].clone(),
                x["offences_before"].clone(),
                x["offences_after"].clone(),
            )
        };
        assert_eq!(
            g("by_tier", "red"),
            (json!(4), json!(4), json!(6), json!(5))
        );
        assert_eq!(
            g("by_tier", "amber"),
            (json!(3), json!(1), json!(3), json!(2))
        );
        assert_eq!(
            g("by_tier", "green"),
            (json!(3), json!(2), json!(2), json!(2))
        );
        assert_eq!(
            g("by_stream", "fixed"),
            (json!(4), json!(4), json!(5), json!(4))
        );
        assert_eq!(
            g("by_stream", "flex"),
            (json!(4), json!(3), json!(5), json!(5))
        );
        assert_eq!(
            g("by_stream", "free"),
            (json!(2), json!(0), json!(1), json!(0))
        );
        assert_eq!(m["per_member"].as_array().map(Vec::len), Some(10));

        // Analysts see the counts, not each member.
        let analyst = app.api_token("analyst").await;
        let counts = json_of(app.api_get(&analyst, PERIOD).await, 200).await;
        assert_eq!(counts["reoffenders"], 7);
        assert!(counts.get("per_member").is_none());

        // The page shows the same figures.
        let web = app.sign_in("analyst").await;
        let html = web
            .get(app.url("/iom/measures?entered_from=2012-04-01&entered_to=2013-03-31"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        let row = html
            .split("<tr data-group=\"Whole cohort\">")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("the cohort's row");
        let cells: Vec<&str> = row
            .split("<td>")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap_or_default())
            .collect();
        assert_eq!(cells, ["10", "7", "70%", "90", "11", "9", "20", "34"]);
        let red = html
            .split("<tr data-group=\"Red tier\">")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("the red tier's row");
        assert!(
            red.contains("<td>4</td><td>4</td><td>100%</td><td>125</td><td>6</td><td>5</td>"),
            "{red}"
        );
        assert!(html.contains("<svg") && !html.contains("Each member"));

        // A cohort of nobody has no rate.
        let none = json_of(
            app.api_get(
                &token,
                "/api/v1/iom/reoffending?entered_from=2010-01-01&entered_to=2010-12-31",
            )
            .await,
            200,
        )
        .await;
        assert_eq!(
            (none["members"].clone(), none["binary_rate"].clone()),
            (json!(0), Value::Null)
        );
    })
    .await;
}

#[tokio::test]
async fn bad_iom_input_is_refused_field_by_field_and_nothing_is_stored() {
    each_app(|app| async move {
        let token = app.api_token("iom.manager").await;
        let who = person(&app, &token, "Bad").await;
        let bad = refused(
            post(
                &app,
                &token,
                "/api/v1/iom/members",
                json!({"person_id": who, "entered_on": "01/06/2012", "stream": "loose", "tier": "blue"}),
            )
            .await,
        )
        .await;
        assert_eq!(bad, ["entered_on", "stream", "tier"]);
        let missing = refused(post(&app, &token, "/api/v1/iom/members", json!({})).await).await;
        assert!(missing.contains(&"person_id".to_string()) && missing.contains(&"entered_on".to_string()));

        let bad = refused(
            post(
                &app,
                &token,
                &format!("/api/v1/people/{who}/offences"),
                json!({"committed_on": "2012-13-01", "proven_on": "later", "outcome": "fine",
                       "category": "", "harm_weight": -2}),
            )
            .await,
        )
        .await;
        assert_eq!(bad, ["committed_on", "proven_on", "outcome", "category", "harm_weight"]);
        let list = json_of(app.api_get(&token, &format!("/api/v1/people/{who}/offences")).await, 200).await;
        assert_eq!(list["total"], 0);

        let period = refused(app.api_get(&token, "/api/v1/iom/reoffending?entered_from=2012-04-01").await).await;
        assert_eq!(period, ["entered_to"]);

        // One membership at a time: re-selection needs a de-selection first, and
        // starts after it.
        let member = select(&app, &token, &who, "2012-06-01", "flex", "amber").await;
        let again = refused(
            post(
                &app,
                &token,
                "/api/v1/iom/members",
                json!({"person_id": who, "entered_on": "2012-07-01", "stream": "flex", "tier": "red"}),
            )
            .await,
        )
        .await;
        assert_eq!(again, ["person_id"]);
        let same = refused(
            post(&app, &token, &format!("/api/v1/iom/members/{member}/tier"), json!({"tier": "amber"})).await,
        )
        .await;
        assert_eq!(same, ["tier"]);
        let tier = json_of(
            post(&app, &token, &format!("/api/v1/iom/members/{member}/tier"),
                 json!({"tier": "red", "on": "2012-08-01", "reason": "re-arrested"})).await,
            200,
        )
        .await;
        assert_eq!(tier["tier"], "red");
        assert_eq!(tier["tiers"].as_array().map(Vec::len), Some(2));
        let no_reason = refused(
            post(&app, &token, &format!("/api/v1/iom/members/{member}/deselect"), json!({"on": "2012-05-01"})).await,
        )
        .await;
        assert_eq!(no_reason, ["on", "reason"]);
        deselect(&app, &token, &member, "2012-10-01").await;
        let overlap = refused(
            post(
                &app,
                &token,
                "/api/v1/iom/members",
                json!({"person_id": who, "entered_on": "2012-10-01", "stream": "flex", "tier": "red"}),
            )
            .await,
        )
        .await;
        assert_eq!(overlap, ["entered_on"]);
        let second = select(&app, &token, &who, "2012-10-02", "free", "green").await;
        assert_ne!(second, member);
        let old = json_of(read(&app, &token, &format!("/api/v1/iom/members/{member}")).await, 200).await;
        assert_eq!((old["status"].clone(), old["deselected_on"].clone()), (json!("closed"), json!("2012-10-01")));

        let need = refused(
            post(&app, &token, &format!("/api/v1/iom/members/{second}/needs"),
                 json!({"pathway": "hobbies", "status": "done"})).await,
        )
        .await;
        assert_eq!(need, ["pathway", "status"]);

        // Only the IOM team records offences and selects.
        let police = app.api_token("police.officer").await;
        let response = post(&app, &police, &format!("/api/v1/people/{who}/offences"),
            json!({"committed_on": "2012-06-01", "outcome": "caution", "category": "theft"})).await;
        assert_eq!(response.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn a_housing_provider_sees_only_the_housing_need_once_it_is_referred() {
    each_app(|app| async move {
        let token = app.api_token("iom.manager").await;
        let who = person(&app, &token, "Housed").await;
        let member = select(&app, &token, &who, "2012-06-01", "fixed", "red").await;
        let housing_need = json_of(
            post(
                &app,
                &token,
                &format!("/api/v1/iom/members/{member}/needs"),
                json!({"pathway": "accommodation", "note": "sofa surfing"}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(housing_need["status"], "identified");
        let health = json_of(
            post(
                &app,
                &token,
                &format!("/api/v1/iom/members/{member}/needs"),
                json!({"pathway": "health", "status": "in-progress", "note": "methadone script"}),
            )
            .await,
            201,
        )
        .await;
        offence(&app, &token, &who, "2012-07-01", Some("2012-08-01"), None).await;

        let housing = app.api_token("housing.officer").await;
        let path = format!("/api/v1/iom/members/{member}");
        assert_eq!(read(&app, &housing, &path).await.status(), 404);

        let health_id = health["id"].as_str().expect("id");
        let wrong = refused(
            post(
                &app,
                &token,
                &format!("{path}/needs/{health_id}/referrals"),
                json!({"to": "derwent-solway-ha", "reason": "needs a tenancy"}),
            )
            .await,
        )
        .await;
        assert_eq!(wrong, ["need"]);
        let need_id = housing_need["id"].as_str().expect("id");
        let not_housing = refused(
            post(
                &app,
                &token,
                &format!("{path}/needs/{need_id}/referrals"),
                json!({"to": "cumbria-probation", "reason": "needs a tenancy"}),
            )
            .await,
        )
        .await;
        assert_eq!(not_housing, ["to"]);
        let response = post(
            &app,
            &token,
            &format!("{path}/needs/{need_id}/referrals"),
            json!({"to": "housing-task-finish-group", "reason": "no tenancy"}),
        )
        .await;
        assert_eq!(response.status(), 204);
        assert_eq!(
            read(&app, &housing, &path).await.status(),
            404,
            "the panel is not an agency"
        );
        let response = post(
            &app,
            &token,
            &format!("{path}/needs/{need_id}/referrals"),
            json!({"to": "derwent-solway-ha", "reason": "accommodation pilot place"}),
        )
        .await;
        assert_eq!(response.status(), 204);

        let seen = json_of(read(&app, &housing, &path).await, 200).await;
        let needs = seen["needs"].as_array().expect("needs");
        assert_eq!(needs.len(), 1);
        assert_eq!(needs[0]["pathway"], "accommodation");
        assert_eq!(needs[0]["referrals"].as_array().map(Vec::len), Some(2));
        for hidden in ["tiers", "reason", "lead_officer", "shared_with"] {
            assert!(
                seen.get(hidden).is_none(),
                "{hidden} is hidden from housing"
            );
        }
        // Without a reason the read is refused; housing may not work the membership
        // nor read offences.
        assert_eq!(app.api_get(&housing, &path).await.status(), 428);
        let response = post(
            &app,
            &housing,
            &format!("{path}/needs"),
            json!({"pathway": "health"}),
        )
        .await;
        assert_eq!(response.status(), 403);
        assert_eq!(
            app.api_get(&housing, &format!("/api/v1/people/{who}/offences"))
                .await
                .status(),
            403
        );

        let whole = json_of(app.api_get(&token, &path).await, 200).await;
        assert_eq!(whole["needs"].as_array().map(Vec::len), Some(2));
        assert_eq!(whole["shared_with"], json!(["derwent-solway-ha"]));

        // The housing officer's page shows the housing need and not the rest.
        let web = app.sign_in("housing.officer").await;
        let board = web
            .get(app.url("/iom"))
            .send()
            .await
            .expect("board")
            .text()
            .await
            .expect("html");
        assert!(
            board.contains("Housed Cohort") && board.contains("Not shown"),
            "{board}"
        );
        let page = format!("/iom/members/{member}");
        let token_page = app.form_token(&web, &page).await;
        let response = web
            .post(app.url(&format!("/cases/{member}/reason")))
            .form(&[
                ("csrf_token", token_page.as_str()),
                ("reason", "referral-assessment"),
            ])
            .send()
            .await
            .expect("reason");
        assert_eq!(response.status(), 303);
        let html = web
            .get(app.url(&page))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(html.contains("sofa surfing"), "{html}");
        assert!(
            !html.contains("methadone") && !html.contains("Offences"),
            "{html}"
        );
    })
    .await;
}

/// Runs `casework import offences FILE` against the test server's database.
fn import(app: &TestApp, csv: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("offences.csv");
    std::fs::write(&path, csv).expect("write");
    let out = std::process::Command::new(casework_tests::binary())
        .args(["import", "offences"])
        .arg(&path)
        .args([
            "--recorded-by",
            "iom.manager",
            "--database-url",
            &app.database.url,
        ])
        .env("CASEWORK_LOG", "warn")
        .output()
        .expect("casework runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn the_offences_import_checks_every_row_and_imports_all_or_nothing() {
    each_app(|app| async move {
        let token = app.api_token("iom.manager").await;
        let who = person(&app, &token, "Imported").await;
        let member = select(&app, &token, &who, "2012-06-01", "fixed", "red").await;
        let nobody = "00000000-0000-4000-8000-000000000001";
        let header = "person_id,committed_on,proven_on,outcome,category,harm_weight\n";
        let bad = format!(
            "{header}{who},2012-03-01,2012-04-01,conviction,burglary,3\n\
             {who},2012-02-30,,fine,theft,\n\
             {nobody},2012-08-01,2012-09-01,caution,theft,1\n"
        );
        let (ok, report) = import(&app, &bad);
        assert!(!ok, "{report}");
        for named in [
            "line 3: committed_on",
            "line 3: outcome",
            "line 4: person_id",
            "nothing was imported",
        ] {
            assert!(report.contains(named), "{named} in {report}");
        }
        let list = json_of(
            app.api_get(&token, &format!("/api/v1/people/{who}/offences"))
                .await,
            200,
        )
        .await;
        assert_eq!(list["total"], 0, "nothing stored");

        let good = format!(
            "{header}{who},2012-03-01,2012-04-01,conviction,burglary,3\n\
             {who},2012-08-01,2012-09-01,caution,theft,\n"
        );
        let (ok, report) = import(&app, &good);
        assert!(ok, "{report}");
        assert!(report.contains("2 offences imported"), "{report}");
        let list = json_of(
            app.api_get(&token, &format!("/api/v1/people/{who}/offences"))
                .await,
            200,
        )
        .await;
        assert_eq!(list["total"], 2);
        let m = json_of(
            app.api_get(
                &token,
                "/api/v1/iom/reoffending?entered_from=2012-06-01&entered_to=2012-06-01",
            )
            .await,
            200,
        )
        .await;
        assert_eq!(
            (m["offences_before"].clone(), m["offences_after"].clone()),
            (json!(1), json!(1))
        );
        assert_eq!(m["harm_before"], 3.0);
        assert_eq!(m["per_member"][0]["membership_id"], json!(member));
    })
    .await;
}

/// Sets a date field as a date picker would.
async fn set_date(browser: &casework_tests::browser::Browser, id: &str, day: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(day)],
        )
        .await
        .expect("set the date");
}

/// The figures in the whole cohort's row of the measures page.
async fn cohort_row(browser: &casework_tests::browser::Browser) -> String {
    browser
        .client
        .find(fantoccini::Locator::Css("tr[data-group='Whole cohort']"))
        .await
        .expect("the cohort's row")
        .text()
        .await
        .expect("text")
}

/// The IOM journey in a real browser: the IOM manager records a person, selects them
/// into the cohort, records a housing need and refers it to a housing provider; the
/// housing officer finds the member on the board and sees the housing need (and not
/// the rest); the manager records an offence and sees the measures move.
#[tokio::test]
async fn the_iom_team_refers_a_housing_need_and_sees_the_measures_move() {
    use casework_tests::browser::Browser;
    use casework_tests::{TestDatabase, spawn_app};

    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    let c = &browser.client;
    browser.sign_in(&app, "iom.manager").await;
    c.goto(&app.url("/people/new")).await.expect("new person");
    browser.fill("forename", "Darren").await;
    browser.fill("surname", "Musgrave").await;
    browser.click("#ward option[value='moss-bay']").await;
    browser.submit("main form button[type=submit]").await;
    let person_url = c.current_url().await.expect("url").to_string();
    let person = person_url.rsplit('/').next().expect("id").to_string();

    let days_ago = |n: i64| {
        (chrono::Utc::now() - chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    let entered = days_ago(30);
    c.goto(&app.url(&format!("/iom/members/new?person_id={person}")))
        .await
        .expect("selection form");
    set_date(&browser, "entered_on", &entered).await;
    browser.click("#stream-fixed").await;
    browser.click("#tier-red").await;
    browser.fill("placement", "Accommodation pilot").await;
    browser.submit("main form button[type=submit]").await;
    let member_url = c.current_url().await.expect("url").to_string();
    assert!(
        member_url.contains("/iom/members/"),
        "{}",
        browser.text().await
    );

    browser
        .click("#pathway option[value='accommodation']")
        .await;
    browser
        .fill("note", "Sleeping at his sister's; no tenancy")
        .await;
    browser
        .submit("form[action$='/needs'] button[type=submit]")
        .await;
    browser
        .click("#pathway option[value='drugs-alcohol']")
        .await;
    browser.fill("note", "Alcohol worker appointment").await;
    browser
        .submit("form[action$='/needs'] button[type=submit]")
        .await;
    let refer_to = c
        .find(fantoccini::Locator::Css(
            "form[action$='/referrals'] select",
        ))
        .await
        .expect("referral form")
        .attr("id")
        .await
        .expect("attr")
        .expect("id");
    browser
        .click(&format!("#{refer_to} option[value='derwent-solway-ha']"))
        .await;
    let reason_id = refer_to.replace("to-", "refer-reason-");
    browser
        .fill(&reason_id, "A place on the accommodation pilot")
        .await;
    browser
        .submit("form[action$='/referrals'] button[type=submit]")
        .await;
    assert!(
        browser
            .text()
            .await
            .contains("Referred to derwent-solway-ha")
    );

    let measures = app.url(&format!(
        "/iom/measures?entered_from={entered}&entered_to={entered}"
    ));
    c.goto(&measures).await.expect("measures");
    let before = cohort_row(&browser).await;
    assert!(
        before.starts_with("Whole cohort (provisional) 1 0 0%"),
        "{before}"
    );
    browser.close().await;

    // The housing provider finds the member and sees the housing need only.
    let housing = Browser::start().await.expect("a second browser");
    housing.sign_in(&app, "housing.officer").await;
    housing.client.goto(&app.url("/iom")).await.expect("board");
    housing
        .client
        .find(fantoccini::Locator::LinkText("Darren Musgrave"))
        .await
        .expect("the member on the board")
        .click()
        .await
        .expect("click");
    housing.click("#reason-referral-assessment").await;
    housing.submit("main form button[type=submit]").await;
    let page = housing.text().await;
    assert!(
        page.contains("no tenancy") && page.contains("Housing needs"),
        "{page}"
    );
    assert!(
        !page.contains("Alcohol") && !page.contains("Offences"),
        "{page}"
    );
    housing.close().await;

    // The manager records an offence after entry, proven: the measures move.
    let manager = Browser::start().await.expect("a third browser");
    manager.sign_in(&app, "iom.manager").await;
    manager.client.goto(&member_url).await.expect("member page");
    set_date(&manager, "committed_on", &days_ago(10)).await;
    set_date(&manager, "proven_on", &days_ago(5)).await;
    manager.click("#outcome-conviction").await;
    manager.fill("category", "theft-from-shop").await;
    manager
        .submit("form[action$='/offences'] button[type=submit]")
        .await;
    assert!(manager.text().await.contains("theft-from-shop"));
    manager.client.goto(&measures).await.expect("measures");
    let after = cohort_row(&manager).await;
    assert!(
        after.starts_with("Whole cohort (provisional) 1 1 100% 100 0 1"),
        "{after}"
    );
    manager.close().await;
}

#[tokio::test]
async fn the_access_matrix_holds_for_iom_memberships_over_http() {
    use casework_store::iom::{Membership, NewIomMember, Stream, Tier, TierChange};
    use casework_tests::matrix::{HttpMatrix, Setup};

    each_app(|app| async move {
        let team = app.api_token("iom.manager").await;
        let who = person(&app, &team, "Yewdale").await;
        let who = uuid::Uuid::parse_str(&who).expect("uuid");
        let store = casework_tests::http::store_of(&app).await;
        let day = chrono::NaiveDate::from_ymd_opt(2012, 6, 1).expect("date");
        let matrix = HttpMatrix {
            kind: "iom",
            other_agencies: ["iom-team", "cumbria-probation"],
            asker: "iom.manager",
            missing_path: format!("/api/v1/iom/members/{}", uuid::Uuid::new_v4()),
            secrets: &["Yewdale"],
        };
        let open = async |setup: Setup<'_>| {
            let txn = store.begin_write().await.expect("txn");
            // Straight into the store: the one-membership rule is the web's, and each
            // row of the matrix needs a membership of its own.
            let member = store
                .select_iom_member(
                    &txn,
                    NewIomMember {
                        person_id: who,
                        membership: Membership {
                            entered_on: day,
                            stream: Stream::Fixed,
                            tiers: vec![TierChange {
                                on: day,
                                tier: Tier::Red,
                                reason: None,
                            }],
                            deselected: None,
                        },
                        selection_reason: None,
                        ward: None,
                        owner_agency: setup.owner_agency,
                        logged_by: setup.logged_by,
                        lead_officer: setup.lead_officer,
                        police_lead: None,
                        probation_lead: None,
                        placement: None,
                        outreach_worker: None,
                        now: chrono::Utc::now(),
                    },
                )
                .await
                .expect("selected");
            txn.commit().await.expect("commit");
            member.case.id
        };
        let request = |id: uuid::Uuid, action: &str| match action {
            "view" => app
                .client
                .get(app.url(&format!("/api/v1/iom/members/{id}"))),
            "edit" => app
                .client
                .post(app.url(&format!("/api/v1/iom/members/{id}/needs")))
                .json(&json!({"pathway": "health"})),
            "share" => app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/shares")))
                .json(&json!({"agency": "impact-ha", "reason": "Housing need"})),
            "view-audit" => app
                .client
                .get(app.url(&format!("/api/v1/cases/{id}/audit"))),
            _ => app
                .client
                .post(app.url(&format!("/api/v1/iom/members/{id}/deselect")))
                .json(&json!({"on": "2012-07-01", "reason": "Moved away"})),
        };
        matrix.check(&app, &store, open, request).await;
        store.close().await;
    })
    .await;
}
