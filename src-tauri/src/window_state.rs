//! The main window's size and position, kept by the official window-state
//! plugin (its own file in the config folder; it restores the window only
//! where a monitor still shows it). The plugin saves on exit; a window that
//! is killed never exits, so it is also saved shortly after every move or
//! resize settles.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Bumped on every move or resize; a save runs only if no newer one came.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Saving waits this long after the last move or resize: a drag sends many.
const SETTLE: Duration = Duration::from_millis(400);

/// The plugin, restoring everything but visibility (the window shows once
/// its page is ready).
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(StateFlags::all() & !StateFlags::VISIBLE)
        .build()
}

/// The window-event hook: saves shortly after the window settles.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if window.label() != "main" {
        return;
    }
    if let WindowEvent::Moved(_) | WindowEvent::Resized(_) = event {
        let generation = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
        let app = window.app_handle().clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if GENERATION.load(Ordering::SeqCst) != generation {
                return;
            }
            // On the main thread, where the plugin's own window hooks run:
            // from another thread, its lock and the window's getters
            // (which wait for the main thread) can deadlock.
            let handle = app.clone();
            let _ = app.run_on_main_thread(move || {
                if let Err(e) = handle.save_window_state(StateFlags::all() & !StateFlags::VISIBLE) {
                    tracing::info!("could not save the window's place: {e}");
                }
            });
        });
    }
}
