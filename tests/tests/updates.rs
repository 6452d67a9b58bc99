//! Updates: checked at start-up only when the user allowed it; an update
//! found is offered, and nothing is downloaded until the user agrees.
//! The update channel is a small HTTP server in the test serving
//! latest.json, the file the release workflow publishes.

#![cfg(target_os = "linux")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{ensure, Result};
use e2e::{app, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const IDENTIFIER: &str = "com.engagedesk.EngageDesk.dev";

/// Serves latest.json announcing 9.9.9; records every path asked for.
async fn channel() -> Result<(String, Arc<Mutex<Vec<String>>>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let latest = serde_json::json!({
        "version": "9.9.9",
        "notes": "A newer Engage Desk.",
        "pub_date": "2026-11-20T00:00:00Z",
        "platforms": {
            "linux-x86_64": { "signature": "dW50cnVzdGVk", "url": format!("{base}/engage-desk_9.9.9_amd64.deb") },
            "linux-aarch64": { "signature": "dW50cnVzdGVk", "url": format!("{base}/engage-desk_9.9.9_arm64.deb") }
        }
    })
    .to_string();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (log, latest) = (log.clone(), latest.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(path.clone());
                let (status, body) = if path == "/latest.json" {
                    ("200 OK", latest)
                } else {
                    ("404 Not Found", String::new())
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    Ok((base, seen))
}

fn write_settings(
    world: &World,
    endpoint: &str,
    check_on_start: bool,
) -> Result<std::path::PathBuf> {
    let dir = world.app_dirs(IDENTIFIER)[0].clone();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("settings.json");
    let settings = serde_json::json!({
        "version": 1, "current": "default", "profiles": {},
        "updates": { "checkOnStart": check_on_start, "endpoint": endpoint }
    });
    std::fs::write(&path, settings.to_string())?;
    Ok(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_start_up_check_offers_the_update_and_downloads_nothing() -> Result<()> {
    let (base, seen) = channel().await?;
    let world = World::start()?;
    write_settings(&world, &format!("{base}/latest.json"), true)?;
    app::run("update_offered", &world, &[], async |app| {
        app.ready().await?;
        let text = app
            .wait_text("update-banner", |t| t.contains("9.9.9"))
            .await?;
        ensure!(text.contains("Install and restart"), "{text:?}");
        app.click("update-later").await?;
        app.until("the banner to go", || async {
            Ok(!app.find("update-banner").await?.is_displayed().await?)
        })
        .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let paths = seen.lock().unwrap().clone();
        ensure!(paths == ["/latest.json"], "asked for {paths:?}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_check_until_the_user_allows_or_asks() -> Result<()> {
    let (base, seen) = channel().await?;
    let world = World::start()?;
    let settings = write_settings(&world, &format!("{base}/latest.json"), false)?;
    app::run("update_off", &world, &[], async |app| {
        app.ready().await?;
        app.visible("update-check-now").await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        ensure!(
            seen.lock().unwrap().is_empty(),
            "checked without permission"
        );
        ensure!(
            !app.find("update-check-on-start")
                .await?
                .is_selected()
                .await?
        );
        ensure!(!app.find("update-banner").await?.is_displayed().await?);

        // "Check now" asks once and offers the update.
        app.click("update-check-now").await?;
        app.wait_text("update-banner", |t| t.contains("9.9.9"))
            .await?;
        ensure!(seen.lock().unwrap().clone() == ["/latest.json"]);

        // Turning the start-up check on is saved.
        app.click("update-check-on-start").await?;
        app.until("the setting to be saved", || async {
            let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&settings)?)?;
            Ok(saved["updates"]["checkOnStart"] == true)
        })
        .await?;
        Ok(())
    })
    .await
}
