//! What the app holds between commands: the HTTP client, the exchange
//! limiter (shared by every session, as RingCX's limit is per user), the
//! current session, and the sign-in waiting for the browser.

use std::sync::{Arc, Mutex};

use engage::http::Http;
use engage::limiter::ExchangeLimiter;
use engage::session::Session;
use tokio_util::sync::CancellationToken;

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
}

impl AppState {
    pub fn new() -> Self {
        let demo = std::env::var("ENGAGE_DEMO_SERVER").ok().map(|server| Demo {
            server,
            client_id: std::env::var("ENGAGE_DEMO_CLIENT_ID")
                .unwrap_or_else(|_| "fake-client-id".into()),
        });
        AppState {
            http: Http::new(),
            limiter: Arc::new(ExchangeLimiter::ringcx()),
            session: tokio::sync::RwLock::new(None),
            pending: Mutex::new(None),
            demo,
        }
    }

    pub async fn current(&self) -> Result<Arc<Session>, engage::Error> {
        self.session
            .read()
            .await
            .clone()
            .ok_or(engage::Error::NotSignedIn)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
