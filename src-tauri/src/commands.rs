//! The commands the UI may call. Each is a thin wrapper over the core.
//!
//! Adding one: write it here, list it in `generate_handler!` in lib.rs, add its
//! name to COMMANDS in build.rs, and grant `allow-<name>` in capabilities/.

use serde::Serialize;
use tauri::{AppHandle, Runtime};

use crate::error::CommandError;

/// What the About line shows.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub identifier: String,
}

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    AppInfo {
        name: engage::APP_NAME,
        version: engage::version(),
        identifier: app.config().identifier.clone(),
    }
}

/// The redirect URI to register for a loopback port typed by the user.
#[tauri::command]
pub fn redirect_uri(port: i64) -> Result<String, CommandError> {
    let port = engage::redirect::validate_port(port)?;
    Ok(engage::redirect::redirect_uri(port))
}
