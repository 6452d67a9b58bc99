//! The window comes back where the user left it.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn size_and_position_are_remembered() -> Result<()> {
    let world = World::start()?;
    app::run("window_state_1", &world, &[], async |app| {
        app.ready().await?;
        app.client.set_window_rect(40, 30, 900, 650).await?;
        // The app saves once the window has settled, in the window-state
        // plugin's file.
        app.until("the window-state file to hold the window", || async {
            let path = world
                .root()
                .join("config/com.engagedesk.EngageDesk.dev/.window-state.json");
            let saved: serde_json::Value = std::fs::read_to_string(path)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            Ok(saved["main"]["width"] == 900)
        })
        .await
    })
    .await?;
    app::run("window_state_2", &world, &[], async |app| {
        app.ready().await?;
        let (x, y, w, h) = app.client.get_window_rect().await?;
        ensure!(
            (w as i64 - 900).abs() <= 2 && (h as i64 - 650).abs() <= 2,
            "size {w}x{h}"
        );
        ensure!(
            (x as i64 - 40).abs() <= 40 && (y as i64 - 30).abs() <= 40,
            "position {x},{y}"
        );
        Ok(())
    })
    .await
}
