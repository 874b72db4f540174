//! Starts the real `casework` binary on port 0 against a fresh database and talks to
//! it over HTTP, as a client would. Each test gets its own server and database, so
//! tests run in parallel.

pub mod browser;
pub mod http;
pub mod lmaps;
pub mod matrix;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use casework_store::testing::{TestDatabase, databases};

/// A running server and a client with its own cookie jar.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database: TestDatabase,
    /// The password of every demo account (servers are started with `--demo`).
    pub demo_password: String,
    /// The first administrator's one-time password, when this start created it.
    pub admin_password: Option<String>,
    _server: Server,
}

/// The server process, stopped when dropped, even when a test panics half way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A new client signed in on the web as `username` (a demo account).
    pub async fn sign_in(&self, username: &str) -> reqwest::Client {
        let client = TestApp::new_client();
        let response = self
            .sign_in_with(&client, username, &self.demo_password)
            .await;
        assert_eq!(response.status(), 303, "sign-in as {username} failed");
        client
    }

    /// Posts the sign-in form with the client's own form token.
    pub async fn sign_in_with(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.form_token(client, "/sign-in").await;
        client
            .post(self.url("/sign-in"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .expect("sign-in sent")
    }

    /// The form token on a page, as a browser would read it from the form.
    pub async fn form_token(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        form_token_in(&html).unwrap_or_else(|| panic!("no form token on {path}"))
    }

    /// A bearer token for a demo account.
    pub async fn api_token(&self, username: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": username, "password": self.demo_password}))
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), 200, "token for {username}");
        let body: serde_json::Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_string()
    }

    /// GET with a bearer token.
    pub async fn api_get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// A fresh client with an empty cookie jar, as a second person would have.
    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client")
    }
}

/// The `casework` binary cargo built beside this test executable.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/this-test -> target/debug/casework
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory");
    let binary = dir.join(format!("casework{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} not found: run `cargo build -p casework` (the README's test command does)",
        binary.display()
    );
    binary
}

/// Starts `casework serve --demo` on a free port against `database`, with extra
/// arguments. Cookies go over plain HTTP, as the tests talk to 127.0.0.1.
pub async fn spawn_app_with(database: TestDatabase, extra: &[&str]) -> TestApp {
    let mut child = Command::new(binary())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &database.url,
        ])
        .args(["--demo", "--insecure-cookies"])
        .args(extra)
        .env("CASEWORK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("casework starts");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let (address, printed) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut printed = Vec::new();
        let mut address = None;
        for line in lines.by_ref().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("Casework listening on ") {
                address = Some(a.to_string());
                break;
            }
            printed.push(line);
        }
        // Keep draining so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        (address, printed)
    })
    .await
    .expect("reader");
    let address = address.expect("the server printed its address");
    let quoted = |marker: &str| {
        printed
            .iter()
            .find(|l| l.contains(marker))
            .and_then(|l| {
                l.split('\'').nth(if marker.contains("Administrator") {
                    3
                } else {
                    1
                })
            })
            .map(str::to_string)
    };
    let app = TestApp {
        address,
        client: TestApp::new_client(),
        database,
        demo_password: quoted("Demo mode")
            .unwrap_or_else(|| panic!("demo password not printed: {printed:?}")),
        admin_password: quoted("Administrator account created"),
        _server: server,
    };
    wait_until_ready(&app).await;
    app
}

/// A second server process on the same database as `app` (as a partnership runs
/// several behind a load balancer). It stops when dropped.
pub async fn spawn_second(app: &TestApp) -> SecondServer {
    let mut child = Command::new(binary())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &app.database.url,
        ])
        .args(["--insecure-cookies"])
        .env("CASEWORK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("second casework starts");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let address = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let address = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("Casework listening on ").map(str::to_string));
        std::thread::spawn(move || lines.for_each(drop));
        address
    })
    .await
    .expect("reader")
    .expect("the second server printed its address");
    SecondServer {
        address,
        _server: server,
    }
}

pub struct SecondServer {
    pub address: String,
    _server: Server,
}

pub async fn spawn_app(database: TestDatabase) -> TestApp {
    spawn_app_with(database, &[]).await
}

/// The value of the first `csrf_token` field in a page.
pub fn form_token_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

async fn wait_until_ready(app: &TestApp) {
    for _ in 0..100 {
        if let Ok(response) = app.client.get(app.url("/readyz")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {} never became ready", app.address);
}

/// Runs `body` against a fresh server on SQLite, then on PostgreSQL.
pub async fn each_app<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for database in databases().await {
        body(spawn_app(database).await).await;
    }
}
