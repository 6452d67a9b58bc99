//! Native dialogs (GTK, outside the webview, so out of WebDriver's reach)
//! answered as a user would, with xdotool's key events on the world's X
//! display.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use crate::World;

/// Runs xdotool in the world's display; fails on its exit status.
pub fn xdotool(world: &World, args: &[&str]) -> Result<String> {
    let out = world
        .command("xdotool")
        .args(args)
        .output()
        .context("xdotool (make deps installs it)")?;
    ensure!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The X window of the dialog titled `title`, once it is up, focused.
pub async fn dialog(world: &World, title: &str) -> Result<String> {
    let deadline = Instant::now() + crate::app::WAIT;
    loop {
        // xdotool's search exits 1 while nothing matches.
        // Only a mapped window takes the focus (X answers BadMatch before).
        if let Ok(found) = xdotool(world, &["search", "--onlyvisible", "--name", title]) {
            if let Some(id) = found.lines().next() {
                if xdotool(world, &["windowfocus", "--sync", id]).is_ok() {
                    return Ok(id.to_string());
                }
            }
        }
        if Instant::now() > deadline {
            bail!("no native dialog {title:?} appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses `keys` (xdotool names, e.g. `alt+u`, `Escape`) in a dialog.
pub fn press(world: &World, dialog: &str, keys: &str) -> Result<()> {
    match xdotool(world, &["key", "--window", dialog, keys]) {
        // A key that closes the dialog on its press leaves its release no
        // window to go to (X's BadWindow): it did its work.
        Err(_) if xdotool(world, &["getwindowname", dialog]).is_err() => Ok(()),
        other => other.map(drop),
    }
}

/// Types `text` into a dialog's focused field.
pub fn type_text(world: &World, dialog: &str, text: &str) -> Result<()> {
    xdotool(world, &["type", "--window", dialog, text]).map(drop)
}

/// Whether a dialog titled `title` is on the display.
pub fn is_open(world: &World, title: &str) -> bool {
    xdotool(world, &["search", "--name", title]).is_ok_and(|f| !f.is_empty())
}
