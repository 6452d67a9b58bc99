//! One Engage Desk per user session: a second launch brings the running
//! window forward and exits.
//!
//! On Linux this is ours, over the D-Bus session bus, because the official
//! plugin refuses to start when the running instance is on its way out (the
//! forward gets `NoReply`, and no window appears at all). Here a launch that
//! cannot hand over waits in the bus's queue for the name and becomes the
//! instance once the old one has left. Windows and macOS keep the official
//! plugin (a named mutex, a Unix socket).

#[cfg(target_os = "linux")]
mod dbus;

use tauri::{Builder, Runtime};

/// What went wrong before the app could start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("Another Engage Desk window is open but does not answer, so this one cannot start. Close it (or end the engage-desk process in your system monitor), then start Engage Desk again.")]
    Unresponsive,
}

/// What a launch found.
pub enum Start {
    /// This process is the instance: it shows the window.
    Primary(Instance),
    /// The running instance took over; this process should exit quietly.
    HandedOver,
}

/// Being the one instance: attached to the app so it answers later
/// launches and leaves the bus as soon as the app starts to exit.
pub struct Instance {
    #[cfg(target_os = "linux")]
    inner: Option<dbus::Owner>,
}

/// Claims the instance for `identifier`, or hands over to the one running.
#[cfg(target_os = "linux")]
pub fn claim(identifier: &str) -> Result<Start, StartError> {
    Ok(match dbus::claim(identifier, dbus::LEAVE_WAIT)? {
        dbus::Claim::Owner(owner) => Start::Primary(Instance { inner: Some(owner) }),
        dbus::Claim::NoBus => Start::Primary(Instance { inner: None }),
        dbus::Claim::HandedOver => Start::HandedOver,
    })
}

/// Claims the instance for `identifier`: the plugin decides at setup.
#[cfg(not(target_os = "linux"))]
pub fn claim(_identifier: &str) -> Result<Start, StartError> {
    Ok(Start::Primary(Instance {}))
}

impl Instance {
    /// Adds the instance to the app. Must come before any other plugin: on
    /// Windows and macOS the plugin's second launch exits from its setup.
    #[cfg(target_os = "linux")]
    pub fn attach<R: Runtime>(self, builder: Builder<R>) -> Builder<R> {
        match self.inner {
            Some(owner) => builder.plugin(owner.plugin()),
            None => builder,
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub fn attach<R: Runtime>(self, builder: Builder<R>) -> Builder<R> {
        builder.plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            bring_forward(app)
        }))
    }
}

/// Shows the main window in front, as a second launch asks.
pub fn bring_forward<R: Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}
