//! `make bench`: Engage Desk's figures against a floor.
//!
//! Each figure measures the release app and a floor in the same run. The
//! window figures (P1, P2, P3, P6, P7) run the app and `benches/bare-tauri` (an
//! empty Tauri 2 app built the same way) in the same conditions: a fresh e2e
//! `World` per run (Xvfb, private D-Bus, gnome-keyring), the window driven by
//! WebKitWebDriver, the fake RingCX server on loopback in this process. Runs
//! of the app and the floor alternate, so drift on the machine hits both.
//! P4 times the core's requests against curl's, P5 weighs the packages.
//!
//! Figures: P1 start-up, P2 memory, P3 users paint, P4 request overhead,
//! P5 package size, P6 start with a stored session, P7 a 10 MB console
//! answer to its first lines, P8 the command line's
//! `engage api` against curl. Each is one function,
//! and one arm in `measure`.
//!
//! Environment: `ENGAGE_APP_BIN`, `BENCH_BARE_BIN` (the two release
//! binaries; default `target/release/…`), `BENCH_BUNDLE_DIR` (where `tauri
//! build` put the packages; default `bundle/` beside the app binary),
//! `BENCH_RUNS` (default 5), `BENCH_FIGURES` (default all:
//! `P1,P2,P3,P4,P5,P6,P7,P8`), `BENCH_OUT` (default `docs/BENCHMARKS.md`; `-`
//! writes no file), `BENCH_BUILD_NOTE` (a line on what the builds cost, for
//! the document), `BENCH_SMAPS` (a folder: P2 keeps every process's
//! `/proc/<pid>/smaps` there at each stage, to read mapping by mapping),
//! `BENCH_TRACE` (P1 prints each start's performance entries: the first
//! paint and the page's own marks, `modules-run` and
//! `start-calls-answered`).
//!
//! The code: `run` runs the figures in order, one module per figure
//! (`p1_start` … `p8_cli`), and what they share: `setup` (the
//! environment), `process` (worlds and `/proc`), `marks` (what a page
//! reports), `ringcx` (the core against the fake), `figure` and `stats`
//! (the samples), `report` (the table and the document).

// The results table on stdout is what this program is for.
#![allow(clippy::print_stdout)]

#[cfg(target_os = "linux")]
mod figure;
#[cfg(target_os = "linux")]
mod marks;
#[cfg(target_os = "linux")]
mod p1_start;
#[cfg(target_os = "linux")]
mod p2_memory;
#[cfg(target_os = "linux")]
mod p3_paint;
#[cfg(target_os = "linux")]
mod p4_requests;
#[cfg(target_os = "linux")]
mod p5_packages;
#[cfg(target_os = "linux")]
mod p6_restore;
#[cfg(target_os = "linux")]
mod p7_answer;
#[cfg(target_os = "linux")]
mod p8_cli;
#[cfg(target_os = "linux")]
mod process;
#[cfg(target_os = "linux")]
mod report;
#[cfg(target_os = "linux")]
mod ringcx;
#[cfg(target_os = "linux")]
mod run;
#[cfg(target_os = "linux")]
mod setup;
#[cfg(target_os = "linux")]
mod stats;

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("bench: the benchmarks run on Linux only (WebKitWebDriver, Xvfb).");
    std::process::exit(2);
}

#[cfg(target_os = "linux")]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    run::main().await
}
