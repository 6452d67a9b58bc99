//! P6, start with a stored session: how long a returning user waits for
//! the profile, against a second start without a session plus the one
//! round trip a restore needs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use e2e::{flows, App, World};
use engage::SecretString;
use fake_ringcx::{Config, FakeServer};

use crate::figure::{Figure, Side};
use crate::marks::{marks, split_text, Marks, Part, Split, PAINT_WAIT, POLL};
use crate::process::{find_pid, in_world, process_start_ms, running};
use crate::ringcx::core;
use crate::setup::Setup;
use crate::stats::{ms_since, stats};

/// P6: authenticated GETs timed for one loopback round trip.
pub(crate) const RTT_REPS: usize = 50;

/// Sign in, quit, start again in the same world: process start to the
/// profile shown. The floor is P1's app start-up plus one round trip.
pub(crate) async fn p6_restore(setup: &Setup, p1_app: Option<Vec<f64>>) -> Result<Figure> {
    let fake = FakeServer::start_with(
        Config {
            exchange_limit_per_minute: 1_000,
            ..Config::default()
        },
        0,
    )
    .await?;
    let mut figure = Figure::new(
        "P6",
        "start with a stored session: process start → profile shown (ms); floor: a second start to the ready mark + one loopback round trip",
        "ms",
        setup.runs,
    );
    // The one request a restore cannot do without.
    let rtt = round_trip(&fake).await?;
    let mut splits: HashMap<&str, Vec<Split>> = HashMap::new();
    let mut requests = None;
    for run in 1..=setup.runs {
        for side in [Side::App, Side::Floor] {
            let sample = second_start(setup, &fake, side, run, &mut requests).await;
            if let Ok(s) = &sample {
                splits.entry(side.name()).or_default().push(*s);
            }
            let sample = sample.map(|s| match side {
                Side::App => s.total,
                Side::Floor => s.total + rtt,
            });
            figure.record(side, run, sample);
        }
    }
    figure.notes.push(format!(
        "floor: the app started a second time in a world where it had run once, without \
         a stored session, to its ready mark, plus one loopback round trip of {rtt:.2} ms \
         (median of {RTT_REPS} authenticated GET /api/auth/login through the core)"
    ));
    if let (Some(p1), Some(floor)) = (p1_app.as_deref().and_then(stats), stats(&figure.floor)) {
        let restore = stats(&figure.app).map_or(f64::NAN, |s| s.median);
        figure.notes.push(format!(
            "against P1's app median + the round trip instead ({:.0} ms), the ratio would \
             be {:.2}×; P1 is a first start in a fresh world (WebKit's and the app's \
             folders empty), {:.0} ms slower than the second start above, so it is no \
             floor for a start that follows an earlier one",
            p1.median + rtt,
            restore / (p1.median + rtt),
            p1.median + rtt - floor.median
        ));
    }
    if let Some(r) = requests {
        figure
            .notes
            .push(format!("requests the restoring app made to the fake: {r}"));
    }
    let app = splits.remove("app").unwrap_or_default();
    let floor = splits.remove("floor").unwrap_or_default();
    if !app.is_empty() && !floor.is_empty() {
        figure.notes.push(format!(
            "median split, restore: {}",
            split_text(&app, "the profile mark")
        ));
        figure.notes.push(format!(
            "median split, floor: {}",
            split_text(&floor, "the ready mark")
        ));
        let part = |v: &[Split], f: Part| {
            stats(&v.iter().map(f).collect::<Vec<_>>()).map_or(0.0, |s| s.median)
        };
        let over = part(&app, |s| s.total) - part(&floor, |s| s.total) - rtt;
        let page = part(&app, |s| s.to_page) - part(&floor, |s| s.to_page);
        let rest = part(&app, Split::rest) - part(&floor, Split::rest);
        let dom = part(&app, |s| s.to_dom) - part(&floor, |s| s.to_dom);
        figure.removable = Some(format!(
            "as in P1, the page's first paint and its module: {:.0} ms of the restore \
             go from the HTML parsed to DOMContentLoaded (the bare floor's page needs a \
             few ms; see P1), and the floor here, being the app too, pays the same, so \
             the ratio does not show it. The restore's own work is small: {over:.0} ms over \
             its floor; by median parts, {rest:+.0} ms after DOMContentLoaded (the \
             restore itself, the keychain read over D-Bus and the renewal's round trip \
             of {rtt:.2} ms, begins at launch and is mostly done by then: this is the \
             page taking its answer and showing the profile), {dom:+.0} ms \
             to DOMContentLoaded and {page:+.0} ms before the page loads (noise, at the \
             10 ms resolution of the process start).",
            part(&app, |s| s.scripts)
        ));
    }
    Ok(figure)
}

/// One P6 run in a fresh world: a first start (with a sign-in for the
/// app side), a quit, and a second start, measured to the profile mark
/// (app: the session restored) or to the ready mark (floor: none).
async fn second_start(
    setup: &Setup,
    fake: &FakeServer,
    side: Side,
    run: usize,
    requests: &mut Option<String>,
) -> Result<Split> {
    let world = World::start()?;
    let outcome = async {
        let first = format!("p6-{}-first-{run}", side.name());
        in_world(&world, &first, &setup.app, &[], async |app, _| match side {
            Side::App => flows::sign_in_with_token(app, fake).await,
            Side::Floor => {
                // Long enough for the app to save its window's place
                // (as it does while the app side signs in), so both
                // second starts put the window back.
                app.ready().await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
                Ok(())
            }
        })
        .await?;
        // The second start must not meet the first (single instance).
        let start = Instant::now();
        while running(&world, &setup.app).is_some() {
            if start.elapsed() > Duration::from_secs(10) {
                bail!("the first app did not exit");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        fake.clear_requests();
        let second = format!("p6-{}-second-{run}", side.name());
        let split = in_world(&world, &second, &setup.app, &[], async |app, world| {
            let (marks, at) = match side {
                Side::App => {
                    let marks = wait_profile(app).await?;
                    let at = marks.agent_at.context("no data-agent-at")?;
                    (marks, at)
                }
                Side::Floor => {
                    app.ready().await?;
                    let marks = marks(app).await?;
                    let at = marks.ready_at.context("no data-ready-at")?;
                    if marks.agent_at.is_some() {
                        bail!("a profile showed without a stored session");
                    }
                    (marks, at)
                }
            };
            let pid = find_pid(world, &setup.app)?;
            marks.split(at, process_start_ms(pid)?)
        })
        .await?;
        if let (Side::App, None) = (side, &requests) {
            let list: Vec<String> = fake
                .requests()
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect();
            *requests = Some(if list.is_empty() {
                "none".into()
            } else {
                list.join(", ")
            });
        }
        Ok(split)
    }
    .await;
    let left = world.shutdown();
    if !left.is_empty() {
        eprintln!("bench: p6 run {run}: killed processes left behind: {left:?}");
    }
    outcome
}

/// Waits for `data-agent-at`; fails if the form is ready without it.
async fn wait_profile(app: &App) -> Result<Marks> {
    let start = Instant::now();
    let mut ready_since: Option<Instant> = None;
    loop {
        let marks = marks(app).await?;
        if marks.agent_at.is_some() {
            if std::env::var_os("BENCH_TRACE").is_some() {
                crate::p1_start::trace("p6-restore", app).await;
            }
            return Ok(marks);
        }
        if let Some(e) = &marks.error {
            bail!("the window shows an error: {e}");
        }
        if marks.ready_at.is_some() {
            // Ready is marked before the restore's answer, which on
            // loopback follows within a frame or two: no profile 2 s on
            // means the session did not come back.
            let since = *ready_since.get_or_insert_with(Instant::now);
            if since.elapsed() > Duration::from_secs(2) {
                bail!("the app started without the stored session (no profile shown)");
            }
        }
        if start.elapsed() > PAINT_WAIT {
            bail!("no data-agent-at within {PAINT_WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The median time of a small authenticated GET on loopback.
async fn round_trip(fake: &FakeServer) -> Result<f64> {
    let cx = core(fake)?;
    let rc = SecretString::from(fake.mint_rc_access_token());
    let access = cx.exchange(&rc).await?.tokens.access;
    let accounts = engage::ApiPath::parse("/voice/api/v1/admin/accounts")?;
    let mut times = Vec::new();
    for _ in 0..RTT_REPS {
        let t = Instant::now();
        cx.call(
            &access,
            "GET",
            &accounts,
            &[],
            None,
            engage::http::API_BODY_LIMIT,
        )
        .await?;
        times.push(ms_since(t));
    }
    stats(&times)
        .map(|s| s.median)
        .context("no round trips timed")
}
