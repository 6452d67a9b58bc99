//! P2, memory: what the app holds with a large users list shown, against
//! an idle empty Tauri app, and which process and step the extra is in.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use e2e::flows;
use fake_ringcx::{Config, FakeServer};

use crate::figure::{Figure, Side};
use crate::marks::wait_paint;
use crate::process::{find_pid, in_window, stat_field};
use crate::ringcx::{core, ringcx_token};
use crate::setup::Setup;
use crate::stats::{stats, MB};

/// The users the app shows while P2 reads its memory.
pub(crate) const P2_USERS: usize = 10_000;

/// How long a window rests before P2 reads its memory.
pub(crate) const SETTLE: Duration = Duration::from_secs(2);

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
pub(crate) async fn p2_memory(setup: &Setup) -> Result<Figure> {
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
            &engage::ApiPath::parse("/voice/api/v1/admin/users")?,
            &[
                ("flatten".into(), "true".into()),
                ("activeOnly".into(), "true".into()),
            ],
            None,
            engage::http::API_BODY_LIMIT,
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
                let dump = |stage: &str| keep_smaps(pid, &format!("{}-{run}-{stage}", side.name()));
                dump("idle")?;
                let mut stages = vec![("idle", memory(pid)?)];
                if let Side::App = side {
                    flows::sign_in_with_token(app, &fake).await?;
                    tokio::time::sleep(SETTLE).await;
                    dump("signed-in")?;
                    stages.push((APP_STAGES[1], memory(pid)?));
                    app.click("nav-users").await?;
                    wait_paint(app).await?;
                    tokio::time::sleep(SETTLE).await;
                    dump("users-shown")?;
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
                 table is one compact row per user, the text the list shows and searches, \
                 and the response packed (LZ4) for the details view, plus what the \
                 allocator keeps of the read's freed memory",
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

/// With `BENCH_SMAPS` set to a folder, keeps `/proc/<pid>/smaps` of `pid`
/// and every process under it there (`<label>-<program>.smaps`), so where
/// the memory is can be read mapping by mapping afterwards.
fn keep_smaps(pid: u32, label: &str) -> Result<()> {
    let Some(dir) = std::env::var_os("BENCH_SMAPS") else {
        return Ok(());
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for p in descendants(pid) {
        let name = if p == pid {
            "main".to_string()
        } else {
            program(p)
        };
        if let Ok(smaps) = std::fs::read(format!("/proc/{p}/smaps")) {
            let file = dir.join(format!("{label}-{name}-{p}.smaps"));
            std::fs::write(&file, smaps).with_context(|| format!("writing {}", file.display()))?;
        }
    }
    Ok(())
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
