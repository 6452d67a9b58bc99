//! P3, users paint: from the users response in Rust to rows on screen,
//! against a floor that only parses the same response and paints plain
//! rows.

use anyhow::{Context, Result};
use e2e::{flows, World};
use engage::ExposeSecret;
use fake_ringcx::{Config, FakeServer};

use crate::figure::{Figure, Side};
use crate::marks::{wait_paint, wait_settled, Paint};
use crate::process::in_window;
use crate::ringcx::{ringcx_token, USERS_QUERY};
use crate::setup::Setup;
use crate::stats::stats;

/// Rows the floor paints until the app has said how many it paints.
const DEFAULT_ROWS: usize = 40;

/// The users sizes of P3.
pub(crate) const P3_SIZES: [usize; 2] = [10_000, 100_000];

/// Users response arriving in Rust → first rows painted, for `users`.
pub(crate) async fn p3_paint(setup: &Setup, users: usize) -> Result<Figure> {
    let fake = FakeServer::start_with(
        Config {
            users,
            // Every app run signs in and every floor run exchanges once.
            exchange_limit_per_minute: 1_000,
            ..Config::default()
        },
        0,
    )
    .await?;
    let label = format!("{}k", users / 1000);
    let mut figure = Figure::new(
        &format!("P3-{label}"),
        &format!("users paint, {label} users: response in Rust → rows painted (ms)"),
        "ms",
        setup.runs,
    );
    let mut rows = None;
    let mut floor_rows = None;
    let mut parse = Vec::new();
    let mut settled = Vec::new();
    for run in 1..=setup.runs {
        let name = format!("p3-{label}-app-{run}");
        let app = in_window(&name, &setup.app, &[], async |app, world| {
            flows::sign_in_with_token(app, &fake).await?;
            app.click("nav-users").await?;
            let mut paint = wait_paint(app).await?;
            let painted = paint.painted_at.context("no data-painted-at")?;
            let received = received_at(world)?;
            paint.ms = painted - received;
            Ok((paint, wait_settled(app).await? - received))
        })
        .await;
        if let Ok((paint, whole)) = &app {
            rows.get_or_insert(paint.row_nodes);
            settled.push(*whole);
        }
        figure.record(Side::App, run, app.map(|(p, _)| p.ms));

        // The floor paints as many rows as the app did.
        let limit = rows.unwrap_or(DEFAULT_ROWS);
        let floor = floor_paint(setup, &fake, limit, &format!("p3-{label}-floor-{run}")).await;
        if let Ok(paint) = &floor {
            floor_rows.get_or_insert(paint.row_nodes);
            parse.extend(paint.parse_ms);
        }
        figure.record(Side::Floor, run, floor.map(|p| p.ms));
    }
    if let Some(n) = rows {
        figure.notes.push(format!("app painted {n} row nodes"));
    }
    if let Some(n) = floor_rows {
        figure.notes.push(format!("floor painted {n} row nodes"));
    }
    if let Some(s) = stats(&settled) {
        figure.notes.push(format!(
            "app, the whole list in (search, order and counts of all {label}): {:.0} ms \
             [{:.0}–{:.0}] from the response; the first rows show before it",
            s.median, s.min, s.max
        ));
    }
    if let Some(p) = stats(&parse) {
        figure.notes.push(format!(
            "of the floor's figure, serde_json's parse into a Value took {:.0} ms (median)",
            p.median
        ));
        let app = stats(&figure.app).map_or(f64::NAN, |s| s.median);
        figure.removable = Some(format!(
            "none that grows with the list: the app shows its first rows as soon as they \
             are read and reads the rest behind them, so its {app:.0} ms are the page's \
             requests for them and the frames that paint them. The floor spends {:.0} of \
             its {:.0} ms in serde_json alone, parsing the whole {label} first.",
            p.median,
            stats(&figure.floor).map_or(f64::NAN, |s| s.median),
        ));
    }
    Ok(figure)
}

/// When the answer arrived in Rust, as the core logged it.
fn received_at(world: &World) -> Result<f64> {
    crate::marks::logged_at(world, "users response received")
}

async fn floor_paint(setup: &Setup, fake: &FakeServer, rows: usize, name: &str) -> Result<Paint> {
    let token = ringcx_token(fake).await?;
    let url = format!("{}{USERS_QUERY}", fake.url());
    let rows = rows.to_string();
    let env = [
        ("BENCH_USERS_URL", url.as_str()),
        ("BENCH_TOKEN", token.expose_secret()),
        ("BENCH_ROWS", rows.as_str()),
    ];
    // Loaded on a click once the window is ready, as in the app.
    in_window(name, &setup.bare, &env, async |app, _| {
        app.ready().await?;
        app.click("nav-users").await?;
        wait_paint(app).await
    })
    .await
}
