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
