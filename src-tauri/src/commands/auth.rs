//! Signing in: the redirect URI to register, the three ways in, cancel.

use engage::session::Status;
use engage::{Desk, SecretString, SignInForm, SignInWith};
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::Result;

/// The sign-in form as the window sends it. Secrets arrive as plain
/// strings and are wrapped at once; they are never sent back.
#[derive(Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Servers {
    pub rc_server: String,
    pub ringcx_server: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
}

impl From<Servers> for SignInForm {
    fn from(s: Servers) -> Self {
        SignInForm {
            rc_server: s.rc_server,
            ringcx_server: s.ringcx_server,
            client_id: s.client_id,
            client_secret: s.client_secret.map(SecretString::from),
        }
    }
}

/// The redirect URI to register for a loopback port typed by the user.
#[tauri::command]
pub fn redirect_uri(port: i64) -> Result<String> {
    let port = engage::redirect::validate_port(port)?;
    Ok(engage::redirect::redirect_uri(port))
}

/// Copies the redirect URI for a port, computed here, so the page cannot
/// put arbitrary text on the clipboard.
#[tauri::command]
pub fn copy_redirect_uri<R: Runtime>(app: AppHandle<R>, port: i64) -> Result<()> {
    let port = engage::redirect::validate_port(port)?;
    crate::clipboard::write(&app, engage::redirect::redirect_uri(port))
}

/// Signs in through the system browser and the loopback redirect.
#[tauri::command]
pub async fn sign_in_browser<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    servers: Servers,
    port: i64,
) -> Result<Status> {
    let open = |url: &url::Url| open_browser(&app, url);
    let with = SignInWith::Browser { port, open: &open };
    Ok(desk.sign_in(servers.into(), with).await?)
}

/// Opens the system browser (`xdg-open` on Linux, which honours `$BROWSER`).
fn open_browser<R: Runtime>(app: &AppHandle<R>, url: &url::Url) -> Result<(), engage::Error> {
    #[cfg(target_os = "linux")]
    if open_with_xdg(url.as_str()) {
        return Ok(());
    }
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| engage::Error::BrowserFailed {
            reason: e
                .to_string()
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(120)
                .collect(),
        })
}

/// `xdg-open url` with the environment the user gave the app (see
/// `jit`); false when it cannot be started or fails at once (no browser
/// set), and the opener's other ways are tried. Like the opener, it waits
/// a quarter of a second for that, not for the browser.
#[cfg(target_os = "linux")]
fn open_with_xdg(url: &str) -> bool {
    use std::time::{Duration, Instant};
    let mut cmd = std::process::Command::new("xdg-open");
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    let Ok(mut child) = crate::jit::for_user_program(&mut cmd).spawn() else {
        return false;
    };
    let until = Instant::now() + Duration::from_millis(250);
    while Instant::now() < until {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break,
        }
    }
    // Reaped when it ends (xdg-open may wait on a browser it starts).
    std::thread::spawn(move || child.wait());
    true
}

/// Stops the sign-in in progress, at whatever step it is.
#[tauri::command]
pub fn cancel_sign_in(desk: State<'_, Desk>) -> bool {
    desk.cancel_sign_in()
}

/// Signs in with a JWT credential (client id and secret required).
#[tauri::command]
pub async fn sign_in_jwt(desk: State<'_, Desk>, servers: Servers, jwt: String) -> Result<Status> {
    let with = SignInWith::Jwt(SecretString::from(jwt));
    Ok(desk.sign_in(servers.into(), with).await?)
}

/// Signs in with a pasted RingCentral access token.
#[tauri::command]
pub async fn sign_in_token(
    desk: State<'_, Desk>,
    servers: Servers,
    token: String,
) -> Result<Status> {
    let with = SignInWith::Token(SecretString::from(token));
    Ok(desk.sign_in(servers.into(), with).await?)
}
