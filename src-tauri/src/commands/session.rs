//! The session and the profiles: what the window starts from, restore,
//! the agent, sign-out, forget, switching profiles, copying the token.

use engage::hosts::{Preset, PRESETS};
use engage::session::{Identity, Status};
use engage::settings::{ProfileList, ProfileSettings};
use engage::{Desk, ExposeSecret};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::Result;
use crate::start_restore::StartRestore;
use crate::Shell;

/// Settings `make demo` passes in, so the sign-in form starts on the fake.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Demo {
    pub server: String,
    pub client_id: String,
}

/// What the About line and the sign-in form start from.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub identifier: String,
    pub presets: Vec<Preset>,
    pub default_port: u16,
    pub demo: Option<Demo>,
    /// The current profile's saved settings, to fill the sign-in form.
    pub profile: ProfileSettings,
    /// A problem with the settings file, to show once.
    pub settings_warning: Option<String>,
    pub profiles: ProfileList,
}

#[tauri::command]
pub fn app_info<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    shell: State<'_, Shell>,
) -> AppInfo {
    AppInfo {
        name: engage::APP_NAME.into(),
        version: engage::version().into(),
        identifier: app.config().identifier.clone(),
        presets: PRESETS.to_vec(),
        default_port: engage::redirect::DEFAULT_PORT,
        demo: shell.demo.clone(),
        profile: desk.profile_settings(),
        settings_warning: desk.take_settings_warning(),
        profiles: desk.profiles(),
    }
}

/// The session's status (signed out when there is none).
#[tauri::command]
pub async fn session(desk: State<'_, Desk>) -> Result<Status> {
    Ok(desk.status().await)
}

/// Comes back from the keychain at start-up: renews (no browser) and
/// returns the status, or the signed-out status with the reason. The first
/// ask takes the restore begun at launch.
#[tauri::command]
pub async fn restore_session(
    desk: State<'_, Desk>,
    start: State<'_, StartRestore>,
) -> Result<Status> {
    if let Some(answer) = start.take(&desk.current_profile()).await {
        // Read again: the session may have moved on since launch; a
        // signed-out answer is kept for the reason it gives.
        let (status, now) = (answer?, desk.status().await);
        return Ok(if status.signed_in || now.signed_in {
            now
        } else {
            status
        });
    }
    Ok(desk.restore().await?)
}

/// Makes another agent current, and remembers the choice for next time.
#[tauri::command]
pub async fn select_agent(desk: State<'_, Desk>, agent_id: i64) -> Result<Identity> {
    Ok(desk.select_agent(agent_id).await?)
}

/// Signs out: RingCX logout, RingCentral revoke (errors ignored), then clears.
#[tauri::command]
pub async fn sign_out(desk: State<'_, Desk>) -> Result<Status> {
    Ok(desk.sign_out().await)
}

/// Signs out and forgets the profile's saved settings too.
#[tauri::command]
pub async fn forget_profile(desk: State<'_, Desk>) -> Result<Status> {
    Ok(desk.forget_profile().await)
}

/// Makes another profile current (created if new); returns its settings.
#[tauri::command]
pub async fn switch_profile(desk: State<'_, Desk>, name: String) -> Result<ProfileSettings> {
    Ok(desk.switch_profile(&name).await?)
}

/// The one place a token leaves Rust: the current RingCX access token goes
/// straight to the system clipboard, never through IPC or the DOM. The UI
/// asks the user to confirm first.
#[tauri::command]
pub async fn copy_token<R: Runtime>(app: AppHandle<R>, desk: State<'_, Desk>) -> Result<()> {
    let token = desk.reveal_access_token().await?;
    crate::clipboard::write(&app, token.expose_secret().to_string())
}
