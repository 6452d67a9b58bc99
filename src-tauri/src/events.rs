//! The desk's status changes and the console's rate-limit waits, passed on
//! to the window as events.

use engage::Desk;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::SESSION_EVENT;

/// The event carrying the console's longest rate-limit wait (or null).
pub const CONSOLE_WAIT_EVENT: &str = "console-wait";

/// Emits every status the desk publishes, and every change of the
/// console's waits, for as long as the app runs.
pub fn forward<R: Runtime>(app: &AppHandle<R>) {
    let mut statuses = app.state::<Desk>().subscribe();
    let emitter = app.clone();
    tauri::async_runtime::spawn(async move {
        while statuses.changed().await.is_ok() {
            let status = statuses.borrow_and_update().clone();
            let _ = emitter.emit(SESSION_EVENT, &status);
        }
    });
    let mut waits = app.state::<Desk>().subscribe_console_waits();
    let emitter = app.clone();
    tauri::async_runtime::spawn(async move {
        while waits.changed().await.is_ok() {
            let wait = waits.borrow_and_update().clone();
            let _ = emitter.emit(CONSOLE_WAIT_EVENT, &wait);
        }
    });
}
