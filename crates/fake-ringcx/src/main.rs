//! `fake-ringcx [PORT]`: serves the fake RingCentral + RingCX APIs on loopback.

use fake_ringcx::FakeServer;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let port = match std::env::args().nth(1) {
        Some(p) => p.parse()?,
        None => 0,
    };
    let server = FakeServer::start(port).await?;
    tracing::info!("fake RingCentral + RingCX listening on {}", server.url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
