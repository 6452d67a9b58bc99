//! The session in the real OS keychain (gnome-keyring over the test's own
//! D-Bus): restore on restart without a browser, sign-out that leaves no
//! entry, and a plain memory-only mode when there is no Secret Service.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, flows, App, World, WorldOptions};
use fake_ringcx::FakeServer;

/// The development identifier: the keychain service of the app under test.
const SERVICE: &str = "com.engagedesk.EngageDesk.dev";

/// The app's entries in the keychain, as `secret-tool` sees them.
fn keychain_entries(world: &World) -> Result<usize> {
    world.keychain_entries(SERVICE)
}

async fn browser_sign_in(app: &App, fake: &FakeServer, port: &str) -> Result<()> {
    flows::sign_in_with_browser(app, fake, port, "John Wang").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_restores_and_sign_out_leaves_nothing() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    let port = flows::free_port();
    let browser = flows::browser_script();
    let env = [("BROWSER", browser.as_str())];

    app::run("keychain_sign_in", &world, &env, async |app| {
        browser_sign_in(app, &fake, &port).await?;
        let note = app.find("storage-note").await?;
        ensure!(!note.is_displayed().await?, "the session should be saved");
        Ok(())
    })
    .await?;
    ensure!(
        keychain_entries(&world)? >= 2,
        "no entries in the keychain after sign-in"
    );
    let authorizes = fake.count("GET", "/restapi/oauth/authorize");
    let refreshes = fake.count("POST", "/api/auth/token/refresh");

    // Start again: the profile shows with no browser step.
    app::run("keychain_restart", &world, &env, async |app| {
        app.ready().await?;
        app.visible("agent-view").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        ensure!(
            fake.count("GET", "/restapi/oauth/authorize") == authorizes,
            "an authorize call after restart"
        );
        ensure!(
            fake.count("POST", "/api/auth/token/refresh") == refreshes + 1,
            "no renewal on restart"
        );
        app.click("signout").await?;
        app.visible("signin-view").await?;
        Ok(())
    })
    .await?;
    ensure!(
        fake.count("DELETE", "/api/auth/logout/") == 1,
        "no RingCX logout"
    );
    ensure!(
        keychain_entries(&world)? == 0,
        "entries left in the keychain after sign-out"
    );

    // And after sign-out a restart shows the sign-in form, with the servers kept.
    app::run("keychain_after_sign_out", &world, &env, async |app| {
        app.ready().await?;
        app.visible("signin-view").await?;
        let rc = app.text("rc-server").await?;
        ensure!(rc == fake.url(), "the server was not remembered: {rc:?}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_shows_the_reason_on_restart() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    flows::sign_in_and_quit(&world, &fake, "keychain_revoked_1").await?;
    fake.revoke_all();
    app::run("keychain_revoked_2", &world, &[], async |app| {
        app.ready().await?;
        app.visible("signin-view").await?;
        app.wait_text("error-banner", |t| t.contains("sign-in has ended"))
            .await?;
        Ok(())
    })
    .await?;
    ensure!(
        keychain_entries(&world)? == 0,
        "a dead session stayed in the keychain"
    );
    Ok(())
}

/// Settings edited to point a saved profile elsewhere get no secret sent:
/// not to the new address, and not to the old one either. The saved
/// session stays, and comes back once the settings do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_settings_send_no_secret_anywhere() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let elsewhere = FakeServer::start(0).await?;
    let world = World::start()?;
    let port = flows::free_port();
    let browser = flows::browser_script();
    let env = [("BROWSER", browser.as_str())];
    app::run("edited_settings_1", &world, &env, async |app| {
        browser_sign_in(app, &fake, &port).await
    })
    .await?;
    let settings = world
        .root()
        .join("config/com.engagedesk.EngageDesk.dev/settings.json");
    let original = std::fs::read_to_string(&settings)?;
    ensure!(original.contains(&fake.url()), "{original}");
    std::fs::write(&settings, original.replace(&fake.url(), &elsewhere.url()))?;
    let before = fake.requests().len();

    app::run("edited_settings_2", &world, &env, async |app| {
        app.ready().await?;
        app.visible("signin-view").await?;
        app.wait_text("error-banner", |t| {
            t.contains("saved sign-in was made for") && t.contains("Sign in again")
        })
        .await?;
        Ok(())
    })
    .await?;
    ensure!(
        elsewhere.requests().is_empty(),
        "the new address was called: {:?}",
        elsewhere.requests()
    );
    ensure!(
        fake.requests().len() == before,
        "the old address was called: {:?}",
        &fake.requests()[before..]
    );
    ensure!(
        keychain_entries(&world)? >= 2,
        "the saved session was dropped"
    );

    // Put back, the saved session signs in without a browser.
    std::fs::write(&settings, &original)?;
    app::run("edited_settings_3", &world, &env, async |app| {
        app.ready().await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_service_means_a_marked_memory_only_session() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::with_options(WorldOptions { keyring: false })?;
    let token = fake.mint_rc_access_token();
    app::run("keychain_missing", &world, &[], async |app| {
        flows::fill_servers(app, &fake, "").await?;
        app.click("other-ways").await?;
        app.type_into("rc-token", &token).await?;
        app.click("signin-token").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        let note = app.wait_text("storage-note", |t| !t.is_empty()).await?;
        ensure!(note.starts_with("Memory only"), "note: {note:?}");
        ensure!(note.contains("No system keychain"), "note: {note:?}");
        Ok(())
    })
    .await?;
    // Nothing was written anywhere as a fallback.
    let issued = fake.issued_tokens();
    let mut stack = vec![world.root().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let text = String::from_utf8_lossy(&bytes);
                for t in &issued {
                    ensure!(
                        !text.contains(t.as_str()),
                        "a token was written to {}",
                        p.display()
                    );
                }
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_at_start_offers_retry_and_keeps_the_session() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    flows::sign_in_and_quit(&world, &fake, "keychain_retry_1").await?;
    fake.fault(
        fake_ringcx::Fault::new("/api/auth/token/refresh", fake_ringcx::FaultKind::Reset)
            .with_times(1),
    );
    app::run("keychain_retry_2", &world, &[], async |app| {
        app.ready().await?;
        let text = app.wait_text("error-banner", |t| !t.is_empty()).await?;
        ensure!(text.contains("Could not reach RingCX"), "banner: {text:?}");
        app.click("retry").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        Ok(())
    })
    .await?;
    ensure!(
        keychain_entries(&world)? >= 2,
        "the saved session was dropped"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_hangs_at_start_times_out_and_keeps_the_session() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    flows::sign_in_and_quit(&world, &fake, "keychain_hang_1").await?;
    let refreshes = fake.count("POST", "/api/auth/token/refresh");
    // The next renewal is accepted and never answered.
    fake.fault(
        fake_ringcx::Fault::new("/api/auth/token/refresh", fake_ringcx::FaultKind::Hang)
            .with_times(1),
    );
    app::run("keychain_hang_2", &world, &[], async |app| {
        // While the renewal hangs, the window is up and says what it waits on.
        fake.wait_for("POST", "/api/auth/token/refresh", refreshes + 1)
            .await;
        app.wait_text("progress", |t| t == "Restoring your session…")
            .await?;
        app.visible("signin-view").await?;
        // Token requests time out in seconds (15), not the 2 minutes of a
        // plain request, and say so.
        let text = app
            .wait_text_within("error-banner", std::time::Duration::from_secs(40), |t| {
                !t.is_empty()
            })
            .await?;
        ensure!(text.contains("timed out"), "banner: {text:?}");
        ensure!(
            keychain_entries(&world)? >= 2,
            "the saved session was dropped"
        );
        app.click("retry").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        Ok(())
    })
    .await?;
    fake.release_hung();
    ensure!(
        fake.count("GET", "/restapi/oauth/authorize") == 1,
        "the retry needed a browser sign-in"
    );
    Ok(())
}
