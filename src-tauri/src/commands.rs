//! The commands the UI may call. Each is a thin wrapper over the core.
//!
//! Adding one: write it here, list it in `generate_handler!` in lib.rs, add its
//! name to COMMANDS in build.rs, and grant `allow-<name>` in capabilities/.
//! Nothing here returns a token: replies are statuses, profiles and data.

use std::sync::Arc;

use engage::browser::BrowserSignIn;
use engage::hosts::{Hosts, Preset, PRESETS};
use engage::loopback::SIGN_IN_TIMEOUT;
use engage::rc::{RcApp, RcClient};
use engage::session::{Credential, Profile, Reason, Session, Status};
use engage::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use tokio_util::sync::CancellationToken;

use crate::error::CommandError;
use crate::settings::ProfileSettings;
use crate::state::{AppState, Demo};

/// The event the UI listens to for every session change.
pub const SESSION_EVENT: &str = "session-changed";

/// What the About line and the sign-in form start from.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub identifier: String,
    pub presets: &'static [Preset],
    pub default_port: u16,
    pub demo: Option<Demo>,
    /// The current profile's saved settings, to fill the sign-in form.
    pub profile: ProfileSettings,
    /// A problem with the settings file, to show once.
    pub settings_warning: Option<String>,
    pub profiles: crate::profiles::Profiles,
}

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> AppInfo {
    let (profile, settings_warning) = {
        let mut file = state.settings.lock().unwrap_or_else(|p| p.into_inner());
        (file.settings.current_profile(), file.warning.take())
    };
    AppInfo {
        name: engage::APP_NAME,
        version: engage::version(),
        identifier: app.config().identifier.clone(),
        presets: PRESETS,
        default_port: engage::redirect::DEFAULT_PORT,
        demo: state.demo.clone(),
        profile,
        settings_warning,
        profiles: crate::profiles::list(&state),
    }
}

/// The redirect URI to register for a loopback port typed by the user.
#[tauri::command]
pub fn redirect_uri(port: i64) -> Result<String, CommandError> {
    let port = engage::redirect::validate_port(port)?;
    Ok(engage::redirect::redirect_uri(port))
}

/// The server pair and app a sign-in uses. Secrets arrive as plain strings
/// from the form and are wrapped at once; they are never sent back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Servers {
    pub rc_server: String,
    pub ringcx_server: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
}

impl Servers {
    /// Remembers the form for next time (never the secret).
    fn remember(&self, state: &AppState, profile: &str, port: Option<u16>) {
        let (rc, cx, id) = (
            self.rc_server.trim(),
            self.ringcx_server.trim(),
            self.client_id.trim(),
        );
        state.update_settings(|s| {
            let p = s.profiles.entry(profile.to_string()).or_default();
            let same = p.rc_server == rc && p.ringcx_server == cx && p.client_id == id;
            p.rc_server = rc.to_string();
            p.ringcx_server = cx.to_string();
            p.client_id = id.to_string();
            if let Some(port) = port {
                p.port = port;
            }
            if !same {
                p.agent_id = None;
            }
        });
    }

    fn parse(&self) -> Result<(Hosts, RcApp), CommandError> {
        let hosts = Hosts::parse(&self.rc_server, &self.ringcx_server)?;
        let app = RcApp {
            client_id: self.client_id.trim().to_string(),
            client_secret: self
                .client_secret
                .as_ref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| SecretString::from(s.trim().to_string())),
        };
        Ok((hosts, app))
    }
}

async fn install<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    session: Arc<Session>,
) -> Status {
    let status = session.status();
    let mut rx = session.subscribe();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let status = rx.borrow_and_update().clone();
            let _ = handle.emit(SESSION_EVENT, &status);
        }
    });
    // The write lock is released before the old session's network calls.
    let old = state.session.write().await.replace(session);
    state.drop_users();
    if let Some(old) = old {
        old.replaced().await;
    }
    let _ = app.emit(SESSION_EVENT, &status);
    status
}

async fn sign_in<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    profile: &str,
    hosts: Hosts,
    rc_app: RcApp,
    credential: Credential,
) -> Result<Status, CommandError> {
    let persist = state.persist_for(profile).await;
    let session = Session::sign_in(
        state.http.clone(),
        hosts,
        rc_app,
        credential,
        state.limiter.clone(),
        persist,
    )
    .await?;
    Ok(install(app, state, session).await)
}

/// Clears the pending sign-in when dropped, however the sign-in ends.
struct Pending<'a>(&'a AppState);

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        *self.0.pending.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Signs in through the system browser and the loopback redirect.
#[tauri::command]
pub async fn sign_in_browser<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    servers: Servers,
    port: i64,
) -> Result<Status, CommandError> {
    let port = engage::redirect::validate_port(port)?;
    // The profile is fixed when the sign-in starts: the tokens that come
    // back minutes later belong to it, whatever is current by then.
    let profile = state.current_profile_id();
    let (hosts, rc_app) = servers.parse()?;
    let rc = RcClient::new(state.http.clone(), hosts.clone(), rc_app.clone())?;
    let cancel = CancellationToken::new();
    {
        let mut pending = state.pending.lock().unwrap_or_else(|p| p.into_inner());
        if pending.is_some() {
            return Err(engage::Error::SignInInProgress.into());
        }
        *pending = Some(cancel.clone());
    }
    let _pending = Pending(&state);
    let flow = BrowserSignIn::start(port).await?;
    let url = flow.authorize_url(&rc);
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| engage::Error::BrowserFailed {
            reason: short_reason(&e.to_string()),
        })?;
    let tokens = flow.finish(&rc, &cancel, SIGN_IN_TIMEOUT).await?;
    let status = sign_in(
        &app,
        &state,
        &profile,
        hosts,
        rc_app,
        Credential::Browser(tokens),
    )
    .await?;
    // Only a sign-in that worked changes the saved profile: a failed try
    // must not point a saved session's tokens at another server.
    servers.remember(&state, &profile, Some(port));
    Ok(status)
}

fn short_reason(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(120)
        .collect()
}

/// Stops a browser sign-in that is waiting.
#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>) -> bool {
    match state
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
    {
        Some(cancel) => {
            cancel.cancel();
            true
        }
        None => false,
    }
}

/// Signs in with a JWT credential (client id and secret required).
#[tauri::command]
pub async fn sign_in_jwt<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    servers: Servers,
    jwt: String,
) -> Result<Status, CommandError> {
    let profile = state.current_profile_id();
    let (hosts, rc_app) = servers.parse()?;
    let jwt = jwt.trim().to_string();
    if jwt.is_empty() {
        return Err(engage::Error::BadCredentials { server_code: None }.into());
    }
    let status = sign_in(
        &app,
        &state,
        &profile,
        hosts,
        rc_app,
        Credential::Jwt(SecretString::from(jwt)),
    )
    .await?;
    servers.remember(&state, &profile, None);
    Ok(status)
}

/// Signs in with a pasted RingCentral access token.
#[tauri::command]
pub async fn sign_in_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    servers: Servers,
    token: String,
) -> Result<Status, CommandError> {
    let profile = state.current_profile_id();
    let (hosts, mut rc_app) = servers.parse()?;
    // No OAuth call is made in this mode, so no client id is needed.
    if rc_app.client_id.is_empty() {
        rc_app.client_id = "pasted-token".into();
    }
    let token = SecretString::from(token.trim().to_string());
    let status = sign_in(
        &app,
        &state,
        &profile,
        hosts,
        rc_app,
        Credential::Token(token),
    )
    .await?;
    servers.remember(&state, &profile, None);
    Ok(status)
}

/// The session's status and profile (signed out when there is none).
#[tauri::command]
pub async fn session(state: State<'_, AppState>) -> Result<Status, CommandError> {
    match state.session.read().await.as_ref() {
        Some(s) => Ok(s.status()),
        None => Ok(Status::signed_out(&Hosts::default_preset(), None)),
    }
}

/// Makes another agent current, and remembers the choice for next time.
#[tauri::command]
pub async fn select_agent(
    state: State<'_, AppState>,
    agent_id: i64,
) -> Result<Profile, CommandError> {
    let profile = state.current().await?.select_agent(agent_id)?;
    state.update_settings(|s| {
        let current = s.current.clone();
        s.profiles.entry(current).or_default().agent_id = Some(agent_id);
    });
    Ok(profile)
}

/// Comes back from the keychain at start-up: renews (no browser) and
/// returns the profile, or the signed-out status with the reason.
#[tauri::command]
pub async fn restore_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Status, CommandError> {
    // A live session is the answer; an ended one (say the profile was
    // switched after a revoke) gives way to the current profile's vault.
    if let Some(s) = state.session.read().await.as_ref() {
        let status = s.status();
        if status.signed_in {
            return Ok(status);
        }
    }
    let profile_id = state.current_profile_id();
    let profile = state
        .settings
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .settings
        .current_profile();
    let hosts = Hosts::parse(&profile.rc_server, &profile.ringcx_server)
        .unwrap_or_else(|_| Hosts::default_preset());
    // A keychain problem is not a sign-out reason: it is a storage note.
    let signed_out = |reason: Option<Reason>| {
        let mut s = Status::signed_out(&hosts, None);
        match reason {
            Some(r) if r.code.starts_with("keychain_") => s.storage_error = Some(r),
            other => s.reason = other,
        }
        s
    };
    let id = profile_id.clone();
    let saved = match state.with_vault(move |v| v.load(&id)).await {
        Ok(Some(saved)) => saved,
        Ok(None) => return Ok(signed_out(None)),
        Err(e) => return Ok(signed_out(Some(Reason::from(&e)))),
    };
    let rc_app = RcApp {
        client_id: if profile.client_id.is_empty() {
            "pasted-token".into()
        } else {
            profile.client_id.clone()
        },
        client_secret: None,
    };
    let persist = state.persist_for(&profile_id).await;
    match Session::restore(
        state.http.clone(),
        hosts.clone(),
        rc_app,
        saved,
        state.limiter.clone(),
        persist,
    )
    .await
    {
        Ok(session) => {
            if let Some(agent) = profile.agent_id {
                let _ = session.select_agent(agent);
            }
            Ok(install(&app, &state, session).await)
        }
        Err(e) if e.is_transient() => Err(e.into()),
        Err(e) => {
            let status = signed_out(Some(Reason::from(&e)));
            let _ = app.emit(SESSION_EVENT, &status);
            Ok(status)
        }
    }
}

/// Signs out and forgets the profile's saved settings too.
#[tauri::command]
pub async fn forget_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Status, CommandError> {
    let status = sign_out(app, state.clone()).await?;
    let id = state.current_profile_id();
    state.update_settings(|s| {
        s.profiles.remove(&id);
    });
    Ok(status)
}

/// Signs out: RingCX logout, RingCentral revoke (errors ignored), then clears.
#[tauri::command]
pub async fn sign_out<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Status, CommandError> {
    let session = state.session.write().await.take();
    state.drop_users();
    let status = match session {
        // The session's own sign-out wipes its keychain entries.
        Some(s) => {
            s.sign_out().await;
            s.status()
        }
        // No live session (say a restore failed offline): the profile may
        // still have saved entries, and signing out must leave none.
        None => {
            let id = state.current_profile_id();
            if let Err(e) = state.with_vault(move |v| v.delete(&id)).await {
                tracing::info!(code = e.code(), "no keychain entries removed");
            }
            Status::signed_out(&Hosts::default_preset(), None)
        }
    };
    let _ = app.emit(SESSION_EVENT, &status);
    Ok(status)
}

/// The one place a token leaves Rust: the current RingCX access token goes
/// straight to the system clipboard, never through IPC or the DOM. The UI
/// asks the user to confirm first.
#[tauri::command]
pub async fn copy_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), CommandError> {
    let token = state.current().await?.reveal_access_token().await?;
    crate::clipboard::write(&app, token.expose_secret().to_string())
}
