//! Reads the expiry of a RingCX access token, which is a JWT.
//!
//! The signature is not checked: the server is the authority on its own
//! tokens; we only need `exp` to renew ahead of it, as the official agent
//! library does.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;

/// When RingCX tokens die if the token says nothing: the documented 5 minutes.
pub const FALLBACK_LIFETIME: Duration = Duration::from_secs(300);

/// The `exp` claim of a JWT as a time, if the token has one.
pub fn expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    if !(0.0..1e11).contains(&exp) {
        return None;
    }
    Some(UNIX_EPOCH + Duration::from_secs_f64(exp))
}

/// The expiry of a token received at `now`: its `exp`, or `now` + 5 minutes.
pub fn expiry_or_fallback(token: &str, now: SystemTime) -> SystemTime {
    expiry(token).unwrap_or(now + FALLBACK_LIFETIME)
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
        ] {
            assert_eq!(expiry(bad), None, "{bad}");
            assert_eq!(expiry_or_fallback(bad, now), now + FALLBACK_LIFETIME);
        }
    }
}
