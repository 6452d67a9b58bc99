//! A fake RingCentral + RingCX server.
//!
//! It serves over real HTTP on loopback so that the core and the app are
//! tested with the same code paths they use against the real services. One
//! base URL serves both RingCentral (`/restapi/…`) and RingCX (`/api/auth/…`,
//! `/voice/api/v1/…`); their paths do not overlap. Behaviour follows
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
mod tokens;
mod users;

pub use config::Config;
pub use faults::{Fault, FaultKind};
pub use log::Request;

use state::{AppState, Shared};
use tokens::RcLifetimes;

fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/restapi/oauth/authorize", get(oauth::authorize))
        .route("/restapi/oauth/token", post(oauth::token))
        .route("/restapi/oauth/revoke", post(oauth::revoke))
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
        .fallback(ringcx_api::fallback)
        .layer(middleware::from_fn_with_state(state.clone(), log::layer))
        .with_state(state)
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// A running fake server; it stops when dropped, open connections included.
pub struct FakeServer {
    addr: SocketAddr,
    state: AppState,
    task: JoinHandle<()>,
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
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let state: AppState = Arc::new(Shared::new(config));
        let (stop, stopped) = watch::channel(());
        let task = tokio::spawn(server::serve(listener, router(state.clone()), stopped));
        Ok(Self {
            addr,
            state,
            task,
            _stop: stop,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`, for both services.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
        self.task.abort();
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
}
