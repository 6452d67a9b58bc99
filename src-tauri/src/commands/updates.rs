//! Signed updates: off until the user turns them on, installed only on yes.

use engage::Desk;
use tauri::{AppHandle, Runtime, State};

use crate::error::Result;
use crate::updates::{self, UpdateInfo, UpdatePrefs};

#[tauri::command]
pub fn set_update_check<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    enabled: bool,
) -> UpdatePrefs {
    desk.update_settings(|s| s.updates.check_on_start = enabled);
    updates::prefs(&app, &desk)
}

/// Asks the update channel whether there is a newer version.
#[tauri::command]
pub async fn check_update<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<Option<UpdateInfo>> {
    updates::check(&app, &desk).await
}

/// Downloads, verifies, installs and restarts; only after the user said yes.
#[tauri::command]
pub async fn install_update<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    updates::install(&app).await
}
