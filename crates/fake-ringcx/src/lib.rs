//! A fake RingCentral + RingCX server.
//!
//! It serves over real HTTP on loopback so that the core and the app are
//! tested with the same code paths they use against the real services. One
//! base URL serves both RingCentral (`/restapi/…`) and RingCX (`/api/auth/…`,
//! `/voice/api/v1/…`); their paths do not overlap. `FakeServer::start_tls`
//! serves them over HTTPS as two hosts instead, as the real ones are. Behaviour follows
//! `shared/reference/ringcx-api.md`; where that is silent, each module's
//! comment says what was chosen.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::{delete, get, post};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod admin;
mod config;
mod data;
mod errors;
mod faults;
mod log;
mod names;
mod oauth;
mod params;
mod pkce;
mod ringcx_api;
mod ringcx_auth;
mod server;
mod state;
mod tls;
mod tokens;
mod users;

pub use admin::active_call_uii;
pub use config::Config;
pub use faults::{Fault, FaultKind};
pub use log::Request;
pub use server::Service;
pub use tls::TestCa;

use server::Listener;
use state::{AppState, Shared};

/// The WAV the fake answers for a recording segment: a second of 8 kHz
/// 8-bit mono, a tone that depends on the ids (so each is its own file).
pub fn recording_wav(dialog: &str, segment: &str) -> Vec<u8> {
    let rate: u32 = 8000;
    let period = 8 + (dialog.len() + segment.len()) % 32;
    let samples: Vec<u8> = (0..rate as usize)
        .map(|i| {
            if (i / period).is_multiple_of(2) {
                0xa0
            } else {
                0x60
            }
        })
        .collect();
    let mut wav = Vec::with_capacity(44 + samples.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&rate.to_le_bytes());
    wav.extend_from_slice(&rate.to_le_bytes()); // bytes a second
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits a sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

/// The SHA-256 of `bytes`, in lower-case hex (what the upload answers name).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where `start_tls` serves RingCentral and RingCX: two addresses, as two
/// hosts. macOS answers only on 127.0.0.1 unless told otherwise, so there
/// the two are two ports of it.
#[cfg(not(target_os = "macos"))]
pub const RC_HOST: &str = "127.0.0.2";
#[cfg(not(target_os = "macos"))]
pub const RINGCX_HOST: &str = "127.0.0.3";
#[cfg(target_os = "macos")]
pub const RC_HOST: &str = "127.0.0.1";
#[cfg(target_os = "macos")]
pub const RINGCX_HOST: &str = "127.0.0.1";
use tokens::RcLifetimes;

fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/restapi/oauth/authorize", get(oauth::authorize))
        .route("/restapi/oauth/token", post(oauth::token))
        .route("/restapi/oauth/revoke", post(oauth::revoke))
        .route("/restapi/v1.0/account/~", get(oauth::account))
        .route(
            "/api/auth/login/rc/accesstoken",
            post(ringcx_auth::exchange),
        )
        .route("/api/auth/token/refresh", post(ringcx_auth::refresh))
        .route("/api/auth/login", get(ringcx_auth::login))
        .route(
            "/api/auth/logout/{refresh_token}",
            delete(ringcx_auth::logout),
        )
        .route("/voice/api/v1/admin/users", get(ringcx_api::users))
        .route("/voice/api/v1/admin/accounts", get(ringcx_api::accounts))
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/agentGroups",
            get(ringcx_api::agent_groups),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/agentGroups/{group}/agents",
            get(admin::group_agents),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/gateGroups/withChildren",
            get(admin::gate_groups),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/gateGroups/{group}/gates",
            get(admin::gates),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/dialGroups",
            get(admin::dial_groups),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/dialGroups/{group}/campaigns",
            get(admin::campaigns),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/campaignLeads/leadSearch",
            post(admin::lead_search),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/campaigns/{campaign}/leadLoader/preview",
            post(admin::lead_loader_preview),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/campaigns/{campaign}/leadLoader/process",
            post(admin::lead_loader_process),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/activeCalls/list",
            get(admin::active_calls),
        )
        .route(
            "/voice/api/v1/admin/accounts/{account_id}/activeCalls/{uii}/hangupCall",
            post(admin::hangup_call),
        )
        .route(
            "/voice/api/cx/integration/v1/accounts/{rc}/sub-accounts/{sub}/recordings/dialogs/{dialog}/segments/{segment}",
            get(admin::recording),
        )
        .route(
            "/voice/api/v1/admin/token",
            get(admin::api_tokens).post(admin::create_api_token),
        )
        .fallback(ringcx_api::fallback)
        .layer(middleware::from_fn_with_state(state.clone(), log::layer))
        .with_state(state)
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// A running fake server; it stops when dropped, open connections included.
pub struct FakeServer {
    rc_addr: SocketAddr,
    cx_addr: SocketAddr,
    scheme: &'static str,
    state: AppState,
    tasks: Vec<JoinHandle<()>>,
    // Dropping the sender tells the accept loop and every connection to stop.
    _stop: watch::Sender<()>,
}

impl FakeServer {
    /// Starts the server with `Config::default()` on `127.0.0.1:port` (0 picks a free port).
    pub async fn start(port: u16) -> anyhow::Result<Self> {
        Self::start_with(Config::default(), port).await
    }

    /// Starts the server with `config` on `127.0.0.1:port` (0 picks a free port).
    pub async fn start_with(config: Config, port: u16) -> anyhow::Result<Self> {
        let tcp = TcpListener::bind(("127.0.0.1", port)).await?;
        let listener = Listener {
            tcp,
            service: Service::Both,
            tls: None,
        };
        Self::serve(config, "http", vec![listener])
    }

    /// Starts the server over HTTPS as two hosts: RingCentral on
    /// `RC_HOST`, RingCX on `RINGCX_HOST` (free ports), each with a
    /// certificate from `ca` for its address.
    pub async fn start_tls(config: Config, ca: &TestCa) -> anyhow::Result<Self> {
        let mut listeners = Vec::new();
        for (ip, service) in [
            (RC_HOST, Service::RingCentral),
            (RINGCX_HOST, Service::RingCx),
        ] {
            let ip: std::net::IpAddr = ip.parse()?;
            listeners.push(Listener {
                tcp: TcpListener::bind((ip, 0)).await?,
                service,
                tls: Some(ca.acceptor(ip)?),
            });
        }
        Self::serve(config, "https", listeners)
    }

    fn serve(
        config: Config,
        scheme: &'static str,
        listeners: Vec<Listener>,
    ) -> anyhow::Result<Self> {
        let state: AppState = Arc::new(Shared::new(config));
        let (stop, stopped) = watch::channel(());
        let addrs = listeners
            .iter()
            .map(|l| l.tcp.local_addr())
            .collect::<Result<Vec<_>, _>>()?;
        let tasks = listeners
            .into_iter()
            .map(|l| tokio::spawn(server::serve(l, router(state.clone()), stopped.clone())))
            .collect();
        Ok(Self {
            rc_addr: addrs[0],
            cx_addr: *addrs.last().unwrap_or(&addrs[0]),
            scheme,
            state,
            tasks,
            _stop: stop,
        })
    }

    /// The address the server listens on (RingCentral's, over HTTPS).
    pub fn addr(&self) -> SocketAddr {
        self.rc_addr
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`, for both services; over
    /// HTTPS, RingCentral's.
    pub fn url(&self) -> String {
        self.rc_url()
    }

    /// The RingCentral base URL, e.g. `https://127.0.0.2:40123`.
    pub fn rc_url(&self) -> String {
        format!("{}://{}", self.scheme, self.rc_addr)
    }

    /// The RingCX base URL, e.g. `https://127.0.0.3:40124`.
    pub fn ringcx_url(&self) -> String {
        format!("{}://{}", self.scheme, self.cx_addr)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.requests()
    }

    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// How many logged requests have this method (case-insensitive; "*" for
    /// any) and a path starting with `path_prefix`.
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| method == "*" || r.method.eq_ignore_ascii_case(method))
            .filter(|r| r.path.starts_with(path_prefix))
            .count()
    }

    /// Waits until at least `n` logged requests match, as `count` counts
    /// them: an event to wait on, where a test needs a request in flight.
    pub async fn wait_for(&self, method: &str, path_prefix: &str, n: usize) {
        let mut logged = self.state.watch_log();
        while self.count(method, path_prefix) < n {
            if logged.changed().await.is_err() {
                return;
            }
        }
    }

    /// Queues a fault; queued faults are tried in order.
    pub fn fault(&self, fault: Fault) {
        self.state.push_fault(fault);
    }

    /// Hits the queued faults still have to make.
    pub fn pending_faults(&self) -> usize {
        self.state.pending_faults()
    }

    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// Every secret ever issued: auth codes, RingCentral access and refresh
    /// tokens, RingCX access and refresh tokens. For leak tests.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.vault().issued()
    }

    /// A valid RingCentral access token (no refresh token), as if the user
    /// pasted one from another tool.
    pub fn mint_rc_access_token(&self) -> String {
        let cfg = self.state.config();
        let life = RcLifetimes {
            access: cfg.rc_access_ttl,
            refresh: None,
        };
        self.state.vault().issue_rc(data::RC_USER_ID, &life).access
    }

    /// Every RingCentral and RingCX token becomes invalid, as when an admin
    /// ends the user's sessions.
    pub fn revoke_all(&self) {
        self.state.vault().revoke_all();
    }

    /// RingCX access tokens issued so far answer 401 "Jwt is expired" from now on.
    pub fn expire_ringcx_access_tokens(&self) {
        self.state.vault().expire_cx_access();
    }

    /// Lets every request held by a `FaultKind::Hang` go: its connection is
    /// reset, with no answer.
    pub fn release_hung(&self) {
        self.state.release_hung();
    }

    /// Changes the configuration of the running server.
    pub fn set_config(&self, f: impl FnOnce(&mut Config)) {
        self.state.update_config(f);
    }

    /// The configuration in force.
    pub fn config(&self) -> Config {
        self.state.config()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn health_answers_over_loopback() {
        let server = FakeServer::start(0).await.unwrap();
        assert!(server.addr().ip().is_loopback());
        let mut conn = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut reply = String::new();
        conn.read_to_string(&mut reply).await.unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(reply.contains(r#"{"status":"ok"}"#), "{reply}");
    }

    fn client(ca: Option<&TestCa>) -> reqwest::Client {
        let mut b = reqwest::Client::builder();
        if let Some(ca) = ca {
            b = b.tls_certs_only([reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap()]);
        }
        b.build().unwrap()
    }

    #[tokio::test]
    async fn over_https_each_service_has_its_own_host() {
        let ca = TestCa::new().unwrap();
        let server = FakeServer::start_tls(Config::default(), &ca).await.unwrap();
        assert!(server.rc_url().starts_with(&format!("https://{RC_HOST}:")));
        assert!(server
            .ringcx_url()
            .starts_with(&format!("https://{RINGCX_HOST}:")));
        assert_ne!(server.rc_url(), server.ringcx_url());
        let http = client(Some(&ca));
        for base in [server.rc_url(), server.ringcx_url()] {
            let r = http.get(format!("{base}/health")).send().await.unwrap();
            assert_eq!(r.status(), 200, "{base}");
        }
        // A RingCX path on RingCentral's host, and the other way round.
        let r = http
            .post(format!("{}/api/auth/token/refresh", server.rc_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("CMN-102"));
        let r = http
            .post(format!("{}/restapi/oauth/token", server.ringcx_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("No handler found"));
        assert_eq!(server.count("*", "/"), 4);
    }

    #[tokio::test]
    async fn a_client_that_does_not_trust_the_ca_gets_no_answer() {
        let ca = TestCa::new().unwrap();
        let other = TestCa::new().unwrap();
        let server = FakeServer::start_tls(Config::default(), &ca).await.unwrap();
        let r = client(Some(&other))
            .get(format!("{}/health", server.rc_url()))
            .send()
            .await;
        assert!(r.is_err(), "{r:?}");
        assert_eq!(server.count("*", "/"), 0);
    }
}
