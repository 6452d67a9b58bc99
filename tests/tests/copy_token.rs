//! "Copy RingCX access token": the one place a token leaves Rust. It goes to
//! the clipboard only after confirmation, and never into the DOM.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, flows, World};
use fake_ringcx::FakeServer;

fn clipboard(world: &World) -> Result<String> {
    world.clipboard()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_goes_to_the_clipboard_after_confirmation_only() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("copy_token", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;

        // Asking, then cancelling, copies nothing.
        app.click("copy-token").await?;
        app.click("copy-token-cancel").await?;
        ensure!(clipboard(&world)?.is_empty(), "copied without confirmation");

        app.click("copy-token").await?;
        app.click("copy-token-confirm").await?;
        app.until("the clipboard", || async {
            Ok(!clipboard(&world)?.is_empty())
        })
        .await?;
        let copied = clipboard(&world)?;
        ensure!(copied.split('.').count() == 3, "not a RingCX JWT");
        ensure!(
            fake.issued_tokens().contains(&copied),
            "not a token the fake issued"
        );
        let dom = app.client.source().await?;
        ensure!(!dom.contains(&copied), "the token reached the DOM");
        Ok(())
    })
    .await
}
