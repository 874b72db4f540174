use anyhow::Context;
use casework_web::AppState;
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
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    println!("Casework database: {}", casework_store::redact(url));
    // Tests and scripts read this line to find the port.
    println!("Casework listening on http://{address}");
    let app = casework_web::app(AppState { store });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server stopped")?;
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
