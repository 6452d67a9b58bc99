//! The Tauri shell: window, plugins, and the commands the window calls.
//! Every rule about sessions and profiles is in `engage::Desk`.

mod clipboard;
pub mod commands;
mod dialogs;
mod error;
mod feeds;
mod jit;
mod main_window;
mod single_instance;
pub(crate) mod start_restore;
mod startup_error;
mod updates;
mod window_state;
pub mod wire;

use engage::settings::ProfileSettings;
use engage::{Desk, DeskConfig};
use tauri::{Manager, Runtime};

pub use commands::session::Demo;
pub use error::{Code, Error, ErrorBody, ShellCode};
use start_restore::StartRestore;

/// What the shell holds besides the desk.
pub struct Shell {
    pub demo: Option<Demo>,
}

/// The desk for an app identifier: settings in the OS config folder, lock
/// files in its data folder (the folders Tauri's path resolver uses), and
/// the OS keychain under the identifier.
pub fn open_desk(identifier: &str) -> Desk {
    Desk::open(DeskConfig::for_app(identifier))
}

/// `make demo` points the form at the fake server, in a profile of its own
/// so its tokens never mix with a real one.
fn demo_from_env(desk: &Desk) -> Option<Demo> {
    let server = std::env::var("ENGAGE_DEMO_SERVER").ok()?;
    let demo = Demo {
        client_id: std::env::var("ENGAGE_DEMO_CLIENT_ID")
            .unwrap_or_else(|_| "fake-client-id".into()),
        server,
    };
    let saved = desk.settings().profiles.get("demo").cloned();
    desk.pin_profile(
        "demo",
        ProfileSettings {
            rc_server: demo.server.clone(),
            ringcx_server: demo.server.clone(),
            client_id: demo.client_id.clone(),
            ..saved.unwrap_or_default()
        },
    );
    Some(demo)
}

/// Registers state, plugins and commands on any runtime, so tests can use
/// the mock runtime.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>, desk: Desk) -> tauri::Builder<R> {
    let demo = demo_from_env(&desk);
    let feeds = feeds::Feeds::follow(&desk);
    builder
        .manage(desk)
        .manage(feeds)
        .manage(Shell { demo })
        .manage(updates::Found::default())
        .manage(StartRestore::default())
        .setup(|app| {
            // Read before the restore begins: the page follows the session
            // from here and asks for the restore's answer.
            let start = commands::session::StartUp::at_launch(app.handle());
            let handle = app.handle().clone();
            let profile = app.state::<Desk>().current_profile();
            app.state::<StartRestore>().begin(profile, async move {
                handle.state::<Desk>().restore().await
            });
            main_window::open(app.handle(), &start)?;
            updates::check_on_start(app.handle());
            Ok(())
        })
        .on_window_event(window_state::on_event)
        .plugin(window_state::plugin())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            commands::session::start_up,
            commands::auth::redirect_uri,
            commands::auth::sign_in_browser,
            commands::auth::cancel_sign_in,
            commands::auth::sign_in_jwt,
            commands::auth::sign_in_token,
            commands::session::session,
            commands::session::select_agent,
            commands::session::sign_out,
            commands::session::restore_session,
            commands::session::forget_profile,
            commands::session::copy_token,
            commands::session::switch_profile,
            commands::users::users_load,
            commands::users::users_page,
            commands::users::users_settled,
            commands::users::user_details,
            commands::users::copy_user_json,
            commands::auth::copy_redirect_uri,
            commands::updates::set_update_check,
            commands::updates::check_update,
            commands::updates::install_update,
            commands::console::console_search,
            commands::console::console_form,
            commands::console::console_send,
            commands::console::console_copy_curl,
            commands::console::console_history,
            commands::console::console_name,
            commands::console::console_choices,
            commands::console::console_choose_file,
            commands::console::console_save,
            commands::console::console_lines,
            commands::console::console_fold,
            commands::console::console_copy_secret,
            commands::feeds::session_changes,
            commands::feeds::console_wait_changes,
            commands::feeds::update_changes,
        ])
}

/// Runs the desktop app; returns the process exit code.
pub fn run() -> i32 {
    // First: it changes the environment, which is sound only while this is
    // the one thread.
    jit::turn_off();
    init_logging();
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    // Before anything else: a second launch hands over and exits.
    let instance = match single_instance::claim(&identifier) {
        Ok(single_instance::Start::Primary(instance)) => instance,
        Ok(single_instance::Start::HandedOver) => return 0,
        Err(e) => return startup_error::report(&e),
    };
    let builder = instance.attach(tauri::Builder::default());
    let desk = open_desk(&identifier);
    match app_builder(builder, desk).run(context) {
        Ok(()) => 0,
        Err(e) => startup_error::report(&e),
    }
}

/// `ENGAGE_LOG` is a level (`debug`, `trace`) for the app, its core and the
/// HTTP stack, or a list of `target=level` directives. A bare level leaves
/// the D-Bus stack at `info`: its trace output deadlocks the single-instance
/// check. `Targets`, not `EnvFilter`: the same directives without
/// env-filter's regex tables (span and field filters are what is left out).
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let spec = std::env::var("ENGAGE_LOG").unwrap_or_default();
    let (filter, rejected) = log_filter(&spec);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(filter)
        .try_init();
    for directive in rejected {
        tracing::warn!(%directive, "ENGAGE_LOG: not a `target=level` directive; ignored");
    }
}

/// The filter `ENGAGE_LOG` asks for (`info` when it asks for nothing), and
/// the directives it could not read, which are left out. Entries are
/// trimmed and empty ones skipped: an empty target would match every
/// target, D-Bus's included.
fn log_filter(spec: &str) -> (tracing_subscriber::filter::Targets, Vec<String>) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    let spec = spec.trim();
    let expanded;
    let spec = match spec.parse::<LevelFilter>() {
        Ok(level) if !spec.is_empty() => {
            expanded = format!(
                "info,zbus=info,engage={level},engage_desk={level},reqwest={level},hyper_util={level},hyper={level},tauri={level}"
            );
            expanded.as_str()
        }
        _ => spec,
    };
    let mut filter = Targets::new().with_default(LevelFilter::INFO);
    let mut rejected = Vec::new();
    for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        match (entry.parse::<LevelFilter>(), entry.split_once('=')) {
            (Ok(level), _) => filter = filter.with_default(level),
            (_, Some((target, level))) if !target.trim().is_empty() => {
                match level.trim().parse::<LevelFilter>() {
                    Ok(level) => filter = filter.with_target(target.trim(), level),
                    Err(_) => rejected.push(entry.to_string()),
                }
            }
            _ => rejected.push(entry.to_string()),
        }
    }
    (filter, rejected)
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::log_filter;

    #[test]
    fn a_bare_level_is_for_the_app_and_its_http_not_for_d_bus() {
        let (f, rejected) = log_filter("trace");
        assert!(rejected.is_empty());
        assert!(f.would_enable("engage::session", &Level::TRACE));
        assert!(f.would_enable("hyper_util::client", &Level::TRACE));
        assert!(!f.would_enable("zbus::connection", &Level::DEBUG));
        assert!(f.would_enable("zbus::connection", &Level::INFO));
    }

    #[test]
    fn directives_are_trimmed_and_empty_ones_match_nothing() {
        let (f, rejected) = log_filter(" warn, engage::http=debug ,");
        assert!(rejected.is_empty(), "{rejected:?}");
        assert!(f.would_enable("engage::http", &Level::DEBUG));
        assert!(!f.would_enable("engage::session", &Level::INFO));
        assert!(!f.would_enable("zbus::connection", &Level::INFO));
    }

    #[test]
    fn unreadable_directives_are_named_and_the_rest_kept() {
        let (f, rejected) = log_filter("engage=loud,degub,engage::http=debug,=trace");
        assert_eq!(rejected, ["engage=loud", "degub", "=trace"]);
        assert!(f.would_enable("engage::http", &Level::DEBUG));
        assert!(f.would_enable("engage::session", &Level::INFO));
        assert!(!f.would_enable("engage::session", &Level::DEBUG));
        for spec in ["", "  ", ","] {
            let (f, rejected) = log_filter(spec);
            assert!(rejected.is_empty(), "{spec:?}");
            assert!(f.would_enable("engage", &Level::INFO), "{spec:?}");
            assert!(!f.would_enable("engage", &Level::DEBUG), "{spec:?}");
        }
    }
}
