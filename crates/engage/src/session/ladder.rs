//! The one place a session's tokens are renewed.
//!
//! Every caller that needs a token goes through the session's lock, so
//! renewals are single-flight within a process; across processes the
//! profile's lock file does the same, and the store is read again once it is
//! held, so a token another process already rotated is used, not spent
//! twice. The ladder, in order:
//! 1. renew the RingCX token with its rotating refresh token;
//! 2. else get a RingCentral access token (refresh it, or use the JWT again)
//!    and exchange it again, within 5 exchanges a minute;
//! 3. else the session has ended: the state becomes "signed out" with the
//!    reason, and the error says to sign in again.
//!
//! Transient failures (network, 5xx, 429) never end a session: the tokens
//! are kept and the error is returned, so a later try can succeed.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::MutexGuard;

use crate::error::Service;
use crate::model::UserDetails;
use crate::ringcx::CxLogin;
use crate::Error;

use super::persist::blocking;
use super::{lock, Identity, Reason, Saved, Secrets, Session, SignInMethod, Status};

/// A RingCentral access token this close to expiry is renewed before use.
const RC_MARGIN: Duration = Duration::from_secs(60);

/// A RingCentral refresh token (7 days) this close to expiry is renewed
/// while RingCX renewals still work, so it never lapses unseen behind them.
const RC_REFRESH_MARGIN: Duration = Duration::from_secs(86_400);

/// Renew this long before expiry: a minute, or a quarter of a short lifetime.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(Duration::from_secs(60))
}

pub(super) fn renew_at(expires: SystemTime, now: SystemTime) -> SystemTime {
    match expires.duration_since(now) {
        // An `exp` already past (or nearly) when the token arrives means this
        // clock runs ahead of the server's: count the documented lifetime
        // from now instead of renewing in a loop.
        Ok(lifetime) if lifetime > Duration::from_secs(1) => expires - margin(lifetime),
        _ => now + crate::jwt::FALLBACK_LIFETIME - margin(crate::jwt::FALLBACK_LIFETIME),
    }
}

type Guard<'a> = MutexGuard<'a, Option<Secrets>>;

/// What the store says after the profile's lock was taken.
enum Stored {
    /// Nothing changed there: renew with what this process holds.
    Ours,
    /// Another process rotated; its secrets are now ours. Holds its RingCX
    /// access token when that one is still good.
    Adopted(Option<SecretString>),
}

impl Session {
    /// Renews through the ladder; on success publishes the new expiry. The
    /// attempt is counted, and a transient failure kept for the callers
    /// that queued behind it.
    pub(super) async fn renew_locked(&self, guard: &mut Guard<'_>) -> Result<SecretString, Error> {
        let result = tokio::select! {
            biased;
            () = self.ending.cancelled() => Err(Error::NotSignedIn),
            r = self.renew_once(guard) => r,
        };
        let n = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        *lock(&self.last_failure) = match &result {
            Err(e) if e.is_transient() => Some((n, e.clone())),
            _ => None,
        };
        result
    }

    async fn renew_once(&self, guard: &mut Guard<'_>) -> Result<SecretString, Error> {
        let _process_lock = self.process_lock().await;
        let has_identity = self.status.borrow().identity.is_some();
        match self.read_store(guard) {
            // A restore has no identity yet: it renews to get one.
            Ok(Stored::Adopted(Some(token))) if has_identity => {
                let renewals = self.status.borrow().renewals + 1;
                let identity = self.status.borrow().identity.clone();
                self.publish(guard, identity, renewals);
                Ok(token)
            }
            Ok(_) => self.renew_held(guard).await,
            Err(e) => self.finish(guard, Err(e)),
        }
    }

    /// The ladder, with the profile's lock already held and the store just
    /// read under it (a restore reads it there itself).
    pub(super) async fn renew_held(&self, guard: &mut Guard<'_>) -> Result<SecretString, Error> {
        let result = self.ladder(guard).await;
        self.finish(guard, result)
    }

    /// Keeps a renewal's result, or ends the session on a lasting failure.
    fn finish(
        &self,
        guard: &mut Guard<'_>,
        result: Result<CxLogin, Error>,
    ) -> Result<SecretString, Error> {
        match result {
            Ok(login) => {
                let s = guard.as_mut().ok_or(Error::NotSignedIn)?;
                let now = SystemTime::now();
                s.cx_renew_at = renew_at(login.tokens.access_expires_at, now);
                s.cx = login.tokens;
                // The old refresh token is spent: store the new one first.
                self.save(s);
                let token = s.cx.access.clone();
                let renewals = self.status.borrow().renewals + 1;
                let identity = self.merge_identity(login.details);
                self.publish(guard, Some(identity), renewals);
                Ok(token)
            }
            Err(e) if e.is_transient() => Err(e),
            Err(e) => {
                tracing::info!(code = %e.code(), "session ended; signing out");
                **guard = None;
                if !matches!(e, Error::SignedOutElsewhere) {
                    let persist = self.persist.clone();
                    let _ = blocking(|| persist.clear());
                }
                self.status.send_replace(Status::signed_out(
                    &self.binding.hosts,
                    Some(Reason::from(&e)),
                ));
                Err(e)
            }
        }
    }

    /// Reads the store again under the profile's lock. Another process that
    /// renewed meanwhile has spent the refresh token this one holds.
    fn read_store(&self, guard: &mut Guard<'_>) -> Result<Stored, Error> {
        if !self.persist.is_durable() {
            return Ok(Stored::Ours);
        }
        let persist = self.persist.clone();
        let stored = match blocking(|| persist.load()) {
            Ok(stored) => stored,
            Err(e) => {
                tracing::info!(code = %e.code(), "could not read the store before renewing");
                return Ok(Stored::Ours);
            }
        };
        let s = guard.as_mut().ok_or(Error::NotSignedIn)?;
        let known = lock(&self.known).clone();
        let Some(stored) = stored else {
            return if known.is_some() {
                Err(Error::SignedOutElsewhere)
            } else {
                Ok(Stored::Ours)
            };
        };
        if stored.binding.as_ref() != Some(&self.binding) || stored.origin != self.origin {
            // The profile was signed in anew elsewhere (perhaps as another
            // user): its tokens are not this session's to use.
            return Err(Error::SignedOutElsewhere);
        }
        // Compared with what this process last wrote or read, not with its
        // memory: after a failed save, memory is newer than the store.
        match &known {
            Some(k) if !k.rotated_since(&stored) => return Ok(Stored::Ours),
            None => return Ok(Stored::Ours),
            Some(_) => {}
        }
        *lock(&self.known) = Some(stored.clone());
        tracing::debug!("another process renewed this profile; using its tokens");
        s.rc = stored.rc;
        s.jwt = stored.jwt;
        s.cx.refresh = stored.ringcx_refresh;
        let now = SystemTime::now();
        Ok(match stored.ringcx_access {
            Some((access, expires)) if now < renew_at(expires, now) && now < expires => {
                s.cx.access = access.clone();
                s.cx.access_expires_at = expires;
                s.cx_renew_at = renew_at(expires, now);
                Stored::Adopted(Some(access))
            }
            _ => Stored::Adopted(None),
        })
    }

    /// Steps 1 and 2 of the ladder. Secrets that rotate are stored in
    /// `guard` (and persisted) as soon as they arrive.
    async fn ladder(&self, guard: &mut Guard<'_>) -> Result<CxLogin, Error> {
        let s = guard.as_mut().ok_or(Error::NotSignedIn)?;
        if let Some(refresh) = s.cx.refresh.clone() {
            match self
                .limited(Service::RingCx, self.cx.refresh(&refresh))
                .await
            {
                Ok(login) => {
                    // Held before anything else is saved: a bundle written
                    // now must carry the new RingCX refresh token, not the
                    // one just spent.
                    s.cx = login.tokens.clone();
                    self.keep_rc_refresh_alive(s).await;
                    return Ok(login);
                }
                Err(e) if e.is_transient() => return Err(e),
                Err(e) => {
                    tracing::debug!(code = %e.code(), "RingCX refresh refused; exchanging again")
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
        self.exchange_with(&access).await
    }

    /// One exchange, within the limiter; a 429 pauses every later one.
    pub(super) async fn exchange_with(&self, access: &SecretString) -> Result<CxLogin, Error> {
        self.limiter
            .acquire(Instant::now())
            .map_err(|wait| Error::RateLimited {
                service: Service::RingCx,
                retry_after: wait,
            })?;
        self.limited(Service::RingCx, self.cx.exchange(access))
            .await
    }

    /// A token request to `service`, unless a 429 paused that service; a
    /// 429 in its answer pauses every later one for its `Retry-After`.
    async fn limited<T>(
        &self,
        service: Service,
        request: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.limiter
            .check(service, Instant::now())
            .map_err(|wait| Error::RateLimited {
                service,
                retry_after: wait,
            })?;
        let result = request.await;
        if let Err(Error::RateLimited { retry_after, .. }) = &result {
            self.limiter.pause(service, Instant::now(), *retry_after);
        }
        result
    }

    /// Renews the RingCentral tokens when their refresh token nears its end
    /// (browser sign-ins only: a JWT can be used again at any time). A
    /// failure is not the RingCX session's: it is logged and tried again at
    /// the next renewal.
    async fn keep_rc_refresh_alive(&self, s: &mut Secrets) {
        let due = self.method == SignInMethod::Browser
            && s.rc
                .as_ref()
                .and_then(|t| t.refresh.as_ref().and(t.refresh_expires_at))
                .is_some_and(|at| SystemTime::now() + RC_REFRESH_MARGIN >= at);
        if due {
            match self.renew_rc(s).await {
                Ok(()) => tracing::debug!("RingCentral refresh token renewed ahead of its expiry"),
                Err(e) => tracing::info!(
                    code = %e.code(),
                    "could not renew the RingCentral refresh token ahead of its expiry"
                ),
            }
        }
    }

    /// Gets a new RingCentral access token as the sign-in method allows.
    async fn renew_rc(&self, s: &mut Secrets) -> Result<(), Error> {
        let tokens = match self.method {
            SignInMethod::Token => return Err(Error::PastedTokenExpired),
            SignInMethod::Jwt => {
                let jwt = s.jwt.clone().ok_or(Error::NotSignedIn)?;
                self.limited(Service::RingCentral, self.rc()?.jwt(&jwt))
                    .await?
            }
            SignInMethod::Browser => {
                let refresh =
                    s.rc.as_ref()
                        .and_then(|t| t.refresh.clone())
                        .ok_or(Error::SessionEnded {
                            reason: Some("the RingCentral app issues no refresh tokens".into()),
                        })?;
                self.limited(Service::RingCentral, self.rc()?.refresh(&refresh))
                    .await?
            }
        };
        s.rc = Some(tokens);
        // The old refresh token is dead now: store the new pair before use.
        self.save(s);
        Ok(())
    }

    /// The secrets this process holds, as the store keeps them.
    fn held(&self, s: &Secrets) -> Saved {
        Saved {
            method: self.method,
            origin: self.origin.clone(),
            binding: Some(self.binding.clone()),
            rc: s.rc.clone(),
            jwt: s.jwt.clone(),
            client_secret: self.client_secret.clone(),
            ringcx_refresh: s.cx.refresh.clone(),
            ringcx_access: (!s.cx.access.expose_secret().is_empty())
                .then(|| (s.cx.access.clone(), s.cx.access_expires_at)),
        }
    }

    /// Writes the secrets to the store. A failure (locked, missing) does
    /// not end the session: it goes on in memory, and the status says so.
    pub(super) fn save(&self, s: &Secrets) {
        if self.ending.is_cancelled() {
            return;
        }
        let saved = self.held(s);
        let persist = self.persist.clone();
        let result = blocking(|| persist.save(&saved));
        match &result {
            Ok(()) => *lock(&self.known) = Some(saved),
            Err(e) => tracing::warn!(
                code = %e.code(),
                "could not save the session in the keychain"
            ),
        }
        *lock(&self.storage_error) = result.err().as_ref().map(Reason::from);
    }

    fn merge_identity(&self, details: UserDetails) -> Identity {
        let chosen = self
            .status
            .borrow()
            .identity
            .as_ref()
            .and_then(|p| p.agent_id);
        let agent_id = chosen
            .filter(|id| details.agent_details.iter().any(|a| a.agent_id == *id))
            .or_else(|| details.agent_details.first().map(|a| a.agent_id));
        Identity { details, agent_id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

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
        // A clock ahead of the server's: the documented lifetime from now.
        assert_eq!(renew_at(now, now), now + Duration::from_secs(240));
    }
}
