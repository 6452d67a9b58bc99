//! Reads the lifetime of a RingCX access token, which is a JWT.
//!
//! The signature is not checked: the server is the authority on its own
//! tokens. What matters is how long the server gave the token (`exp - iat`),
//! counted on this machine's clock from when the answer arrived: comparing
//! `exp` with a local clock that runs minutes fast or slow would renew in a
//! loop or too late.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;

/// When RingCX tokens die if the token says nothing: the documented 5 minutes.
pub const FALLBACK_LIFETIME: Duration = Duration::from_secs(300);

/// The `exp` claim of a JWT as a time, if the token has one.
pub fn expiry(token: &str) -> Option<SystemTime> {
    let claims = claims(token)?;
    let exp = claims.get("exp")?.as_f64()?;
    if !(0.0..1e11).contains(&exp) {
        return None;
    }
    Some(UNIX_EPOCH + Duration::from_secs_f64(exp))
}

/// The longest lifetime believed: a wild claim must not keep a dead token
/// "fresh".
const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

/// `exp - iat` of a JWT, if it has both and they make sense.
pub fn lifetime(token: &str) -> Option<Duration> {
    let claims = claims(token)?;
    let exp = claims.get("exp")?.as_f64()?;
    let iat = claims.get("iat")?.as_f64()?;
    let secs = exp - iat;
    (secs > 0.0 && secs <= MAX_LIFETIME.as_secs_f64()).then(|| Duration::from_secs_f64(secs))
}

/// When a token that arrived at `received` expires, on this machine's
/// clock: `received` plus the lifetime the server gave it (its claims, or
/// else the answer's `stated` seconds for an opaque token), or the
/// documented 5 minutes when neither says.
pub fn local_expiry(token: &str, stated: Option<f64>, received: SystemTime) -> SystemTime {
    let stated = stated
        .filter(|s| *s > 0.0 && *s <= MAX_LIFETIME.as_secs_f64())
        .map(Duration::from_secs_f64);
    received + lifetime(token).or(stated).unwrap_or(FALLBACK_LIFETIME)
}

fn claims(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            e.encode(r#"{"alg":"HS256"}"#),
            e.encode(payload)
        )
    }

    #[test]
    fn reads_exp() {
        let t = token(r#"{"exp":1700000000,"sub":"x"}"#);
        assert_eq!(
            expiry(&t),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
    }

    #[test]
    fn falls_back_to_five_minutes() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        for bad in [
            "opaque",
            "a.b.c",
            &token(r#"{"sub":"x"}"#),
            &token(r#"{"exp":"soon"}"#),
            &token(r#"{"exp":1700000000}"#),
            &token(r#"{"iat":1700000300,"exp":1700000000}"#),
            &token(r#"{"iat":0,"exp":1700000000}"#),
        ] {
            assert_eq!(lifetime(bad), None, "{bad}");
            assert_eq!(local_expiry(bad, None, now), now + FALLBACK_LIFETIME);
        }
    }

    #[test]
    fn the_lifetime_counts_from_arrival_whatever_the_clocks_say() {
        // Issued by a server whose clock is far from ours, either way: the
        // token still lives its 300 s from when it arrived here.
        let t = token(r#"{"iat":1700000000,"exp":1700000300}"#);
        assert_eq!(lifetime(&t), Some(Duration::from_secs(300)));
        for here in [1_600_000_000, 1_700_000_290, 1_800_000_000] {
            let received = UNIX_EPOCH + Duration::from_secs(here);
            assert_eq!(
                local_expiry(&t, None, received),
                received + Duration::from_secs(300)
            );
        }
        // An opaque token's stated lifetime, within bounds.
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(
            local_expiry("opaque", Some(2.0), now),
            now + Duration::from_secs(2)
        );
        assert_eq!(
            local_expiry("opaque", Some(1e12), now),
            now + FALLBACK_LIFETIME
        );
        let short = token(r#"{"iat":1700000000,"exp":1700000002}"#);
        assert_eq!(lifetime(&short), Some(Duration::from_secs(2)));
    }
}
