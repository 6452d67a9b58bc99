//! Steps many tests share: signing in against the fake server.

use anyhow::Result;
use fake_ringcx::FakeServer;

use crate::{app, App, World};

/// The headless "browser" (`$BROWSER`) that follows the authorize redirect.
pub fn browser_script() -> String {
    format!("{}/fixtures/browser.sh", env!("CARGO_MANIFEST_DIR"))
}

/// A free loopback port for the redirect listener, as text for the form.
pub fn free_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port().to_string())
        .expect("a free port")
}

/// Waits for the form, then points it at the fake with this client id.
pub async fn fill_servers(app: &App, fake: &FakeServer, client_id: &str) -> Result<()> {
    app.ready().await?;
    app.type_into("rc-server", &fake.url()).await?;
    app.type_into("ringcx-server", &fake.url()).await?;
    app.type_into("client-id", client_id).await?;
    Ok(())
}

/// Signs in with a RingCentral token the fake minted, and waits for the profile.
pub async fn sign_in_with_token(app: &App, fake: &FakeServer) -> Result<()> {
    fill_servers(app, fake, "").await?;
    app.click("other-ways").await?;
    app.type_into("rc-token", &fake.mint_rc_access_token())
        .await?;
    app.click("signin-token").await?;
    app.visible("agent-view").await?;
    Ok(())
}

/// Signs in through the browser flow on `port` (the app must run with
/// `BROWSER` set to `browser_script()`), and waits for the agent's name.
pub async fn sign_in_with_browser(
    app: &App,
    fake: &FakeServer,
    port: &str,
    agent: &str,
) -> Result<()> {
    fill_servers(app, fake, "fake-client-id").await?;
    app.type_into("redirect-port", port).await?;
    app.click("signin-browser").await?;
    app.wait_text("agent-name", |t| t == agent).await?;
    Ok(())
}

/// A first run of the app in `world` that signs in through the browser
/// flow and quits, leaving the session saved in the world's keychain.
pub async fn sign_in_and_quit(world: &World, fake: &FakeServer, name: &str) -> Result<()> {
    let port = free_port();
    let browser = browser_script();
    app::run(name, world, &[("BROWSER", &browser)], async |app| {
        sign_in_with_browser(app, fake, &port, "John Wang").await
    })
    .await
}

/// How often each RingCX refresh token was spent, from the fake's log;
/// fails on a refresh the fake refused. The rotation tests require one
/// spend each: two processes on a profile never renew with the same one.
pub fn refresh_tokens_spent(
    fake: &FakeServer,
) -> Result<std::collections::BTreeMap<String, usize>> {
    let mut spent = std::collections::BTreeMap::new();
    for r in fake.requests() {
        if r.method == "POST" && r.path == "/api/auth/token/refresh" {
            anyhow::ensure!(r.status == 200, "a refresh was refused ({})", r.status);
            let token = r
                .form
                .iter()
                .find(|(k, _)| k == "refresh_token")
                .map(|(_, v)| v.clone())
                .ok_or_else(|| anyhow::anyhow!("a refresh without a token"))?;
            *spent.entry(token).or_default() += 1;
        }
    }
    Ok(spent)
}
