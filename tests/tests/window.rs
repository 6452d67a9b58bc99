//! The window opens, shows the login form, and a command round-trips from the
//! UI to Rust and back into the DOM.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, World};

#[tokio::test]
async fn window_shows_login_form_and_round_trips_a_command() -> Result<()> {
    let world = World::start()?;
    app::run("window_login_form", &world, &[], async |app| {
        app.ready().await?;
        app.visible("signin-view").await?;
        app.visible("signin-browser").await?;

        let title = app.client.title().await?;
        ensure!(title == "Engage Desk", "title was {title:?}");

        // The About line comes from the start_up command.
        let about = app.wait_text("app-about", |t| !t.is_empty()).await?;
        ensure!(
            about == format!("Engage Desk {}", env!("CARGO_PKG_VERSION")),
            "about line was {about:?}"
        );

        // Typing a port asks Rust for the redirect URI; the answer lands in the DOM.
        app.type_into("redirect-port", "50123").await?;
        app.wait_text("redirect-uri", |t| t == "http://localhost:50123/callback")
            .await?;

        // A port Rust refuses shows Rust's message next to the field.
        app.type_into("redirect-port", "80").await?;
        app.wait_text("redirect-uri", str::is_empty).await?;
        let msg = app
            .client
            .find(fantoccini::Locator::Id("redirect-port-error"))
            .await?
            .text()
            .await?;
        ensure!(msg.contains("1024 to 65535"), "port error was {msg:?}");
        Ok(())
    })
    .await
}

/// The window's first script hands the page what it starts from once; a
/// reload, whose copy of it is out of date, asks Rust again and comes back
/// signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_starts_from_rust_again_and_keeps_the_session() -> Result<()> {
    let fake = fake_ringcx::FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("window_reload", &world, &[], async |app| {
        app.ready().await?;
        let left = app
            .client
            .execute("return typeof window.__ENGAGE_START__;", vec![])
            .await?;
        ensure!(
            left == "undefined",
            "the first script's copy stayed: {left}"
        );
        e2e::flows::sign_in_with_token(app, &fake).await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        app.client.refresh().await?;
        app.ready().await?;
        let about = app.wait_text("app-about", |t| !t.is_empty()).await?;
        ensure!(
            about.starts_with("Engage Desk "),
            "about line was {about:?}"
        );
        app.visible("agent-view").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        // The form holds the servers saved at sign-in, not the first
        // script's (a fresh start's defaults): a reload runs that script
        // again, and the page must not take its copy.
        let server = app
            .client
            .execute(
                "return document.querySelector('[data-testid=rc-server]').value;",
                vec![],
            )
            .await?;
        ensure!(server == fake.url().as_str(), "the form's server: {server}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn teardown_leaves_no_processes_behind() -> Result<()> {
    let world = World::start()?;
    app::run("teardown", &world, &[], async |app| app.ready().await).await?;
    let left = world.shutdown();
    ensure!(left.is_empty(), "processes left behind: {left:?}");
    Ok(())
}

/// Whether the page fits the window's width, and `testid` lies inside it.
async fn fits(app: &e2e::App, testid: &str) -> Result<bool> {
    let v = app
        .client
        .execute(
            "const el = document.querySelector(`[data-testid=${arguments[0]}]`);
             const r = el.getBoundingClientRect();
             const root = document.documentElement;
             return root.scrollWidth <= root.clientWidth && r.width > 0 && r.right <= root.clientWidth && r.left >= 0;",
            vec![testid.into()],
        )
        .await?;
    Ok(v.as_bool().unwrap_or(false))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_fits_an_800_by_600_window() -> Result<()> {
    let fake = fake_ringcx::FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("layout_800x600", &world, &[], async |app| {
        app.ready().await?;
        app.client.set_window_rect(0, 0, 800, 600).await?;
        app.until("the sign-in form to fit", || async {
            Ok(fits(app, "signin-browser").await? && fits(app, "client-id").await?)
        })
        .await?;
        e2e::flows::sign_in_with_token(app, &fake).await?;
        ensure!(fits(app, "signout").await?, "sign-out is off screen");
        app.click("nav-users").await?;
        app.wait_text("users-count", |t| t.contains(" of ") && !t.starts_with("0 "))
            .await?;
        for id in ["users-search", "users-refresh", "users-count", "user-row"] {
            ensure!(fits(app, id).await?, "{id} does not fit 800x600");
        }
        // No column is cut off: every shown cell ends inside its row.
        let clipped = app
            .client
            .execute(
                "const row = document.querySelector('[data-testid=user-row]').getBoundingClientRect();
                 return [...document.querySelectorAll('[data-testid=user-row] > div')]
                   .filter(c => c.offsetParent !== null && c.getBoundingClientRect().right > row.right + 1).length;",
                vec![],
            )
            .await?;
        ensure!(clipped == 0, "{clipped} cells run past the row");
        Ok(())
    })
    .await
}
