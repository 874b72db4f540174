//! The plan's report in a real browser: the partnership's analyst opens the quarterly
//! report from the plan, moves to Q1, follows an aim to its cases (counted, none shown
//! to an analyst), and enters the quarter's KSI figure, which the report then judges
//! against its baseline.

use casework_tests::browser::Browser;
use casework_tests::http::{json_of, post};
use casework_tests::{TestDatabase, spawn_app};
use fantoccini::Locator;
use serde_json::json;

#[tokio::test]
async fn an_analyst_reads_the_report_follows_an_aim_and_enters_a_ksi_figure() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    // One IOM member, so the re-offending aim has a case.
    let iom = app.api_token("iom.manager").await;
    let person = json_of(
        post(
            &app,
            &iom,
            "/api/v1/people",
            json!({"forename": "Owen", "surname": "Journey", "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    json_of(
        post(
            &app,
            &iom,
            "/api/v1/iom/members",
            json!({"person_id": person["id"], "entered_on": "2012-05-01", "stream": "fixed",
                   "tier": "red", "reason": "prolific offending"}),
        )
        .await,
        201,
    )
    .await;

    browser.sign_in(&app, "analyst").await;
    let c = &browser.client;
    c.goto(&app.url("/plan")).await.expect("plan");
    browser.submit("#quarterly-report").await;
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .ends_with("/plan/2012-13/report")
    );
    browser
        .submit("a[href='/plan/2012-13/report?quarter=Q1']")
        .await;
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .expect("heading")
        .text()
        .await
        .expect("text");
    assert!(heading.ends_with("report for Q1"), "{heading}");

    // Follow the re-offending aim to its cases: one serves it; the analyst sees none.
    browser
        .submit("#reoffending-iom-cohort a[href$='/cases']")
        .await;
    let serving = c
        .find(Locator::Id("serving"))
        .await
        .expect("count")
        .text()
        .await
        .expect("text");
    assert!(serving.starts_with("1 case serves this aim"), "{serving}");
    assert!(serving.contains("You may see 0 of them"), "{serving}");
    assert!(!browser.text().await.contains("Owen"));

    // Enter Q1's KSI figure: 11 against a baseline of 12 is beyond 5%: improving.
    c.goto(&app.url("/plan/2012-13/report?quarter=Q1"))
        .await
        .expect("report");
    browser.fill("value-ksi-casualties", "11").await;
    browser
        .fill("source-ksi-casualties", "CRASH group data, July 2012")
        .await;
    browser
        .submit("#ksi-casualties form button[type=submit]")
        .await;
    let row = c
        .find(Locator::Css(
            "#ksi-casualties tr[data-district='West Cumbria']",
        ))
        .await
        .expect("KSI row");
    assert_eq!(
        row.attr("data-status").await.expect("attr").as_deref(),
        Some("improving")
    );
    let text = row.text().await.expect("row text");
    assert!(text.contains("11"), "{text}");
    assert!(text.contains("Improving"), "{text}");
    assert!(text.contains("CRASH group data, July 2012"), "{text}");
    browser.close().await;
}
