//! A signed-in RingCX session and the one place its tokens are renewed.
//!
//! Every caller that needs a token goes through the same lock, so renewals
//! are single-flight: a hundred concurrent calls across an expiry cause one
//! renewal. The ladder, in order:
//! 1. renew the RingCX token with its rotating refresh token;
//! 2. else get a RingCentral access token (refresh it, or use the JWT again)
//!    and exchange it again, within 5 exchanges a minute;
//! 3. else the session has ended: the state becomes "signed out" with the
//!    reason, and the error says to sign in again.
//!
//! Transient failures (network, 5xx, 429) never end a session: the tokens
//! are kept and the error is returned, so a later try can succeed.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{watch, Mutex, MutexGuard};

use crate::error::Service;
use crate::hosts::Hosts;
use crate::http::Http;
use crate::limiter::ExchangeLimiter;
use crate::model::{flatten_users, Agent, User, UserDetails};
use crate::rc::{RcApp, RcClient, RcTokens};
use crate::ringcx::{api_error, is_expired, ApiResponse, CxLogin, CxTokens, RingCx};
use crate::users::UserTable;
use crate::vault::{Saved, Vault};
use crate::Error;

/// How the RingCentral side was signed in; it decides what renewal can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    Browser,
    Jwt,
    Token,
}

/// What the user signs in with.
pub enum Credential {
    /// Tokens from the browser flow (PKCE code grant).
    Browser(RcTokens),
    /// A JWT credential; needs the app's client secret.
    Jwt(SecretString),
    /// A pasted RingCentral access token: no renewal on the RingCentral side.
    Token(SecretString),
}

/// Where rotated tokens are written before they are used (the keychain
/// vault). Called with the session lock held, so writes are ordered.
pub trait Persist: Send + Sync {
    fn save(&self, saved: &Saved) -> Result<(), Error>;
    fn clear(&self) -> Result<(), Error>;
    /// False for a session that lives in memory only.
    fn is_durable(&self) -> bool;
}

/// Keeps nothing: a session that lives in memory only.
pub struct NoPersist;

impl Persist for NoPersist {
    fn save(&self, _: &Saved) -> Result<(), Error> {
        Ok(())
    }
    fn clear(&self) -> Result<(), Error> {
        Ok(())
    }
    fn is_durable(&self) -> bool {
        false
    }
}

/// Persists one profile's secrets in a keychain vault.
pub struct VaultPersist {
    vault: Arc<Vault>,
    profile: String,
}

impl VaultPersist {
    pub fn new(vault: Arc<Vault>, profile: &str) -> Self {
        VaultPersist {
            vault,
            profile: profile.to_string(),
        }
    }
}

/// Keychain calls block on D-Bus or the Keychain; on a multi-threaded
/// runtime they must not stall its worker.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

impl Persist for VaultPersist {
    fn save(&self, saved: &Saved) -> Result<(), Error> {
        blocking(|| self.vault.save(&self.profile, saved))
    }
    fn clear(&self) -> Result<(), Error> {
        blocking(|| self.vault.delete(&self.profile))
    }
    fn is_durable(&self) -> bool {
        true
    }
}

/// The agent profile: the exchange's details and which agent is current.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Profile {
    pub details: UserDetails,
    pub agent_id: Option<i64>,
}

impl Profile {
    pub fn current_agent(&self) -> Option<&Agent> {
        let id = self.agent_id?;
        self.details.agent_details.iter().find(|a| a.agent_id == id)
    }
}

/// The state the UI shows; it has no secrets in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Status {
    pub signed_in: bool,
    /// Why the session ended, when it did: `{code, message}`.
    pub reason: Option<Reason>,
    pub method: Option<SignInMethod>,
    pub rc_server: String,
    pub ringcx_server: String,
    pub profile: Option<Profile>,
    /// Unix milliseconds.
    pub ringcx_expires_at: Option<u64>,
    pub ringcx_renews_at: Option<u64>,
    pub rc_expires_at: Option<u64>,
    /// How many times the RingCX token was renewed in this session.
    pub renewals: u64,
    /// True when the session is saved in the keychain and survives a restart.
    pub stored: bool,
    /// Why it is not saved, when saving was tried and failed.
    pub storage_error: Option<Reason>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    pub code: &'static str,
    pub message: String,
}

impl From<&Error> for Reason {
    fn from(e: &Error) -> Self {
        Reason {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

struct Secrets {
    rc: Option<RcTokens>,
    jwt: Option<SecretString>,
    cx: CxTokens,
    cx_renew_at: SystemTime,
}

/// A signed-in session.
pub struct Session {
    method: SignInMethod,
    hosts: Hosts,
    rc: RcClient,
    cx: RingCx,
    secrets: Mutex<Option<Secrets>>,
    status: watch::Sender<Status>,
    limiter: Arc<ExchangeLimiter>,
    persist: Arc<dyn Persist>,
    storage_error: std::sync::Mutex<Option<Reason>>,
    renewer: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("method", &self.method)
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

/// A RingCentral access token this close to expiry is renewed before use.
const RC_MARGIN: Duration = Duration::from_secs(60);

/// Renew this long before expiry: a minute, or a quarter of a short lifetime.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(Duration::from_secs(60))
}

fn renew_at(expires: SystemTime, now: SystemTime) -> SystemTime {
    match expires.duration_since(now) {
        // An `exp` already past (or nearly) when the token arrives means this
        // clock runs ahead of the server's: count the documented lifetime
        // from now instead of renewing in a loop.
        Ok(lifetime) if lifetime > Duration::from_secs(1) => expires - margin(lifetime),
        _ => now + crate::jwt::FALLBACK_LIFETIME - margin(crate::jwt::FALLBACK_LIFETIME),
    }
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Session {
    /// Signs in: gets RingCentral tokens as the credential allows, exchanges
    /// them for a RingCX session, persists, and starts proactive renewal.
    pub async fn sign_in(
        http: Http,
        hosts: Hosts,
        app: RcApp,
        credential: Credential,
        limiter: Arc<ExchangeLimiter>,
        persist: Arc<dyn Persist>,
    ) -> Result<Arc<Session>, Error> {
        let rc = RcClient::new(http.clone(), hosts.clone(), app)?;
        let cx = RingCx::new(http, hosts.clone());
        let (method, rc_tokens, jwt) = match credential {
            Credential::Browser(t) => (SignInMethod::Browser, Some(t), None),
            Credential::Jwt(assertion) => {
                let t = rc.jwt(&assertion).await?;
                (SignInMethod::Jwt, Some(t), Some(assertion))
            }
            Credential::Token(access) => {
                if access.expose_secret().trim().is_empty() {
                    return Err(Error::PastedTokenExpired);
                }
                // Its expiry is unknown; RingCX will say when it is dead.
                let t = RcTokens {
                    access,
                    access_expires_at: SystemTime::now() + Duration::from_secs(3600),
                    refresh: None,
                    refresh_expires_at: None,
                    owner_id: None,
                };
                (SignInMethod::Token, Some(t), None)
            }
        };
        let rc_access = rc_tokens
            .as_ref()
            .map(|t| t.access.clone())
            .expect("set above");
        wait_for_slot(&limiter)?;
        let login = match cx.exchange(&rc_access).await {
            Err(Error::ExchangeRejected { .. }) if method == SignInMethod::Token => {
                return Err(Error::PastedTokenExpired)
            }
            Err(Error::RateLimited {
                service,
                retry_after,
            }) => {
                limiter.pause(Instant::now(), retry_after);
                return Err(Error::RateLimited {
                    service,
                    retry_after,
                });
            }
            other => other?,
        };
        let session = Session::empty(method, rc, cx, hosts, limiter, persist);
        {
            let mut guard = session.secrets.lock().await;
            let now = SystemTime::now();
            let secrets = Secrets {
                rc: rc_tokens,
                jwt,
                cx_renew_at: renew_at(login.tokens.access_expires_at, now),
                cx: login.tokens,
            };
            session.save(&secrets);
            *guard = Some(secrets);
            let profile = Profile {
                agent_id: login.details.agent_details.first().map(|a| a.agent_id),
                details: login.details,
            };
            session.publish(&guard, Some(profile), 0);
        }
        session.start_renewer();
        Ok(session)
    }

    /// A session with no secrets yet; `sign_in` and `restore` fill it.
    fn empty(
        method: SignInMethod,
        rc: RcClient,
        cx: RingCx,
        hosts: Hosts,
        limiter: Arc<ExchangeLimiter>,
        persist: Arc<dyn Persist>,
    ) -> Arc<Session> {
        Arc::new(Session {
            method,
            rc,
            cx,
            status: watch::channel(Status::signed_out(&hosts, None)).0,
            hosts,
            secrets: Mutex::new(None),
            limiter,
            persist,
            storage_error: std::sync::Mutex::new(None),
            renewer: std::sync::Mutex::new(None),
        })
    }

    /// Comes back from what the vault kept: renews through the ladder (no
    /// browser), and shows the profile. A dead session is cleared from the
    /// vault and reported; a transient failure keeps it for a later try.
    pub async fn restore(
        http: Http,
        hosts: Hosts,
        mut app: RcApp,
        saved: Saved,
        limiter: Arc<ExchangeLimiter>,
        persist: Arc<dyn Persist>,
    ) -> Result<Arc<Session>, Error> {
        if app.client_secret.is_none() {
            app.client_secret = saved.client_secret.clone();
        }
        let rc = RcClient::new(http.clone(), hosts.clone(), app)?;
        let cx = RingCx::new(http, hosts.clone());
        let session = Session::empty(saved.method, rc, cx, hosts, limiter, persist);
        {
            let mut guard = session.secrets.lock().await;
            *guard = Some(Secrets {
                rc: saved.rc,
                jwt: saved.jwt,
                cx: CxTokens {
                    access: SecretString::from(String::new()),
                    access_expires_at: UNIX_EPOCH,
                    refresh: saved.ringcx_refresh,
                },
                cx_renew_at: UNIX_EPOCH,
            });
            session.renew_locked(&mut guard).await?;
        }
        session.start_renewer();
        Ok(session)
    }

    /// Receives every status change (renewals, agent choice, sign-out).
    pub fn subscribe(&self) -> watch::Receiver<Status> {
        self.status.subscribe()
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    pub fn method(&self) -> SignInMethod {
        self.method
    }

    /// Makes another of the user's agents the current one.
    pub fn select_agent(&self, agent_id: i64) -> Result<Profile, Error> {
        let mut result = Err(Error::NotSignedIn);
        self.status.send_if_modified(|s| {
            let Some(profile) = s.profile.as_mut() else {
                return false;
            };
            if profile
                .details
                .agent_details
                .iter()
                .any(|a| a.agent_id == agent_id)
            {
                profile.agent_id = Some(agent_id);
                result = Ok(profile.clone());
                true
            } else {
                result = Err(Error::UnknownAgent { agent_id });
                false
            }
        });
        result
    }

    /// A RingCX access token that is valid now, renewing first when due.
    pub async fn access_token(&self) -> Result<SecretString, Error> {
        let mut guard = self.secrets.lock().await;
        let s = guard.as_ref().ok_or(Error::NotSignedIn)?;
        if SystemTime::now() < s.cx_renew_at {
            return Ok(s.cx.access.clone());
        }
        self.renew_locked(&mut guard).await
    }

    /// Renews because the server refused `used`; when another caller has
    /// renewed meanwhile, its token is returned without a second renewal.
    async fn renew_rejected(&self, used: &SecretString) -> Result<SecretString, Error> {
        let mut guard = self.secrets.lock().await;
        let s = guard.as_ref().ok_or(Error::NotSignedIn)?;
        if s.cx.access.expose_secret() != used.expose_secret() {
            return Ok(s.cx.access.clone());
        }
        self.renew_locked(&mut guard).await
    }

    /// Renews now whatever the expiry (the "renew" button, and tests).
    pub async fn renew(&self) -> Result<(), Error> {
        let mut guard = self.secrets.lock().await;
        if guard.is_none() {
            return Err(Error::NotSignedIn);
        }
        self.renew_locked(&mut guard).await.map(|_| ())
    }

    async fn renew_locked(
        &self,
        guard: &mut MutexGuard<'_, Option<Secrets>>,
    ) -> Result<SecretString, Error> {
        match self.ladder(guard).await {
            Ok(login) => {
                let s = guard.as_mut().expect("checked by callers");
                let now = SystemTime::now();
                s.cx_renew_at = renew_at(login.tokens.access_expires_at, now);
                // A renewal that brings no refresh token keeps the old one.
                let refresh = login
                    .tokens
                    .refresh
                    .clone()
                    .or_else(|| s.cx.refresh.clone());
                s.cx = CxTokens {
                    refresh,
                    ..login.tokens
                };
                self.save(s);
                let token = s.cx.access.clone();
                let renewals = self.status.borrow().renewals + 1;
                let profile = self.merge_profile(login.details);
                self.publish(guard, Some(profile), renewals);
                Ok(token)
            }
            Err(e) if e.is_transient() => Err(e),
            Err(e) => {
                tracing::info!(code = e.code(), "session ended; signing out");
                **guard = None;
                let _ = self.persist.clear();
                self.status
                    .send_replace(Status::signed_out(&self.hosts, Some(Reason::from(&e))));
                Err(e)
            }
        }
    }

    /// Steps 1 and 2 of the ladder. Secrets that rotate are stored in
    /// `guard` (and persisted) as soon as they arrive.
    async fn ladder(&self, guard: &mut MutexGuard<'_, Option<Secrets>>) -> Result<CxLogin, Error> {
        let s = guard.as_mut().ok_or(Error::NotSignedIn)?;
        if let Some(refresh) = s.cx.refresh.clone() {
            match self.cx.refresh(&refresh).await {
                Ok(login) => return Ok(login),
                Err(e) if e.is_transient() => return Err(e),
                Err(e) => {
                    tracing::debug!(code = e.code(), "RingCX refresh refused; exchanging again")
                }
            }
            // The refresh token is spent either way.
            s.cx.refresh = None;
        }
        let rc_fresh =
            s.rc.as_ref()
                .is_some_and(|t| SystemTime::now() + RC_MARGIN < t.access_expires_at);
        let mut renewed_rc = false;
        if !rc_fresh {
            self.renew_rc(s).await?;
            renewed_rc = true;
        }
        match self.exchange(s).await {
            Err(Error::ExchangeRejected { .. })
                if !renewed_rc && self.method != SignInMethod::Token =>
            {
                self.renew_rc(s).await?;
                self.exchange(s).await
            }
            Err(Error::ExchangeRejected { .. }) if self.method == SignInMethod::Token => {
                Err(Error::PastedTokenExpired)
            }
            other => other,
        }
    }

    async fn exchange(&self, s: &mut Secrets) -> Result<CxLogin, Error> {
        let access =
            s.rc.as_ref()
                .map(|t| t.access.clone())
                .ok_or(Error::NotSignedIn)?;
        wait_for_slot(&self.limiter)?;
        match self.cx.exchange(&access).await {
            Err(Error::RateLimited {
                service,
                retry_after,
            }) => {
                self.limiter.pause(Instant::now(), retry_after);
                Err(Error::RateLimited {
                    service,
                    retry_after,
                })
            }
            other => other,
        }
    }

    /// Gets a new RingCentral access token as the sign-in method allows.
    async fn renew_rc(&self, s: &mut Secrets) -> Result<(), Error> {
        let tokens = match self.method {
            SignInMethod::Token => return Err(Error::PastedTokenExpired),
            SignInMethod::Jwt => {
                let jwt = s.jwt.clone().ok_or(Error::NotSignedIn)?;
                self.rc.jwt(&jwt).await?
            }
            SignInMethod::Browser => {
                let refresh =
                    s.rc.as_ref()
                        .and_then(|t| t.refresh.clone())
                        .ok_or(Error::SessionEnded {
                            reason: Some("the RingCentral app issues no refresh tokens".into()),
                        })?;
                self.rc.refresh(&refresh).await?
            }
        };
        s.rc = Some(tokens);
        // The old refresh token is dead now: store the new pair before use.
        self.save(s);
        Ok(())
    }

    /// Writes the secrets to the keychain. A failure (locked, missing) does
    /// not end the session: it goes on in memory, and the status says so.
    fn save(&self, s: &Secrets) {
        let saved = Saved {
            method: self.method,
            rc: s.rc.clone(),
            jwt: s.jwt.clone(),
            client_secret: self.rc.app().client_secret.clone(),
            ringcx_refresh: s.cx.refresh.clone(),
        };
        let result = self.persist.save(&saved);
        if let Err(e) = &result {
            tracing::warn!(
                code = e.code(),
                "could not save the session in the keychain"
            );
        }
        *self.storage_error.lock().unwrap_or_else(|p| p.into_inner()) =
            result.err().as_ref().map(Reason::from);
    }

    fn merge_profile(&self, details: UserDetails) -> Profile {
        let chosen = self
            .status
            .borrow()
            .profile
            .as_ref()
            .and_then(|p| p.agent_id);
        let agent_id = chosen
            .filter(|id| details.agent_details.iter().any(|a| a.agent_id == *id))
            .or_else(|| details.agent_details.first().map(|a| a.agent_id));
        Profile { details, agent_id }
    }

    fn publish(
        &self,
        guard: &MutexGuard<'_, Option<Secrets>>,
        profile: Option<Profile>,
        renewals: u64,
    ) {
        let Some(s) = guard.as_ref() else { return };
        let storage_error = self
            .storage_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let status = Status {
            signed_in: true,
            reason: None,
            method: Some(self.method),
            rc_server: self.hosts.rc.to_string(),
            ringcx_server: self.hosts.ringcx.to_string(),
            profile,
            ringcx_expires_at: Some(millis(s.cx.access_expires_at)),
            ringcx_renews_at: Some(millis(s.cx_renew_at)),
            rc_expires_at: s
                .rc
                .as_ref()
                .filter(|_| self.method != SignInMethod::Token)
                .map(|t| millis(t.access_expires_at)),
            renewals,
            stored: self.persist.is_durable() && storage_error.is_none(),
            storage_error,
        };
        self.status.send_replace(status);
    }

    /// Calls a RingCX API; a 401 (or "expired") renews once and retries once.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<ApiResponse, Error> {
        let reply = self.call_reply(method, path, query, body).await?;
        let body = if reply.body.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice(&reply.body) {
                Ok(v) => v,
                Err(_) => Value::String(String::from_utf8_lossy(&reply.body).into_owned()),
            }
        };
        Ok(ApiResponse {
            status: reply.status,
            body,
        })
    }

    /// `call` without parsing the body: a successful reply, as bytes.
    async fn call_reply(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<crate::http::Reply, Error> {
        let token = self.access_token().await?;
        let mut reply = self.cx.call(&token, method, path, query, body).await?;
        if is_expired(&reply) {
            let token = self.renew_rejected(&token).await?;
            reply = self.cx.call(&token, method, path, query, body).await?;
        }
        if !reply.is_success() {
            return Err(api_error(&reply));
        }
        Ok(reply)
    }

    /// The account's users, as a tree or flattened (parents first).
    pub async fn users(&self, active_only: bool, flatten: bool) -> Result<Vec<User>, Error> {
        Ok(self.fetch_users(active_only, flatten).await?.0)
    }

    /// The flattened user list as a table the window pages through, with
    /// the moment its response arrived (what the paint benchmark starts from).
    pub async fn user_table(&self, active_only: bool) -> Result<(UserTable, SystemTime), Error> {
        let (users, received) = self.fetch_users(active_only, true).await?;
        Ok((UserTable::new(users), received))
    }

    async fn fetch_users(
        &self,
        active_only: bool,
        flatten: bool,
    ) -> Result<(Vec<User>, SystemTime), Error> {
        let query = [
            ("activeOnly".to_string(), active_only.to_string()),
            ("flatten".to_string(), flatten.to_string()),
        ];
        let reply = match self
            .call_reply("GET", "/voice/api/v1/admin/users", &query, None)
            .await
        {
            Err(Error::Forbidden { .. }) => return Err(Error::NeedsManageUsers),
            other => other?,
        };
        // Parsed straight from the bytes into users: a 100k list through a
        // `Value` first would cost as much again.
        let users: Vec<User> =
            serde_json::from_slice(&reply.body).map_err(|_| Error::BadResponse {
                service: Service::RingCx,
                status: reply.status,
                what: "a user list of an unexpected shape",
            })?;
        let received = reply.received_at;
        // Flattened here too, in case a server ignores `flatten`.
        Ok((if flatten { flatten_users(users) } else { users }, received))
    }

    /// The accounts the RingCX user can see.
    pub async fn accounts(&self) -> Result<Vec<Value>, Error> {
        let response = self
            .call("GET", "/voice/api/v1/admin/accounts", &[], None)
            .await?;
        match response.body {
            Value::Array(items) => Ok(items),
            _ => Err(Error::BadResponse {
                service: Service::RingCx,
                status: response.status,
                what: "an account list of an unexpected shape",
            }),
        }
    }

    /// The RingCX access token itself, for the one explicit "copy token"
    /// action. Nothing else hands a token out of the core.
    pub async fn reveal_access_token(&self) -> Result<SecretString, Error> {
        self.access_token().await
    }

    /// Ends the RingCX session, revokes at RingCentral (errors ignored), and
    /// clears what was stored. Local state is cleared whatever the remote
    /// calls do.
    pub async fn sign_out(&self) {
        self.end(true).await
    }

    /// Ends a session that a new sign-in replaces: logs out and revokes like
    /// `sign_out`, but leaves the store alone, which now holds the new one.
    pub async fn replaced(&self) {
        self.end(false).await
    }

    async fn end(&self, clear_store: bool) {
        self.stop_renewer();
        let secrets = self.secrets.lock().await.take();
        if clear_store {
            let _ = self.persist.clear();
            self.status
                .send_replace(Status::signed_out(&self.hosts, None));
        }
        // A replaced session publishes nothing: a late "signed out" from it
        // would override the new session in the UI.
        let Some(s) = secrets else { return };
        if let Some(refresh) = &s.cx.refresh {
            if let Err(e) = self.cx.logout(refresh).await {
                tracing::info!(code = e.code(), "RingCX logout failed; ignored");
            }
        }
        if self.method != SignInMethod::Token {
            if let Some(rc) = &s.rc {
                let token = rc.refresh.as_ref().unwrap_or(&rc.access);
                if let Err(e) = self.rc.revoke(token).await {
                    tracing::info!(code = e.code(), "RingCentral revoke failed; ignored");
                }
            }
        }
    }

    /// When the next proactive renewal is due, if signed in.
    async fn next_renewal(&self) -> Option<SystemTime> {
        let guard = self.secrets.lock().await;
        guard.as_ref().map(|s| s.cx_renew_at)
    }

    fn start_renewer(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        let handle = tokio::spawn(renew_ahead(weak));
        *self.renewer.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
    }

    fn stop_renewer(&self) {
        if let Some(h) = self
            .renewer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            h.abort();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_renewer();
    }
}

/// Renews ahead of expiry for as long as the session lives and is signed in.
async fn renew_ahead(session: Weak<Session>) {
    let mut backoff = Duration::from_secs(2);
    loop {
        let due = match session.upgrade() {
            Some(s) => s.next_renewal().await,
            None => return,
        };
        let Some(due) = due else { return };
        let wait = due.duration_since(SystemTime::now()).unwrap_or_default();
        tokio::time::sleep(wait).await;
        let Some(s) = session.upgrade() else { return };
        match s.access_token().await {
            Ok(_) => backoff = Duration::from_secs(2),
            Err(e) if e.is_transient() => {
                tracing::info!(code = e.code(), "renewal failed; retrying in {backoff:?}");
                let wait = match &e {
                    Error::RateLimited { retry_after, .. } => *retry_after,
                    _ => backoff,
                };
                drop(s);
                tokio::time::sleep(wait).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err(_) => return,
        }
    }
}

fn wait_for_slot(limiter: &ExchangeLimiter) -> Result<(), Error> {
    limiter
        .acquire(Instant::now())
        .map_err(|wait| Error::RateLimited {
            service: Service::RingCx,
            retry_after: wait,
        })
}

impl Status {
    /// The state before sign-in or after sign-out.
    pub fn signed_out(hosts: &Hosts, reason: Option<Reason>) -> Self {
        Status {
            signed_in: false,
            reason,
            method: None,
            rc_server: hosts.rc.to_string(),
            ringcx_server: hosts.ringcx.to_string(),
            profile: None,
            ringcx_expires_at: None,
            ringcx_renews_at: None,
            rc_expires_at: None,
            renewals: 0,
            stored: false,
            storage_error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_is_a_minute_or_a_quarter() {
        assert_eq!(margin(Duration::from_secs(300)), Duration::from_secs(60));
        assert_eq!(margin(Duration::from_secs(3600)), Duration::from_secs(60));
        assert_eq!(margin(Duration::from_secs(4)), Duration::from_secs(1));
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(
            renew_at(now + Duration::from_secs(300), now),
            now + Duration::from_secs(240)
        );
    }

    #[test]
    fn signed_out_status_has_no_profile() {
        let s = Status::signed_out(&Hosts::default_preset(), None);
        assert!(!s.signed_in && s.profile.is_none() && s.ringcx_expires_at.is_none());
    }
}
