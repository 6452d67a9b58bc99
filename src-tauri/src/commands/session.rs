//! The session and the profiles: what the window starts from, restore,
//! the agent, sign-out, forget, switching profiles, copying the token.

use engage::hosts::{Preset, PRESETS};
use engage::session::{Identity, Status};
use engage::settings::{ProfileList, ProfileSettings};
use engage::{Desk, ExposeSecret};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use engage::feed::Change;

use crate::error::{ErrorBody, Result};
use crate::feeds::Feeds;
use crate::start_restore::StartRestore;
use crate::updates::{self, UpdateInfo, UpdatePrefs};
use crate::Shell;

/// Settings `make demo` passes in, so the sign-in form starts on the fake.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Demo {
    pub server: String,
    pub client_id: String,
}

/// What the About line and the sign-in form start from.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub identifier: String,
    pub presets: Vec<Preset>,
    pub default_port: u16,
    pub demo: Option<Demo>,
    /// The current profile's saved settings, to fill the sign-in form.
    pub profile: ProfileSettings,
    /// A problem with the settings file, to show once.
    pub settings_warning: Option<String>,
    pub profiles: ProfileList,
}

/// Everything the window starts from, in one piece: the window's first
/// script carries it (an IPC answer reaches the page only after its first
/// paint), and a reload asks for it.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StartUp {
    pub info: AppInfo,
    /// The session feed as it was before the restore: the window follows
    /// it from here, so no change after this one is missed.
    pub session: Change<Status>,
    /// The restore begun at launch, when it has finished: its status, or
    /// why it failed. Neither while it is still under way (always, in the
    /// first script): the window then shows the form and asks for the
    /// restore.
    pub restored: Option<Status>,
    pub restore_error: Option<ErrorBody>,
    /// The update feed as it was before the prefs were read: an update
    /// found in between is in the prefs, and comes again as the feed's next
    /// change (offering it twice shows the same banner).
    pub update: Change<Option<UpdateInfo>>,
    pub update_prefs: UpdatePrefs,
    /// The redirect URI for the port the sign-in form starts with, when
    /// that port is valid.
    pub redirect_uri: Option<String>,
}

/// What the window starts from, when its first script did not carry it (a
/// reload). The reads keep the order the window relies on: each feed
/// before what it follows.
#[tauri::command]
pub async fn start_up<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    feeds: State<'_, Feeds>,
    start: State<'_, StartRestore>,
) -> Result<StartUp> {
    let session = feeds.session.current();
    let restored = finished_restore(&desk, &start).await;
    Ok(StartUp::read(&app, session, restored))
}

impl StartUp {
    /// What the window starts from when it opens, before the launch
    /// restore has begun: the window's first script carries it, so the
    /// sign-in form needs no call to show (`main_window`).
    pub(crate) fn at_launch<R: Runtime>(app: &AppHandle<R>) -> Self {
        let session = app.state::<Feeds>().session.current();
        StartUp::read(app, session, None)
    }

    /// The rest of it, read after the session feed and the restore.
    fn read<R: Runtime>(
        app: &AppHandle<R>,
        session: Change<Status>,
        restored: Option<Result<Status>>,
    ) -> Self {
        let desk = app.state::<Desk>();
        let update = app.state::<Feeds>().update.current();
        let prefs = updates::prefs(app, &desk);
        StartUp::new(
            app_info(app, &desk, &app.state::<Shell>()),
            session,
            restored,
            update,
            prefs,
        )
    }

    fn new(
        info: AppInfo,
        session: Change<Status>,
        restored: Option<Result<Status>>,
        update: Change<Option<UpdateInfo>>,
        update_prefs: UpdatePrefs,
    ) -> Self {
        StartUp {
            redirect_uri: start_port(info.profile.port, info.default_port)
                .map(engage::redirect::redirect_uri),
            info,
            session,
            restore_error: restored
                .as_ref()
                .and_then(|r| r.as_ref().err())
                .map(ErrorBody::from),
            restored: restored.and_then(|r| r.ok()),
            update,
            update_prefs,
        }
    }
}

/// The port the sign-in form starts with (the saved one, else the
/// default), when it is one the form would accept; else none, and the form
/// says why, as for a port the user types.
fn start_port(saved: u16, default: u16) -> Option<u16> {
    let port = if saved == 0 { default } else { saved };
    engage::redirect::validate_port(port.into()).ok()
}

fn app_info<R: Runtime>(app: &AppHandle<R>, desk: &Desk, shell: &Shell) -> AppInfo {
    AppInfo {
        name: engage::APP_NAME.into(),
        version: engage::version().into(),
        identifier: app.config().identifier.clone(),
        presets: PRESETS.to_vec(),
        default_port: engage::redirect::DEFAULT_PORT,
        demo: shell.demo.clone(),
        profile: desk.profile_settings(),
        settings_warning: desk.take_settings_warning(),
        profiles: desk.profiles(),
    }
}

/// The session's status (signed out when there is none).
#[tauri::command]
pub async fn session(desk: State<'_, Desk>) -> Result<Status> {
    Ok(desk.status().await)
}

/// Comes back from the keychain at start-up: renews (no browser) and
/// returns the status, or the signed-out status with the reason. The first
/// ask takes the restore begun at launch, when `start_up` did not.
#[tauri::command]
pub async fn restore_session(
    desk: State<'_, Desk>,
    start: State<'_, StartRestore>,
) -> Result<Status> {
    restore(&desk, &start).await
}

/// The launch restore's answer, if it has come.
async fn finished_restore(desk: &Desk, start: &StartRestore) -> Option<Result<Status>> {
    let answer = start.take_finished(&desk.current_profile()).await?;
    Some(current(answer, desk).await)
}

async fn restore(desk: &Desk, start: &StartRestore) -> Result<Status> {
    match start.take(&desk.current_profile()).await {
        Some(answer) => current(answer, desk).await,
        None => Ok(desk.restore().await?),
    }
}

/// The launch restore's answer as it stands now: the session may have
/// moved on since; a signed-out answer is kept for the reason it gives.
async fn current(answer: Result<Status, engage::Error>, desk: &Desk) -> Result<Status> {
    let (status, now) = (answer?, desk.status().await);
    Ok(if status.signed_in || now.signed_in {
        now
    } else {
        status
    })
}

/// Makes another agent current, and remembers the choice for next time.
#[tauri::command]
pub async fn select_agent(desk: State<'_, Desk>, agent_id: i64) -> Result<Identity> {
    Ok(desk.select_agent(agent_id).await?)
}

/// Signs out: RingCX logout, RingCentral revoke (errors ignored), then clears.
#[tauri::command]
pub async fn sign_out(desk: State<'_, Desk>) -> Result<Status> {
    Ok(desk.sign_out().await)
}

/// Signs out and forgets the profile's saved settings too.
#[tauri::command]
pub async fn forget_profile(desk: State<'_, Desk>) -> Result<Status> {
    Ok(desk.forget_profile().await)
}

/// Makes another profile current (created if new); returns its settings.
#[tauri::command]
pub async fn switch_profile(desk: State<'_, Desk>, name: String) -> Result<ProfileSettings> {
    Ok(desk.switch_profile(&name).await?)
}

/// The one place a token leaves Rust: the current RingCX access token goes
/// straight to the system clipboard, never through IPC or the DOM. The UI
/// asks the user to confirm first.
#[tauri::command]
pub async fn copy_token<R: Runtime>(app: AppHandle<R>, desk: State<'_, Desk>) -> Result<()> {
    let token = desk.reveal_access_token().await?;
    crate::clipboard::write(&app, token.expose_secret().to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn info(port: u16) -> AppInfo {
        AppInfo {
            name: "Engage Desk".into(),
            version: "0".into(),
            identifier: "test".into(),
            presets: vec![],
            default_port: engage::redirect::DEFAULT_PORT,
            demo: None,
            profile: ProfileSettings {
                port,
                ..ProfileSettings::default()
            },
            settings_warning: None,
            profiles: ProfileList {
                names: vec!["default".into()],
                current: "default".into(),
            },
        }
    }

    fn hosts() -> engage::hosts::Hosts {
        engage::hosts::Hosts::parse(
            "https://platform.ringcentral.com",
            "https://ringcx.ringcentral.com",
        )
        .unwrap()
    }

    /// A start-up answer as the window gets it.
    pub(crate) fn begun(port: u16, restored: Option<Result<Status>>) -> StartUp {
        let prefs = UpdatePrefs {
            check_on_start: false,
            channel: false,
            pending: None,
        };
        let session = Change {
            version: 0,
            value: Status::signed_out(&hosts(), None),
        };
        let update = Change {
            version: 0,
            value: None,
        };
        StartUp::new(info(port), session, restored, update, prefs)
    }

    #[test]
    fn the_start_port_is_the_saved_one_else_the_default_and_only_a_valid_one() {
        assert_eq!(start_port(40000, 53682), Some(40000));
        assert_eq!(start_port(0, 53682), Some(53682));
        assert_eq!(start_port(80, 53682), None);
        let uri = begun(40000, None).redirect_uri;
        assert_eq!(uri.as_deref(), Some("http://localhost:40000/callback"));
        assert!(begun(80, None).redirect_uri.is_none());
    }

    #[test]
    fn the_restore_comes_as_a_status_an_error_or_not_yet() {
        let not_yet = begun(0, None);
        assert!(not_yet.restored.is_none() && not_yet.restore_error.is_none());
        let failed = begun(0, Some(Err(engage::Error::KeychainLocked.into())));
        assert!(failed.restored.is_none());
        let body = failed.restore_error.expect("the error");
        assert_eq!(
            body,
            ErrorBody::from(&crate::Error::from(engage::Error::KeychainLocked))
        );
        let status = Status::signed_out(&hosts(), None);
        let done = begun(0, Some(Ok(status.clone())));
        assert_eq!(done.restored, Some(status));
        assert!(done.restore_error.is_none());
    }
}
