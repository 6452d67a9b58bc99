//! Quitting and starting the app again at once, as a user does, and two
//! launches at the same moment: there is always exactly one window.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Context, Result};
use e2e::{app, App, World};

/// The app processes (not WebKit's helpers) running in `world`.
fn app_processes(world: &World) -> Vec<u32> {
    let bin = app::app_binary();
    let bin = bin.to_string_lossy();
    e2e::world::processes_under(world.root())
        .into_iter()
        .filter(|(_, cmd)| cmd.split(' ').next() == Some(&*bin))
        .map(|(pid, _)| pid)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relaunch_right_after_quit_ten_times() -> Result<()> {
    let world = World::start()?;
    // Closed apps are kept (not killed) until the end, so each one leaves
    // the bus on its own time, as it does on a user's machine.
    let mut closed = Vec::new();
    let mut app = App::launch(&world, &[]).await?;
    app.ready().await?;
    for round in 1..=10 {
        closed.push(app.close_window().await?);
        app = App::launch(&world, &[])
            .await
            .with_context(|| format!("relaunch {round} showed no window"))?;
        app.ready()
            .await
            .with_context(|| format!("relaunch {round} never got ready"))?;
    }
    // Every closed app has gone by itself: one process is left, the last.
    app.until("the closed apps to exit", || async {
        Ok(app_processes(&world).len() == 1)
    })
    .await?;
    let running = app_processes(&world);
    ensure!(running.len() == 1, "app processes: {running:?}");
    app.quit().await?;
    drop(closed);
    Ok(())
}

/// The bus name and object of the dev build's single instance.
const NAME: &str = "com.engagedesk.EngageDesk.dev.SingleInstance";
const PATH: &str = "/com/engagedesk/EngageDesk/dev/SingleInstance";

/// Stands in for an Engage Desk that is quitting: it still owns the name
/// and refuses to take over, as the app does from the moment it exits.
struct Quitting;

#[zbus::interface(name = "org.SingleInstance.DBus")]
impl Quitting {
    fn execute_callback(&self, _argv: Vec<String>, _cwd: String) -> zbus::fdo::Result<()> {
        Err(zbus::fdo::Error::Failed("Engage Desk is quitting".into()))
    }
}

async fn bus(world: &World) -> Result<zbus::Connection> {
    Ok(zbus::connection::Builder::address(world.bus_address())?
        .name(NAME)?
        .serve_at(PATH, Quitting)?
        .build()
        .await?)
}

async fn queued_owners(conn: &zbus::Connection) -> Result<usize> {
    let proxy = zbus::fdo::DBusProxy::new(conn).await?;
    Ok(proxy
        .list_queued_owners(zbus::names::WellKnownName::try_from(NAME)?)
        .await?
        .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_while_the_old_instance_quits_becomes_the_instance() -> Result<()> {
    let world = World::start()?;
    let old = bus(&world).await?;
    let launch = {
        let world_env = &world;
        async move { App::launch(world_env, &[]).await }
    };
    let (app, ()) = tokio::try_join!(launch, async {
        // The new launch was refused and queued behind the quitting one:
        // only then does the old one leave, as a slow exit would.
        let start = std::time::Instant::now();
        while queued_owners(&old).await? < 2 {
            ensure!(
                start.elapsed() < app::LAUNCH,
                "the launch never queued for the name"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        old.release_name(NAME).await?;
        Ok(())
    })?;
    app.ready().await?;
    app.visible("signin-view").await?;
    app.quit().await
}

/// How many X windows of this world's display carry exactly this title
/// (mapped or not: the main window shows once its page is ready).
fn windows_titled(world: &World, title: &str) -> Result<usize> {
    let out = world
        .command("xwininfo")
        .args(["-root", "-tree"])
        .output()?;
    ensure!(out.status.success(), "xwininfo failed: {}", out.status);
    let needle = format!("\"{title}\":");
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&needle))
        .count())
}

/// Waits (on the process and the display, polled) until `check` holds.
async fn wait_for(what: &str, mut check: impl FnMut() -> Result<bool>) -> Result<()> {
    let start = std::time::Instant::now();
    while !check()? {
        ensure!(
            start.elapsed() < app::LAUNCH,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(())
}

/// A plain launch, as a double-click does: no WebDriver.
fn launch(world: &World) -> Result<std::process::Child> {
    let mut cmd = world.command(app::app_binary());
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    Ok(cmd.spawn()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_that_never_leaves_gets_a_dialog_naming_the_cause() -> Result<()> {
    let world = World::start()?;
    let _stuck = bus(&world).await?;
    let mut child = launch(&world)?;
    // The title `startup_error::TITLE` gives the dialog.
    let dialog = "Engage Desk could not start";
    let shown = wait_for("the start-up error dialog", || {
        Ok(windows_titled(&world, dialog)? == 1)
    })
    .await;
    let still_running = child.try_wait()?.is_none();
    let _ = child.kill();
    let output = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    shown.with_context(|| format!("stderr: {stderr}"))?;
    ensure!(
        still_running,
        "the process ended before the user saw the dialog"
    );
    ensure!(
        windows_titled(&world, "Engage Desk")? == 0,
        "a main window opened"
    );
    ensure!(
        stderr.contains("does not answer") && stderr.contains("start Engage Desk again"),
        "stderr does not name the cause and the next step: {stderr}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_launches_at_once_leave_one_window() -> Result<()> {
    let world = World::start()?;
    let mut first = launch(&world)?;
    let mut second = launch(&world)?;
    // One of the two hands over and exits 0; the other keeps the window.
    let mut handed = None;
    wait_for("one of two launches to hand over", || {
        if let Some(status) = first.try_wait()? {
            handed = Some(status);
        } else if let Some(status) = second.try_wait()? {
            handed = Some(status);
        }
        Ok(handed.is_some())
    })
    .await?;
    let handed = handed.context("no status")?;
    ensure!(handed.success(), "the second launch failed: {handed}");
    wait_for("the main window", || {
        Ok(windows_titled(&world, "Engage Desk")? == 1)
    })
    .await?;
    let running = app_processes(&world);
    ensure!(running.len() == 1, "app processes: {running:?}");

    // A third launch later hands over to the one that runs.
    let third = launch(&world)?.wait_with_output()?;
    ensure!(
        third.status.success(),
        "a third launch failed: {}",
        third.status
    );
    ensure!(
        windows_titled(&world, "Engage Desk")? == 1,
        "a second window opened"
    );
    ensure!(
        app_processes(&world).len() == 1,
        "the third launch kept running"
    );
    for mut child in [first, second] {
        let _ = child.kill();
        let _ = child.wait();
    }
    Ok(())
}
