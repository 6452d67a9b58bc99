//! P7, console answer: a 10 MB JSON answer from its arrival in Rust to its
//! first lines painted in the console, against serde_json parsing the same
//! bytes into a `Value` (what a viewer that parses first must pay before it
//! can show a line), in this process, in the same run.

use std::time::Instant;

use anyhow::{bail, Result};
use e2e::{flows, App, World};
use engage::ExposeSecret;
use fake_ringcx::{Config, FakeServer};

use crate::figure::{Figure, Side};
use crate::process::in_window;
use crate::ringcx::ringcx_token;
use crate::setup::Setup;

/// Users whose tree is about 10 MB of JSON.
const USERS: usize = 20_000;
/// The answer: the account's whole user tree.
const PATH: &str = "/voice/api/v1/admin/users";

pub(crate) async fn p7_answer(setup: &Setup) -> Result<Figure> {
    let fake = FakeServer::start_with(
        Config {
            users: USERS,
            exchange_limit_per_minute: 1_000,
            ..Config::default()
        },
        0,
    )
    .await?;
    let mut figure = Figure::new(
        "P7",
        "console answer, 10 MB of JSON: response in Rust → first lines painted (ms); \
         floor: serde_json parsing the same bytes into a Value",
        "ms",
        setup.runs,
    );
    let body = fetch(&fake).await?;
    figure.notes.push(format!(
        "the answer: {:.1} MB of JSON ({USERS} users as a tree, GET {PATH})",
        body.len() as f64 / 1e6
    ));
    let mut rows = None;
    for run in 1..=setup.runs {
        let name = format!("p7-app-{run}");
        let app = in_window(&name, &setup.app, &[], async |app, world| {
            flows::sign_in_with_token(app, &fake).await?;
            app.click("nav-console").await?;
            app.type_into("console-path", PATH).await?;
            app.click("console-send").await?;
            let (painted, n) = wait_painted(app).await?;
            rows.get_or_insert(n);
            Ok(painted - received_at(world)?)
        })
        .await;
        figure.record(Side::App, run, app);
        let started = Instant::now();
        let parsed: serde_json::Value = serde_json::from_slice(&body)?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        drop(std::hint::black_box(parsed));
        figure.record(Side::Floor, run, Ok(ms));
    }
    if let Some(n) = rows {
        figure.notes.push(format!(
            "app painted {n} line nodes (of the answer's first screen)"
        ));
    }
    figure.removable = Some(
        "the app indexes the whole answer (one pass over the bytes, no tree of values) \
         before the first page is asked for; the rest is IPC and two frames. Indexing \
         only the first screen first, the rest behind it, would cut the wait further."
            .into(),
    );
    Ok(figure)
}

/// The answer's bytes, as the app gets them.
async fn fetch(fake: &FakeServer) -> Result<Vec<u8>> {
    let token = ringcx_token(fake).await?;
    let reply = reqwest::Client::new()
        .get(format!("{}{PATH}", fake.url()))
        .bearer_auth(token.expose_secret())
        .send()
        .await?;
    if !reply.status().is_success() {
        bail!("the fake answered {}", reply.status());
    }
    Ok(reply.bytes().await?.to_vec())
}

/// When the console marked its first lines painted, and how many.
async fn wait_painted(app: &App) -> Result<(f64, u64)> {
    const READ: &str = r##"
        const view = document.querySelector("[data-testid=console-view]");
        const banner = document.querySelector("[data-testid=error-banner]");
        return {
            paintedAt: view ? view.getAttribute("data-painted-at") : null,
            rows: document.querySelectorAll("#console-json .json-row").length,
            error: (banner && banner.offsetParent !== null && banner.textContent.trim()) || null,
        };"##;
    let deadline = Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let v = app.client.execute(READ, vec![]).await?;
        if let Some(e) = v["error"].as_str() {
            bail!("the window shows an error: {e}");
        }
        if let Some(at) = v["paintedAt"].as_str().and_then(|s| s.parse::<f64>().ok()) {
            return Ok((at, v["rows"].as_u64().unwrap_or(0)));
        }
        if Instant::now() > deadline {
            bail!("no data-painted-at on the console after 120 s");
        }
        // The mark carries its own time: polling only finds it.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// When the answer arrived in Rust, as the core logged it.
fn received_at(world: &World) -> Result<f64> {
    crate::marks::logged_at(world, "console response received")
}
