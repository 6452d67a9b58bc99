//! `engage`: Engage Desk's command line. It opens the same desk as the
//! app (settings, profiles, the keychain entry and the per-profile renewal
//! lock), so a session signed in on either side serves both, and neither
//! spends a refresh token the other holds.

// A command line prints: that is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod api;
mod auth;
mod cli;
mod exit;
mod lists;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use engage::{Desk, DeskConfig};

use cli::{Auth, Cli, Command};
use exit::Failure;

/// The app's identifier, which names its folders and its keychain entry:
/// the release app's in a release build, the development app's otherwise,
/// as `src-tauri/tauri.release.conf.json` and `tauri.conf.json` say (a
/// test reads them). `ENGAGE_APP_ID` overrides it.
const APP_ID: &str = if cfg!(debug_assertions) {
    "com.engagedesk.EngageDesk.dev"
} else {
    "com.engagedesk.EngageDesk"
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Completion { shell } = cli.command {
        let mut command = Cli::command();
        clap_complete::generate(shell, &mut command, "engage", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    // Multi-threaded, as in the app: the keychain's D-Bus calls block in
    // place, which only a multi-threaded runtime allows.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("engage: could not start ({e}).");
            return ExitCode::from(exit::OTHER);
        }
    };
    // The work runs in a task on a worker, where the app makes its calls:
    // from `block_on` on this thread, each request would wake the HTTP
    // connection's task across threads and back (`make bench`, P4).
    let outcome = runtime.block_on(async move {
        match tokio::spawn(run(cli)).await {
            Ok(outcome) => outcome,
            // A panic stays a panic, as if it had happened on this thread.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Failure::Other("the command was stopped.".into())),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("engage: {}", failure.message());
            failure.exit()
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let id = std::env::var("ENGAGE_APP_ID").unwrap_or_else(|_| APP_ID.to_string());
    let desk = Desk::open(DeskConfig::for_app(&id));
    if let Some(warning) = desk.take_settings_warning() {
        eprintln!("engage: {warning}");
    }
    if let Some(name) = &cli.profile {
        use_profile(&desk, name)?;
    }
    match &cli.command {
        Command::Auth(Auth::Login(login)) => auth::login(&desk, login).await,
        Command::Auth(Auth::Status { json }) => auth::status(&desk, *json).await,
        Command::Auth(Auth::Token) => auth::token(&desk).await,
        Command::Auth(Auth::Logout) => auth::logout(&desk).await,
        Command::Api(a) => api::run(&desk, a).await,
        Command::Users(u) => lists::users(&desk, u.active, u.format).await,
        Command::Ops { text } => lists::ops(&desk, text),
        Command::Profiles => lists::profiles(&desk),
        Command::Completion { .. } => Ok(()),
    }
}

/// `--profile NAME` for this run: the app's current profile is left as it
/// is (unless a sign-in saves this one's servers).
fn use_profile(desk: &Desk, name: &str) -> Result<(), Failure> {
    let name = engage::settings::validate_profile_name(name)?;
    let settings = desk.settings();
    let existing = settings
        .profiles
        .keys()
        .find(|k| k.eq_ignore_ascii_case(&name))
        .cloned();
    let profile = existing
        .as_ref()
        .and_then(|k| settings.profiles.get(k).cloned())
        .unwrap_or_default();
    desk.pin_profile(existing.as_deref().unwrap_or(&name), profile);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_id_is_the_apps() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri");
        let conf = |file: &str| -> String {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            v["identifier"].as_str().unwrap().to_string()
        };
        let expected = if cfg!(debug_assertions) {
            conf("tauri.conf.json")
        } else {
            conf("tauri.release.conf.json")
        };
        assert_eq!(APP_ID, expected);
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
