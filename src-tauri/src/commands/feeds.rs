//! Long polls for what changes while the window is open: each answers
//! with the first value other than the version the window has seen, or
//! that one again after `engage::feed::LONGEST_WAIT` (at once without one,
//! so the window learns where to start).

use engage::console::Wait;
use engage::feed::Change;
use engage::session::Status;
use tauri::State;

use crate::error::Result;
use crate::feeds::Feeds;
use crate::updates::UpdateInfo;

/// The session's status: renewed, signed out, expired…
#[tauri::command]
pub async fn session_changes(feeds: State<'_, Feeds>, seen: Option<u64>) -> Result<Change<Status>> {
    Ok(feeds.session.after(seen).await)
}

/// The console's longest rate-limit wait, or none.
#[tauri::command]
pub async fn console_wait_changes(
    feeds: State<'_, Feeds>,
    seen: Option<u64>,
) -> Result<Change<Option<Wait>>> {
    Ok(feeds.console_wait.after(seen).await)
}

/// An update the start-up check found.
#[tauri::command]
pub async fn update_changes(
    feeds: State<'_, Feeds>,
    seen: Option<u64>,
) -> Result<Change<Option<UpdateInfo>>> {
    Ok(feeds.update.after(seen).await)
}
