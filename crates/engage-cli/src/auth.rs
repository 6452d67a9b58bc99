//! `engage auth`: sign in, the session's status, a token for scripts, sign
//! out. The desk does each; this prints.

use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

use engage::desk::SignInWith;
use engage::session::Status;
use engage::{Desk, ExposeSecret, SecretString, SignInForm};

use crate::cli::Login;
use crate::exit::Failure;

/// The least life a printed token has left.
pub const TOKEN_LIFE: Duration = Duration::from_secs(60);

pub async fn login(desk: &Desk, login: &Login) -> Result<(), Failure> {
    save_servers(desk, login)?;
    let profile = desk.profile_settings();
    let form = SignInForm {
        rc_server: profile.rc_server.clone(),
        ringcx_server: profile.ringcx_server.clone(),
        client_id: profile.client_id.clone(),
        client_secret: std::env::var("ENGAGE_CLIENT_SECRET")
            .ok()
            .map(SecretString::from),
    };
    let open = |url: &url::Url| {
        // Printed first: on a machine without a browser, this is the way.
        eprintln!("Open this address in a browser to sign in:\n  {url}");
        if let Err(e) = open_browser(url.as_str()) {
            eprintln!("(No browser opened: {e}.)");
        }
        Ok(())
    };
    let with = if login.with_token {
        SignInWith::Token(read_stdin_secret()?)
    } else if let Some(file) = &login.with_jwt {
        let text = std::fs::read_to_string(file).map_err(|e| {
            Failure::Other(format!(
                "Engage Desk could not read {}: {}. Check the path.",
                file.display(),
                e.kind()
            ))
        })?;
        SignInWith::Jwt(SecretString::from(text.trim().to_string()))
    } else {
        SignInWith::Browser {
            port: i64::from(profile.port),
            open: &open,
        }
    };
    let status = desk.sign_in(form, with).await?;
    eprintln!("{}", summary(&desk.current_profile(), &status));
    Ok(())
}

/// The servers, client id and port given on the command line, saved in
/// the profile as the app's form saves them.
fn save_servers(desk: &Desk, login: &Login) -> Result<(), Failure> {
    let preset = match &login.preset {
        Some(name) => Some(
            engage::hosts::PRESETS
                .iter()
                .find(|p| p.id.eq_ignore_ascii_case(name) || p.label.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    let known: Vec<_> = engage::hosts::PRESETS.iter().map(|p| p.id).collect();
                    Failure::Usage(format!(
                        "There is no preset {name:?}. Use one of: {}.",
                        known.join(", ")
                    ))
                })?,
        ),
        None => None,
    };
    if preset.is_none()
        && login.rc_server.is_none()
        && login.ringcx_server.is_none()
        && login.client_id.is_none()
        && login.redirect_port.is_none()
    {
        return Ok(());
    }
    desk.update_settings(|s| {
        let name = s.current.clone();
        let p = s.profiles.entry(name).or_default();
        if let Some(preset) = preset {
            p.rc_server = preset.rc.to_string();
            p.ringcx_server = preset.ringcx.to_string();
        }
        if let Some(v) = &login.rc_server {
            p.rc_server = v.trim().to_string();
        }
        if let Some(v) = &login.ringcx_server {
            p.ringcx_server = v.trim().to_string();
        }
        if let Some(v) = &login.client_id {
            p.client_id = v.trim().to_string();
        }
        if let Some(v) = login.redirect_port {
            p.port = v;
        }
    });
    Ok(())
}

/// A token from standard input: never an argument, which other users of
/// the machine could read in the process list.
fn read_stdin_secret() -> Result<SecretString, Failure> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Paste a RingCentral access token, then press Enter and Ctrl-D:");
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| Failure::Other(format!("Could not read standard input: {}.", e.kind())))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Failure::Usage(
            "No token on standard input. Pipe one in: `engage auth login --with-token < token.txt`."
                .into(),
        ));
    }
    Ok(SecretString::from(token.to_string()))
}

/// Opens `url` in the user's browser: `$BROWSER` when set (as on Linux
/// desktops and in scripts), else the system's opener.
fn open_browser(url: &str) -> Result<(), String> {
    let mut command = match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(browser) => {
            let mut c = std::process::Command::new(browser);
            c.arg(url);
            c
        }
        None => system_opener(url),
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| e.kind().to_string())
}

#[cfg(target_os = "linux")]
fn system_opener(url: &str) -> std::process::Command {
    let mut c = std::process::Command::new("xdg-open");
    c.arg(url);
    c
}

#[cfg(target_os = "macos")]
fn system_opener(url: &str) -> std::process::Command {
    let mut c = std::process::Command::new("open");
    c.arg(url);
    c
}

#[cfg(windows)]
fn system_opener(url: &str) -> std::process::Command {
    // rundll32 takes the URL as one argument (cmd's start would split on &).
    let mut c = std::process::Command::new("rundll32");
    c.args(["url.dll,FileProtocolHandler", url]);
    c
}

pub async fn status(desk: &Desk, json: bool) -> Result<(), Failure> {
    let status = desk.restore().await?;
    let profile = desk.current_profile();
    if json {
        let mut value = serde_json::to_value(&status)
            .map_err(|e| Failure::Other(format!("Could not write the status: {e}.")))?;
        value["profile"] = profile.clone().into();
        println!("{value:#}");
    } else {
        println!("{}", summary(&profile, &status));
    }
    if status.signed_in {
        Ok(())
    } else {
        Err(Failure::Core(engage::Error::NotSignedIn))
    }
}

/// The status in a few lines; never a token.
fn summary(profile: &str, s: &Status) -> String {
    if !s.signed_in {
        return format!("Profile {profile}: not signed in ({}).", s.ringcx_server);
    }
    let who = s
        .identity
        .as_ref()
        .and_then(|i| i.current_agent())
        .map_or_else(
            || "signed in".to_string(),
            |a| format!("signed in as {}", agent_name(a)),
        );
    let mut lines = vec![
        format!("Profile {profile}: {who}."),
        format!("  RingCentral: {}", s.rc_server),
        format!("  RingCX:      {}", s.ringcx_server),
    ];
    let now = engage::clock::unix_millis(std::time::SystemTime::now());
    if let Some(at) = s.ringcx_renews_at {
        lines.push(format!(
            "  The RingCX token renews in {}.",
            seconds(at, now)
        ));
    }
    if let Some(at) = s.rc_expires_at {
        lines.push(format!(
            "  The RingCentral token expires in {}.",
            seconds(at, now)
        ));
    }
    if !s.stored {
        lines.push("  Not saved in the keychain: this session ends with the app.".into());
    }
    lines.join("\n")
}

/// "Ana Lopez (agent 1234)", as the app's header shows an agent.
fn agent_name(a: &engage::model::Agent) -> String {
    let name = [a.first_name.as_deref(), a.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = name.trim();
    let name = if name.is_empty() {
        a.username.as_deref().unwrap_or("Agent")
    } else {
        name
    };
    format!("{name} (agent {})", a.agent_id)
}

fn seconds(at: u64, now: u64) -> String {
    let s = at.saturating_sub(now) / 1000;
    if s >= 120 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

pub async fn token(desk: &Desk) -> Result<(), Failure> {
    desk.restore().await?;
    let token = desk.access_token_lasting(TOKEN_LIFE).await?;
    let mut out = std::io::stdout();
    if out.is_terminal() {
        eprintln!(
            "A RingCX access token; it lives about five minutes. Run this again for a fresh one."
        );
    }
    writeln!(out, "{}", token.expose_secret())
        .map_err(|e| Failure::Other(format!("Could not write the token: {}.", e.kind())))
}

pub async fn logout(desk: &Desk) -> Result<(), Failure> {
    // Restored first, so the RingCX session ends remotely too.
    let _ = desk.restore().await;
    let status = desk.sign_out().await;
    eprintln!(
        "Signed out of profile {} ({}).",
        desk.current_profile(),
        status.ringcx_server
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_as_minutes_past_two() {
        assert_eq!(seconds(61_000, 1_000), "60 s");
        assert_eq!(seconds(301_000, 1_000), "5 min");
        assert_eq!(seconds(0, 1_000), "0 s");
    }
}
