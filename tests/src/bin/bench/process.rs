//! Each run in a world of its own, and its processes read from `/proc`: a
//! fresh world keeps one run from warming the next, and the process start
//! is where a start-up is timed from.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, Context, Result};
use e2e::world::processes_under;
use e2e::{App, World};

use crate::setup::workspace;

/// Runs `body` against `binary` in a fresh world, then closes it all,
/// also on failure (after a screenshot in target/e2e-failures).
pub(crate) async fn in_window<T, F>(
    name: &str,
    binary: &Path,
    env: &[(&str, &str)],
    body: F,
) -> Result<T>
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
pub(crate) async fn in_world<T, F>(
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

/// The app's process among the world's: the one running `binary`.
pub(crate) fn find_pid(world: &World, binary: &Path) -> Result<u32> {
    running(world, binary).ok_or_else(|| anyhow!("no process of {} in the world", binary.display()))
}

pub(crate) fn running(world: &World, binary: &Path) -> Option<u32> {
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
pub(crate) fn process_start_ms(pid: u32) -> Result<f64> {
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
pub(crate) fn stat_field(pid: u32, n: usize) -> Result<String> {
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

pub(crate) fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The first line a command prints, if it runs.
pub(crate) fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().next()?.trim().to_string();
    (!line.is_empty()).then_some(line)
}
