//! The LMAPS journey in a real browser: the chair creates a meeting, sees a Gold ASB
//! victim proposed with its reason, marks the meeting held, minutes an action naming
//! its officer by username, and sees it on the agency's actions list.

use casework_tests::browser::Browser;
use casework_tests::http::{json_of, post};
use casework_tests::{TestDatabase, spawn_app};
use chrono::{Duration, Utc};
use fantoccini::Locator;
use serde_json::{Map, Value, json};

/// Sets a date field as a date picker would.
async fn set_date(browser: &Browser, id: &str, day: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(day)],
        )
        .await
        .expect("set the date");
}

#[tokio::test]
async fn the_chair_sees_a_gold_victim_proposed_minutes_an_action_and_finds_it_on_the_list() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app(TestDatabase::sqlite()).await;

    // A Gold victim in Copeland, recorded by the police over the API.
    let police = app.api_token("police.officer").await;
    let person = json_of(
        post(
            &app,
            &police,
            "/api/v1/people",
            json!({"forename": "Maisie", "surname": "Tyson", "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    let case = json_of(
        post(
            &app,
            &police,
            "/api/v1/asb/cases",
            json!({"person_id": person["id"], "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    let reference = case["reference"].as_str().expect("reference").to_string();
    let instrument = json_of(app.api_get(&police, "/api/v1/asb/instrument").await, 200).await;
    let mut answers = Map::new();
    for q in instrument["questions"].as_array().expect("questions") {
        let key = q["key"].as_str().expect("key");
        answers.insert(key.into(), Value::Bool(key == "threats-or-violence"));
    }
    let path = format!(
        "/api/v1/asb/cases/{}/risk-assessments",
        case["id"].as_str().expect("id")
    );
    json_of(
        post(&app, &police, &path, json!({"answers": answers})).await,
        201,
    )
    .await;

    let c = &browser.client;
    browser.sign_in(&app, "lmaps.chair").await;
    c.find(Locator::LinkText("LMAPS"))
        .await
        .expect("nav link")
        .click()
        .await
        .expect("click");
    browser.click("#district option[value='copeland']").await;
    let today = Utc::now().date_naive();
    set_date(&browser, "held_on", &today.to_string()).await;
    browser.click("#invite-cumbria-constabulary").await;
    browser.submit("main form.stack button[type=submit]").await;
    let meeting_url = c.current_url().await.expect("url").to_string();
    assert!(meeting_url.contains("/lmaps/meetings/"), "{meeting_url}");

    let row = c
        .find(Locator::Id(&format!("item-{reference}")))
        .await
        .expect("the Gold victim is proposed")
        .text()
        .await
        .expect("text");
    assert!(row.contains("Gold ASB victim"), "{row}");
    assert!(row.contains("Maisie Tyson"), "{row}");

    browser.submit("#move-held").await;
    c.goto(&meeting_url).await.expect("meeting");
    assert!(browser.text().await.contains("Held"));
    browser
        .fill(
            &format!("summary-{reference}"),
            "Threats made at the door again.",
        )
        .await;
    // The first of the item's action rows, the officer named by username; the other
    // rows are left blank.
    browser
        .fill(
            &format!("actions-0-description-{reference}"),
            "Fit a door chain",
        )
        .await;
    browser
        .click(&format!(
            "#actions-0-agency-{reference} option[value='copeland-bc']"
        ))
        .await;
    browser
        .fill(&format!("actions-0-officer-{reference}"), "council.officer")
        .await;
    set_date(
        &browser,
        &format!("actions-0-due_on-{reference}"),
        &(today + Duration::days(3)).to_string(),
    )
    .await;
    browser
        .click(&format!("#minutes-{reference} button[type=submit]"))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    c.goto(&meeting_url).await.expect("meeting");
    let minuted = browser.text().await;
    assert!(
        minuted.contains("Threats made at the door again."),
        "{minuted}"
    );
    assert!(
        minuted.contains("Jo Fletcher"),
        "the officer named: {minuted}"
    );

    c.find(Locator::LinkText("Actions"))
        .await
        .expect("nav link")
        .click()
        .await
        .expect("click");
    let list = c
        .find(Locator::Id("actions"))
        .await
        .expect("the actions list")
        .text()
        .await
        .expect("text");
    assert!(list.contains("Fit a door chain"), "{list}");
    assert!(list.contains(&reference), "{list}");
    assert!(list.contains("LMAPS"), "{list}");
    browser.close().await;
}
