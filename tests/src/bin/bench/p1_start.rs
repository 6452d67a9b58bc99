//! P1, start-up: how long a user waits for the login form, and where that
//! time goes, against an empty Tauri app started the same way.

use std::collections::HashMap;

use anyhow::{Context, Result};

use crate::figure::{Figure, Side};
use crate::marks::{marks, split_text, Part, Split};
use crate::process::{find_pid, in_window, process_start_ms};
use crate::setup::Setup;
use crate::stats::stats;

/// Three times the window figures' runs: a start's time here swings by
/// 100 ms and more from one run to the next (WebKit's processes starting on
/// two shared cores), against page differences of tens of ms; a start is
/// about a second.
pub(crate) const P1_RUNS_PER_RUN: usize = 3;

/// Process start to the login form interactive (`data-ready-at`).
pub(crate) async fn p1_startup(setup: &Setup) -> Figure {
    let runs = setup.runs * P1_RUNS_PER_RUN;
    let mut figure = Figure::new(
        "P1",
        "start-up: process start → UI ready mark (ms)",
        "ms",
        runs,
    );
    // One start of each, not counted: the first start of a binary just
    // built reads it and its libraries from disk.
    for side in [Side::App, Side::Floor] {
        if let Err(e) = startup(setup, side, 0).await {
            eprintln!("bench: P1 warm-up {} failed: {e:#}", side.name());
        }
    }
    let mut splits: HashMap<&str, Vec<Split>> = HashMap::new();
    for run in 1..=runs {
        for side in [Side::App, Side::Floor] {
            let sample = startup(setup, side, run).await;
            if let Ok(s) = &sample {
                splits.entry(side.name()).or_default().push(*s);
            }
            figure.record(side, run, sample.map(|s| s.total));
        }
    }
    let app = splits.remove("app").unwrap_or_default();
    let floor = splits.remove("floor").unwrap_or_default();
    if !app.is_empty() && !floor.is_empty() {
        figure.notes.push(format!(
            "median split, app: {}",
            split_text(&app, "the ready mark")
        ));
        figure.notes.push(format!(
            "median split, floor: {}",
            split_text(&floor, "the ready mark")
        ));
        let part = |v: &[Split], f: Part| {
            stats(&v.iter().map(f).collect::<Vec<_>>()).map_or(0.0, |s| s.median)
        };
        let extra = part(&app, |s| s.total) - part(&floor, |s| s.total);
        let parts: [(&str, Part); 4] = [
            (
                "the app's Rust set-up before its page starts loading (plugins, \
                 settings, the window; Tauri's and WebKit's own start-up are in the \
                 floor too)",
                |s| s.to_page,
            ),
            (
                "the HTML and CSS (index.html, style.css), parsed before the scripts",
                |s| s.to_dom - s.scripts,
            ),
            (
                "the wait between the HTML parsed and DOMContentLoaded: the page's \
                 first paint (its styles, fonts and layout, which the floor's empty page \
                 has none of) and its one module (scripts/bundle-ui.mjs makes it from \
                 the UI's ten and puts it inside the page) running, the form's set-up \
                 included; `BENCH_TRACE=1` prints the first paint and the module's run. \
                 In A/B runs of one build, the floor given the app's HTML and CSS \
                 reached DOMContentLoaded about 15 ms later, and the CSS inlined in the \
                 HTML made the page's part slower",
                |s| s.scripts,
            ),
            (
                "the page's start-up after DOMContentLoaded: the frame that lays out \
                 and paints the form. What the page starts from (the app's info, the \
                 feeds, the update preferences, the redirect URI) is in the window's \
                 first script, so no IPC answer is waited for; the restore begun in Rust \
                 at launch is asked for at once and shown when it answers",
                Split::rest,
            ),
        ];
        if let Some((what, f)) = parts.iter().max_by(|a, b| {
            let d = |f: Part| part(&app, f) - part(&floor, f);
            d(a.1).total_cmp(&d(b.1))
        }) {
            figure.removable = Some(format!(
                "{:+.0} ms of the app's {extra:.0} ms over the floor ({:.0} ms against \
                 the floor's {:.0}) go to {what}.",
                part(&app, *f) - part(&floor, *f),
                part(&app, *f),
                part(&floor, *f),
            ));
        }
    }
    figure
}

/// One start-up of the app or the floor in a fresh world.
async fn startup(setup: &Setup, side: Side, run: usize) -> Result<Split> {
    let binary = match side {
        Side::App => &setup.app,
        Side::Floor => &setup.bare,
    };
    let name = format!("p1-{}-{run}", side.name());
    in_window(&name, binary, &[], async |app, world| {
        app.ready().await?;
        let marks = marks(app).await?;
        if std::env::var_os("BENCH_TRACE").is_some() {
            trace(&name, app).await;
        }
        let ready_at = marks.ready_at.context("no data-ready-at on <html>")?;
        let pid = find_pid(world, binary)?;
        marks.split(ready_at, process_start_ms(pid)?)
    })
    .await
}

/// `BENCH_TRACE=1`: the page's own performance entries (each resource's
/// fetch, any marks the page set) of P1's starts and P6's restores, for
/// finding where a start's time goes.
pub(crate) async fn trace(name: &str, app: &e2e::App) {
    const READ: &str = r#"
        return performance.getEntries().map((e) => [e.entryType, e.name.split("/").pop(),
            Math.round(e.startTime * 10) / 10,
            Math.round((e.responseEnd || (e.startTime + e.duration)) * 10) / 10]);"#;
    match app.client.execute(READ, vec![]).await {
        Ok(v) => eprintln!("bench: trace {name}: {v}"),
        Err(e) => eprintln!("bench: trace {name} failed: {e}"),
    }
}
