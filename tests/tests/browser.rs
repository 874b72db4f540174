//! Journeys in a real browser.

use casework_tests::browser::Browser;
use casework_tests::{TestDatabase, spawn_app};
use fantoccini::Locator;

#[tokio::test]
async fn a_visitor_reads_an_aim_on_the_plan_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    let c = &browser.client;
    c.goto(&app.url("/plan")).await.expect("plan");
    // Not signed in: sent to sign in, then back to the plan.
    c.find(Locator::Id("username"))
        .await
        .expect("sign-in form")
        .send_keys("analyst")
        .await
        .expect("type");
    c.find(Locator::Id("password"))
        .await
        .expect("password field")
        .send_keys(&app.demo_password)
        .await
        .expect("type");
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sign in");
    c.goto(&app.url("/")).await.expect("home");
    c.find(Locator::LinkText("The plan"))
        .await
        .expect("nav link")
        .click()
        .await
        .expect("click");
    let aim = c
        .find(Locator::Css("#asb-hotspots h3"))
        .await
        .expect("aim on the page");
    assert_eq!(aim.text().await.expect("text"), "Target ASB Hotspots");
    browser.close().await;
}

/// The ASB core journey: an officer records a person, opens a case for them, logs three
/// incidents and sees them flagged a repeat victim, then assesses their risk as Gold.
#[tokio::test]
async fn an_officer_flags_a_repeat_victim_and_assesses_them_gold() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    let c = &browser.client;
    browser.sign_in(&app, "police.officer").await;

    c.goto(&app.url("/people/new")).await.expect("new person");
    browser.fill("forename", "Winifred").await;
    browser.fill("surname", "Pattinson").await;
    browser.submit("main form button[type=submit]").await;
    c.find(Locator::LinkText("Open an ASB case for Winifred Pattinson"))
        .await
        .expect("link from the person page")
        .click()
        .await
        .expect("click");
    browser.click("#ward option[value='harbour']").await;
    browser.submit("main form button[type=submit]").await;
    let case_url = c.current_url().await.expect("url").to_string();
    assert!(case_url.contains("/asb/cases/"), "{case_url}");
    assert!(browser.text().await.contains("Not assessed yet"));

    // Three incidents in the last months: datetime fields are set as a date picker would.
    for days_ago in [90, 40, 3] {
        c.goto(&format!("{case_url}/incidents"))
            .await
            .expect("incident form");
        let at = (chrono::Utc::now() - chrono::Duration::days(days_ago))
            .format("%Y-%m-%dT20:30")
            .to_string();
        for field in ["occurred_at", "reported_at"] {
            c.execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![serde_json::json!(field), serde_json::json!(at)],
            )
            .await
            .expect("set the time");
        }
        browser.click("#category-personal").await;
        browser.click("#type option[value='harassment']").await;
        browser.click("#ward option[value='harbour']").await;
        browser.submit("main form button[type=submit]").await;
        let url = c.current_url().await.expect("url").to_string();
        assert_eq!(url, case_url, "{}", browser.text().await);
    }
    let page = browser.text().await;
    assert!(page.contains("Repeat victim"), "{page}");

    c.find(Locator::LinkText("Assess the victim's risk"))
        .await
        .expect("assess link")
        .click()
        .await
        .expect("click");
    let questions = c
        .find_all(Locator::Css("input[type=radio][value=no]"))
        .await
        .expect("questions");
    for no in questions {
        no.click().await.expect("answer no");
    }
    browser
        .click("input[id='answers.threats-or-violence-yes']")
        .await;
    browser.submit("main form button[type=submit]").await;
    assert_eq!(c.current_url().await.expect("url").as_str(), case_url);
    let risk = c
        .find(Locator::XPath("//dt[.='Risk']/following-sibling::dd[1]"))
        .await
        .expect("risk")
        .text()
        .await
        .expect("text");
    assert_eq!(risk, "Gold (high risk)");
    browser.close().await;
}

/// The domestic abuse journey: a specialist opens a case and logs an incident, completes
/// the DASH checklist with 14 "yes" (the count keeps up as they answer), sees that a
/// MARAC referral is required for visible high risk, records it, and logs another
/// incident three months after the first: a repeat.
#[tokio::test]
async fn a_specialist_refers_a_high_risk_victim_to_marac_and_sees_a_repeat() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    let c = &browser.client;
    browser.sign_in(&app, "dv.specialist").await;

    c.goto(&app.url("/people/new")).await.expect("new person");
    browser.fill("forename", "Kirsty").await;
    browser.fill("surname", "Wilkinson").await;
    browser.submit("main form button[type=submit]").await;
    c.find(Locator::LinkText(
        "Open a domestic abuse case for Kirsty Wilkinson",
    ))
    .await
    .expect("link from the person page")
    .click()
    .await
    .expect("click");
    browser.click("#ward option[value='harbour']").await;
    browser.submit("main form button[type=submit]").await;
    let case_url = c.current_url().await.expect("url").to_string();
    assert!(case_url.contains("/dv/cases/"), "{case_url}");

    // Dates are set as a date picker would; the second incident is three months after
    // the first, which was four months ago.
    let first = chrono::Utc::now() - chrono::Duration::days(120);
    let second = first + chrono::Duration::days(91);
    let set = |id: &'static str, value: String| async move {
        c.execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .expect("set the field");
    };
    let log_incident = |at: chrono::DateTime<chrono::Utc>| {
        let browser = &browser;
        let case_url = case_url.clone();
        async move {
            c.goto(&format!("{case_url}/incidents"))
                .await
                .expect("incident form");
            set("occurred_at", at.format("%Y-%m-%dT21:15").to_string()).await;
            browser.click("#reported_by-police").await;
            browser.click("#arrest_made-yes").await;
            browser.click("#children_present-no").await;
            browser.submit("main form button[type=submit]").await;
            let url = c.current_url().await.expect("url").to_string();
            assert_eq!(url, case_url, "{}", browser.text().await);
        }
    };
    log_incident(first).await;

    c.goto(&format!("{case_url}/dash"))
        .await
        .expect("checklist");
    // Each answer is brought to the middle of the window first, clear of the running
    // count that stays at its foot.
    let answer = |value: &'static str, how_many: usize| async move {
        let radios = c
            .find_all(Locator::Css(&format!("input[type=radio][value='{value}']")))
            .await
            .expect("answers");
        for radio in radios.into_iter().take(how_many) {
            c.execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&radio).expect("element")],
            )
            .await
            .expect("scroll");
            radio.click().await.expect("answer");
        }
    };
    answer("no", 24).await;
    answer("yes", 14).await;
    let count = c
        .find(Locator::Id("yes-count"))
        .await
        .expect("count")
        .text()
        .await
        .expect("text");
    assert_eq!(count, "14", "the count keeps up with the answers");
    let meaning = c
        .find(Locator::Id("dash-meaning"))
        .await
        .expect("meaning")
        .text()
        .await
        .expect("text");
    assert_eq!(meaning, "High risk");
    browser.submit("button[value=save]").await;
    assert_eq!(c.current_url().await.expect("url").as_str(), case_url);
    let page = browser.text().await;
    assert!(
        page.contains("MARAC referral required: visible high risk"),
        "{page}"
    );

    c.find(Locator::LinkText("Record the MARAC referral"))
        .await
        .expect("referral link")
        .click()
        .await
        .expect("click");
    set(
        "referred_on",
        (first + chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string(),
    )
    .await;
    browser.submit("main form button[type=submit]").await;
    assert_eq!(c.current_url().await.expect("url").as_str(), case_url);
    let page = browser.text().await;
    assert!(page.contains("MARAC referral made on"), "{page}");

    log_incident(second).await;
    let page = browser.text().await;
    assert!(
        page.contains("MARAC referral required: visible high risk, repeat"),
        "{page}"
    );
    browser.close().await;
}

/// The hotspot map: an analyst reads March 2016's anti-social behaviour for West
/// Cumbria, then for Copeland alone, on the map and in its table.
#[tokio::test]
async fn an_analyst_reads_the_hotspot_map() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;
    let token = app.api_token("analyst").await;
    let imported = app
        .client
        .post(app.url("/api/v1/imports/police-uk"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(include_str!(
            "../fixtures/police-uk/2016-03-cumbria-street.csv"
        ))
        .send()
        .await
        .expect("import");
    assert!(imported.status().is_success(), "{}", imported.status());

    let c = &browser.client;
    browser.sign_in(&app, "analyst").await;
    c.find(Locator::LinkText("Crime map"))
        .await
        .expect("nav link")
        .click()
        .await
        .expect("click");
    let heading = c
        .find(Locator::Css("main h2"))
        .await
        .expect("heading")
        .text()
        .await
        .expect("text");
    assert_eq!(heading, "Anti-social behaviour, March 2016");
    // Every LSOA of both districts is drawn; the table is the text alternative.
    let shapes = c
        .find_all(Locator::Css("svg path.lsoa"))
        .await
        .expect("shapes");
    assert_eq!(shapes.len(), 109);
    let rows = c
        .find_all(Locator::Css("table.top-ten tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 10);
    assert!(browser.text().await.contains("312 in all"), "166 + 146");

    browser.click("#district option[value='copeland']").await;
    browser
        .submit("form[role=search] button[type=submit]")
        .await;
    let page = browser.text().await;
    assert!(page.contains("146 in all"), "{page}");
    let first_district = c
        .find(Locator::Css("table.top-ten tbody tr td:nth-child(2)"))
        .await
        .expect("cell")
        .text()
        .await
        .expect("text");
    assert_eq!(first_district.to_lowercase(), "copeland");
    browser.close().await;
}
