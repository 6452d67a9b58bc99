//! `make bench`: Engage Desk's figures against a floor.
//!
//! Each figure measures the release app and a floor in the same run. The
//! window figures (P1, P2, P3, P6) run the app and `benches/bare-tauri` (an
//! empty Tauri 2 app built the same way) in the same conditions: a fresh e2e
//! `World` per run (Xvfb, private D-Bus, gnome-keyring), the window driven by
//! WebKitWebDriver, the fake RingCX server on loopback in this process. Runs
//! of the app and the floor alternate, so drift on the machine hits both.
//! P4 times the core's requests against curl's, P5 weighs the packages.
//!
//! Figures: P1 start-up, P2 memory, P3 users paint, P4 request overhead,
//! P5 package size, P6 start with a stored session. Each is one function,
//! and one arm in `measure`.
//!
//! Environment: `ENGAGE_APP_BIN`, `BENCH_BARE_BIN` (the two release
//! binaries; default `target/release/…`), `BENCH_BUNDLE_DIR` (where `tauri
//! build` put the packages; default `bundle/` beside the app binary),
//! `BENCH_RUNS` (default 5), `BENCH_FIGURES` (default all:
//! `P1,P2,P3,P4,P5,P6`), `BENCH_OUT` (default `docs/BENCHMARKS.md`; `-`
//! writes no file), `BENCH_BUILD_NOTE` (a line on what the builds cost, for
//! the document).

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
    use std::collections::{BTreeMap, HashMap};
    use std::fmt::Write as _;
    use std::io::Write as _;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use anyhow::{anyhow, bail, Context, Result};
    use e2e::world::processes_under;
    use e2e::{flows, App, World};
    use engage::hosts::Hosts;
    use engage::http::Http;
    use engage::ringcx::RingCx;
    use engage::{ExposeSecret, SecretString};
    use fake_ringcx::{Config, FakeServer};
    use serde_json::Value;

    /// How long a users load (or a restore) may take before the run fails.
    const PAINT_WAIT: Duration = Duration::from_secs(60);
    /// How often the marks are read: rarely enough not to load the page.
    const POLL: Duration = Duration::from_millis(100);
    /// Rows the floor paints until the app has said how many it paints.
    const DEFAULT_ROWS: usize = 40;
    /// The users sizes of P3.
    const P3_SIZES: [usize; 2] = [10_000, 100_000];
    /// The users the app shows while P2 reads its memory.
    const P2_USERS: usize = 10_000;
    /// How long a window rests before P2 reads its memory.
    const SETTLE: Duration = Duration::from_secs(2);
    /// P4: the users the fake holds, the requests per call and side, and in
    /// how many alternating batches they go.
    const P4_USERS: usize = 100;
    const P4_REPS: usize = 200;
    const P4_BATCHES: usize = 10;
    /// P6: authenticated GETs timed for one loopback round trip.
    const RTT_REPS: usize = 50;
    /// The app's users view loads with "Active only" ticked; the floor asks
    /// for the same list, so both parse and count the same users.
    const USERS_QUERY: &str = "/voice/api/v1/admin/users?flatten=true&activeOnly=true";
    const MB: f64 = 1_000_000.0;

    /// What to run, from the environment.
    struct Setup {
        app: PathBuf,
        bare: PathBuf,
        bundle: PathBuf,
        runs: usize,
        figures: Vec<String>,
        out: Option<PathBuf>,
        build_note: Option<String>,
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
                .unwrap_or_else(|_| "P1,P2,P3,P4,P5,P6".into())
                .split(',')
                .map(|f| f.trim().to_uppercase())
                .filter(|f| !f.is_empty())
                .collect();
            let out = match std::env::var_os("BENCH_OUT") {
                Some(v) if v == "-" => None,
                Some(v) => Some(PathBuf::from(v)),
                None => Some(workspace().join("docs/BENCHMARKS.md")),
            };
            let app = binary("ENGAGE_APP_BIN", "engage-desk")?;
            let bundle = std::env::var_os("BENCH_BUNDLE_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| app.with_file_name("bundle"));
            Ok(Setup {
                bare: binary("BENCH_BARE_BIN", "bare-tauri")?,
                app,
                bundle,
                runs,
                figures,
                out,
                build_note: std::env::var("BENCH_BUILD_NOTE")
                    .ok()
                    .filter(|s| !s.trim().is_empty()),
            })
        }
    }

    /// One row of the results: samples of the app and of the floor.
    struct Figure {
        id: String,
        what: String,
        unit: &'static str,
        /// Decimals shown in the table.
        decimals: usize,
        /// Samples each side should have; fewer are shown as `(n=…)`.
        expected: usize,
        app: Vec<f64>,
        floor: Vec<f64>,
        notes: Vec<String>,
        /// The largest cost in this figure the team could still remove.
        removable: Option<String>,
    }

    impl Figure {
        fn new(id: &str, what: &str, unit: &'static str, expected: usize) -> Figure {
            Figure {
                id: id.into(),
                what: what.into(),
                unit,
                decimals: 0,
                expected,
                app: Vec::new(),
                floor: Vec::new(),
                notes: Vec::new(),
                removable: None,
            }
        }

        fn decimals(mut self, decimals: usize) -> Figure {
            self.decimals = decimals;
            self
        }

        /// Keeps a sample, or notes why the run failed.
        fn record(&mut self, side: Side, run: usize, sample: Result<f64>) {
            let name = side.name();
            match sample {
                Ok(v) => {
                    eprintln!(
                        "bench: {} run {run} {name}: {v:.prec$} {}",
                        self.id,
                        self.unit,
                        prec = self.decimals
                    );
                    match side {
                        Side::App => self.app.push(v),
                        Side::Floor => self.floor.push(v),
                    }
                }
                Err(e) => self.fail(&format!("{name} run {run}"), &e),
            }
        }

        fn fail(&mut self, what: &str, e: &anyhow::Error) {
            eprintln!("bench: {} {what} failed: {e:#}", self.id);
            self.notes.push(format!("{what} failed: {}", one_line(e)));
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
        let figures = measure(&setup).await;
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

    /// Runs the figures asked for, in order. A figure that fails as a
    /// whole still gets its row, with the reason in its notes.
    async fn measure(setup: &Setup) -> Vec<Figure> {
        let mut figures: Vec<Figure> = Vec::new();
        for id in &setup.figures {
            let id = id.as_str();
            let outcome = match id {
                "P1" => Ok(vec![p1_startup(setup).await]),
                "P2" => p2_memory(setup).await.map(|f| vec![f]),
                "P3" => {
                    let mut out = Vec::new();
                    for users in P3_SIZES {
                        match p3_paint(setup, users).await {
                            Ok(f) => out.push(f),
                            Err(e) => out.push(failed(&format!("P3-{}k", users / 1000), &e)),
                        }
                    }
                    Ok(out)
                }
                "P4" => p4_requests().await,
                "P5" => p5_packages(setup),
                "P6" => {
                    let p1 = figures.iter().find(|f| f.id == "P1").map(|f| f.app.clone());
                    p6_restore(setup, p1).await.map(|f| vec![f])
                }
                other => {
                    eprintln!("bench: there is no figure {other}; skipped");
                    continue;
                }
            };
            match outcome {
                Ok(list) => figures.extend(list),
                Err(e) => figures.push(failed(id, &e)),
            }
        }
        figures
    }

    fn failed(id: &str, e: &anyhow::Error) -> Figure {
        let mut f = Figure::new(id, "(failed)", "", 1);
        f.fail("the figure", e);
        f
    }

    // ---- P1: start-up ----

    /// Where the time of a start-up went, in ms: process start → the page's
    /// navigation start (`performance.timeOrigin`), → DOMContentLoaded, →
    /// the mark.
    #[derive(Clone, Copy)]
    struct Split {
        total: f64,
        to_page: f64,
        to_dom: f64,
        /// Of `to_dom`: from the HTML parsed (`domInteractive`) on, when
        /// the page's module scripts load and run.
        scripts: f64,
    }

    impl Split {
        fn rest(&self) -> f64 {
            self.total - self.to_page - self.to_dom
        }
    }

    /// One part of a split, by what it reads.
    type Part = fn(&Split) -> f64;

    /// Medians of each part of some splits, as text.
    fn split_text(splits: &[Split], last: &str) -> String {
        let part = |f: &dyn Fn(&Split) -> f64| {
            let v: Vec<f64> = splits.iter().map(f).collect();
            stats(&v).map(|s| s.median).unwrap_or(f64::NAN)
        };
        format!(
            "{:.0} ms to the page's navigation start, {:.0} ms to DOMContentLoaded (of which \
             {:.0} ms after the HTML was parsed: its module scripts loading and running), \
             {:.0} ms to {last}",
            part(&|s| s.to_page),
            part(&|s| s.to_dom),
            part(&|s| s.scripts),
            part(&|s| s.rest())
        )
    }

    /// Process start to the login form interactive (`data-ready-at`).
    async fn p1_startup(setup: &Setup) -> Figure {
        let mut figure = Figure::new(
            "P1",
            "start-up: process start → UI ready mark (ms)",
            "ms",
            setup.runs,
        );
        // One start of each, not counted: the first start of a binary just
        // built reads it and its libraries from disk.
        for side in [Side::App, Side::Floor] {
            if let Err(e) = startup(setup, side, 0).await {
                eprintln!("bench: P1 warm-up {} failed: {e:#}", side.name());
            }
        }
        let mut splits: HashMap<&str, Vec<Split>> = HashMap::new();
        for run in 1..=setup.runs {
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
                    "the page's JavaScript modules, between the HTML parsed and \
                     DOMContentLoaded: main.js and the modules it imports, each fetched \
                     through Tauri's custom protocol only once the module importing it has \
                     arrived and been parsed. Bundling them into one file, or listing them \
                     in index.html as `<link rel=\"modulepreload\">` so WebKit fetches them \
                     at once, should remove most of it (WebKit gives no Resource Timing for \
                     the custom protocol, so the waterfall itself is not measured here)",
                    |s| s.scripts,
                ),
                (
                    "the page's start-up calls before it marks the form ready (app info, \
                     update preferences, the session listener, the sign-in form's set-up \
                     and the stored-session look-up in the keychain), awaited one after \
                     another",
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
            let ready_at = marks.ready_at.context("no data-ready-at on <html>")?;
            let pid = find_pid(world, binary)?;
            marks.split(ready_at, process_start_ms(pid)?)
        })
        .await
    }

    /// The page's marks and navigation timing.
    struct Marks {
        ready_at: Option<f64>,
        profile_at: Option<f64>,
        origin: f64,
        dom_loaded: Option<f64>,
        error: Option<String>,
        dom_interactive: Option<f64>,
    }

    impl Marks {
        fn split(&self, mark: f64, start: f64) -> Result<Split> {
            let dom = self
                .dom_loaded
                .context("no navigation timing (domContentLoadedEventEnd)")?;
            let interactive = self
                .dom_interactive
                .context("no navigation timing (domInteractive)")?;
            Ok(Split {
                total: mark - start,
                to_page: self.origin - start,
                to_dom: dom,
                scripts: dom - interactive,
            })
        }
    }

    async fn marks(app: &App) -> Result<Marks> {
        const READ: &str = r#"
            const root = document.documentElement;
            const nav = performance.getEntriesByType("navigation")[0];
            const banner = document.querySelector("[data-testid=error-banner]");
            return {
                readyAt: root.dataset.readyAt || null,
                profileAt: root.dataset.profileAt || null,
                origin: performance.timeOrigin,
                domLoaded: nav && nav.domContentLoadedEventEnd > 0 ? nav.domContentLoadedEventEnd : null,
                domInteractive: nav && nav.domInteractive > 0 ? nav.domInteractive : null,
                error: root.getAttribute("data-error")
                    || (banner && banner.offsetParent !== null && banner.textContent.trim())
                    || null,
            };"#;
        let v = app.client.execute(READ, vec![]).await?;
        let num = |key: &str| match &v[key] {
            Value::String(s) => s.parse::<f64>().ok(),
            Value::Number(n) => n.as_f64(),
            _ => None,
        };
        Ok(Marks {
            ready_at: num("readyAt"),
            profile_at: num("profileAt"),
            origin: num("origin").context("no performance.timeOrigin")?,
            dom_loaded: num("domLoaded"),
            error: v["error"].as_str().map(str::to_string),
            dom_interactive: num("domInteractive"),
        })
    }

    /// The app's process among the world's: the one running `binary`.
    fn find_pid(world: &World, binary: &Path) -> Result<u32> {
        running(world, binary)
            .ok_or_else(|| anyhow!("no process of {} in the world", binary.display()))
    }

    fn running(world: &World, binary: &Path) -> Option<u32> {
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
    }

    /// When a process started, in ms since 1970. `/proc/<pid>/stat` gives
    /// it in clock ticks since boot; `/proc/uptime`, read next to the wall
    /// clock, says when boot was to 10 ms (`btime` in `/proc/stat` is whole
    /// seconds only, too coarse for this). Both count on the boot clock.
    fn process_start_ms(pid: u32) -> Result<f64> {
        let ticks: f64 = stat_field(pid, 22)?
            .parse()
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

    /// Field `n` (1-based, as in proc(5)) of `/proc/<pid>/stat`, from 3 on.
    fn stat_field(pid: u32, n: usize) -> Result<String> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // The command name (field 2) may hold spaces: count from its ')'.
        let rest = stat
            .rfind(')')
            .map(|i| &stat[i + 1..])
            .context("odd /proc/<pid>/stat")?;
        rest.split_whitespace()
            .nth(n - 3)
            .map(str::to_string)
            .with_context(|| format!("no field {n} in /proc/{pid}/stat"))
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

    // ---- P2: memory ----

    /// PSS of a process and its descendants, per program, in MiB.
    struct Memory {
        total: f64,
        parts: Vec<(String, f64)>,
    }

    /// The stages P2 reads the memory at, in order; the last is the figure.
    const APP_STAGES: [&str; 3] = ["idle", "signed in", "10k users shown"];

    /// The app signed in with 10k users shown, against the idle floor.
    /// On the way, the app's memory is also read idle and signed in, so
    /// the notes can say where the difference comes from.
    async fn p2_memory(setup: &Setup) -> Result<Figure> {
        let fake = FakeServer::start_with(
            Config {
                users: P2_USERS,
                exchange_limit_per_minute: 1_000,
                ..Config::default()
            },
            0,
        )
        .await?;
        // How big the users response is, for the notes.
        let token = ringcx_token(&fake).await?;
        let body_mb = core(&fake)?
            .call(
                &token,
                "GET",
                "/voice/api/v1/admin/users",
                &[
                    ("flatten".into(), "true".into()),
                    ("activeOnly".into(), "true".into()),
                ],
                None,
            )
            .await?
            .body
            .len() as f64
            / MB;
        let mut figure = Figure::new(
            "P2",
            "memory: PSS of the process and its WebKit processes (MiB); app signed in, 10k users shown; floor idle",
            "MiB",
            setup.runs,
        );
        // (side, stage) → program → samples
        let mut parts: BTreeMap<(&str, &str), BTreeMap<String, Vec<f64>>> = BTreeMap::new();
        for run in 1..=setup.runs {
            for side in [Side::App, Side::Floor] {
                let (binary, name) = match side {
                    Side::App => (&setup.app, format!("p2-app-{run}")),
                    Side::Floor => (&setup.bare, format!("p2-floor-{run}")),
                };
                let sample = in_window(&name, binary, &[], async |app, world| {
                    app.ready().await?;
                    tokio::time::sleep(SETTLE).await;
                    let pid = find_pid(world, binary)?;
                    let mut stages = vec![("idle", memory(pid)?)];
                    if let Side::App = side {
                        flows::sign_in_with_token(app, &fake).await?;
                        tokio::time::sleep(SETTLE).await;
                        stages.push((APP_STAGES[1], memory(pid)?));
                        app.click("nav-users").await?;
                        wait_paint(app).await?;
                        tokio::time::sleep(SETTLE).await;
                        stages.push((APP_STAGES[2], memory(pid)?));
                    }
                    Ok(stages)
                })
                .await;
                let sample = sample.map(|stages| {
                    let mut last = 0.0;
                    for (stage, m) in stages {
                        let by_program = parts.entry((side.name(), stage)).or_default();
                        for (program, mib) in m.parts {
                            by_program.entry(program).or_default().push(mib);
                        }
                        last = m.total;
                    }
                    last
                });
                figure.record(side, run, sample);
            }
        }
        // Medians per program, per side and stage.
        let medians: BTreeMap<(&str, &str), BTreeMap<String, f64>> = parts
            .iter()
            .map(|(k, programs)| {
                let m = programs
                    .iter()
                    .filter_map(|(p, v)| Some((p.clone(), stats(v)?.median)))
                    .collect();
                (*k, m)
            })
            .collect();
        figure.notes.push(format!(
            "the users response the app loads: {body_mb:.1} MB of JSON ({}k users)",
            P2_USERS / 1000
        ));
        for ((side, stage), programs) in &medians {
            let text: Vec<String> = programs
                .iter()
                .map(|(p, m)| format!("{p} {m:.0}"))
                .collect();
            figure.notes.push(format!(
                "{side}, {stage}: {} MiB (medians; sum {:.0})",
                text.join(", "),
                programs.values().sum::<f64>()
            ));
        }
        // Where the app's extra memory is: (what, process, MiB).
        let get = |side: &str, stage: &str, program: &str| -> f64 {
            medians
                .get(&(side, stage))
                .and_then(|m| m.get(program))
                .copied()
                .unwrap_or(0.0)
        };
        let mut steps: Vec<(String, String, f64)> = Vec::new();
        for program in [MAIN, "WebKitWebProcess", "WebKitNetworkProcess"] {
            steps.push((
                "at idle, before any sign-in, against the floor".into(),
                program.into(),
                get("app", "idle", program) - get("floor", "idle", program),
            ));
            for pair in APP_STAGES.windows(2) {
                steps.push((
                    format!("from {} to {}", pair[0], pair[1]),
                    program.into(),
                    get("app", pair[1], program) - get("app", pair[0], program),
                ));
            }
        }
        let total = stats(&figure.app).map_or(0.0, |s| s.median)
            - stats(&figure.floor).map_or(0.0, |s| s.median);
        if let Some((when, program, mib)) = steps
            .iter()
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .filter(|s| s.2 > 0.0)
        {
            let why = match (program.as_str(), when.as_str()) {
                (MAIN, w) if w.ends_with("shown") => format!(
                    "the users table the app keeps in Rust for paging: {:.1} KiB a user, \
                     where the response is {:.1} KiB a user ({body_mb:.1} MB for {}k). The \
                     table holds each user several times over (the parsed `User`, with every \
                     field it does not name kept as a serde_json map for the details view; a \
                     display row; a search text; sort keys), plus whatever the allocator \
                     keeps of the freed body and parse buffers. One compact row per user, with the \
                     details re-read from the kept body bytes when asked, is the largest \
                     saving left",
                    mib * 1024.0 / P2_USERS as f64,
                    body_mb * MB / 1024.0 / P2_USERS as f64,
                    P2_USERS / 1000
                ),
                (MAIN, _) => "the app's own Rust side: its plugins (updater, clipboard, \
                     single instance), the keychain's D-Bus connection and the HTTP client, \
                     each with its threads and buffers"
                    .to_string(),
                ("WebKitWebProcess", w) if w.starts_with("at idle") => "the page itself: \
                     the app's UI (HTML, CSS, its JavaScript modules) parsed, styled and \
                     laid out, against the floor's almost empty page"
                    .to_string(),
                ("WebKitWebProcess", _) => {
                    "the page's DOM, styles and JavaScript heap growing with the view".into()
                }
                _ => "WebKit's network process".into(),
            };
            figure.removable = Some(format!(
                "of the app's {total:.0} MiB over the floor, the largest step is {program} \
                 {when}: {mib:+.0} MiB. That is {why}."
            ));
        }
        Ok(figure)
    }

    /// The name P2 gives the app's (or the floor's) own process.
    const MAIN: &str = "main process";

    /// PSS (from `/proc/<pid>/smaps_rollup`) of `pid` and its descendants.
    fn memory(pid: u32) -> Result<Memory> {
        let mut parts: BTreeMap<String, f64> = BTreeMap::new();
        let mut total = 0.0;
        for p in descendants(pid) {
            let name = if p == pid {
                MAIN.to_string()
            } else {
                program(p)
            };
            // A helper that is gone by now has no memory to count.
            let Ok(rollup) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) else {
                continue;
            };
            let kib: f64 = rollup
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("no Pss in /proc/{p}/smaps_rollup"))?;
            let mib = kib / 1024.0;
            total += mib;
            *parts.entry(name).or_default() += mib;
        }
        if total == 0.0 {
            bail!("no memory read for process {pid}");
        }
        Ok(Memory {
            total,
            parts: parts.into_iter().collect(),
        })
    }

    /// `pid` and every process under it.
    fn descendants(pid: u32) -> Vec<u32> {
        let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for p in entries
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            {
                if let Some(parent) = stat_field(p, 4).ok().and_then(|s| s.parse().ok()) {
                    children.entry(parent).or_default().push(p);
                }
            }
        }
        let mut out = vec![pid];
        let mut i = 0;
        while i < out.len() {
            if let Some(c) = children.get(&out[i]) {
                out.extend(c);
            }
            i += 1;
        }
        out
    }

    /// A process's program name (`comm` cuts names at 15 characters).
    fn program(pid: u32) -> String {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .ok()
            .and_then(|cmd| {
                let first = cmd.split(|&b| b == 0).next()?;
                let name = Path::new(std::str::from_utf8(first).ok()?).file_name()?;
                Some(name.to_string_lossy().into_owned())
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("pid {pid}"))
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
            "ms",
            setup.runs,
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
            let app = stats(&figure.app).map_or(f64::NAN, |s| s.median);
            figure.removable = Some(format!(
                "parsing the response: the floor spends {:.0} of its {:.0} ms in serde_json \
                 alone, and the app's {app:.0} ms include its own parse of the same {label} \
                 users into its table before a row can show. Painting is a few frames; what \
                 is left to remove is parsing the whole list before the first rows, e.g. \
                 parsing (or asking the server for) the first page first.",
                p.median,
                stats(&figure.floor).map_or(f64::NAN, |s| s.median),
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

    fn core(fake: &FakeServer) -> Result<RingCx> {
        let hosts = Hosts::parse(&fake.url(), &fake.url())?;
        Ok(RingCx::new(Http::new(), hosts))
    }

    /// A RingCX access token from the fake, through the core's own exchange.
    async fn ringcx_token(fake: &FakeServer) -> Result<SecretString> {
        let rc = SecretString::from(fake.mint_rc_access_token());
        Ok(core(fake)?.exchange(&rc).await?.tokens.access)
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

    // ---- P4: request overhead ----

    /// The two RingCX calls through the core (in this process) against
    /// curl, alternating in batches; the same calls through the core's
    /// reqwest client without the core around it, for the notes.
    async fn p4_requests() -> Result<Vec<Figure>> {
        let fake = FakeThread::start(Config {
            users: P4_USERS,
            // Every side exchanges P4_REPS times within the minute.
            exchange_limit_per_minute: 100_000,
            ..Config::default()
        })?;
        let http = Http::new();
        let cx = RingCx::new(http.clone(), Hosts::parse(&fake.url, &fake.url)?);
        let rc = fake.rc_token.clone();
        // Also opens the core's pooled connection, as a running app has.
        let access = cx.exchange(&rc).await?.tokens.access;
        let exchange_url = format!(
            "{}/api/auth/login/rc/accesstoken?includeRefresh=true",
            fake.url
        );
        let users_url = format!("{}{USERS_QUERY}", fake.url);
        let query = [
            ("flatten".to_string(), "true".to_string()),
            ("activeOnly".to_string(), "true".to_string()),
        ];
        let batch = P4_REPS.div_ceil(P4_BATCHES);
        let exchange_curl = curl_config(
            &[],
            &[
                (
                    "data-urlencode",
                    format!("rcAccessToken={}", rc.expose_secret()),
                ),
                ("data", "rcTokenType=Bearer".into()),
            ],
            &exchange_url,
            batch,
        );
        let users_curl = curl_config(
            &[
                format!("Authorization: Bearer {}", access.expose_secret()),
                "Accept: application/json".into(),
            ],
            &[],
            &users_url,
            batch,
        );

        let mut exchange = Figure::new(
            "P4-exchange",
            "request overhead, RingCX exchange (POST form): core vs curl, per call (ms)",
            "ms",
            P4_REPS,
        )
        .decimals(3);
        let mut users = Figure::new(
            "P4-users",
            "request overhead, users call (GET, 100 users): core vs curl, per call (ms)",
            "ms",
            P4_REPS,
        )
        .decimals(3);
        let (mut raw_exchange, mut raw_users) = (Vec::new(), Vec::new());
        let mut connects = (0, 0);
        for _ in 0..P4_BATCHES {
            for _ in 0..batch {
                let t = Instant::now();
                cx.exchange(&rc).await.context("the core's exchange")?;
                exchange.app.push(ms_since(t));
            }
            let (times, opened) = curl(&exchange_curl).await?;
            exchange.floor.extend(times);
            connects.0 += opened;
            for _ in 0..batch {
                let t = Instant::now();
                let reply = http
                    .client()
                    .post(&exchange_url)
                    .form(&[
                        ("rcAccessToken", rc.expose_secret()),
                        ("rcTokenType", "Bearer"),
                    ])
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                raw_exchange.push(ms_since(t));
                drop(reply);
            }

            for _ in 0..batch {
                let t = Instant::now();
                let reply = cx
                    .call(&access, "GET", "/voice/api/v1/admin/users", &query, None)
                    .await
                    .context("the core's users call")?;
                users.app.push(ms_since(t));
                if !reply.is_success() || reply.body.is_empty() {
                    bail!("the core's users call answered {}", reply.status);
                }
            }
            let (times, opened) = curl(&users_curl).await?;
            users.floor.extend(times);
            connects.1 += opened;
            for _ in 0..batch {
                let t = Instant::now();
                let reply = http
                    .client()
                    .get(&users_url)
                    .bearer_auth(access.expose_secret())
                    .header("accept", "application/json")
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                raw_users.push(ms_since(t));
                drop(reply);
            }
        }
        for (figure, raw, opened) in [
            (&mut exchange, &raw_exchange, connects.0),
            (&mut users, &raw_users, connects.1),
        ] {
            let core = stats(&figure.app).map_or(f64::NAN, |s| s.median);
            let curl = stats(&figure.floor).map_or(f64::NAN, |s| s.median);
            let raw = stats(raw).map_or(f64::NAN, |s| s.median);
            figure.notes.push(format!(
                "the same request through the core's reqwest client alone (no engage code \
                 around it, body read with `bytes()`): {raw:.3} ms median"
            ));
            figure.notes.push(format!(
                "curl opened {opened} connections for its {} requests (one per batch of {batch})",
                figure.floor.len()
            ));
            let what = if figure.id == "P4-exchange" {
                "building the form, reading the body in chunks, parsing it twice (tokens, \
                 then user details) and decoding the token's expiry"
            } else {
                "building the URL and query, reading the body in chunks under a size limit \
                 into a fresh Vec"
            };
            let (gap, own, stack) = (core - curl, core - raw, raw - curl);
            let larger = if own > stack {
                format!("engage's own code ({what})")
            } else {
                "reqwest's and tokio's per-request work (the request and header maps, \
                 task wake-ups across threads), which only another HTTP client would remove"
                    .to_string()
            };
            let worth = if gap.abs() < 0.1 {
                "At under 0.1 ms a call, against round trips of tens of ms to the real \
                 servers, neither is worth removing."
            } else {
                "That is worth a profile."
            };
            figure.removable = Some(format!(
                "the core is {gap:.3} ms a call over curl: reqwest alone (the same client \
                 without engage's code) is {stack:+.3} ms from curl, and engage's code \
                 around it adds {own:+.3} ms. The larger part is {larger}. {worth}"
            ));
        }
        Ok(vec![exchange, users])
    }

    /// The fake on a runtime of its own, on its own thread: the core's
    /// requests then cross threads to it as curl's cross processes, and
    /// neither shares the bench's workers with the server.
    struct FakeThread {
        url: String,
        /// A RingCentral access token it minted.
        rc_token: SecretString,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl FakeThread {
        fn start(config: Config) -> Result<FakeThread> {
            let (ready_tx, ready_rx) = std::sync::mpsc::channel();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let thread = std::thread::spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow!(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match FakeServer::start_with(config, 0).await {
                        Ok(fake) => {
                            let _ = ready_tx.send(Ok((fake.url(), fake.mint_rc_access_token())));
                            let _ = stopped.await;
                            drop(fake);
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            });
            let (url, token) = ready_rx
                .recv_timeout(Duration::from_secs(20))
                .context("the fake's thread did not start")??;
            Ok(FakeThread {
                url,
                rc_token: SecretString::from(token),
                stop: Some(stop),
                thread: Some(thread),
            })
        }
    }

    impl Drop for FakeThread {
        fn drop(&mut self) {
            if let Some(stop) = self.stop.take() {
                let _ = stop.send(());
            }
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn ms_since(t: Instant) -> f64 {
        t.elapsed().as_secs_f64() * 1000.0
    }

    /// A curl config file that makes `count` requests to `url` in one
    /// process, one connection kept alive, printing each one's own timing.
    fn curl_config(
        headers: &[String],
        options: &[(&str, String)],
        url: &str,
        count: usize,
    ) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut out = String::from(
            "silent\nshow-error\nnoproxy = \"*\"\n\
             write-out = \"%{time_total} %{http_code} %{num_connects}\\n\"\n",
        );
        for h in headers {
            let _ = writeln!(out, "header = {}", quote(h));
        }
        for (k, v) in options {
            let _ = writeln!(out, "{k} = {}", quote(v));
        }
        for _ in 0..count {
            let _ = writeln!(out, "url = {}\noutput = \"/dev/null\"", quote(url));
        }
        out
    }

    /// Runs curl with a config; each request's `time_total` in ms, and how
    /// many connections it opened.
    async fn curl(config: &str) -> Result<(Vec<f64>, usize)> {
        let mut file = tempfile::NamedTempFile::new()?;
        file.write_all(config.as_bytes())?;
        file.flush()?;
        let out = tokio::process::Command::new("curl")
            .arg("--config")
            .arg(file.path())
            .output()
            .await
            .context("could not run curl (`make deps` installs it)")?;
        if !out.status.success() {
            bail!(
                "curl failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let mut times = Vec::new();
        let mut connects = 0;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let mut parts = line.split_whitespace();
            let (Some(time), Some(code), Some(opened)) = (parts.next(), parts.next(), parts.next())
            else {
                bail!("odd curl output line {line:?}");
            };
            if code != "200" {
                bail!("curl's request answered {code}");
            }
            times.push(time.parse::<f64>().context("curl's time_total")? * 1000.0);
            connects += opened.parse::<usize>().unwrap_or(0);
        }
        Ok((times, connects))
    }

    // ---- P5: package size ----

    /// The app's .deb and .rpm against the floor's, as `tauri build` made them.
    fn p5_packages(setup: &Setup) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        for (kind, app_prefix, bare_prefix) in [
            ("deb", "Engage Desk_", "Bare Tauri_"),
            ("rpm", "Engage Desk-", "Bare Tauri-"),
        ] {
            let dir = setup.bundle.join(kind);
            let app = newest(&dir, app_prefix, kind)?;
            let bare = newest(&dir, bare_prefix, kind)?;
            let mut f = Figure::new(
                &format!("P5-{kind}"),
                &format!(".{kind} size: app vs floor (MB)"),
                "MB",
                1,
            )
            .decimals(2);
            f.app.push(size(&app)? / MB);
            f.floor.push(size(&bare)? / MB);
            for (side, path, binary) in [("app", &app, &setup.app), ("floor", &bare, &setup.bare)] {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let mut note = format!("{side}: {name}");
                if modified(path)? + Duration::from_secs(600) < modified(binary)? {
                    note.push_str(" (older than the binary: stale? run `make bench`)");
                }
                f.notes.push(note);
            }
            figures.push(f);
        }
        // What the binaries are made of, measured on copies.
        let app = binary_facts(&setup.app)?;
        let bare = binary_facts(&setup.bare)?;
        let note = format!(
            "binaries: app {:.1} MB ({:.1} MB stripped of symbols), floor {:.1} MB ({:.1} MB \
             stripped); gzip -6 of the app's binary: {:.2} MB, of its stripped copy {:.2} MB",
            app.size / MB,
            app.stripped / MB,
            bare.size / MB,
            bare.stripped / MB,
            app.gzipped / MB,
            app.stripped_gzipped / MB,
        );
        let removable = format!(
            "the symbol table: the release profile strips only debuginfo \
             (`strip = \"debuginfo\"`), so the app's binary carries {:.1} MB of symbols \
             ({:.0}% of it) and the package about {:.1} MB of them compressed; `strip = true` \
             (or \"symbols\") in `[profile.release]` removes them. The rest of the gap to \
             the floor is code: the updater (with a second TLS provider), the keyring's \
             D-Bus stack and engage itself.",
            (app.size - app.stripped) / MB,
            100.0 * (app.size - app.stripped) / app.size,
            (app.gzipped - app.stripped_gzipped) / MB,
        );
        for f in &mut figures {
            f.notes.push(note.clone());
            f.removable = Some(removable.clone());
        }
        Ok(figures)
    }

    /// The newest `<dir>/<prefix>*.<ext>`.
    fn newest(dir: &Path, prefix: &str, ext: &str) -> Result<PathBuf> {
        std::fs::read_dir(dir)
            .with_context(|| {
                format!(
                    "no {} (run `make bench`, it builds the packages)",
                    dir.display()
                )
            })?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                name.starts_with(prefix) && name.ends_with(&format!(".{ext}"))
            })
            .max_by_key(|p| modified(p).unwrap_or(UNIX_EPOCH))
            .with_context(|| format!("no {prefix}*.{ext} in {}", dir.display()))
    }

    fn size(path: &Path) -> Result<f64> {
        Ok(std::fs::metadata(path)
            .with_context(|| path.display().to_string())?
            .len() as f64)
    }

    fn modified(path: &Path) -> Result<SystemTime> {
        Ok(std::fs::metadata(path)?.modified()?)
    }

    struct BinaryFacts {
        size: f64,
        stripped: f64,
        gzipped: f64,
        stripped_gzipped: f64,
    }

    fn binary_facts(binary: &Path) -> Result<BinaryFacts> {
        let dir = tempfile::tempdir()?;
        let stripped = dir.path().join("stripped");
        let status = Command::new("strip")
            .arg("--strip-all")
            .arg("-o")
            .arg(&stripped)
            .arg(binary)
            .status()
            .context("could not run strip (binutils)")?;
        if !status.success() {
            bail!("strip failed on {}", binary.display());
        }
        Ok(BinaryFacts {
            size: size(binary)?,
            stripped: size(&stripped)?,
            gzipped: gzipped(binary)?,
            stripped_gzipped: gzipped(&stripped)?,
        })
    }

    /// Bytes of `gzip -6` of a file: the compression tauri's .deb uses.
    fn gzipped(path: &Path) -> Result<f64> {
        let out = Command::new("gzip")
            .args(["-6", "-c"])
            .arg(path)
            .output()
            .context("could not run gzip")?;
        if !out.status.success() {
            bail!("gzip failed on {}", path.display());
        }
        Ok(out.stdout.len() as f64)
    }

    // ---- P6: start with a stored session ----

    /// Sign in, quit, start again in the same world: process start to the
    /// profile shown. The floor is P1's app start-up plus one round trip.
    async fn p6_restore(setup: &Setup, p1_app: Option<Vec<f64>>) -> Result<Figure> {
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
                "as in P1, the page's JavaScript modules: {:.0} ms of the restore go from \
                 the HTML parsed to DOMContentLoaded (the bare floor's page needs a few ms; \
                 see P1), and the floor here, being the app too, pays the same, so the \
                 ratio does not show it. The restore's own work is small: {over:.0} ms over \
                 its floor; by median parts, {rest:+.0} ms after DOMContentLoaded (reading \
                 the session from the keychain over D-Bus, renewing it: the one round trip, \
                 {rtt:.2} ms; storing the rotated token, showing the profile), {dom:+.0} ms \
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
                        let at = marks.profile_at.context("no data-profile-at")?;
                        (marks, at)
                    }
                    Side::Floor => {
                        app.ready().await?;
                        let marks = marks(app).await?;
                        let at = marks.ready_at.context("no data-ready-at")?;
                        if marks.profile_at.is_some() {
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

    /// Waits for `data-profile-at`; fails if the form is ready without it.
    async fn wait_profile(app: &App) -> Result<Marks> {
        let start = Instant::now();
        let mut ready_since: Option<Instant> = None;
        loop {
            let marks = marks(app).await?;
            if marks.profile_at.is_some() {
                return Ok(marks);
            }
            if let Some(e) = &marks.error {
                bail!("the window shows an error: {e}");
            }
            if marks.ready_at.is_some() {
                // Ready is marked after the restore: no profile by now
                // means the session did not come back.
                let since = *ready_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_secs(2) {
                    bail!("the app started without the stored session (no profile shown)");
                }
            }
            if start.elapsed() > PAINT_WAIT {
                bail!("no data-profile-at within {PAINT_WAIT:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The median time of a small authenticated GET on loopback.
    async fn round_trip(fake: &FakeServer) -> Result<f64> {
        let cx = core(fake)?;
        let rc = SecretString::from(fake.mint_rc_access_token());
        let access = cx.exchange(&rc).await?.tokens.access;
        let mut times = Vec::new();
        for _ in 0..RTT_REPS {
            let t = Instant::now();
            cx.login_details(&access).await?;
            times.push(ms_since(t));
        }
        stats(&times)
            .map(|s| s.median)
            .context("no round trips timed")
    }

    // ---- shared ----

    /// Runs `body` against `binary` in a fresh world, then closes it all,
    /// also on failure (after a screenshot in target/e2e-failures).
    async fn in_window<T, F>(name: &str, binary: &Path, env: &[(&str, &str)], body: F) -> Result<T>
    where
        F: AsyncFnOnce(&App, &World) -> Result<T>,
    {
        let world = World::start()?;
        let outcome = in_world(&world, name, binary, env, body).await;
        let left = world.shutdown();
        if !left.is_empty() {
            eprintln!("bench: {name}: killed processes left behind: {left:?}");
        }
        outcome
    }

    /// Launches `binary` in `world`, runs `body`, and quits the app, also
    /// on failure (after a screenshot in target/e2e-failures).
    async fn in_world<T, F>(
        world: &World,
        name: &str,
        binary: &Path,
        env: &[(&str, &str)],
        body: F,
    ) -> Result<T>
    where
        F: AsyncFnOnce(&App, &World) -> Result<T>,
    {
        let app = App::launch_binary(world, binary, env).await?;
        let outcome = body(&app, world).await;
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

    fn cell(f: &Figure, samples: &[f64]) -> String {
        let d = f.decimals;
        match stats(samples) {
            None => "failed".into(),
            Some(s) if s.n == 1 => format!("{:.d$}", s.median),
            Some(s) => {
                let mut text = format!("{:.d$} [{:.d$}–{:.d$}]", s.median, s.min, s.max);
                if s.n < f.expected {
                    let _ = write!(text, " (n={})", s.n);
                }
                text
            }
        }
    }

    fn table(figures: &[Figure]) -> String {
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
                cell(f, &f.app),
                cell(f, &f.floor),
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
        let curl = command_line("curl", &["--version"])
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
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
            ("curl", curl),
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

    /// What a figure measures, for the document.
    fn about(id: &str) -> String {
        match id {
            "P1" => "From the process start (its `starttime` in `/proc/<pid>/stat`, placed on \
                     the wall clock through `/proc/uptime`; 10 ms resolution) to `data-ready-at` \
                     on `<html>`, which the page sets one frame after the login form is \
                     interactive (the floor: one frame after load). Includes WebKit's \
                     start-up; the app is launched by WebKitWebDriver. The split below comes \
                     from the page's `performance.timeOrigin` and its navigation entry's \
                     `domInteractive` and `domContentLoadedEventEnd`."
                .to_string(),
            "P2" => format!(
                "PSS (proportional set size: shared pages divided among the processes that \
                 share them) from `/proc/<pid>/smaps_rollup`, summed over the app's process \
                 and its descendants (WebKitWebProcess, WebKitNetworkProcess), found by \
                 parent pid; not WebKitWebDriver, Xvfb, D-Bus or the keyring. App: signed \
                 in with a pasted token (the profile shown), then the Users view showing \
                 {}k users (its paint mark seen), then {} s to settle. Floor: the empty \
                 window at its ready mark, then the same settle. On the way, the app's \
                 memory is also read at its ready mark and signed in (each after the same \
                 settle), for the notes.",
                P2_USERS / 1000,
                SETTLE.as_secs()
            ),
            id if id.starts_with("P3") => format!(
                "App: sign in with a pasted token, click Users, and read `data-paint-ms` on \
                 `[data-testid=users-view]`: from the users response arriving in Rust to \
                 two frames after the first rows went in. Floor: once its window is ready, a click on \
                 its Users button has a Rust command fetch `{USERS_QUERY}` with reqwest, \
                 note the time as the body arrives, parse it with serde_json into a `Value` \
                 and return the first rows, which the page paints as plain divs; same mark. \
                 The floor paints as many rows as the app."
            ),
            id if id.starts_with("P4") => format!(
                "The fake on loopback with {P4_USERS} users. App column: the core in this \
                 process, `engage::ringcx::RingCx` with the app's `Http` client (its \
                 connection pool warm), timed with `Instant` around each call: `exchange` \
                 (POST `/api/auth/login/rc/accesstoken?includeRefresh=true`, form body \
                 `rcAccessToken`, `rcTokenType`), and `call` for GET `{USERS_QUERY}` with the \
                 bearer token (the body read, not parsed). Floor column: curl making the same \
                 requests (same form body; same bearer and Accept headers), timed by curl's \
                 own `-w '%{{time_total}}'`, so curl's process start is not counted; one curl \
                 process per batch keeps its connection alive like the core's pool (its \
                 first request in a batch connects). {P4_REPS} requests per call and side, \
                 in {P4_BATCHES} alternating batches; median, min and max per request."
            ),
            id if id.starts_with("P5") => "Bytes of the packages `tauri build` made in this \
                 run (MB = 10^6 bytes): the app's with `--bundles deb,rpm --config \
                 src-tauri/tauri.release.conf.json` and updater artifacts off (so no \
                 signing keys), the floor's with `--bundles deb,rpm` in `benches/bare-tauri`. \
                 One build each, so one sample; the .rpm is compared with the floor's .rpm."
                .to_string(),
            "P6" => format!(
                "In one world: start the app, sign in with a pasted token (the session goes \
                 to the keychain), quit, start it again, and read `data-profile-at` on \
                 `<html>` (set one frame after the profile first shows), from the process \
                 start as in P1. The floor is what a restore cannot go below: the same app \
                 started the same way (a first start in a fresh world, quit a second \
                 after its ready mark so that its window's place is saved, as the signed-in \
                 app's is; then a second start) but with no session stored, to its ready mark, plus one loopback \
                 round trip (the median of {RTT_REPS} small authenticated GETs through the \
                 core). App and floor runs alternate, each in its own world. P1's app \
                 median is no floor here: a first start in an empty world is slower than \
                 any second start (the note below gives the ratio against it too)."
            ),
            _ => String::new(),
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
            "- Release builds made by the Tauri CLI's `tauri build` (the `custom-protocol` \
             feature: the UI embedded, as shipped), which also made the packages: Engage \
             Desk (`target/release/engage-desk`, with `src-tauri/tauri.release.conf.json`) \
             and the floor, `benches/bare-tauri`, an empty Tauri 2 app with the same Tauri \
             version, features, CSP and `withGlobalTauri`, whose page only sets the same marks."
        );
        let _ = writeln!(
            doc,
            "- Window figures (P1, P2, P3, P6): every run in a fresh world: Xvfb 1280x800x24 \
             with software rendering (`LIBGL_ALWAYS_SOFTWARE=1`, \
             `WEBKIT_DISABLE_DMABUF_RENDERER=1`), a private D-Bus and an unlocked \
             gnome-keyring, a temporary HOME; the window under WebKitWebDriver. The fake \
             RingCX server runs on loopback in the bench process."
        );
        let _ = writeln!(
            doc,
            "- {} runs per window figure and side, app and floor runs alternating; P4: \
             {P4_REPS} requests per call and side; P5: one build. P1 starts each binary \
             once, uncounted, before its runs (the first start after a build reads the \
             binary and its libraries from disk). Median, min and max; \
             ratio = app median / floor median (below 1: the app is faster or smaller). \
             The measuring took {:.0} s.",
            setup.runs,
            took.as_secs_f64()
        );
        if let Some(note) = &setup.build_note {
            let _ = writeln!(doc, "- {note}");
        }
        let _ = writeln!(doc, "\n## Results\n");
        let _ = writeln!(doc, "{table}");
        let _ = writeln!(doc, "## What the figures measure\n");
        for f in figures {
            let _ = writeln!(doc, "- **{}**: {}", f.id, about(&f.id));
            for note in &f.notes {
                let _ = writeln!(doc, "  - {note}");
            }
            if let Some(r) = &f.removable {
                let _ = writeln!(doc, "  - Largest removable cost: {r}");
            }
        }
        doc
    }
}
