//! `make bench`: Engage Desk's figures against a floor.
//!
//! Each figure measures the release app and `benches/bare-tauri` (an empty
//! Tauri 2 app built the same way) in the same conditions: a fresh e2e
//! `World` per run (Xvfb, private D-Bus, gnome-keyring), the window driven by
//! WebKitWebDriver, the fake RingCX server on loopback in this process. Runs
//! of the app and the floor alternate, so drift on the machine hits both.
//!
//! Figures so far: P1 start-up, P3 users paint. More (P2 memory, P4 request
//! overhead, P5 package size, P6 restore) go in as one function each, and one
//! arm in `measure`.
//!
//! Environment: `ENGAGE_APP_BIN`, `BENCH_BARE_BIN` (the two release
//! binaries; default `target/release/…`), `BENCH_RUNS` (default 5),
//! `BENCH_FIGURES` (default `P1,P3`), `BENCH_OUT` (default
//! `docs/BENCHMARKS.md`; `-` writes no file).

// The results table on stdout is what this program is for.
#![allow(clippy::print_stdout)]

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("bench: the benchmarks run on Linux only (WebKitWebDriver, Xvfb).");
    std::process::exit(2);
}

#[cfg(target_os = "linux")]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    linux::main().await
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use anyhow::{anyhow, bail, Context, Result};
    use e2e::world::processes_under;
    use e2e::{flows, App, World};
    use engage::{ExposeSecret, SecretString};
    use fake_ringcx::{Config, FakeServer};
    use serde_json::Value;

    /// How long a users load may take before the run counts as failed.
    const PAINT_WAIT: Duration = Duration::from_secs(60);
    /// How often the marks are read: rarely enough not to load the page.
    const POLL: Duration = Duration::from_millis(100);
    /// Rows the floor paints until the app has said how many it paints.
    const DEFAULT_ROWS: usize = 40;
    /// The users sizes of P3.
    const P3_SIZES: [usize; 2] = [10_000, 100_000];
    /// The app's users view loads with "Active only" ticked; the floor asks
    /// for the same list, so both parse and count the same users.
    const USERS_QUERY: &str = "/voice/api/v1/admin/users?flatten=true&activeOnly=true";

    /// What to run, from the environment.
    struct Setup {
        app: PathBuf,
        bare: PathBuf,
        runs: usize,
        figures: Vec<String>,
        out: Option<PathBuf>,
    }

    fn workspace() -> PathBuf {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::canonicalize(&root).unwrap_or(root)
    }

    impl Setup {
        fn from_env() -> Result<Setup> {
            let release = |name: &str| {
                std::env::var_os("CARGO_TARGET_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| workspace().join("target"))
                    .join("release")
                    .join(name)
            };
            let binary = |var: &str, name: &str| -> Result<PathBuf> {
                let path = std::env::var_os(var)
                    .map(PathBuf::from)
                    .unwrap_or_else(|| release(name));
                std::fs::canonicalize(&path).with_context(|| {
                    format!(
                        "{} not found ({var}): build it first with `make bench`",
                        path.display()
                    )
                })
            };
            let runs = match std::env::var("BENCH_RUNS") {
                Ok(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .with_context(|| format!("BENCH_RUNS={v:?} is not a positive number"))?,
                Err(_) => 5,
            };
            let figures = std::env::var("BENCH_FIGURES")
                .unwrap_or_else(|_| "P1,P3".into())
                .split(',')
                .map(|f| f.trim().to_uppercase())
                .filter(|f| !f.is_empty())
                .collect();
            let out = match std::env::var_os("BENCH_OUT") {
                Some(v) if v == "-" => None,
                Some(v) => Some(PathBuf::from(v)),
                None => Some(workspace().join("docs/BENCHMARKS.md")),
            };
            Ok(Setup {
                app: binary("ENGAGE_APP_BIN", "engage-desk")?,
                bare: binary("BENCH_BARE_BIN", "bare-tauri")?,
                runs,
                figures,
                out,
            })
        }
    }

    /// One row of the results: samples of the app and of the floor.
    struct Figure {
        id: String,
        what: String,
        app: Vec<f64>,
        floor: Vec<f64>,
        notes: Vec<String>,
    }

    impl Figure {
        fn new(id: &str, what: &str) -> Figure {
            Figure {
                id: id.into(),
                what: what.into(),
                app: Vec::new(),
                floor: Vec::new(),
                notes: Vec::new(),
            }
        }

        /// Keeps a sample, or notes why the run failed.
        fn record(&mut self, side: Side, run: usize, sample: Result<f64>) {
            let name = side.name();
            match sample {
                Ok(ms) => {
                    eprintln!("bench: {} run {run} {name}: {ms:.0} ms", self.id);
                    match side {
                        Side::App => self.app.push(ms),
                        Side::Floor => self.floor.push(ms),
                    }
                }
                Err(e) => {
                    eprintln!("bench: {} run {run} {name} failed: {e:#}", self.id);
                    self.notes
                        .push(format!("{name} run {run} failed: {}", one_line(&e)));
                }
            }
        }
    }

    #[derive(Clone, Copy)]
    enum Side {
        App,
        Floor,
    }

    impl Side {
        fn name(self) -> &'static str {
            match self {
                Side::App => "app",
                Side::Floor => "floor",
            }
        }
    }

    fn one_line(e: &anyhow::Error) -> String {
        let text = format!("{e:#}").replace('\n', " ");
        text.chars().take(200).collect()
    }

    pub async fn main() -> Result<()> {
        let setup = Setup::from_env()?;
        eprintln!(
            "bench: app {}, floor {}, {} runs, figures {}",
            setup.app.display(),
            setup.bare.display(),
            setup.runs,
            setup.figures.join(",")
        );
        let started = Instant::now();
        let figures = measure(&setup).await?;
        let table = table(&figures);
        println!("{table}");
        if let Some(out) = &setup.out {
            let doc = document(&setup, &figures, &table, started.elapsed());
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(out, doc).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("bench: wrote {}", out.display());
        }
        eprintln!("bench: done in {:.0} s", started.elapsed().as_secs_f64());
        if figures
            .iter()
            .any(|f| f.app.is_empty() || f.floor.is_empty())
        {
            bail!("some figures have no samples; see the notes above");
        }
        Ok(())
    }

    /// Runs the figures asked for, in order.
    async fn measure(setup: &Setup) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        for id in &setup.figures {
            match id.as_str() {
                "P1" => figures.push(p1_startup(setup).await),
                "P3" => {
                    for users in P3_SIZES {
                        figures.push(p3_paint(setup, users).await?);
                    }
                }
                other => eprintln!("bench: figure {other} is not written yet; skipped"),
            }
        }
        Ok(figures)
    }

    // ---- P1: start-up ----

    /// Process start to the login form interactive (`data-ready-at`).
    async fn p1_startup(setup: &Setup) -> Figure {
        let mut figure = Figure::new("P1", "start-up: process start → UI ready mark (ms)");
        for run in 1..=setup.runs {
            for side in [Side::App, Side::Floor] {
                let binary = match side {
                    Side::App => &setup.app,
                    Side::Floor => &setup.bare,
                };
                let name = format!("p1-{}-{run}", side.name());
                let sample = in_window(&name, binary, &[], async |app, world| {
                    app.ready().await?;
                    let ready_at = ready_at(app).await?;
                    let pid = find_pid(world, binary)?;
                    Ok(ready_at - process_start_ms(pid)?)
                })
                .await;
                figure.record(side, run, sample);
            }
        }
        figure
    }

    async fn ready_at(app: &App) -> Result<f64> {
        let v = app
            .client
            .execute(
                "return document.documentElement.dataset.readyAt || null;",
                vec![],
            )
            .await?;
        v.as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("no data-ready-at on <html> (got {v})"))
    }

    /// The app's process among the world's: the one running `binary`.
    fn find_pid(world: &World, binary: &Path) -> Result<u32> {
        let name = binary.file_name().unwrap_or_default();
        processes_under(world.root())
            .into_iter()
            .find(|(pid, cmd)| {
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
                exe.as_deref() == Some(binary)
                    || cmd
                        .split(' ')
                        .next()
                        .map(Path::new)
                        .and_then(Path::file_name)
                        == Some(name)
            })
            .map(|(pid, _)| pid)
            .ok_or_else(|| anyhow!("no process of {} in the world", binary.display()))
    }

    /// When a process started, in ms since 1970. `/proc/<pid>/stat` gives
    /// it in clock ticks since boot; `/proc/uptime`, read next to the wall
    /// clock, says when boot was to 10 ms (`btime` in `/proc/stat` is whole
    /// seconds only, too coarse for this). Both count on the boot clock.
    fn process_start_ms(pid: u32) -> Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // The command name (field 2) may hold spaces: count from its ')'.
        let rest = stat
            .rfind(')')
            .map(|i| &stat[i + 1..])
            .context("odd /proc/<pid>/stat")?;
        // `rest` starts at field 3; starttime is field 22.
        let ticks: f64 = rest
            .split_whitespace()
            .nth(22 - 3)
            .and_then(|s| s.parse().ok())
            .context("no starttime in /proc/<pid>/stat")?;
        let uptime = std::fs::read_to_string("/proc/uptime")?;
        let now = epoch_ms(SystemTime::now());
        let uptime_s: f64 = uptime
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok())
            .context("odd /proc/uptime")?;
        Ok(now - (uptime_s - ticks / clock_ticks()) * 1000.0)
    }

    fn clock_ticks() -> f64 {
        command_line("getconf", &["CLK_TCK"])
            .and_then(|s| s.parse().ok())
            .unwrap_or(100.0)
    }

    fn epoch_ms(t: SystemTime) -> f64 {
        t.duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    }

    // ---- P3: users paint ----

    /// What a window reported after a users load.
    struct Paint {
        ms: f64,
        row_nodes: usize,
        /// The floor's own parse time, part of `ms`.
        parse_ms: Option<f64>,
    }

    /// Users response arriving in Rust → first rows painted, for `users`.
    async fn p3_paint(setup: &Setup, users: usize) -> Result<Figure> {
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
        );
        let mut rows = None;
        let mut floor_rows = None;
        let mut parse = Vec::new();
        for run in 1..=setup.runs {
            let name = format!("p3-{label}-app-{run}");
            let app = in_window(&name, &setup.app, &[], async |app, _| {
                flows::sign_in_with_token(app, &fake).await?;
                app.click("nav-users").await?;
                wait_paint(app).await
            })
            .await;
            if let Ok(paint) = &app {
                rows.get_or_insert(paint.row_nodes);
            }
            figure.record(Side::App, run, app.map(|p| p.ms));

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
        if let Some(p) = stats(&parse) {
            figure.notes.push(format!(
                "of the floor's figure, serde_json's parse into a Value took {:.0} ms (median)",
                p.median
            ));
        }
        Ok(figure)
    }

    async fn floor_paint(
        setup: &Setup,
        fake: &FakeServer,
        rows: usize,
        name: &str,
    ) -> Result<Paint> {
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

    /// A RingCX access token from the fake, through the core's own exchange.
    async fn ringcx_token(fake: &FakeServer) -> Result<SecretString> {
        let hosts = engage::hosts::Hosts::parse(&fake.url(), &fake.url())?;
        let cx = engage::ringcx::RingCx::new(engage::http::Http::new(), hosts);
        let rc = SecretString::from(fake.mint_rc_access_token());
        Ok(cx.exchange(&rc).await?.tokens.access)
    }

    /// Waits for `data-paint-ms` on the users view, and checks the rows.
    async fn wait_paint(app: &App) -> Result<Paint> {
        const READ: &str = r#"
            const view = document.querySelector("[data-testid=users-view]");
            const banner = document.querySelector("[data-testid=error-banner]");
            return {
                paintMs: view ? view.getAttribute("data-paint-ms") : null,
                rowNodes: view ? view.getAttribute("data-row-nodes") : null,
                parseMs: view ? view.getAttribute("data-parse-ms") : null,
                counted: document.querySelectorAll("[data-testid=user-row]").length,
                error: document.documentElement.getAttribute("data-error")
                    || (banner && banner.offsetParent !== null && banner.textContent.trim())
                    || null,
            };"#;
        let start = Instant::now();
        loop {
            let v = app.client.execute(READ, vec![]).await?;
            if let Some(e) = v["error"].as_str() {
                bail!("the window shows an error: {e}");
            }
            if let Some(ms) = v["paintMs"].as_str() {
                let ms: f64 = ms.parse().context("data-paint-ms is not a number")?;
                let marked = number(&v["rowNodes"]).context("no data-row-nodes")?;
                let counted = number(&v["counted"]).unwrap_or(0);
                if marked == 0 || counted == 0 {
                    bail!("no rows painted (data-row-nodes {marked}, {counted} in the DOM)");
                }
                if marked != counted {
                    eprintln!("bench: data-row-nodes says {marked}, the DOM has {counted}");
                }
                return Ok(Paint {
                    ms,
                    row_nodes: counted,
                    parse_ms: v["parseMs"].as_str().and_then(|s| s.parse().ok()),
                });
            }
            if start.elapsed() > PAINT_WAIT {
                bail!("no data-paint-ms on the users view within {PAINT_WAIT:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn number(v: &Value) -> Option<usize> {
        match v {
            Value::Number(n) => n.as_u64().map(|n| n as usize),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    // ---- shared ----

    /// Runs `body` against `binary` in a fresh world, then closes it all,
    /// also on failure (after a screenshot in target/e2e-failures).
    async fn in_window<T, F>(name: &str, binary: &Path, env: &[(&str, &str)], body: F) -> Result<T>
    where
        F: AsyncFnOnce(&App, &World) -> Result<T>,
    {
        let world = World::start()?;
        let app = App::launch_binary(&world, binary, env).await?;
        let outcome = body(&app, &world).await;
        if outcome.is_err() {
            let path = workspace().join(format!("target/e2e-failures/bench-{name}.png"));
            match app.screenshot(&path).await {
                Ok(()) => eprintln!("bench: screenshot {}", path.display()),
                Err(e) => eprintln!("bench: screenshot of {name} failed: {e}"),
            }
        }
        if let Err(e) = app.quit().await {
            eprintln!("bench: {name}: {e}");
        }
        let left = world.shutdown();
        if !left.is_empty() {
            eprintln!("bench: {name}: killed processes left behind: {left:?}");
        }
        outcome
    }

    /// The first line a command prints, if it runs.
    fn command_line(program: &str, args: &[&str]) -> Option<String> {
        let out = Command::new(program).args(args).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().next()?.trim().to_string();
        (!line.is_empty()).then_some(line)
    }

    // ---- output ----

    struct Stats {
        median: f64,
        min: f64,
        max: f64,
        n: usize,
    }

    fn stats(samples: &[f64]) -> Option<Stats> {
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => s[n / 2],
            _ => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        };
        Some(Stats {
            median,
            min: s[0],
            max: s[n - 1],
            n,
        })
    }

    fn cell(samples: &[f64], runs: usize) -> String {
        match stats(samples) {
            None => "failed".into(),
            Some(s) => {
                let mut text = format!("{:.0} [{:.0}–{:.0}]", s.median, s.min, s.max);
                if s.n < runs {
                    let _ = write!(text, " (n={})", s.n);
                }
                text
            }
        }
    }

    fn table(figures: &[Figure]) -> String {
        let runs = figures
            .iter()
            .map(|f| f.app.len().max(f.floor.len()))
            .max()
            .unwrap_or(0);
        let mut out = String::from(
            "| id | what | app (median [min–max]) | floor (median [min–max]) | ratio |\n\
             | --- | --- | --- | --- | --- |\n",
        );
        for f in figures {
            let ratio = match (stats(&f.app), stats(&f.floor)) {
                (Some(a), Some(b)) if b.median > 0.0 => format!("{:.2}×", a.median / b.median),
                _ => "—".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.id,
                f.what,
                cell(&f.app, runs),
                cell(&f.floor, runs),
                ratio
            );
        }
        out
    }

    fn machine() -> Vec<(&'static str, String)> {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        let cores = command_line("nproc", &[]).unwrap_or_else(|| "unknown".into());
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                let kib: f64 = m
                    .lines()
                    .find(|l| l.starts_with("MemTotal:"))?
                    .split_whitespace()
                    .nth(1)?
                    .parse()
                    .ok()?;
                Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
            })
            .unwrap_or_else(|| "unknown".into());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into());
        let webkit = command_line("pkg-config", &["--modversion", "webkit2gtk-4.1"])
            .unwrap_or_else(|| "unknown".into());
        let os = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|r| {
                r.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        vec![
            ("CPU", cpu),
            ("cores (nproc)", cores),
            ("memory", memory),
            ("OS", os),
            ("kernel", kernel),
            ("WebKitGTK", webkit),
        ]
    }

    fn revision() -> String {
        let root = workspace();
        let root = root.to_string_lossy();
        let Some(commit) = command_line("git", &["-C", &root, "rev-parse", "--short", "HEAD"])
        else {
            return "unknown".into();
        };
        let dirty = Command::new("git")
            .args(["-C", &root, "status", "--porcelain", "--untracked-files=no"])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false);
        if dirty {
            format!("{commit} with local changes")
        } else {
            commit
        }
    }

    fn document(setup: &Setup, figures: &[Figure], table: &str, took: Duration) -> String {
        let date = command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
            .unwrap_or_else(|| format!("{:.0} s since 1970", epoch_ms(SystemTime::now()) / 1e3));
        let mut doc = String::new();
        let _ = writeln!(doc, "# Benchmarks\n");
        let _ = writeln!(
            doc,
            "Written by `make bench` on {date}, at commit {}. Do not edit by hand: run `make bench` again.\n",
            revision()
        );
        let _ = writeln!(doc, "## Machine\n");
        for (k, v) in machine() {
            let _ = writeln!(doc, "- {k}: {v}");
        }
        let _ = writeln!(doc, "\n## How it was run\n");
        let _ = writeln!(
            doc,
            "- Release builds with the `custom-protocol` feature (the UI embedded, as shipped): \
             Engage Desk (`target/release/engage-desk`) and the floor, `benches/bare-tauri`, \
             an empty Tauri 2 app with the same Tauri version, features, CSP and \
             `withGlobalTauri`, whose page only sets the same marks."
        );
        let _ = writeln!(
            doc,
            "- Every run in a fresh world: Xvfb 1280x800x24 with software rendering \
             (`LIBGL_ALWAYS_SOFTWARE=1`, `WEBKIT_DISABLE_DMABUF_RENDERER=1`), a private D-Bus \
             and an unlocked gnome-keyring, a temporary HOME; the window under \
             WebKitWebDriver. The fake RingCX server runs on loopback in the bench process."
        );
        let _ = writeln!(
            doc,
            "- {} runs per figure and side; app and floor runs alternate. Median, min and max \
             in ms; ratio = app median / floor median. The whole bench took {:.0} s.",
            setup.runs,
            took.as_secs_f64()
        );
        let _ = writeln!(doc, "\n## Results\n");
        let _ = writeln!(doc, "{table}");
        let _ = writeln!(doc, "## What the figures measure\n");
        for f in figures {
            let about = match f.id.as_str() {
                "P1" => "From the process start (its `starttime` in `/proc/<pid>/stat`, placed on \
                         the wall clock through `/proc/uptime`; 10 ms resolution) to `data-ready-at` \
                         on `<html>`, which the page sets one frame after the login form is \
                         interactive (the floor: one frame after load). Includes WebKit's \
                         start-up; the app is launched by WebKitWebDriver."
                    .to_string(),
                id if id.starts_with("P3") => format!(
                    "App: sign in with a pasted token, click Users, and read `data-paint-ms` on \
                     `[data-testid=users-view]`: from the users response arriving in Rust to \
                     two frames after the first rows went in. Floor: once its window is ready, a click on \
                     its Users button has a Rust command fetch `{USERS_QUERY}` with reqwest, \
                     note the time as the body arrives, parse it with serde_json into a `Value` \
                     and return the first rows, which the page paints as plain divs; same mark. \
                     The floor paints as many rows as the app."
                ),
                _ => String::new(),
            };
            let _ = writeln!(doc, "- **{}**: {about}", f.id);
            for note in &f.notes {
                let _ = writeln!(doc, "  - {note}");
            }
        }
        doc
    }
}
