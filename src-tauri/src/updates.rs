//! Signed updates. Nothing is checked unless the user turned "check for
//! updates at start-up" on (off by default), and nothing is installed until
//! the user agrees. Updates are verified against the public key in the
//! release config before they are installed.

use std::sync::Mutex;

use engage::Desk;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use url::Url;

use crate::error::{Error, Result};

/// The update found by the last check, waiting for the user's yes.
#[derive(Default)]
pub struct Found(Mutex<Option<Update>>);

impl Found {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Update>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    pub version: String,
    pub current_version: String,
    pub notes: Option<String>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePrefs {
    pub check_on_start: bool,
    /// Whether this build has somewhere to look for updates at all.
    pub channel: bool,
    /// An update already found (the start-up check may finish before the
    /// window listens for its event).
    pub pending: Option<UpdateInfo>,
}

fn info(u: &Update) -> UpdateInfo {
    UpdateInfo {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.clone(),
    }
}

/// The first line of an error, without addresses, for a one-line message.
fn short(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    let clean: String = line
        .split_whitespace()
        .filter(|w| !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ");
    clean.chars().take(160).collect()
}

/// Where to look: the user's own endpoint from settings.json (a mirror, or
/// a test server), else the release config's.
fn endpoints<R: Runtime>(app: &AppHandle<R>, desk: &Desk) -> Vec<Url> {
    let own = desk.settings().updates.endpoint;
    if let Some(url) = own.and_then(|u| Url::parse(&u).ok()) {
        return vec![url];
    }
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|c| c.get("endpoints"))
        .and_then(|e| serde_json::from_value::<Vec<Url>>(e.clone()).ok())
        .unwrap_or_default()
}

pub fn prefs<R: Runtime>(app: &AppHandle<R>, desk: &Desk) -> UpdatePrefs {
    UpdatePrefs {
        check_on_start: desk.settings().updates.check_on_start,
        channel: !endpoints(app, desk).is_empty(),
        pending: app.state::<Found>().slot().as_ref().map(info),
    }
}

/// Asks the update channel whether there is a newer version. Downloads
/// nothing: an update found waits for `install`.
pub async fn check<R: Runtime>(app: &AppHandle<R>, desk: &Desk) -> Result<Option<UpdateInfo>> {
    let urls = endpoints(app, desk);
    if urls.is_empty() {
        return Err(Error::UpdatesUnavailable);
    }
    let failed = |e: &dyn std::fmt::Display| Error::UpdateCheckFailed(short(e));
    let updater = app
        .updater_builder()
        .timeout(std::time::Duration::from_secs(30))
        .endpoints(urls)
        .map_err(|e| failed(&e))?
        .build()
        .map_err(|e| failed(&e))?;
    let found = updater.check().await.map_err(|e| failed(&e))?;
    let found_info = found.as_ref().map(info);
    *app.state::<Found>().slot() = found;
    Ok(found_info)
}

/// Downloads the update found by the last check, verifies its signature,
/// installs it and restarts. Only ever called after the user said yes.
pub async fn install<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let update = app.state::<Found>().slot().take().ok_or(Error::NoUpdate)?;
    update
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(|e| Error::UpdateInstallFailed(short(&e)))?;
    app.restart();
}

/// At start-up, when the user allowed it: check once, and tell the window.
pub fn check_on_start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let desk = app.state::<Desk>();
        if !desk.settings().updates.check_on_start {
            return;
        }
        match check(&app, &desk).await {
            Ok(Some(info)) => app
                .state::<crate::feeds::Feeds>()
                .update
                .publish(Some(info)),
            Ok(None) => tracing::info!("no update available"),
            Err(e) => tracing::info!(code = ?e.code(), "update check at start-up failed"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_keep_one_line_and_drop_addresses() {
        let e = "error sending request for url (https://x.example/latest.json)\ncaused by: dns";
        assert_eq!(short(&e), "error sending request for url");
        assert_eq!(short(&"x".repeat(400)).len(), 160);
    }
}
