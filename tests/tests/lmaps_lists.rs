//! LMAPS members find the cases on their meetings' agendas on the lists, on both
//! databases: the domestic abuse list (and the MARAC list drawn from it) and the IOM
//! board hold an agenda case for an invited agency's LMAPS member while the meeting is
//! open, and not before it, nor once its access window has closed, nor for a member of
//! an agency not invited.

use casework_store::users::NewUser;
use casework_tests::http::{json_of, page, post, store_of};
use casework_tests::lmaps::{day, meeting};
use casework_tests::{TestApp, each_app};
use serde_json::json;

/// The partnership that runs LMAPS: a domestic abuse case shared with it is proposed
/// for the next meeting's agenda (`casework_domain::lmaps::LMAPS_SHARE_AGENCY`).
const LMAPS_SHARE_AGENCY: &str = "west-cumbria-csp";

/// A new user of `agency` holding the roles of these demo accounts together, signing
/// in with the demo password.
async fn user_like(app: &TestApp, username: &str, agency: &str, like: &[(&str, Option<&str>)]) {
    let store = store_of(app).await;
    let mut roles = std::collections::BTreeSet::new();
    let mut password_hash = String::new();
    for (demo, only) in like {
        let user = store
            .user_by_username(demo)
            .await
            .expect("read")
            .expect("demo user");
        roles.extend(
            user.roles
                .iter()
                .filter(|r| only.is_none_or(|o| r.to_string() == o))
                .copied(),
        );
        password_hash = user.password_hash.clone();
    }
    store
        .create_user(
            store.connection(),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                agency: agency.into(),
                roles,
                password_hash,
                must_change_password: false,
            },
        )
        .await
        .expect("user");
}

/// A user of `agency` with the `lmaps` role only, signed in on the web.
async fn lmaps_member(app: &TestApp, username: &str, agency: &str) -> reqwest::Client {
    user_like(app, username, agency, &[("lmaps.chair", Some("lmaps"))]).await;
    app.sign_in(username).await
}

async fn person(app: &TestApp, token: &str, forename: &str, surname: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": forename, "surname": surname, "ward": "harbour",
                   "address": "7 Quay Street, Whitehaven"}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

/// Whether the page at `path` names `text`, for a reader it must answer with 200.
async fn lists(web: &reqwest::Client, app: &TestApp, path: &str, text: &str) -> bool {
    let (status, html) = page(web, app, path).await;
    assert_eq!(status, 200, "{path}: {html}");
    html.contains(text)
}

#[tokio::test]
async fn an_agenda_case_is_on_the_domestic_abuse_list_of_the_invited_lmaps_members() {
    each_app(|app| async move {
        let specialist = app.api_token("dv.specialist").await;
        let chair = app.api_token("lmaps.chair").await;
        let victim = person(&app, &specialist, "Dora", "Agenda").await;
        let opened = json_of(
            post(
                &app,
                &specialist,
                "/api/v1/dv/cases",
                json!({"victim_id": victim, "ward": "harbour"}),
            )
            .await,
            201,
        )
        .await;
        let id = opened["id"].as_str().expect("id");
        let reference = opened["reference"].as_str().expect("reference");
        // Shared with LMAPS: proposed for the next meeting's agenda.
        json_of(
            post(
                &app,
                &specialist,
                &format!("/api/v1/cases/{id}/shares"),
                json!({"agency": LMAPS_SHARE_AGENCY, "reason": "For the LMAPS meeting"}),
            )
            .await,
            201,
        )
        .await;
        let housing = lmaps_member(&app, "housing.lmaps", "derwent-solway-ha").await;
        let fire = lmaps_member(&app, "fire.lmaps", "cumbria-fire-rescue").await;
        let impact = lmaps_member(&app, "impact.lmaps", "impact-ha").await;

        // No meeting yet: the list opens to an LMAPS member, empty.
        assert!(!lists(&housing, &app, "/dv/cases", reference).await);

        // A meeting two days ago whose one-day window has closed opens nothing.
        let store = store_of(&app).await;
        store
            .set_setting(store.connection(), "lmaps.access-window-days", "1")
            .await
            .expect("setting");
        meeting(&app, &chair, &day(-2), &["impact-ha"]).await;
        // Today's meeting, to which housing is invited.
        meeting(&app, &chair, &day(0), &["derwent-solway-ha"]).await;
        assert!(lists(&housing, &app, "/dv/cases", reference).await);
        assert!(lists(&housing, &app, "/dv/cases", "Dora Agenda").await);
        // The list names the victim, never where they live.
        assert!(!lists(&housing, &app, "/dv/cases", "Quay Street").await);
        for (other, who) in [(&fire, "not invited"), (&impact, "window closed")] {
            assert!(!lists(other, &app, "/dv/cases", reference).await, "{who}");
        }
        // The MARAC list, drawn from the same cases, opens to them too.
        assert!(!lists(&housing, &app, "/dv/marac", "Quay Street").await);
        // An LMAPS member reads; they open no case of their own.
        assert!(!lists(&housing, &app, "/dv/cases", "/dv/cases/new").await);
        let (status, _) = page(&housing, &app, "/dv/cases/new").await;
        assert_eq!(status, 404);
        // Those with no reach at all still find no list.
        let analyst = app.sign_in("analyst").await;
        assert_eq!(page(&analyst, &app, "/dv/cases").await.0, 404);
        // The owner's specialist still sees the case, as before.
        let owner = app.sign_in("dv.specialist").await;
        assert!(lists(&owner, &app, "/dv/cases", reference).await);
    })
    .await;
}

#[tokio::test]
async fn an_agenda_member_is_on_the_iom_board_of_the_invited_lmaps_members() {
    each_app(|app| async move {
        let manager = app.api_token("iom.manager").await;
        // A chair in the IOM team: an LMAPS chair who may open the member to add them.
        user_like(
            &app,
            "iom.chair",
            "iom-team",
            &[("lmaps.chair", Some("lmaps")), ("iom.manager", None)],
        )
        .await;
        let chair = app.api_token("iom.chair").await;
        let who = person(&app, &manager, "Ivor", "Boardman").await;
        let member = json_of(
            post(
                &app,
                &manager,
                "/api/v1/iom/members",
                json!({"person_id": who, "entered_on": day(-30), "stream": "fixed",
                       "tier": "amber", "reason": "prolific acquisitive offending"}),
            )
            .await,
            201,
        )
        .await;
        let id = member["id"].as_str().expect("id");
        let housing = lmaps_member(&app, "housing.lmaps", "derwent-solway-ha").await;
        let fire = lmaps_member(&app, "fire.lmaps", "cumbria-fire-rescue").await;

        // Before any meeting the board opens to an LMAPS member, without the member.
        assert!(!lists(&housing, &app, "/iom", "Ivor Boardman").await);

        let meeting_id = meeting(&app, &chair, &day(1), &["derwent-solway-ha"]).await;
        // Amber, so not proposed: the meeting alone opens nothing.
        assert!(!lists(&housing, &app, "/iom", "Ivor Boardman").await);
        json_of(
            post(
                &app,
                &chair,
                &format!("/api/v1/lmaps/meetings/{meeting_id}/items"),
                json!({"action": "add", "case_id": id}),
            )
            .await,
            200,
        )
        .await;
        assert!(lists(&housing, &app, "/iom", "Ivor Boardman").await);
        assert!(lists(&housing, &app, "/iom", &format!("/iom/members/{id}")).await);
        // An agenda reader sees who is on the board, not their offending.
        assert!(lists(&housing, &app, "/iom", "Not shown").await);
        assert!(!lists(&fire, &app, "/iom", "Ivor Boardman").await);
        // The IOM team's board is as it was.
        let team = app.sign_in("iom.manager").await;
        assert!(lists(&team, &app, "/iom", "Ivor Boardman").await);
        let analyst = app.sign_in("analyst").await;
        assert_eq!(page(&analyst, &app, "/iom").await.0, 404);
    })
    .await;
}
