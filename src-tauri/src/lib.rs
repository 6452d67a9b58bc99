//! The Tauri shell: app state, commands and plugins. All logic is in `engage`.

mod commands;
mod error;
mod state;

use tauri::{Manager, Runtime};

pub use commands::{AppInfo, SESSION_EVENT};
pub use error::CommandError;
pub use state::AppState;

/// Registers state, plugins and commands on any runtime, so tests can use
/// the mock runtime.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .manage(AppState::new())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::redirect_uri,
            commands::sign_in_browser,
            commands::cancel_sign_in,
            commands::sign_in_jwt,
            commands::sign_in_token,
            commands::session,
            commands::select_agent,
            commands::users,
            commands::call_api,
            commands::sign_out,
        ])
}

/// Runs the desktop app; returns the process exit code.
pub fn run() -> i32 {
    init_logging();
    let builder = tauri::Builder::default()
        // Must be the first plugin: a second launch hands over and exits early.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }));
    match app_builder(builder).run(tauri::generate_context!()) {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!("Engage Desk could not start: {e}");
            eprintln!("Engage Desk could not start: {e}");
            1
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ENGAGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
