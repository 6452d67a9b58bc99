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

        // The About line comes from the app_info command.
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

#[tokio::test]
async fn teardown_leaves_no_processes_behind() -> Result<()> {
    let world = World::start()?;
    app::run("teardown", &world, &[], async |app| app.ready().await).await?;
    let left = world.shutdown();
    ensure!(left.is_empty(), "processes left behind: {left:?}");
    Ok(())
}
