//! The desk: the one owner of a user's profiles and sessions, shared by the
//! desktop app and the command line. It holds the settings file, the
//! current session and the profile it belongs to, the one sign-in in
//! progress (of any method), restore, sign-out and forget, and the user
//! list with the session allowed to read it. Every rule about which
//! session may do what lives here, so it is tested without a window.
//!
//! Orderings it guarantees:
//! - restores run one at a time; a second waits for the first and gets its
//!   session;
//! - a restore that finishes after a profile switch or a new sign-in
//!   installs nothing;
//! - a session belongs to the profile it was started in: the profile cannot
//!   be switched while signed in or while a sign-in is in progress;
//! - the user list is served only to the session that loaded it.

mod console;
mod keychain;
mod sign_in;
mod users;

pub use keychain::Keychain;
pub use sign_in::{SignInForm, SignInWith};
pub use users::UsersLoaded;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{watch, RwLock};
use tokio_util::sync::CancellationToken;

use crate::hosts::Hosts;
use crate::lock::ProfileLock;
use crate::rc::RcApp;
use crate::session::{Identity, NoKeychain, Persist, Services, Session, Status, VaultPersist};
use crate::settings::{
    validate_profile_name, ProfileList, ProfileSettings, Settings, SettingsFile,
};
use crate::Error;

/// How long a restore waits for the keychain to answer, which may mean for
/// the user to answer its unlock prompt; then it says so and offers Retry.
pub const KEYCHAIN_WAIT: Duration = Duration::from_secs(15);

/// Where a desk keeps things.
pub struct DeskConfig {
    /// The keychain service name: the app identifier, so a development
    /// build never touches a user's real entries.
    pub service: String,
    /// Holds `settings.json`; `None` keeps settings in memory only.
    pub config_dir: Option<PathBuf>,
    /// Holds the per-profile renewal locks; `None` renews without them.
    pub data_dir: Option<PathBuf>,
    pub keychain: Keychain,
}

impl DeskConfig {
    /// Where the app with `identifier` keeps things: settings in the OS
    /// config folder, locks, history and long answers in its data folder
    /// (the folders Tauri's path resolver uses), the OS keychain under the
    /// identifier. The app and the command line both open this, so they
    /// share profiles, settings and the signed-in session.
    pub fn for_app(identifier: &str) -> DeskConfig {
        DeskConfig {
            service: identifier.to_string(),
            config_dir: dirs::config_dir().map(|d| d.join(identifier)),
            data_dir: dirs::data_dir().map(|d| d.join(identifier)),
            keychain: Keychain::Platform,
        }
    }
}

/// The current session and the profile it was started in.
struct Installed {
    session: Arc<Session>,
    profile: String,
}

/// The sign-in in progress.
struct Pending {
    id: u64,
    cancel: CancellationToken,
}

pub struct Desk {
    services: Services,
    keychain: keychain::Opened,
    locks_dir: Option<PathBuf>,
    settings: Mutex<SettingsFile>,
    current: RwLock<Option<Installed>>,
    pending: Mutex<Option<Pending>>,
    /// Held by a restore from start to install, and by a sign-in or sign-out
    /// while it saves and installs: they never interleave their writes.
    lifecycle: tokio::sync::Mutex<()>,
    /// Bumped by a profile switch and by each sign-in: a restore begun
    /// before installs nothing.
    epoch: AtomicU64,
    next_id: AtomicU64,
    users: Arc<users::Slot>,
    events: Arc<watch::Sender<Status>>,
    /// Which install the status forwarder belongs to.
    installs: Arc<AtomicU64>,
    /// The console's calls, per operation and sub-account.
    governor: crate::console::Governor,
    /// Where each profile's console history is kept.
    history_dir: Option<PathBuf>,
    /// The current profile's history, opened when first needed.
    history: Mutex<Option<(String, Arc<crate::console::History>)>>,
    /// Calls held back by a rate limit, by call; the longest is published.
    waiting: Mutex<std::collections::BTreeMap<u64, crate::console::Wait>>,
    waits: watch::Sender<Option<crate::console::Wait>>,
    /// The last answer's bytes and the name to offer, for "Save to file…"
    /// (never a credential's).
    last_answer: Mutex<Option<(String, self::console::Kept)>>,
    /// The last answer indexed for paging, when it was JSON.
    json_view: Mutex<Option<crate::console::JsonView>>,
    /// The last answer when it was a credential: its name, and its text,
    /// which leaves only to the clipboard or a file the user confirms.
    last_secret: Mutex<Option<(String, crate::SecretString)>>,
    /// Answers longer than this go to a temporary file (tests lower it).
    console_memory: AtomicUsize,
    /// Files the user picked in the native dialog or confirmed there; the
    /// only ones an upload may read (canonical paths).
    allowed_files: Mutex<std::collections::HashSet<std::path::PathBuf>>,
}

/// Locks a std mutex whose data stays valid whatever a panicking holder did.
fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Desk {
    pub fn open(config: DeskConfig) -> Desk {
        Desk::with_services(config, Services::new())
    }

    pub fn with_services(config: DeskConfig, services: Services) -> Desk {
        let settings = match &config.config_dir {
            Some(dir) => SettingsFile::load(dir),
            None => SettingsFile::in_memory(),
        };
        let hosts = hosts_of(&settings.settings.current_profile());
        Desk {
            services,
            keychain: keychain::Opened::new(config.keychain, config.service),
            locks_dir: config.data_dir.as_ref().map(|d| d.join("locks")),
            history_dir: config.data_dir.map(|d| d.join("history")),
            history: Mutex::new(None),
            waiting: Mutex::default(),
            waits: watch::channel(None).0,
            last_answer: Mutex::default(),
            json_view: Mutex::default(),
            last_secret: Mutex::default(),
            allowed_files: Mutex::default(),
            console_memory: AtomicUsize::new(crate::http::CONSOLE_LIMIT),
            settings: Mutex::new(settings),
            current: RwLock::new(None),
            pending: Mutex::new(None),
            lifecycle: tokio::sync::Mutex::new(()),
            epoch: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            users: Arc::default(),
            events: Arc::new(watch::channel(Status::signed_out(&hosts, None)).0),
            installs: Arc::new(AtomicU64::new(0)),
            governor: crate::console::Governor::new(),
        }
    }

    // ---- settings and profiles ----

    /// A copy of the settings as they are now.
    pub fn settings(&self) -> Settings {
        guard(&self.settings).settings.clone()
    }

    /// Changes the settings and writes the file (a failure is logged; the
    /// change holds in memory).
    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        let mut file = guard(&self.settings);
        // Another process may have written since: change its file, not an
        // old copy of it.
        file.reload();
        let before = file.settings.current.clone();
        f(&mut file.settings);
        if file.settings.current != before {
            // A profile chosen on purpose ends the run's pin.
            file.pinned_over = None;
        }
        if let Err(e) = file.save() {
            tracing::warn!(kind = ?e.kind(), "could not save the settings file");
        }
    }

    /// A problem reading the settings file, once.
    pub fn take_settings_warning(&self) -> Option<String> {
        guard(&self.settings).warning.take()
    }

    /// Makes `name` current with these servers for this run only, never
    /// written to the file (`make demo` points a profile at the fake).
    pub fn pin_profile(&self, name: &str, profile: ProfileSettings) {
        let mut file = guard(&self.settings);
        if file.pinned_over.is_none() {
            file.pinned_over = Some(file.settings.current.clone());
        }
        file.settings.current = name.to_string();
        file.settings.profiles.insert(name.to_string(), profile);
    }

    pub fn current_profile(&self) -> String {
        guard(&self.settings).settings.current.clone()
    }

    pub fn profile_settings(&self) -> ProfileSettings {
        guard(&self.settings).settings.current_profile()
    }

    pub fn profiles(&self) -> ProfileList {
        let mut file = guard(&self.settings);
        file.reload();
        file.settings.profile_list()
    }

    /// Makes another profile current, creating it if new, and returns its
    /// settings. Refused while signed in or while a sign-in is in progress:
    /// a session belongs to the profile it was started in.
    pub async fn switch_profile(&self, name: &str) -> Result<ProfileSettings, Error> {
        let name = validate_profile_name(name)?;
        let mut current = self.current.write().await;
        if current
            .as_ref()
            .is_some_and(|i| i.session.status().signed_in)
        {
            return Err(Error::SignedIn);
        }
        if guard(&self.pending).is_some() {
            return Err(Error::SignInInProgress);
        }
        let mut chosen = ProfileSettings::default();
        self.update_settings(|s| {
            let name = s.existing_name(&name);
            chosen = s.profiles.entry(name.clone()).or_default().clone();
            s.current = name;
        });
        self.epoch.fetch_add(1, Ordering::SeqCst);
        // A session that ended belongs to the old profile: it must not
        // speak for the new one (its status, its sign-out).
        if current.take().is_some() {
            self.installs.fetch_add(1, Ordering::SeqCst);
            self.users.clear();
            self.forget_answers();
        }
        drop(current);
        self.publish(Status::signed_out(&hosts_of(&chosen), None));
        Ok(chosen)
    }

    // ---- the session ----

    /// Every status change of the current session, and the signed-out
    /// states between sessions.
    pub fn subscribe(&self) -> watch::Receiver<Status> {
        self.events.subscribe()
    }

    fn publish(&self, status: Status) {
        self.events.send_replace(status);
    }

    /// The current session's status, or the signed-out state.
    pub async fn status(&self) -> Status {
        match self.current.read().await.as_ref() {
            Some(i) => i.session.status(),
            None => Status::signed_out(&hosts_of(&self.profile_settings()), None),
        }
    }

    /// The current session, if it is signed in.
    pub async fn session(&self) -> Result<Arc<Session>, Error> {
        let current = self.current.read().await;
        match current.as_ref() {
            Some(i) if i.session.status().signed_in => Ok(i.session.clone()),
            _ => Err(Error::NotSignedIn),
        }
    }

    /// Makes another agent current, and remembers the choice in the profile
    /// the session belongs to.
    pub async fn select_agent(&self, agent_id: i64) -> Result<Identity, Error> {
        let current = self.current.read().await;
        let installed = current.as_ref().ok_or(Error::NotSignedIn)?;
        let identity = installed.session.select_agent(agent_id)?;
        let profile = installed.profile.clone();
        self.update_settings(|s| {
            s.profiles.entry(profile).or_default().agent_id = Some(agent_id);
        });
        Ok(identity)
    }

    /// The RingCX access token, for the one explicit "copy token" action.
    pub async fn reveal_access_token(&self) -> Result<crate::SecretString, Error> {
        self.session().await?.reveal_access_token().await
    }

    /// The access token with at least `life` left (renewed first if not),
    /// for the command line's `engage auth token`.
    pub async fn access_token_lasting(&self, life: Duration) -> Result<crate::SecretString, Error> {
        self.session().await?.access_token_lasting(life).await
    }

    /// Where a profile's session is saved: the keychain, or nowhere.
    async fn persist_for(&self, profile: &str) -> Arc<dyn Persist> {
        match self.keychain.vault().await {
            Ok(vault) => Arc::new(VaultPersist::new(
                vault,
                profile,
                self.locks_dir
                    .as_ref()
                    .map(|d| ProfileLock::new(d, profile)),
            )),
            Err(e) => Arc::new(NoKeychain(e.code())),
        }
    }

    /// Makes `session` current; the one it replaces is ended remotely, its
    /// store left alone (the new session's secrets may be there now). With
    /// `epoch`, only if no switch or sign-in came since (checked under the
    /// same lock a switch takes); `None` when it came too late.
    async fn install(
        &self,
        session: Arc<Session>,
        profile: String,
        epoch: Option<u64>,
    ) -> Option<Status> {
        let old = {
            let mut current = self.current.write().await;
            if epoch.is_some_and(|e| e != self.epoch.load(Ordering::SeqCst)) {
                return None;
            }
            let old = current.replace(Installed {
                session: session.clone(),
                profile,
            });
            self.forward(&session);
            old
        };
        self.users.clear();
        self.forget_answers();
        let status = session.status();
        self.publish(status.clone());
        if let Some(old) = old {
            old.session.replaced().await;
        }
        Some(status)
    }

    /// Passes the session's status changes on while it is the current one.
    fn forward(&self, session: &Arc<Session>) {
        let mine = self.installs.fetch_add(1, Ordering::SeqCst) + 1;
        let installs = self.installs.clone();
        let events = self.events.clone();
        let mut rx = session.subscribe();
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                if installs.load(Ordering::SeqCst) != mine {
                    return;
                }
                let status = rx.borrow_and_update().clone();
                events.send_replace(status);
            }
        });
    }

    /// Comes back from the keychain without a browser: renews and returns
    /// the status, or the signed-out status with the reason. A live session
    /// is the answer as it is. Transient failures are errors (the saved
    /// session is kept for a retry); everything else is a status.
    pub async fn restore(&self) -> Result<Status, Error> {
        if let Some(status) = self.live_status().await {
            return Ok(status);
        }
        self.wait_for_keychain(KEYCHAIN_WAIT).await?;
        let _one = self.lifecycle.lock().await;
        {
            let current = self.current.read().await;
            if let Some(i) = current.as_ref() {
                let status = i.session.status();
                if status.signed_in {
                    return Ok(status);
                }
            }
        }
        if guard(&self.pending).is_some() {
            return Err(Error::SignInInProgress);
        }
        let epoch = self.epoch.load(Ordering::SeqCst);
        let (profile, settings) = {
            let file = guard(&self.settings);
            (
                file.settings.current.clone(),
                file.settings.current_profile(),
            )
        };
        let hosts = hosts_of(&settings);
        let signed_out = |e: &Error| {
            let status = Status::signed_out_by(&hosts, e);
            // A restore the user moved on from tells the window nothing.
            if self.epoch.load(Ordering::SeqCst) == epoch {
                self.publish(status.clone());
            }
            Ok(status)
        };
        // Read once, under the profile's lock, which the renewal then keeps:
        // no other process rotates between this read and the renewal.
        let persist = self.persist_for(&profile).await;
        let reader = persist.clone();
        let (held, stored) = tokio::task::spawn_blocking(move || {
            let held = reader.lock();
            (held, reader.load())
        })
        .await
        .unwrap_or((None, Err(Error::KeychainUnavailable)));
        let saved = match stored {
            Ok(Some(saved)) => saved,
            Ok(None) => return Ok(self.status().await),
            Err(e) => return signed_out(&e),
        };
        let configured = Hosts::parse(&settings.rc_server, &settings.ringcx_server);
        let configured = match configured {
            Ok(h) => h,
            Err(_) => {
                return signed_out(&Error::SettingsChanged {
                    saved: saved
                        .binding
                        .as_ref()
                        .map_or("other servers".into(), |b| b.describe()),
                    configured: format!(
                        "addresses that are not valid ({:?}, {:?})",
                        settings.rc_server.chars().take(100).collect::<String>(),
                        settings.ringcx_server.chars().take(100).collect::<String>()
                    ),
                })
            }
        };
        let app = RcApp {
            client_id: settings.client_id.clone(),
            client_secret: None,
        };
        let restored =
            Session::restore_held(&self.services, configured, app, saved, persist, held).await;
        let session = match restored {
            Ok(session) => session,
            Err(e) if e.is_transient() => return Err(e),
            Err(e) => return signed_out(&e),
        };
        if let Some(agent) = settings.agent_id {
            let _ = session.select_agent(agent);
        }
        match self.install(session.clone(), profile, Some(epoch)).await {
            Some(status) => Ok(status),
            None => {
                // The user moved on (another profile, a new sign-in): this
                // session is nobody's. What it saved stays for next time.
                session.discard().await;
                Ok(self.status().await)
            }
        }
    }

    /// The current session's status, when it is signed in.
    async fn live_status(&self) -> Option<Status> {
        let current = self.current.read().await;
        let status = current.as_ref()?.session.status();
        status.signed_in.then_some(status)
    }

    /// Reads the current profile's saved session once, outside every lock
    /// and for at most `wait`: a locked keychain puts up an unlock prompt
    /// the user may leave open, and nothing else (sign-in, sign-out, another
    /// process's renewal) may wait on that. A keychain that stays locked is
    /// an error to retry; the saved session is kept.
    async fn wait_for_keychain(&self, wait: Duration) -> Result<(), Error> {
        let profile = guard(&self.settings).settings.current.clone();
        read_within(self.persist_for(&profile).await, wait).await
    }

    /// Signs out: RingCX logout, RingCentral revoke (errors ignored), and
    /// the profile's keychain entries deleted. A sign-in in progress is
    /// cancelled. With no live session (a restore failed offline, say) the
    /// stored entries are still deleted.
    pub async fn sign_out(&self) -> Status {
        if let Some(p) = guard(&self.pending).as_ref() {
            p.cancel.cancel();
        }
        let _one = self.lifecycle.lock().await;
        let installed = {
            let mut current = self.current.write().await;
            self.installs.fetch_add(1, Ordering::SeqCst);
            current.take()
        };
        self.users.clear();
        self.forget_answers();
        match installed {
            Some(i) => i.session.sign_out().await,
            None => {
                let id = self.current_profile();
                if let Err(e) = self.keychain.with_vault(move |v| v.delete(&id)).await {
                    tracing::info!(code = %e.code(), "no keychain entries removed");
                }
            }
        }
        let status = Status::signed_out(&hosts_of(&self.profile_settings()), None);
        self.publish(status.clone());
        status
    }

    /// Signs out and forgets the current profile's settings too.
    pub async fn forget_profile(&self) -> Status {
        let status = self.sign_out().await;
        let id = self.current_profile();
        self.update_settings(|s| {
            s.profiles.remove(&id);
        });
        status
    }
}

/// The servers a profile's settings name, or the default pair when they do
/// not parse (for display only: nothing is sent with them).
fn hosts_of(p: &ProfileSettings) -> Hosts {
    Hosts::parse(&p.rc_server, &p.ringcx_server).unwrap_or_else(|_| Hosts::default_preset())
}

/// Reads what `persist` holds, for at most `wait`; only a keychain that is
/// (or stays) locked is an error here.
async fn read_within(persist: Arc<dyn Persist>, wait: Duration) -> Result<(), Error> {
    if !persist.is_durable() {
        return Ok(());
    }
    let read = tokio::task::spawn_blocking(move || persist.load().map(|_| ()));
    match tokio::time::timeout(wait, read).await {
        Err(_) | Ok(Ok(Err(Error::KeychainLocked))) => Err(Error::SavedSessionLocked),
        // Anything else is met again by the read under the lock.
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests;
