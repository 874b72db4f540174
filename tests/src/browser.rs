//! A real browser for end-to-end journeys: Debian's Chromium driven over WebDriver by
//! chromedriver. `.ci/run` installs both; locally, a missing browser skips the journey
//! with a message, and under `CI=true` it fails instead.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process and a headless browser session on it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Option<Browser> {
        if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists()
        {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "chromium and chromium-driver must be installed under CI"
            );
            eprintln!("browser journey skipped: install chromium and chromium-driver to run it");
            return None;
        }
        // Two TLS backends are linked (one each from the database and WebDriver
        // clients); name one so rustls does not have to guess.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("browser profile directory");
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("built as an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::rustls()
                .expect("tls")
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(err) => {
                    last_error = Some(err);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not start a browser session: {last_error:?}");
    }

    /// Ends the browser session; call at the end of each journey.
    /// Signs in on the sign-in page as a demo user.
    pub async fn sign_in(&self, app: &crate::TestApp, username: &str) {
        let c = &self.client;
        c.goto(&app.url("/sign-in")).await.expect("sign-in page");
        self.fill("username", username).await;
        self.fill("password", &app.demo_password).await;
        self.submit("form.stack button[type=submit]").await;
    }

    /// Types into the field with this id.
    pub async fn fill(&self, id: &str, text: &str) {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("field {id}: {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {id}: {e}"));
    }

    /// Clicks the element this CSS selector finds first.
    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Clicks a form's submit button and waits for the page it leads to.
    pub async fn submit(&self, css: &str) {
        let before = self.client.current_url().await.expect("url");
        self.click(css).await;
        for _ in 0..100 {
            let ready: serde_json::Value = self
                .client
                .execute("return document.readyState;", vec![])
                .await
                .expect("ready state");
            if self.client.current_url().await.expect("url") != before && ready == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // A form sent back with its errors stays at the same address.
    }

    /// The text of the page's main content.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("main"))
            .await
            .expect("main")
            .text()
            .await
            .expect("text")
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
