//! The desk's status changes, passed on to the window as one event.

use engage::Desk;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::SESSION_EVENT;

/// Emits every status the desk publishes, for as long as the app runs.
pub fn forward<R: Runtime>(app: &AppHandle<R>) {
    let mut rx = app.state::<Desk>().subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let status = rx.borrow_and_update().clone();
            let _ = app.emit(SESSION_EVENT, &status);
        }
    });
}
