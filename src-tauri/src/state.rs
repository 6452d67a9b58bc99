//! What the app holds between commands: the HTTP client, the exchange
//! limiter (shared by every session, as RingCX's limit is per user), the
//! current session, the sign-in waiting for the browser, the settings file
//! and the keychain vault.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use engage::http::Http;
use engage::limiter::ExchangeLimiter;
use engage::session::{Persist, Session, VaultPersist};
use engage::users::UserTable;
use engage::vault::{Saved, Vault};
use engage::Error;
use tokio_util::sync::CancellationToken;

use crate::settings::SettingsFile;

/// Settings `make demo` passes in, so the sign-in form starts on the fake.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Demo {
    pub server: String,
    pub client_id: String,
}

pub struct AppState {
    pub http: Http,
    pub limiter: Arc<ExchangeLimiter>,
    pub session: tokio::sync::RwLock<Option<Arc<Session>>>,
    pub pending: Mutex<Option<CancellationToken>>,
    pub demo: Option<Demo>,
    pub settings: Mutex<SettingsFile>,
    /// The last loaded user list and the session that loaded it: it is
    /// served only while that session is current and signed in.
    pub users: Mutex<Option<(std::sync::Weak<Session>, Arc<UserTable>)>>,
    identifier: String,
    vault: tokio::sync::OnceCell<Result<Arc<Vault>, &'static str>>,
}

/// The session's persistence when there is no usable keychain: every save
/// fails with the reason, so the status shows "memory only" and why.
struct NoKeychain(&'static str);

impl Persist for NoKeychain {
    fn save(&self, _: &Saved) -> Result<(), Error> {
        Err(keychain_error(self.0))
    }
    fn clear(&self) -> Result<(), Error> {
        Ok(())
    }
    fn is_durable(&self) -> bool {
        false
    }
}

fn keychain_error(code: &str) -> Error {
    match code {
        "keychain_locked" => Error::KeychainLocked,
        _ => Error::KeychainUnavailable,
    }
}

impl AppState {
    pub fn new(config_dir: Option<PathBuf>, identifier: String) -> Self {
        let demo = std::env::var("ENGAGE_DEMO_SERVER").ok().map(|server| Demo {
            server,
            client_id: std::env::var("ENGAGE_DEMO_CLIENT_ID")
                .unwrap_or_else(|_| "fake-client-id".into()),
        });
        let mut settings = match &config_dir {
            Some(dir) => SettingsFile::load(dir),
            None => SettingsFile::in_memory(),
        };
        if let Some(d) = &demo {
            // The demo keeps its own profile, so its tokens never mix with a real one.
            settings.settings.current = "demo".into();
            let p = settings.settings.profiles.entry("demo".into()).or_default();
            p.rc_server = d.server.clone();
            p.ringcx_server = d.server.clone();
            p.client_id = d.client_id.clone();
        }
        AppState {
            http: Http::new(),
            limiter: Arc::new(ExchangeLimiter::ringcx()),
            session: tokio::sync::RwLock::new(None),
            pending: Mutex::new(None),
            demo,
            settings: Mutex::new(settings),
            users: Mutex::new(None),
            identifier,
            vault: tokio::sync::OnceCell::new(),
        }
    }

    pub async fn current(&self) -> Result<Arc<Session>, Error> {
        self.session.read().await.clone().ok_or(Error::NotSignedIn)
    }

    /// Forgets the loaded user list: it belongs to the session that loaded it.
    pub fn drop_users(&self) {
        *self.users.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn current_profile_id(&self) -> String {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .settings
            .current
            .clone()
    }

    /// The platform keychain, opened once (it connects to D-Bus on Linux).
    pub async fn vault(&self) -> Result<Arc<Vault>, Error> {
        let id = self.identifier.clone();
        let opened = self
            .vault
            .get_or_init(|| async move {
                tokio::task::spawn_blocking(move || {
                    Vault::platform(&id).map(Arc::new).map_err(|e| e.code())
                })
                .await
                .unwrap_or(Err("keychain_unavailable"))
            })
            .await;
        opened.clone().map_err(keychain_error)
    }

    /// Where a profile's session is saved: the keychain, or nowhere.
    pub async fn persist_for(&self, profile: &str) -> Arc<dyn Persist> {
        match self.vault().await {
            Ok(vault) => Arc::new(VaultPersist::new(vault, profile)),
            Err(e) => Arc::new(NoKeychain(e.code())),
        }
    }

    /// Runs a blocking keychain call off the async workers.
    pub async fn with_vault<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Vault) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let vault = self.vault().await?;
        tokio::task::spawn_blocking(move || f(&vault))
            .await
            .unwrap_or(Err(Error::KeychainUnavailable))
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut crate::settings::Settings)) {
        let mut file = self.settings.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut file.settings);
        if let Err(e) = file.save() {
            tracing::warn!("could not save the settings file: {e}");
        }
    }
}
