//! The results table and `docs/BENCHMARKS.md`: the figures written down
//! with the machine, the commit and how each was measured, so they can be
//! compared with a later run.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, SystemTime};

use crate::figure::Figure;
use crate::p2_memory::{P2_USERS, SETTLE};
use crate::p4_requests::{P4_BATCHES, P4_REPS, P4_USERS};
use crate::p6_restore::RTT_REPS;
use crate::process::{command_line, epoch_ms};
use crate::ringcx::USERS_QUERY;
use crate::setup::{workspace, Setup};
use crate::stats::stats;

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

pub(crate) fn table(figures: &[Figure]) -> String {
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
    let Some(commit) = command_line("git", &["-C", &root, "rev-parse", "--short", "HEAD"]) else {
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
                 interactive (the floor: one frame after load); P1 starts with no stored \
                 session, whose restore the page asks for at once and does not wait on \
                 (P6 starts with one, to the profile shown). Includes WebKit's \
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
            "App: sign in with a pasted token, click Users, and read `data-painted-at` on \
             `[data-testid=users-view]` (two frames after the first rows went in) less the \
             time the core logged for the users response (`engage::timing`, \
             `users response received at_ms=…`), so no production type carries a \
             benchmark field. Floor: once its window is ready, a click on \
             its Users button has a Rust command fetch `{USERS_QUERY}` with reqwest, \
             note the time as the body arrives, parse it with serde_json into a `Value` \
             and return the first rows, which the page paints as plain divs, then mark \
             `data-paint-ms` itself. \
             The floor paints as many rows as the app."
        ),
        id if id.starts_with("P4") => format!(
            "The fake on loopback with {P4_USERS} users. App column: the core in this \
             process, `engage::ringcx::RingCx` with the app's `Http` client (its \
             connection pool warm), in a task on the tokio runtime's workers as the \
             app's commands, its renewer and the command line make their calls, timed \
             with `Instant` around each call: `exchange` \
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
             to the keychain), quit, start it again, and read `data-agent-at` on \
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
        "P7" => "App: sign in with a pasted token, open the Console, send GET \
             `/voice/api/v1/admin/users` (the fake's tree of 20k users, about 10 MB), and \
             read `data-painted-at` on `[data-testid=console-view]` (two frames after the \
             answer's first lines went in) less the time the core logged for the answer \
             (`engage::timing`, `console response received at_ms=…`). Floor: the same \
             bytes, fetched once in the bench process, parsed by serde_json into a \
             `Value`, timed with `Instant`, once per run: what any viewer that parses \
             the document before showing it pays before its first line, without the \
             window."
            .to_string(),
        "P8" => "In one world (a private D-Bus and gnome-keyring, a temporary HOME): the \
             packaged `engage` (built by scripts/sidecar.sh with the `cli` profile) signed in once \
             with a pasted token against the fake on loopback; then `engage api GET \
             /voice/api/v1/admin/accounts` and curl making the same request with a token \
             from `engage auth token` (the same Accept and bearer headers), alternating, \
             each timed with `Instant` around the whole process, from spawn to exit."
            .to_string(),
        _ => String::new(),
    }
}

pub(crate) fn document(setup: &Setup, figures: &[Figure], table: &str, took: Duration) -> String {
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
        "- Window figures (P1, P2, P3, P6, P7): every run in a fresh world: Xvfb 1280x800x24 \
         with software rendering (`LIBGL_ALWAYS_SOFTWARE=1`, \
         `WEBKIT_DISABLE_DMABUF_RENDERER=1`), a private D-Bus and an unlocked \
         gnome-keyring, a temporary HOME; the window under WebKitWebDriver. The fake \
         RingCX server runs on loopback in the bench process."
    );
    let _ = writeln!(
        doc,
        "- {} runs per window figure and side ({} for P1), app and floor runs \
         alternating; P4: {P4_REPS} requests per call and side; P5: one build. P1 \
         starts each binary once, uncounted, before its runs (the first start after a build reads the \
         binary and its libraries from disk). Median, min and max; \
         ratio = app median / floor median (below 1: the app is faster or smaller). \
         The measuring took {:.0} s.",
        setup.runs,
        setup.runs * crate::p1_start::P1_RUNS_PER_RUN,
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
