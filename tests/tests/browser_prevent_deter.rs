//! The Prevent & Deter journey in a real browser: a housing officer records a
//! 15-year-old and refers them (alcohol-related ASB, four risk factors, both
//! consents); the Prevent & Deter officer finds them on the board, moves them through
//! screening, assessment and the panel, accepts them, and moves them through two
//! programme stages; the analyst's measures count them.

use std::time::Duration;

use casework_tests::browser::Browser;
use casework_tests::{TestDatabase, spawn_app};
use chrono::Datelike;
use fantoccini::Locator;

/// Clicks the step form's button and waits until the page says where they are now.
async fn record_step(browser: &Browser, to: &str, now: &str) {
    browser.click(&format!("#to option[value='{to}']")).await;
    browser.click("main form button[type=submit]").await;
    for _ in 0..100 {
        if let Ok(stage) = browser.client.find(Locator::Id("stage")).await
            && stage.text().await.is_ok_and(|t| t.starts_with(now))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("after moving to {to}: {}", browser.text().await);
}

#[tokio::test]
async fn a_housing_officer_refers_a_young_person_who_is_moved_through_the_programme() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    let c = &browser.client;

    // The housing officer records a 15-year-old and refers them.
    browser.sign_in(&app, "housing.officer").await;
    c.goto(&app.url("/people/new")).await.expect("new person");
    browser.fill("forename", "Kyle").await;
    browser.fill("surname", "Brennan").await;
    let today = chrono::Utc::now().date_naive();
    let born = today
        .with_year(today.year() - 15)
        .unwrap_or(today - chrono::Duration::days(15 * 365 + 4));
    c.execute(
        "document.getElementById('date_of_birth').value = arguments[0];",
        vec![serde_json::json!(born.to_string())],
    )
    .await
    .expect("set the date of birth");
    browser.click("#ward option[value='harbour']").await;
    browser.submit("main form button[type=submit]").await;
    let person_url = c.current_url().await.expect("url").to_string();
    let person_id = person_url
        .rsplit('/')
        .next()
        .expect("person id")
        .to_string();
    assert!(person_url.contains("/people/"), "{person_url}");

    c.goto(&app.url(&format!(
        "/prevent-deter/referrals/new?person_id={person_id}"
    )))
    .await
    .expect("referral form");
    browser.click("#reason-alcohol-related-asb").await;
    for factor in [
        "family-offending",
        "truanting",
        "alcohol-misuse",
        "lives-in-hotspot",
    ] {
        browser.click(&format!("#factor-{factor}")).await;
    }
    browser.click("#consent_young_person").await;
    browser.click("#consent_parent").await;
    browser.submit("main form button[type=submit]").await;
    let referral_url = c.current_url().await.expect("url").to_string();
    assert!(
        referral_url.contains("/prevent-deter/referrals/"),
        "{referral_url}: {}",
        browser.text().await
    );
    let page = browser.text().await;
    assert!(page.contains("Referred (since"), "{page}");
    assert!(page.contains("4 of the usual 4"), "{page}");
    assert!(page.contains("aged 15"), "{page}");
    // Housing reads its referral, but the team moves it on.
    assert!(
        c.find(Locator::Id("to")).await.is_err(),
        "no step form for housing"
    );

    // The Prevent & Deter officer finds them on the board and moves them on.
    c.delete_all_cookies().await.expect("sign out");
    browser.sign_in(&app, "pd.officer").await;
    c.goto(&app.url("/prevent-deter")).await.expect("board");
    c.find(Locator::LinkText("Kyle Brennan"))
        .await
        .expect("on the board")
        .click()
        .await
        .expect("open");
    for (to, now) in [
        ("screened", "Screened"),
        ("assessed", "Assessed"),
        ("panel-decision", "Awaiting the panel's decision"),
        ("accepted", "Accepted onto the programme"),
        ("engagement", "Engagement"),
        ("action-plan", "Action plan agreed"),
    ] {
        record_step(&browser, to, now).await;
    }
    c.goto(&app.url("/prevent-deter")).await.expect("board");
    let board = browser.text().await;
    let column = board
        .split("Programme: Action plan agreed")
        .nth(1)
        .expect("the action plan column");
    assert!(column.contains("Kyle Brennan"), "{board}");

    // The analyst's measures count them.
    c.delete_all_cookies().await.expect("sign out");
    browser.sign_in(&app, "analyst").await;
    c.goto(&app.url("/prevent-deter/measures"))
        .await
        .expect("measures");
    for (id, expected) in [
        ("referred", "1"),
        ("accepted", "1"),
        ("alcohol-related", "1"),
    ] {
        let value = c
            .find(Locator::Id(id))
            .await
            .expect(id)
            .text()
            .await
            .expect("text");
        assert_eq!(value, expected, "{id}");
    }
    assert!(!browser.text().await.contains("Kyle"), "counts only");
    browser.close().await;
}
