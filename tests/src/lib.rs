//! Starts the real `casework` binary on port 0 against a fresh database and talks to
//! it over HTTP, as a client would. Each test gets its own server and database, so
//! tests run in parallel.

pub mod browser;

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
    child: Child,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
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

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

/// Starts `casework serve` on a free port against `database`, with extra arguments.
pub async fn spawn_app_with(database: TestDatabase, extra: &[&str]) -> TestApp {
    let mut child = Command::new(binary())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &database.url,
        ])
        .args(extra)
        .env("CASEWORK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("casework starts");
    let stdout = child.stdout.take().expect("stdout");
    let address = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let found = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.strip_prefix("Casework listening on ")
                .map(str::to_string)
        });
        // Keep draining so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        found
    })
    .await
    .expect("reader")
    .expect("the server printed its address");
    let app = TestApp {
        address,
        client: TestApp::new_client(),
        database,
        child,
    };
    wait_until_ready(&app).await;
    app
}

pub async fn spawn_app(database: TestDatabase) -> TestApp {
    spawn_app_with(database, &[]).await
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
