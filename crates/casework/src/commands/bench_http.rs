//! The benches' HTTP client: plain HTTP/1.0 against the server they start, and signing
//! in through the real form, so a bench times what a browser would wait for.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use casework_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

/// Starts the whole web application in process on a free local port, as `serve` does
/// (plain-HTTP cookies, demo sign-in page). Abort the handle when done.
pub async fn serve(store: &Store) -> anyhow::Result<(SocketAddr, JoinHandle<std::io::Result<()>>)> {
    let state = casework_web::AppState::new(
        store.clone(),
        casework_web::WebConfig {
            insecure_cookies: true,
            demo: true,
        },
    )
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let app = casework_web::app(state);
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    Ok((address, server))
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// One HTTP/1.0 request on its own connection (so the body ends when it closes).
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> anyhow::Result<Reply> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {address}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").context("no end of headers")?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: body.to_string(),
    })
}

/// Signs in on the web and returns the session cookie (`name=value`).
pub async fn sign_in(
    address: SocketAddr,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let cookie_of = |reply: &Reply| {
        reply
            .headers
            .iter()
            .find(|(k, _)| k == "set-cookie")
            .and_then(|(_, v)| v.split(';').next())
            .map(str::to_string)
    };
    let form = http(address, "GET", "/sign-in", &[], "").await?;
    let cookie = cookie_of(&form).context("no session cookie on the sign-in page")?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = form.body.find(marker).context("no form token")? + marker.len();
    let token = &form.body[start..start + 64];
    let body = format!(
        "csrf_token={token}&username={}&password={}",
        form_encode(username),
        form_encode(password)
    );
    let reply = http(
        address,
        "POST",
        "/sign-in",
        &[
            ("Cookie", cookie.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &body,
    )
    .await?;
    if reply.status != 303 {
        bail!("signing in as {username} answered {}", reply.status);
    }
    Ok(cookie_of(&reply).unwrap_or(cookie))
}

/// `application/x-www-form-urlencoded` for one value.
pub fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
