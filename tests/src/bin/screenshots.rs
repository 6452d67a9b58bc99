//! `make screenshots`: every view, light and dark, at 1280×800, into docs/.
//! The real app against the fake server's demo data, in a private session.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use e2e::{App, World};
use fake_ringcx::{Config, FakeServer};

const THEMES: [(&str, &str); 2] = [("light", "Adwaita"), ("dark", "Adwaita:dark")];

async fn shot(app: &App, dir: &std::path::Path, name: &str) -> Result<()> {
    // A screenshot right after a change can show the previous frame.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let path = dir.join(format!("{name}.png"));
    app.screenshot(&path).await?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

async fn theme(dir: &std::path::Path, theme: &str, gtk: &str) -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            client_secret: Some("demo-secret".into()),
            ..Config::demo()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let env = [("GTK_THEME", gtk)];
    let app = App::launch(&world, &env).await?;
    let result = async {
        app.ready().await?;
        app.client.set_window_rect(0, 0, 1280, 800).await?;
        // Typing the client id before the servers leaves WebKitWebDriver
        // unable to focus the JWT fields later, so the sign-in view is shot
        // with the servers typed last.
        app.type_into("client-id", "x7Hq2LmPzR4vN9cT1bWk0A").await?;
        shot(&app, dir, &format!("signin-{theme}")).await?;
        app.client.refresh().await?;
        app.ready().await?;

        app.type_into("rc-server", &fake.url())
            .await
            .context("rc-server")?;
        app.type_into("ringcx-server", &fake.url())
            .await
            .context("ringcx-server")?;
        app.type_into("client-id", "fake-client-id")
            .await
            .context("client-id")?;
        app.click("other-ways").await.context("other-ways")?;
        app.type_into("jwt-client-secret", "demo-secret")
            .await
            .context("jwt-client-secret")?;
        app.type_into("jwt-token", "fake-jwt-credential")
            .await
            .context("jwt-token")?;
        app.click("signin-jwt").await.context("signin-jwt")?;
        app.wait_text("agent-name", |t| !t.is_empty() && t != "—")
            .await?;
        shot(&app, dir, &format!("profile-{theme}")).await?;

        app.click("nav-users").await.context("nav-users")?;
        app.wait_text("users-count", |t| {
            t.contains(" of ") && !t.starts_with("0 ")
        })
        .await?;
        shot(&app, dir, &format!("users-{theme}")).await?;

        let rows = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=user-row]"))
            .await?;
        rows.get(2).context("a third row")?.click().await?;
        app.visible("user-details").await.context("user-details")?;
        shot(&app, dir, &format!("user-details-{theme}")).await?;

        // The console: agent groups found by typing, sent, the answer's
        // lines with one group folded.
        app.click("nav-console").await.context("nav-console")?;
        app.type_into("console-search", "agent groups").await?;
        app.click("console-op").await.context("console-op")?;
        app.click("console-send").await.context("console-send")?;
        app.wait_text("console-status", |t| t == "200").await?;
        app.wait_text("console-response", |t| t.contains("groupName"))
            .await?;
        let folds = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=console-fold]"))
            .await?;
        folds.get(2).context("a third fold")?.click().await?;
        app.until("the fold drawn", || async {
            Ok(app.text("console-response").await?.contains("…"))
        })
        .await?;
        shot(&app, dir, &format!("console-{theme}")).await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app
            .screenshot(&dir.join(format!("failed-{theme}.png")))
            .await;
        let log = std::fs::read_to_string(world.root().join("app.log")).unwrap_or_default();
        eprintln!("app log:\n{log}");
    }
    let quit = app.quit().await;
    world.shutdown();
    result.and(quit)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots"));
    std::fs::create_dir_all(&dir)?;
    for (name, gtk) in THEMES {
        theme(&dir, name, gtk).await?;
    }
    Ok(())
}
