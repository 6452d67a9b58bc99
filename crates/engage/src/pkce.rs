//! PKCE (RFC 7636) and the OAuth `state`, from the `oauth2` crate.

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use secrecy::SecretString;

/// A fresh verifier (kept secret) and its S256 challenge (sent in the URL).
pub struct Pkce {
    pub verifier: SecretString,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        Pkce {
            verifier: SecretString::from(verifier.secret().to_string()),
            challenge: challenge.as_str().to_string(),
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// The S256 challenge of a verifier.
pub fn challenge_for(verifier: &str) -> String {
    PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_string()))
        .as_str()
        .to_string()
}

/// A random `state` for one authorization request.
pub fn new_state() -> String {
    CsrfToken::new_random().secret().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(
            challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn fresh_pairs_match_and_differ() {
        let a = Pkce::new();
        let b = Pkce::new();
        assert!(a.verifier.expose_secret().len() >= 43);
        assert_eq!(challenge_for(a.verifier.expose_secret()), a.challenge);
        assert_ne!(a.challenge, b.challenge);
        assert_ne!(new_state(), new_state());
    }
}
