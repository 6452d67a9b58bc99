//! The Tauri shell: app state, commands and plugins. All logic is in `engage`.

mod clipboard;
mod commands;
mod error;
mod profiles;
mod settings;
mod state;
mod updates;
mod users;
mod window_state;

use tauri::{Manager, Runtime};

pub use commands::{AppInfo, SESSION_EVENT};
pub use error::CommandError;
pub use state::AppState;
pub use updates::UPDATE_EVENT;

/// Registers state, plugins and commands on any runtime, so tests can use
/// the mock runtime.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    let window = state
        .settings
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .settings
        .window;
    builder
        .manage(state)
        .manage(updates::Pending::default())
        .setup(move |app| {
            if let (Some(g), Some(w)) = (window, app.get_webview_window("main")) {
                window_state::restore(&w, g);
            }
            updates::check_on_start(app.handle());
            Ok(())
        })
        .on_window_event(window_state::on_event)
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::redirect_uri,
            commands::sign_in_browser,
            commands::cancel_sign_in,
            commands::sign_in_jwt,
            commands::sign_in_token,
            commands::session,
            commands::select_agent,
            commands::sign_out,
            commands::restore_session,
            commands::forget_profile,
            commands::copy_token,
            profiles::switch_profile,
            users::users_load,
            users::users_page,
            users::user_details,
            users::copy_user_json,
            users::copy_redirect_uri,
            updates::update_prefs,
            updates::set_update_check,
            updates::check_update,
            updates::install_update,
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
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    // Tauri's app_config_dir: the OS config folder plus the identifier.
    let config_dir = dirs::config_dir().map(|d| d.join(&identifier));
    let state = AppState::new(config_dir, identifier);
    match app_builder(builder, state).run(context) {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!("Engage Desk could not start: {e}");
            eprintln!("Engage Desk could not start: {e}");
            1
        }
    }
}

/// `ENGAGE_LOG` is a level (`debug`, `trace`) for the app, its core and the
/// HTTP stack, or a full filter directive. A bare level leaves the D-Bus
/// stack at `info`: its trace output deadlocks the single-instance check.
fn init_logging() {
    use std::io::IsTerminal;
    let spec = std::env::var("ENGAGE_LOG").unwrap_or_else(|_| "info".into());
    let directives = match spec.parse::<tracing_subscriber::filter::LevelFilter>() {
        Ok(level) => format!(
            "info,zbus=info,engage={level},engage_desk={level},reqwest={level},hyper_util={level},hyper={level},tauri={level}"
        ),
        Err(_) => spec,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(directives))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
