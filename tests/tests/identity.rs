//! Identity and access over HTTP, on both databases: sessions, sign-out, disabling,
//! lockout, form tokens, API tokens, the first administrator, and role checks.

use casework_store::Store;
use casework_tests::{TestApp, each_app, form_token_in};
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::Value;

/// The session cookie a response sets, as `name=value`.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("casework_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// A client that never stores cookies: the test sends them by hand.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn get_with_cookie(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    bare_client()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("request")
}

fn redirects_to_sign_in(response: &reqwest::Response) -> bool {
    response.status() == 303
        && response.headers()["location"]
            .to_str()
            .is_ok_and(|l| l.starts_with("/sign-in"))
}

#[tokio::test]
async fn nothing_is_served_without_signing_in() {
    each_app(|app| async move {
        assert!(redirects_to_sign_in(&app.get("/plan").await));
        let api = app.get("/api/v1/plan").await;
        assert_eq!(api.status(), 401);
        assert_eq!(api.headers()["content-type"], "application/problem+json");
        let bad_token = app.api_get("not-a-token", "/api/v1/plan").await;
        assert_eq!(bad_token.status(), 401);
        assert_eq!(app.get("/healthz").await.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn a_cookie_from_before_sign_in_is_useless_after_it() {
    each_app(|app| async move {
        let client = bare_client();
        let page = client.get(app.url("/sign-in")).send().await.expect("page");
        let before = session_cookie(&page).expect("anonymous session cookie");
        let cookie_attrs: Vec<String> = page
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_lowercase))
            .collect();
        assert!(
            cookie_attrs
                .iter()
                .any(|c| c.contains("httponly") && c.contains("samesite=strict"))
        );
        let token = form_token_in(&page.text().await.expect("html")).expect("token");
        let signed_in = client
            .post(app.url("/sign-in"))
            .header(COOKIE, &before)
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "police.officer"),
                ("password", &app.demo_password),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(signed_in.status(), 303);
        let after = session_cookie(&signed_in).expect("new session cookie");
        assert_ne!(before, after, "sign-in must issue a new session id");
        assert_eq!(get_with_cookie(&app, &after, "/plan").await.status(), 200);
        assert!(redirects_to_sign_in(
            &get_with_cookie(&app, &before, "/plan").await
        ));
    })
    .await;
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    each_app(|app| async move {
        let client = bare_client();
        let page = client.get(app.url("/sign-in")).send().await.expect("page");
        let anon = session_cookie(&page).expect("cookie");
        let token = form_token_in(&page.text().await.expect("html")).expect("token");
        let signed_in = client
            .post(app.url("/sign-in"))
            .header(COOKIE, &anon)
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "analyst"),
                ("password", &app.demo_password),
            ])
            .send()
            .await
            .expect("sign in");
        let cookie = session_cookie(&signed_in).expect("cookie");
        let home = get_with_cookie(&app, &cookie, "/").await;
        let token = form_token_in(&home.text().await.expect("html")).expect("sign-out form token");
        let out = client
            .post(app.url("/sign-out"))
            .header(COOKIE, &cookie)
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .expect("sign out");
        assert_eq!(out.status(), 303);
        // The old cookie, replayed, is refused: the session is gone from the database.
        assert!(redirects_to_sign_in(
            &get_with_cookie(&app, &cookie, "/plan").await
        ));
    })
    .await;
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_tokens() {
    each_app(|app| async move {
        let officer = app.sign_in("housing.officer").await;
        let token = app.api_token("housing.officer").await;
        assert_eq!(
            officer
                .get(app.url("/plan"))
                .send()
                .await
                .expect("page")
                .status(),
            200
        );
        assert_eq!(app.api_get(&token, "/api/v1/plan").await.status(), 200);

        let admin = app.sign_in("demo.admin").await;
        let users = admin
            .get(app.url("/admin/users"))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("html");
        let id = users
            .split("href=\"/admin/users/")
            .filter_map(|rest| rest.split('"').next())
            .find(|id| users.contains(&format!("href=\"/admin/users/{id}\">Sam Kerr")))
            .expect("housing officer listed")
            .to_string();
        let token_field = app.form_token(&admin, &format!("/admin/users/{id}")).await;
        let disabled = admin
            .post(app.url(&format!("/admin/users/{id}/disable")))
            .form(&[("csrf_token", token_field.as_str())])
            .send()
            .await
            .expect("disable");
        assert_eq!(disabled.status(), 303);

        assert!(redirects_to_sign_in(
            &officer.get(app.url("/plan")).send().await.expect("page")
        ));
        assert_eq!(app.api_get(&token, "/api/v1/plan").await.status(), 401);
        let again = app
            .sign_in_with(
                &TestApp::new_client(),
                "housing.officer",
                &app.demo_password,
            )
            .await;
        assert_eq!(again.status(), 401, "a disabled user cannot sign in");
    })
    .await;
}

#[tokio::test]
async fn eleven_wrong_passwords_lock_the_account_until_the_lock_ends() {
    each_app(|app| async move {
        let store = Store::connect(&app.database.url).await.expect("store");
        store
            .set_setting(store.connection(), "sign-in.lockout-seconds", "3")
            .await
            .expect("short lock");
        let client = TestApp::new_client();
        for attempt in 1..=11 {
            let wrong = app
                .sign_in_with(&client, "pd.officer", "not the password at all")
                .await;
            assert_eq!(wrong.status(), 401, "attempt {attempt}");
        }
        let right = app
            .sign_in_with(&client, "pd.officer", &app.demo_password)
            .await;
        assert_eq!(
            right.status(),
            401,
            "the right password is refused while locked"
        );
        let api = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": "pd.officer", "password": app.demo_password}))
            .send()
            .await
            .expect("token");
        assert_eq!(api.status(), 401, "the API honours the same lock");
        tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
        let later = app
            .sign_in_with(&client, "pd.officer", &app.demo_password)
            .await;
        assert_eq!(later.status(), 303, "the lock has ended");
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    each_app(|app| async move {
        let ask = |username: &'static str| {
            let app = &app;
            async move {
                let response = app
                    .client
                    .post(app.url("/api/v1/auth/token"))
                    .json(&serde_json::json!({"username": username, "password": "wrong password here"}))
                    .send()
                    .await
                    .expect("token");
                (response.status(), response.text().await.expect("body"))
            }
        };
        let unknown = ask("nobody.at.all").await;
        let wrong = ask("analyst").await;
        assert_eq!(unknown, wrong);
        assert_eq!(unknown.0, 401);
    })
    .await;
}

#[tokio::test]
async fn a_form_post_without_the_token_is_refused() {
    each_app(|app| async move {
        let admin = app.sign_in("demo.admin").await;
        let forged = admin
            .post(app.url("/admin/users"))
            .form(&[
                ("username", "forged.user"),
                ("display_name", "Forged"),
                ("agency", "impact-ha"),
                ("role", "officer"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status(), 403);
        let other = app.sign_in("analyst").await;
        let someone_elses = app.form_token(&other, "/").await;
        let wrong = admin
            .post(app.url("/admin/users"))
            .form(&[
                ("csrf_token", someone_elses.as_str()),
                ("username", "forged.user"),
                ("display_name", "Forged"),
                ("agency", "impact-ha"),
                ("role", "officer"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(wrong.status(), 403);
        let list = admin
            .get(app.url("/admin/users"))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("html");
        assert!(!list.contains("forged.user"));
    })
    .await;
}

#[tokio::test]
async fn the_first_administrator_must_change_the_password_then_adds_a_user() {
    each_app(|app| async move {
        let password = app
            .admin_password
            .clone()
            .expect("first start printed the admin password");
        let client = TestApp::new_client();
        let signed_in = app.sign_in_with(&client, "admin", &password).await;
        assert_eq!(signed_in.status(), 303);
        assert_eq!(signed_in.headers()["location"], "/account/password");
        let blocked = client
            .get(app.url("/admin/users"))
            .send()
            .await
            .expect("page");
        assert_eq!(blocked.headers()["location"], "/account/password");

        let token = app.form_token(&client, "/account/password").await;
        let weak = client
            .post(app.url("/account/password"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("current_password", password.as_str()),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(weak.status(), 422);
        assert!(
            weak.text()
                .await
                .expect("html")
                .contains("href=\"#new_password\"")
        );
        let strong = "lantern harbour kettle moss";
        let changed = client
            .post(app.url("/account/password"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("current_password", password.as_str()),
                ("new_password", strong),
                ("confirm_password", strong),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(changed.status(), 303);

        let token = app.form_token(&client, "/admin/users/new").await;
        let created = client
            .post(app.url("/admin/users"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "j.bloggs"),
                ("display_name", "Jo Bloggs"),
                ("agency", "impact-ha"),
                ("role", "officer"),
            ])
            .send()
            .await
            .expect("create");
        assert_eq!(created.status(), 200);
        let html = created.text().await.expect("html");
        let start = html
            .find("id=\"temporary-password\">")
            .expect("password shown")
            + 24;
        let temporary = &html[start..start + 20];
        let newcomer = TestApp::new_client();
        let first = app.sign_in_with(&newcomer, "j.bloggs", temporary).await;
        assert_eq!(first.headers()["location"], "/account/password");

        let bad = client
            .post(app.url("/admin/users"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "Bad Name"),
                ("display_name", ""),
                ("agency", "nowhere"),
            ])
            .send()
            .await
            .expect("create");
        assert_eq!(bad.status(), 422);
        let html = bad.text().await.expect("html");
        for field in ["username", "display_name", "agency", "roles"] {
            assert!(
                html.contains(&format!("href=\"#{field}\"")),
                "{field} named"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn pages_for_administrators_are_not_there_for_anyone_else() {
    each_app(|app| async move {
        for username in [
            "police.officer",
            "dv.specialist",
            "iom.manager",
            "pd.officer",
            "lmaps.chair",
            "analyst",
            "dpo",
        ] {
            let client = app.sign_in(username).await;
            let page = client
                .get(app.url("/admin/users"))
                .send()
                .await
                .expect("page");
            assert_eq!(page.status(), 404, "{username}");
        }
        let admin = app.sign_in("demo.admin").await;
        let page = admin
            .get(app.url("/admin/users"))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["cache-control"], "no-store");
    })
    .await;
}

#[tokio::test]
async fn api_tokens_expire_when_revoked() {
    each_app(|app| async move {
        let token = app.api_token("iom.manager").await;
        assert_eq!(app.api_get(&token, "/api/v1/agencies").await.status(), 200);
        let revoked = app
            .client
            .delete(app.url("/api/v1/auth/token"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("revoke");
        assert_eq!(revoked.status(), 204);
        let after = app.api_get(&token, "/api/v1/agencies").await;
        assert_eq!(after.status(), 401);
        let body: Value = after.json().await.expect("problem");
        assert_eq!(body["status"], 401);
    })
    .await;
}

#[tokio::test]
async fn administrators_change_settings_within_their_limits() {
    each_app(|app| async move {
        let admin = app.sign_in("demo.admin").await;
        let token = app.form_token(&admin, "/admin/settings").await;
        let too_big = admin
            .post(app.url("/admin/settings"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("key", "session.idle-minutes"),
                ("value", "100000"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(too_big.status(), 422);
        assert!(
            too_big
                .text()
                .await
                .expect("html")
                .contains("href=\"#session.idle-minutes\"")
        );
        let ok = admin
            .post(app.url("/admin/settings"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("key", "sign-in.lockout-failures"),
                ("value", "5"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(ok.status(), 303);
        let store = Store::connect(&app.database.url).await.expect("store");
        assert_eq!(
            store.settings().await.expect("settings").lockout_failures,
            5
        );
        let logged = casework_audit::search(
            store.connection(),
            &casework_audit::AuditFilter {
                action: Some(casework_audit::AuditAction::Admin),
                ..Default::default()
            },
            1,
            10,
        )
        .await
        .expect("search");
        assert_eq!(logged.total, 1);
        assert!(
            logged.events[0].summary.contains("\"old\":10"),
            "{}",
            logged.events[0].summary
        );
        let officer = app.sign_in("police.officer").await;
        assert_eq!(
            officer
                .get(app.url("/admin/settings"))
                .send()
                .await
                .expect("page")
                .status(),
            404
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_unknown_user_takes_as_long_as_a_wrong_password() {
    each_app(|app| async move {
        let time = |username: &'static str| {
            let app = &app;
            async move {
                let mut samples = Vec::new();
                for _ in 0..5 {
                    let started = std::time::Instant::now();
                    let response = app
                        .client
                        .post(app.url("/api/v1/auth/token"))
                        .json(&serde_json::json!({"username": username, "password": "a wrong password"}))
                        .send()
                        .await
                        .expect("token");
                    assert_eq!(response.status(), 401);
                    samples.push(started.elapsed().as_secs_f64());
                }
                samples.sort_by(f64::total_cmp);
                samples[2]
            }
        };
        let unknown = time("nobody.here").await;
        let known = time("analyst").await;
        // Both run one argon2 verification; without the dummy hash the unknown
        // user would answer many times faster.
        let ratio = unknown / known;
        assert!((0.5..2.0).contains(&ratio), "unknown {unknown:.4}s vs known {known:.4}s");
    })
    .await;
}
