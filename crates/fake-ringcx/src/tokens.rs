//! Every secret the fake hands out, and what each one is still good for.
//!
//! Choices where the reference is silent:
//! - RingCentral codes and tokens are opaque base64url strings (as real ones
//!   look); RingCX access tokens are JWT-shaped with a fake signature, RingCX
//!   refresh tokens are opaque hex.
//! - Tokens are grouped in sessions. Refreshing a RingCentral token spends the
//!   refresh token and kills the session's access tokens at once; revoking
//!   kills the whole session. Reusing a spent refresh token is refused but does
//!   not kill the newer pair (RingCentral does not document reuse detection).
//! - RingCX sessions are independent of the RingCentral session they came
//!   from: revoking the RingCentral token does not log RingCX out.
//! - Renewing a RingCX token rotates the refresh token; the previous RingCX
//!   access token stays valid until its `exp`, as a stateless JWT would.
//! - RingCX refresh tokens do not expire on their own (undocumented); they end
//!   on rotation, logout or `revoke_all`.
//! - A code is burnt by any redemption attempt that finds it, failed or not.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde_json::json;

use crate::pkce::Challenge;

/// `n` random bytes as base64url without padding.
pub(crate) fn random_b64(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A JWT-shaped RingCX access token whose payload carries `exp` like the real
/// one, so clients can schedule renewal from it.
pub(crate) fn ringcx_jwt(sub: &str, ttl: Duration) -> String {
    let iat = unix_now();
    let header = json!({ "alg": "HS512", "typ": "JWT" });
    let payload = json!({
        "iss": "fake-ringcx",
        "sub": sub,
        "iat": iat,
        "exp": iat + ttl.as_secs().max(1),
        "jti": random_hex(16),
    });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        random_b64(32)
    )
}

/// Why a code could not be redeemed (RingCentral error codes differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeError {
    Unknown,
    Expired,
}

#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub challenge: Option<Challenge>,
    expires_at: Instant,
    used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Active,
    Spent,
    Revoked,
}

struct RcAccess {
    session: u64,
    owner_id: String,
    expires_at: Instant,
    revoked: bool,
}

struct RcRefresh {
    session: u64,
    owner_id: String,
    expires_at: Instant,
    status: Status,
}

struct CxAccess {
    session: u64,
    owner_id: String,
    expires_at: Instant,
    force_expired: bool,
    revoked: bool,
}

struct CxRefresh {
    session: u64,
    owner_id: String,
    status: Status,
}

/// A freshly issued RingCentral pair.
#[derive(Debug, Clone)]
pub(crate) struct RcPair {
    pub access: String,
    pub refresh: Option<String>,
}

/// A freshly issued RingCX pair.
#[derive(Debug, Clone)]
pub(crate) struct CxPair {
    pub access: String,
    pub refresh: Option<String>,
}

/// Why a RingCentral refresh failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshError {
    Unknown,
    Revoked,
    Expired,
}

/// What a RingCX bearer token is worth right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CxAuth {
    Valid { owner_id: String },
    Expired,
    Invalid,
}

/// Lifetimes for one RingCentral issue.
pub(crate) struct RcLifetimes {
    pub access: Duration,
    /// `None` = the app does not get refresh tokens.
    pub refresh: Option<Duration>,
}

#[derive(Default)]
pub(crate) struct Vault {
    next_session: u64,
    codes: HashMap<String, AuthCode>,
    rc_access: HashMap<String, RcAccess>,
    rc_refresh: HashMap<String, RcRefresh>,
    cx_access: HashMap<String, CxAccess>,
    cx_refresh: HashMap<String, CxRefresh>,
    issued: Vec<String>,
    api_tokens: Vec<String>,
    /// Issue opaque RingCX access tokens instead of JWTs.
    pub opaque_cx: bool,
}

impl Vault {
    fn new_session(&mut self) -> u64 {
        self.next_session += 1;
        self.next_session
    }

    /// A permanent API token (`POST /voice/api/v1/admin/token`), kept with
    /// every other secret so leak tests look for it too.
    pub fn issue_api_token(&mut self) -> String {
        let token = random_b64(32);
        self.remember(&token);
        self.api_tokens.push(token.clone());
        token
    }

    pub fn api_tokens(&self) -> Vec<String> {
        self.api_tokens.clone()
    }

    fn remember(&mut self, secret: &str) {
        self.issued.push(secret.to_string());
    }

    /// Every secret ever issued, in issue order.
    pub fn issued(&self) -> Vec<String> {
        self.issued.clone()
    }

    pub fn issue_code(
        &mut self,
        client_id: &str,
        redirect_uri: Option<String>,
        challenge: Option<Challenge>,
        ttl: Duration,
    ) -> String {
        let code = random_b64(32);
        self.remember(&code);
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: client_id.to_string(),
                redirect_uri,
                challenge,
                expires_at: Instant::now() + ttl,
                used: false,
            },
        );
        code
    }

    /// Burns the code and returns what it was issued for.
    pub fn redeem_code(&mut self, code: &str) -> Result<AuthCode, CodeError> {
        let Some(entry) = self.codes.get_mut(code) else {
            return Err(CodeError::Unknown);
        };
        if entry.used {
            return Err(CodeError::Unknown);
        }
        entry.used = true;
        if Instant::now() >= entry.expires_at {
            return Err(CodeError::Expired);
        }
        Ok(entry.clone())
    }

    fn issue_rc_in(&mut self, session: u64, owner_id: &str, life: &RcLifetimes) -> RcPair {
        let now = Instant::now();
        let access = random_b64(48);
        self.remember(&access);
        self.rc_access.insert(
            access.clone(),
            RcAccess {
                session,
                owner_id: owner_id.to_string(),
                expires_at: now + life.access,
                revoked: false,
            },
        );
        let refresh = life.refresh.map(|ttl| {
            let refresh = random_b64(48);
            self.remember(&refresh);
            self.rc_refresh.insert(
                refresh.clone(),
                RcRefresh {
                    session,
                    owner_id: owner_id.to_string(),
                    expires_at: now + ttl,
                    status: Status::Active,
                },
            );
            refresh
        });
        RcPair { access, refresh }
    }

    /// Starts a new RingCentral session.
    pub fn issue_rc(&mut self, owner_id: &str, life: &RcLifetimes) -> RcPair {
        let session = self.new_session();
        self.issue_rc_in(session, owner_id, life)
    }

    /// Spends `token` and issues the next pair in the same session.
    pub fn refresh_rc(&mut self, token: &str, life: &RcLifetimes) -> Result<RcPair, RefreshError> {
        let Some(entry) = self.rc_refresh.get_mut(token) else {
            return Err(RefreshError::Unknown);
        };
        match entry.status {
            Status::Spent | Status::Revoked => return Err(RefreshError::Revoked),
            Status::Active => {}
        }
        if Instant::now() >= entry.expires_at {
            return Err(RefreshError::Expired);
        }
        entry.status = Status::Spent;
        let (session, owner_id) = (entry.session, entry.owner_id.clone());
        for a in self.rc_access.values_mut().filter(|a| a.session == session) {
            a.revoked = true;
        }
        Ok(self.issue_rc_in(session, &owner_id, life))
    }

    /// The RingCentral user behind a live access token.
    pub fn rc_owner(&self, access: &str) -> Option<String> {
        self.rc_access
            .get(access)
            .filter(|a| !a.revoked && Instant::now() < a.expires_at)
            .map(|a| a.owner_id.clone())
    }

    /// Ends the session that `token` (access or refresh) belongs to.
    pub fn revoke_rc_session(&mut self, token: &str) -> bool {
        let session = self
            .rc_access
            .get(token)
            .map(|a| a.session)
            .or_else(|| self.rc_refresh.get(token).map(|r| r.session));
        let Some(session) = session else {
            return false;
        };
        self.revoke_rc_where(|s| s == session);
        true
    }

    fn revoke_rc_where(&mut self, hit: impl Fn(u64) -> bool) {
        for a in self.rc_access.values_mut().filter(|a| hit(a.session)) {
            a.revoked = true;
        }
        for r in self.rc_refresh.values_mut().filter(|r| hit(r.session)) {
            r.status = Status::Revoked;
        }
    }

    fn issue_cx_in(
        &mut self,
        session: u64,
        owner_id: &str,
        ttl: Duration,
        refresh: bool,
    ) -> CxPair {
        let access = if self.opaque_cx {
            random_hex(40)
        } else {
            ringcx_jwt(owner_id, ttl)
        };
        self.remember(&access);
        self.cx_access.insert(
            access.clone(),
            CxAccess {
                session,
                owner_id: owner_id.to_string(),
                expires_at: Instant::now() + ttl,
                force_expired: false,
                revoked: false,
            },
        );
        let refresh = refresh.then(|| {
            let refresh = random_hex(32);
            self.remember(&refresh);
            self.cx_refresh.insert(
                refresh.clone(),
                CxRefresh {
                    session,
                    owner_id: owner_id.to_string(),
                    status: Status::Active,
                },
            );
            refresh
        });
        CxPair { access, refresh }
    }

    /// Starts a RingCX session for a RingCentral user.
    pub fn issue_cx(&mut self, owner_id: &str, ttl: Duration, with_refresh: bool) -> CxPair {
        let session = self.new_session();
        self.issue_cx_in(session, owner_id, ttl, with_refresh)
    }

    /// Rotates a RingCX refresh token; `None` when it is not live.
    pub fn refresh_cx(&mut self, token: &str, ttl: Duration) -> Option<(CxPair, String)> {
        let entry = self.cx_refresh.get_mut(token)?;
        if entry.status != Status::Active {
            return None;
        }
        entry.status = Status::Spent;
        let (session, owner_id) = (entry.session, entry.owner_id.clone());
        let pair = self.issue_cx_in(session, &owner_id, ttl, true);
        Some((pair, owner_id))
    }

    /// Checks a RingCX bearer token the way the real JWT filter does: expiry
    /// first (so a revoked but expired token still says "expired"), then the session.
    pub fn check_cx(&self, access: &str) -> CxAuth {
        let Some(a) = self.cx_access.get(access) else {
            return CxAuth::Invalid;
        };
        if a.force_expired || Instant::now() >= a.expires_at {
            return CxAuth::Expired;
        }
        if a.revoked {
            return CxAuth::Invalid;
        }
        CxAuth::Valid {
            owner_id: a.owner_id.clone(),
        }
    }

    /// Ends the RingCX session of a refresh token; false when unknown.
    pub fn logout_cx(&mut self, refresh: &str) -> bool {
        let Some(session) = self.cx_refresh.get(refresh).map(|r| r.session) else {
            return false;
        };
        self.revoke_cx_where(|s| s == session);
        true
    }

    fn revoke_cx_where(&mut self, hit: impl Fn(u64) -> bool) {
        for a in self.cx_access.values_mut().filter(|a| hit(a.session)) {
            a.revoked = true;
        }
        for r in self.cx_refresh.values_mut().filter(|r| hit(r.session)) {
            r.status = Status::Revoked;
        }
    }

    pub fn expire_cx_access(&mut self) {
        for a in self.cx_access.values_mut() {
            a.force_expired = true;
        }
    }

    pub fn revoke_all(&mut self) {
        self.revoke_rc_where(|_| true);
        self.revoke_cx_where(|_| true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(refresh: bool) -> RcLifetimes {
        RcLifetimes {
            access: Duration::from_secs(60),
            refresh: refresh.then_some(Duration::from_secs(600)),
        }
    }

    #[test]
    fn ringcx_token_is_a_jwt_with_exp() {
        let t = ringcx_jwt("42", Duration::from_secs(300));
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        let exp = payload["exp"].as_u64().unwrap();
        let iat = payload["iat"].as_u64().unwrap();
        assert_eq!(exp - iat, 300);
        assert_eq!(payload["sub"], "42");
        assert!(payload["jti"].as_str().unwrap().len() >= 16);
    }

    #[test]
    fn random_tokens_differ() {
        assert_ne!(random_b64(32), random_b64(32));
        assert_eq!(random_hex(4).len(), 8);
    }

    #[test]
    fn codes_are_single_use_and_expire() {
        let mut v = Vault::default();
        let c = v.issue_code("id", None, None, Duration::from_secs(60));
        assert!(v.redeem_code(&c).is_ok());
        assert_eq!(v.redeem_code(&c).unwrap_err(), CodeError::Unknown);
        let c = v.issue_code("id", None, None, Duration::ZERO);
        assert_eq!(v.redeem_code(&c).unwrap_err(), CodeError::Expired);
        assert_eq!(v.redeem_code("nope").unwrap_err(), CodeError::Unknown);
    }

    #[test]
    fn rc_refresh_rotates_and_kills_the_old_access_token() {
        let mut v = Vault::default();
        let first = v.issue_rc("7", &life(true));
        assert_eq!(v.rc_owner(&first.access).as_deref(), Some("7"));
        let old_refresh = first.refresh.clone().unwrap();
        let second = v.refresh_rc(&old_refresh, &life(true)).unwrap();
        assert_eq!(v.rc_owner(&first.access), None);
        assert!(v.rc_owner(&second.access).is_some());
        assert_eq!(
            v.refresh_rc(&old_refresh, &life(true)).unwrap_err(),
            RefreshError::Revoked
        );
        assert_eq!(
            v.refresh_rc("x", &life(true)).unwrap_err(),
            RefreshError::Unknown
        );
        assert!(v.revoke_rc_session(&second.access));
        assert_eq!(v.rc_owner(&second.access), None);
        let r = second.refresh.unwrap();
        assert_eq!(
            v.refresh_rc(&r, &life(true)).unwrap_err(),
            RefreshError::Revoked
        );
        assert!(!v.revoke_rc_session("unknown"));
        assert!(v.issue_rc("7", &life(false)).refresh.is_none());
    }

    #[test]
    fn cx_sessions_rotate_logout_and_expire() {
        let mut v = Vault::default();
        let pair = v.issue_cx("7", Duration::from_secs(60), true);
        let refresh = pair.refresh.clone().unwrap();
        assert!(matches!(v.check_cx(&pair.access), CxAuth::Valid { .. }));
        let (next, owner) = v.refresh_cx(&refresh, Duration::from_secs(60)).unwrap();
        assert_eq!(owner, "7");
        assert!(v.refresh_cx(&refresh, Duration::from_secs(60)).is_none());
        assert!(matches!(v.check_cx(&pair.access), CxAuth::Valid { .. }));
        assert!(v.logout_cx(next.refresh.as_deref().unwrap()));
        assert_eq!(v.check_cx(&next.access), CxAuth::Invalid);
        assert_eq!(v.check_cx("garbage"), CxAuth::Invalid);
        let other = v.issue_cx("7", Duration::from_secs(60), false);
        v.expire_cx_access();
        assert_eq!(v.check_cx(&other.access), CxAuth::Expired);
        assert_eq!(v.issued().len(), 5);
    }

    #[test]
    fn revoke_all_ends_everything() {
        let mut v = Vault::default();
        let rc = v.issue_rc("7", &life(true));
        let cx = v.issue_cx("7", Duration::from_secs(60), true);
        v.revoke_all();
        assert_eq!(v.rc_owner(&rc.access), None);
        assert_eq!(v.check_cx(&cx.access), CxAuth::Invalid);
        assert!(v
            .refresh_cx(cx.refresh.as_deref().unwrap(), Duration::from_secs(1))
            .is_none());
    }
}
