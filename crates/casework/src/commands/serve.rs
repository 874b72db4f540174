use std::net::SocketAddr;

use anyhow::Context;
use casework_web::auth::bootstrap;
use casework_web::{AppState, WebConfig};
use tracing_subscriber::EnvFilter;

use crate::cli::ServeArgs;

pub async fn run(url: &str, args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CASEWORK_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_target(false)
        .init();
    let store = super::open_ready(url).await?;
    if let Some(password) = bootstrap::ensure_first_admin(&store).await? {
        println!(
            "Administrator account created: username '{}', password '{password}'. \
             It is shown once; change it at first sign-in.",
            bootstrap::FIRST_ADMIN
        );
    }
    if args.demo {
        let password = bootstrap::ensure_demo_users(&store).await?;
        println!("Demo mode: every demo account has the password '{password}'.");
    }
    let config = WebConfig {
        insecure_cookies: args.insecure_cookies,
        demo: args.demo,
    };
    let state = AppState::new(store.clone(), config).await?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    println!("Casework database: {}", casework_store::redact(url));
    if args.insecure_cookies {
        println!(
            "Session cookies are sent without Secure: use this only on plain HTTP on one machine."
        );
    }
    // Tests and scripts read this line to find the port.
    println!("Casework listening on http://{address}");
    casework_web::start_housekeeping(store);
    let app = casework_web::app(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server stopped")?;
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
