//! Renews ahead of expiry in the background, for as long as the session
//! lives and is signed in; backs off on transient failures.

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use crate::Error;

use super::{lock, Session};

impl Session {
    /// When the next proactive renewal is due, if signed in.
    async fn next_renewal(&self) -> Option<SystemTime> {
        let guard = self.secrets.lock().await;
        guard.as_ref().map(|s| s.cx_renew_at)
    }

    pub(super) fn start_renewer(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        let handle = tokio::spawn(renew_ahead(weak));
        *lock(&self.renewer) = Some(handle);
    }

    pub(super) fn stop_renewer(&self) {
        if let Some(h) = lock(&self.renewer).take() {
            h.abort();
        }
    }
}

/// How long to wait after a failed renewal: the back-off, or longer when the
/// server asked for it. Never less than the back-off: a `Retry-After: 0`
/// (or a date already past) must not make the renewer spin.
fn retry_wait(e: &Error, backoff: Duration) -> Duration {
    match e {
        Error::RateLimited { retry_after, .. } => (*retry_after).max(backoff),
        _ => backoff,
    }
}

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
                tracing::info!(code = %e.code(), "renewal failed; retrying in {backoff:?}");
                let wait = retry_wait(&e, backoff);
                drop(s);
                tokio::time::sleep(wait).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Service;

    fn limited(secs: u64) -> Error {
        Error::RateLimited {
            service: Service::RingCx,
            retry_after: Duration::from_secs(secs),
        }
    }

    #[test]
    fn a_retry_after_never_shortens_the_back_off() {
        let backoff = Duration::from_secs(4);
        assert_eq!(retry_wait(&limited(0), backoff), backoff);
        assert_eq!(retry_wait(&limited(2), backoff), backoff);
        assert_eq!(retry_wait(&limited(30), backoff), Duration::from_secs(30));
        let network = Error::Network {
            service: Service::RingCx,
            host: "h".into(),
            cause: "c",
        };
        assert_eq!(retry_wait(&network, backoff), backoff);
    }
}
