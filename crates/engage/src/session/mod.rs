//! A signed-in RingCX session: its secrets, what the window shows of it, and
//! the API calls made with it. How its tokens renew is in `ladder`, when in
//! `renewer`, where they are kept in `persist` and `saved`.

mod ladder;
mod persist;
mod renewer;
mod saved;
mod status;

pub use persist::{NoKeychain, NoPersist, Persist, VaultPersist};
pub use saved::{Binding, Saved, SignInMethod};
pub use status::{Identity, Reason, Status};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::{watch, Mutex};
use tokio_util::sync::CancellationToken;

use crate::api_path::ApiPath;
use crate::error::Service;
use crate::hosts::Hosts;
use crate::http::{Http, Keep, Reply, API_BODY_LIMIT, DOCUMENT_LIMIT};
use crate::limiter::ExchangeLimiter;
use crate::rc::{RcApp, RcClient, RcTokens};
use crate::ringcx::{api_error, is_expired, is_idempotent, ApiResponse, CxTokens, Payload, RingCx};
use crate::users::UserTable;
use crate::Error;

/// What the user signs in with.
pub enum Credential {
    /// Tokens from the browser flow (PKCE code grant).
    Browser(RcTokens),
    /// A JWT credential; needs the app's client secret.
    Jwt(SecretString),
    /// A pasted RingCentral access token: no renewal on the RingCentral side.
    Token(SecretString),
}

impl Credential {
    pub fn method(&self) -> SignInMethod {
        match self {
            Credential::Browser(_) => SignInMethod::Browser,
            Credential::Jwt(_) => SignInMethod::Jwt,
            Credential::Token(_) => SignInMethod::Token,
        }
    }
}

/// What every session of a desk shares: the HTTP client and the exchange
/// limiter (RingCX's limit is per user, not per session).
#[derive(Clone)]
pub struct Services {
    pub http: Http,
    pub limiter: Arc<ExchangeLimiter>,
}

impl Services {
    pub fn new() -> Self {
        Services {
            http: Http::new(),
            limiter: Arc::new(ExchangeLimiter::ringcx()),
        }
    }
}

impl Default for Services {
    fn default() -> Self {
        Self::new()
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
    /// The sign-in this session comes from (see `Saved::origin`).
    origin: String,
    binding: Binding,
    /// `None` for a pasted token: nothing is ever asked of RingCentral.
    rc: Option<RcClient>,
    client_secret: Option<SecretString>,
    cx: RingCx,
    secrets: Mutex<Option<Secrets>>,
    status: watch::Sender<Status>,
    limiter: Arc<ExchangeLimiter>,
    persist: Arc<dyn Persist>,
    storage_error: SyncMutex<Option<Reason>>,
    /// The bundle this process last wrote or read: a store that differs
    /// from it was rotated by another process; an empty store, once there
    /// was one, means another process signed the profile out.
    known: SyncMutex<Option<Saved>>,
    /// RingCentral's account id, once asked (see `rc_account_id`).
    rc_account: SyncMutex<Option<String>>,
    http: crate::http::Http,
    renewer: SyncMutex<Option<tokio::task::JoinHandle<()>>>,
    /// Renewals run so far (counted under the secrets lock), and the last
    /// one's error when it failed transiently, numbered.
    attempts: AtomicU64,
    last_failure: SyncMutex<Option<(u64, Error)>>,
    /// Cancelled when the user signs out: a renewal in flight stops at its
    /// next await and saves nothing, so sign-out never waits on it.
    ending: CancellationToken,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("method", &self.method)
            .field("binding", &self.binding)
            .finish_non_exhaustive()
    }
}

/// Locks a std mutex whose data stays valid whatever a panicking holder did.
fn lock<T>(m: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Session {
    /// A session with no secrets yet; `sign_in` and `restore` fill it.
    fn empty(
        services: &Services,
        method: SignInMethod,
        origin: String,
        binding: Binding,
        app: RcApp,
        persist: Arc<dyn Persist>,
    ) -> Result<Arc<Session>, Error> {
        let rc = match method {
            SignInMethod::Token => None,
            _ => Some(RcClient::new(
                services.http.clone(),
                binding.hosts.clone(),
                app.clone(),
            )?),
        };
        Ok(Arc::new(Session {
            method,
            origin,
            cx: RingCx::new(services.http.clone(), binding.hosts.clone()),
            status: watch::channel(Status::signed_out(&binding.hosts, None)).0,
            rc,
            client_secret: app.client_secret,
            binding,
            secrets: Mutex::new(None),
            limiter: services.limiter.clone(),
            persist,
            storage_error: SyncMutex::new(None),
            known: SyncMutex::new(None),
            rc_account: SyncMutex::new(None),
            http: services.http.clone(),
            renewer: SyncMutex::new(None),
            attempts: AtomicU64::new(0),
            last_failure: SyncMutex::new(None),
            ending: CancellationToken::new(),
        }))
    }

    /// Signs in: gets RingCentral tokens as the credential allows, exchanges
    /// them for a RingCX session, persists, and starts proactive renewal.
    pub async fn sign_in(
        services: &Services,
        hosts: Hosts,
        app: RcApp,
        credential: Credential,
        persist: Arc<dyn Persist>,
    ) -> Result<Arc<Session>, Error> {
        let binding = Binding {
            hosts,
            client_id: app.client_id.trim().to_string(),
        };
        let origin = crate::pkce::new_state();
        let session = Session::empty(services, credential.method(), origin, binding, app, persist)?;
        let (rc_tokens, jwt) = match credential {
            Credential::Browser(t) => (t, None),
            Credential::Jwt(assertion) => (session.rc()?.jwt(&assertion).await?, Some(assertion)),
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
                (t, None)
            }
        };
        let login = match session.exchange_with(&rc_tokens.access).await {
            Err(Error::ExchangeRejected { .. }) if session.method == SignInMethod::Token => {
                return Err(Error::PastedTokenExpired)
            }
            other => other?,
        };
        {
            let mut guard = session.secrets.lock().await;
            let now = SystemTime::now();
            let secrets = Secrets {
                rc: Some(rc_tokens),
                jwt,
                cx_renew_at: ladder::renew_at(login.tokens.access_expires_at, now),
                cx: login.tokens,
            };
            // Under the profile's lock: a renewal of the old session in
            // another process must not write over the new sign-in.
            let _process_lock = session.process_lock().await;
            session.save(&secrets);
            *guard = Some(secrets);
            let identity = Identity {
                agent_id: login.details.agent_details.first().map(|a| a.agent_id),
                details: login.details,
            };
            session.publish(&guard, Some(identity), 0);
        }
        session.start_renewer();
        Ok(session)
    }

    /// Comes back from what the store kept: renews through the ladder (no
    /// browser), and shows the identity. The secrets go only to the servers
    /// and app they were issued for: when `hosts` or the client id differ
    /// from the saved binding, nothing is sent. A dead session is cleared
    /// from the store and reported; a transient failure keeps it.
    pub async fn restore(
        services: &Services,
        hosts: Hosts,
        app: RcApp,
        saved: Saved,
        persist: Arc<dyn Persist>,
    ) -> Result<Arc<Session>, Error> {
        Session::restore_with(services, hosts, app, saved, persist, None).await
    }

    /// `restore` for a caller that read `saved` while holding the profile's
    /// lock (`held`): the store is not read a second time.
    pub async fn restore_held(
        services: &Services,
        hosts: Hosts,
        app: RcApp,
        saved: Saved,
        persist: Arc<dyn Persist>,
        held: Option<crate::lock::LockGuard>,
    ) -> Result<Arc<Session>, Error> {
        Session::restore_with(services, hosts, app, saved, persist, Some(held)).await
    }

    async fn restore_with(
        services: &Services,
        hosts: Hosts,
        app: RcApp,
        saved: Saved,
        persist: Arc<dyn Persist>,
        held: Option<Option<crate::lock::LockGuard>>,
    ) -> Result<Arc<Session>, Error> {
        let configured = Binding {
            hosts,
            client_id: app.client_id.trim().to_string(),
        };
        let bound = saved.binding.clone().ok_or(Error::SavedSessionOutdated)?;
        bound.check(&configured)?;
        let app = RcApp {
            client_secret: app.client_secret.or(saved.client_secret.clone()),
            ..app
        };
        let session = Session::empty(
            services,
            saved.method,
            saved.origin.clone(),
            bound,
            app,
            persist,
        )?;
        *lock(&session.known) = Some(saved.clone());
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
            match held {
                Some(_lock) => session.renew_held(&mut guard).await?,
                None => session.renew_locked(&mut guard).await?,
            };
        }
        session.start_renewer();
        Ok(session)
    }

    /// Waits for the profile's cross-process lock (off the async workers).
    async fn process_lock(&self) -> Option<crate::lock::LockGuard> {
        let persist = self.persist.clone();
        tokio::task::spawn_blocking(move || persist.lock())
            .await
            .unwrap_or(None)
    }

    fn rc(&self) -> Result<&RcClient, Error> {
        self.rc.as_ref().ok_or(Error::PastedTokenExpired)
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

    /// The servers and app this session's secrets belong to.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// Makes another of the user's agents the current one.
    pub fn select_agent(&self, agent_id: i64) -> Result<Identity, Error> {
        let mut result = Err(Error::NotSignedIn);
        self.status.send_if_modified(|s| {
            let Some(identity) = s.identity.as_mut() else {
                return false;
            };
            if identity
                .details
                .agent_details
                .iter()
                .any(|a| a.agent_id == agent_id)
            {
                identity.agent_id = Some(agent_id);
                result = Ok(identity.clone());
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
        self.token_since(self.attempts.load(Ordering::SeqCst)).await
    }

    /// `access_token` for a caller that started when `seen` renewals had
    /// run: a renewal that failed since then is its answer too.
    async fn token_since(&self, seen: u64) -> Result<SecretString, Error> {
        let mut guard = self.secrets.lock().await;
        let s = guard.as_ref().ok_or(Error::NotSignedIn)?;
        if SystemTime::now() < s.cx_renew_at {
            return Ok(s.cx.access.clone());
        }
        if let Some(e) = self.failed_since(seen) {
            return Err(e);
        }
        self.renew_locked(&mut guard).await
    }

    /// The error of a renewal that failed while this caller waited for the
    /// lock: callers that queued behind it share its result instead of each
    /// running the ladder again.
    fn failed_since(&self, seen: u64) -> Option<Error> {
        let now = self.attempts.load(Ordering::SeqCst);
        if now == seen {
            return None;
        }
        lock(&self.last_failure)
            .as_ref()
            .filter(|(n, _)| *n == now)
            .map(|(_, e)| e.clone())
    }

    /// Renews because the server refused `used`; when another caller has
    /// renewed meanwhile, its token is returned without a second renewal.
    async fn renew_rejected(&self, used: &SecretString, seen: u64) -> Result<SecretString, Error> {
        let mut guard = self.secrets.lock().await;
        let s = guard.as_ref().ok_or(Error::NotSignedIn)?;
        if s.cx.access.expose_secret() != used.expose_secret() {
            return Ok(s.cx.access.clone());
        }
        if let Some(e) = self.failed_since(seen) {
            return Err(e);
        }
        self.renew_locked(&mut guard).await
    }

    /// Renews now whatever the expiry (and tests).
    pub async fn renew(&self) -> Result<(), Error> {
        let mut guard = self.secrets.lock().await;
        if guard.is_none() {
            return Err(Error::NotSignedIn);
        }
        self.renew_locked(&mut guard).await.map(|_| ())
    }

    /// Calls a RingCX API; a 401 (or `Jwt is expired`) renews once, and an
    /// idempotent method is sent once more.
    pub async fn call(
        &self,
        method: &str,
        path: &ApiPath,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<ApiResponse, Error> {
        let body = body.map(|v| Payload::Json(v.clone()));
        let reply = self
            .call_reply(method, path, query, body.as_ref(), DOCUMENT_LIMIT)
            .await?;
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

    /// RingCentral's account id (the console's `{rcAccountId}`), asked once
    /// with the RingCentral access token the session holds; `None` when it
    /// holds no live one (a pasted token that has expired) or the call fails.
    pub async fn rc_account_id(&self) -> Option<String> {
        if let Some(id) = lock(&self.rc_account).clone() {
            return Some(id);
        }
        let access = {
            let guard = self.secrets.lock().await;
            let rc = guard.as_ref()?.rc.as_ref()?;
            (rc.access_expires_at > std::time::SystemTime::now()).then(|| rc.access.clone())?
        };
        match crate::rc::account_id(&self.http, &self.binding.hosts, &access).await {
            Ok(id) => {
                *lock(&self.rc_account) = Some(id.clone());
                Some(id)
            }
            Err(e) => {
                tracing::info!("RingCentral's account id is not known: {e}");
                None
            }
        }
    }

    /// Sends any RingCX API request as the console does: renewal as for
    /// `call`, and every answer returned as it came, error statuses too,
    /// kept as `keep` says (the console spills long ones to a file).
    pub async fn send(
        &self,
        method: &str,
        path: &ApiPath,
        query: &[(String, String)],
        body: Option<&Payload>,
        keep: Keep,
    ) -> Result<Reply, Error> {
        self.send_reply(method, path, query, body, keep).await
    }

    /// `call` without parsing the body: a successful reply, as bytes.
    async fn call_reply(
        &self,
        method: &str,
        path: &ApiPath,
        query: &[(String, String)],
        body: Option<&Payload>,
        limit: usize,
    ) -> Result<Reply, Error> {
        let reply = self.send_reply(method, path, query, body, limit).await?;
        if !reply.is_success() {
            return Err(api_error(&reply));
        }
        Ok(reply)
    }

    /// One request; a refused token renews it, and an idempotent method is
    /// sent once more. Any status comes back.
    async fn send_reply(
        &self,
        method: &str,
        path: &ApiPath,
        query: &[(String, String)],
        body: Option<&Payload>,
        keep: impl Into<Keep>,
    ) -> Result<Reply, Error> {
        let keep = keep.into();
        // Counted before anything is sent: a renewal that fails while this
        // call is under way fails it too, rather than being run again.
        let seen = self.attempts.load(Ordering::SeqCst);
        let token = self.token_since(seen).await?;
        let mut reply = self
            .cx
            .call(&token, method, path, query, body, keep.clone())
            .await?;
        if is_expired(&reply) {
            let token = self.renew_rejected(&token, seen).await?;
            if !is_idempotent(method) {
                return Err(Error::RenewedNotResent {
                    method: method.to_ascii_uppercase(),
                });
            }
            reply = self
                .cx
                .call(&token, method, path, query, body, keep)
                .await?;
        }
        Ok(reply)
    }

    /// The account's users, flattened (parents first), as a table the window
    /// pages through.
    pub async fn user_table(&self, active_only: bool) -> Result<UserTable, Error> {
        self.user_table_first(active_only, usize::MAX, |_| {}).await
    }

    /// [`Session::user_table`], read off the async workers, handing `early`
    /// the first `first` rows as soon as they are read (see
    /// [`UserTable::parse_first`]).
    pub async fn user_table_first(
        &self,
        active_only: bool,
        first: usize,
        early: impl FnOnce(UserTable) + Send + 'static,
    ) -> Result<UserTable, Error> {
        let query = [
            ("activeOnly".to_string(), active_only.to_string()),
            ("flatten".to_string(), "true".to_string()),
        ];
        let path = ApiPath::parse("/voice/api/v1/admin/users")?;
        let reply = match self
            .call_reply("GET", &path, &query, None, API_BODY_LIMIT)
            .await
        {
            Err(Error::Forbidden { .. }) => return Err(Error::NeedsManageUsers),
            other => other?,
        };
        // The moment the list arrived, for `make bench` (P3) to start from.
        tracing::info!(
            target: "engage::timing",
            at_ms = crate::clock::unix_millis(reply.received_at),
            bytes = reply.body.len(),
            "users response received"
        );
        let bad = Error::BadResponse {
            service: Service::RingCx,
            status: reply.status,
            what: "a user list of an unexpected shape",
        };
        // One compact entry per user, the bytes kept for the details view:
        // a 100k list through a `Value`, or as users with every field, would
        // cost several times the answer's size.
        let body = reply.body;
        match tokio::task::spawn_blocking(move || UserTable::parse_first(body, first, early)).await
        {
            Ok(Ok(table)) => Ok(table),
            _ => Err(bad),
        }
    }

    /// The RingCX access token itself, for the one explicit "copy token"
    /// action. Nothing else hands a token out of the core.
    pub async fn reveal_access_token(&self) -> Result<SecretString, Error> {
        self.access_token().await
    }

    /// The RingCX access token with at least `life` left, renewed first when
    /// it has less (`engage auth token`: a script's curl must not get a
    /// token that dies on the way).
    pub async fn access_token_lasting(&self, life: Duration) -> Result<SecretString, Error> {
        let seen = self.attempts.load(Ordering::SeqCst);
        let mut guard = self.secrets.lock().await;
        let s = guard.as_ref().ok_or(Error::NotSignedIn)?;
        let now = SystemTime::now();
        if now < s.cx_renew_at && s.cx.access_expires_at > now + life {
            return Ok(s.cx.access.clone());
        }
        if let Some(e) = self.failed_since(seen) {
            return Err(e);
        }
        self.renew_locked(&mut guard).await
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

    /// Stops renewing and forgets the secrets in memory, with no remote
    /// call and the store untouched: for a session nobody will use (a
    /// restore that finished after the user moved on). What it saved stays
    /// valid for the next restore.
    pub async fn discard(&self) {
        self.stop_renewer();
        self.secrets.lock().await.take();
    }

    async fn end(&self, clear_store: bool) {
        self.stop_renewer();
        if clear_store {
            // A renewal running now (a slow server, a keychain prompt) must
            // not hold sign-out up, nor write the session back after it.
            self.ending.cancel();
        }
        let secrets = self.secrets.lock().await.take();
        if clear_store {
            // Under the lock: a renewal in another process finishes (and
            // saves) first, and then finds the store empty.
            let _process_lock = self.process_lock().await;
            let persist = self.persist.clone();
            let _ = persist::blocking(|| persist.clear());
            self.status
                .send_replace(Status::signed_out(&self.binding.hosts, None));
        }
        // A replaced session publishes nothing: a late "signed out" from it
        // would override the new session in the UI.
        let Some(s) = secrets else { return };
        if let Some(refresh) = &s.cx.refresh {
            if let Err(e) = self.cx.logout(refresh).await {
                tracing::info!(code = %e.code(), "RingCX logout failed; ignored");
            }
        }
        if let (Some(rc), Some(tokens)) = (&self.rc, &s.rc) {
            let token = tokens.refresh.as_ref().unwrap_or(&tokens.access);
            if let Err(e) = rc.revoke(token).await {
                tracing::info!(code = %e.code(), "RingCentral revoke failed; ignored");
            }
        }
    }

    fn publish(
        &self,
        guard: &tokio::sync::MutexGuard<'_, Option<Secrets>>,
        identity: Option<Identity>,
        renewals: u64,
    ) {
        let Some(s) = guard.as_ref() else { return };
        let storage_error = lock(&self.storage_error).clone();
        let status = Status {
            signed_in: true,
            reason: None,
            method: Some(self.method),
            rc_server: self.binding.hosts.rc.to_string(),
            ringcx_server: self.binding.hosts.ringcx.to_string(),
            identity,
            ringcx_expires_at: Some(crate::clock::unix_millis(s.cx.access_expires_at)),
            ringcx_renews_at: Some(crate::clock::unix_millis(s.cx_renew_at)),
            rc_expires_at: s
                .rc
                .as_ref()
                .filter(|_| self.method != SignInMethod::Token)
                .map(|t| crate::clock::unix_millis(t.access_expires_at)),
            renewals,
            stored: self.persist.is_durable() && storage_error.is_none(),
            storage_error,
        };
        self.status.send_replace(status);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_renewer();
    }
}
