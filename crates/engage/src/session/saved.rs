//! What a profile keeps in the keychain to come back after a restart, and
//! the hosts and app it is bound to: a stored secret goes only where it was
//! issued.
//!
//! The bundle is JSON inside the vault's opaque secret. Version 2 records
//! the servers and client id; a version 1 bundle (no binding) is not used.

use std::time::SystemTime;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::clock::{from_unix_secs, unix_secs};
use crate::hosts::Hosts;
use crate::rc::RcTokens;
use crate::Error;

const VERSION: u32 = 2;

/// How the RingCentral side was signed in; it decides what renewal can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SignInMethod {
    Browser,
    Jwt,
    Token,
}

/// The servers and app registration a saved session was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub hosts: Hosts,
    pub client_id: String,
}

impl Binding {
    /// Refuses when the configured servers or app are not the ones the
    /// secrets belong to. Compared as parsed URLs, so `HTTPS://Host:443/`
    /// and `https://host` are the same server and nothing else is.
    pub fn check(&self, configured: &Binding) -> Result<(), Error> {
        if self == configured {
            return Ok(());
        }
        Err(Error::SettingsChanged {
            saved: self.describe(),
            configured: configured.describe(),
        })
    }

    /// "host and host (client ID x)", for messages.
    pub fn describe(&self) -> String {
        format!(
            "{} and {} (client ID {})",
            host_of(&self.hosts.rc),
            host_of(&self.hosts.ringcx),
            if self.client_id.is_empty() {
                "none"
            } else {
                self.client_id.as_str()
            }
        )
    }
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => url.to_string(),
    }
}

/// A profile's secrets and what they are bound to.
#[derive(Clone)]
pub struct Saved {
    pub method: SignInMethod,
    /// A random id made at sign-in and kept through every rotation: another
    /// process may adopt rotated tokens of the same sign-in, never those of
    /// a new one (which may be another user).
    pub origin: String,
    /// `None` for a bundle from before bindings were recorded.
    pub binding: Option<Binding>,
    pub rc: Option<RcTokens>,
    pub jwt: Option<SecretString>,
    pub client_secret: Option<SecretString>,
    pub ringcx_refresh: Option<SecretString>,
    /// The current RingCX access token, so another process renewing the same
    /// profile can use it instead of spending the refresh token again.
    pub ringcx_access: Option<(SecretString, SystemTime)>,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Saved")
            .field("method", &self.method)
            .field("binding", &self.binding)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct Bundle {
    #[serde(default)]
    v: u32,
    method: SignInMethod,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    rc_server: Option<String>,
    #[serde(default)]
    ringcx_server: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    rc_access: Option<String>,
    rc_access_expires: Option<u64>,
    rc_refresh: Option<String>,
    rc_refresh_expires: Option<u64>,
    rc_owner: Option<String>,
    jwt: Option<String>,
    client_secret: Option<String>,
    ringcx_refresh: Option<String>,
    #[serde(default)]
    ringcx_access: Option<String>,
    #[serde(default)]
    ringcx_access_expires: Option<u64>,
}

fn expose(s: &Option<SecretString>) -> Option<String> {
    s.as_ref().map(|s| s.expose_secret().to_string())
}

impl Saved {
    /// The bundle as the vault's opaque secret.
    pub fn to_secret(&self) -> SecretString {
        let bundle = Bundle {
            v: VERSION,
            method: self.method,
            origin: self.origin.clone(),
            rc_server: self.binding.as_ref().map(|b| b.hosts.rc.to_string()),
            ringcx_server: self.binding.as_ref().map(|b| b.hosts.ringcx.to_string()),
            client_id: self.binding.as_ref().map(|b| b.client_id.clone()),
            rc_access: self
                .rc
                .as_ref()
                .map(|t| t.access.expose_secret().to_string()),
            rc_access_expires: self.rc.as_ref().map(|t| unix_secs(t.access_expires_at)),
            rc_refresh: self.rc.as_ref().and_then(|t| expose(&t.refresh)),
            rc_refresh_expires: self
                .rc
                .as_ref()
                .and_then(|t| t.refresh_expires_at.map(unix_secs)),
            rc_owner: self.rc.as_ref().and_then(|t| t.owner_id.clone()),
            jwt: expose(&self.jwt),
            client_secret: expose(&self.client_secret),
            ringcx_refresh: expose(&self.ringcx_refresh),
            ringcx_access: self
                .ringcx_access
                .as_ref()
                .map(|(t, _)| t.expose_secret().to_string()),
            ringcx_access_expires: self.ringcx_access.as_ref().map(|(_, e)| unix_secs(*e)),
        };
        SecretString::from(serde_json::to_string(&bundle).expect("plain data"))
    }

    /// Reads a bundle back; anything that does not parse is a damaged entry.
    pub fn from_secret(secret: &SecretString) -> Result<Saved, Error> {
        let b: Bundle =
            serde_json::from_str(secret.expose_secret()).map_err(|_| Error::KeychainCorrupt)?;
        let binding = match (b.v >= VERSION, b.rc_server, b.ringcx_server, b.client_id) {
            (true, Some(rc), Some(cx), Some(client_id)) => Some(Binding {
                hosts: Hosts::parse(&rc, &cx).map_err(|_| Error::KeychainCorrupt)?,
                client_id,
            }),
            _ => None,
        };
        let rc = b.rc_access.map(|access| RcTokens {
            access: SecretString::from(access),
            access_expires_at: from_unix_secs(b.rc_access_expires.unwrap_or(0)),
            refresh: b.rc_refresh.map(SecretString::from),
            refresh_expires_at: b.rc_refresh_expires.map(from_unix_secs),
            owner_id: b.rc_owner,
        });
        Ok(Saved {
            method: b.method,
            origin: b.origin,
            binding,
            rc,
            jwt: b.jwt.map(SecretString::from),
            client_secret: b.client_secret.map(SecretString::from),
            ringcx_refresh: b.ringcx_refresh.map(SecretString::from),
            ringcx_access: b.ringcx_access.map(|t| {
                (
                    SecretString::from(t),
                    from_unix_secs(b.ringcx_access_expires.unwrap_or(0)),
                )
            }),
        })
    }

    /// True when `other` holds different rotating secrets than this one:
    /// another process renewed since this copy was read.
    pub fn rotated_since(&self, other: &Saved) -> bool {
        let text = |s: &Option<SecretString>| s.as_ref().map(|s| s.expose_secret().to_string());
        let rc_refresh = |s: &Saved| s.rc.as_ref().and_then(|t| text(&t.refresh));
        text(&self.ringcx_refresh) != text(&other.ringcx_refresh)
            || rc_refresh(self) != rc_refresh(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(rc: &str) -> Binding {
        Binding {
            hosts: Hosts::parse(rc, "https://ringcx.ringcentral.com").unwrap(),
            client_id: "app".into(),
        }
    }

    fn saved() -> Saved {
        Saved {
            method: SignInMethod::Jwt,
            origin: "o1".into(),
            binding: Some(binding("https://platform.ringcentral.com")),
            rc: Some(RcTokens {
                access: SecretString::from("rc-access".to_string()),
                access_expires_at: from_unix_secs(2_000_000_000),
                refresh: Some(SecretString::from("rc-refresh".to_string())),
                refresh_expires_at: Some(from_unix_secs(2_100_000_000)),
                owner_id: Some("222222".into()),
            }),
            jwt: Some(SecretString::from("jwt".to_string())),
            client_secret: Some(SecretString::from("secret".to_string())),
            ringcx_refresh: Some(SecretString::from("cx-refresh".to_string())),
            ringcx_access: Some((
                SecretString::from("cx-access".to_string()),
                from_unix_secs(2_000_000_300),
            )),
        }
    }

    #[test]
    fn round_trips_every_secret_and_the_binding() {
        let back = Saved::from_secret(&saved().to_secret()).unwrap();
        assert_eq!(back.method, SignInMethod::Jwt);
        assert_eq!(back.origin, "o1");
        assert_eq!(back.binding, saved().binding);
        let rc = back.rc.as_ref().unwrap();
        assert_eq!(rc.access.expose_secret(), "rc-access");
        assert_eq!(rc.refresh.as_ref().unwrap().expose_secret(), "rc-refresh");
        assert_eq!(rc.access_expires_at, from_unix_secs(2_000_000_000));
        assert_eq!(back.jwt.unwrap().expose_secret(), "jwt");
        assert_eq!(back.client_secret.unwrap().expose_secret(), "secret");
        assert_eq!(back.ringcx_refresh.unwrap().expose_secret(), "cx-refresh");
        let (access, exp) = back.ringcx_access.unwrap();
        assert_eq!(
            (access.expose_secret(), exp),
            ("cx-access", from_unix_secs(2_000_000_300))
        );
    }

    #[test]
    fn a_bundle_without_a_binding_is_read_as_unbound() {
        let old = SecretString::from(
            r#"{"method":"browser","rc_access":"a","rc_access_expires":1,"rc_refresh":"r","rc_refresh_expires":null,"rc_owner":null,"jwt":null,"client_secret":null,"ringcx_refresh":"x"}"#.to_string(),
        );
        let back = Saved::from_secret(&old).unwrap();
        assert!(back.binding.is_none());
        assert_eq!(back.ringcx_refresh.unwrap().expose_secret(), "x");
        let garbage = SecretString::from("{not json".to_string());
        assert_eq!(
            Saved::from_secret(&garbage).unwrap_err().code(),
            "keychain_corrupt"
        );
    }

    #[test]
    fn bindings_compare_normalized_urls() {
        let a = binding("https://platform.ringcentral.com");
        assert!(a
            .check(&binding("HTTPS://Platform.RingCentral.com:443/"))
            .is_ok());
        let e = a.check(&binding("https://evil.example")).unwrap_err();
        assert_eq!(e.code(), "settings_changed");
        let text = e.to_string();
        assert!(
            text.contains("platform.ringcentral.com") && text.contains("evil.example"),
            "{text}"
        );
        let mut other_app = binding("https://platform.ringcentral.com");
        other_app.client_id = "other".into();
        assert_eq!(a.check(&other_app).unwrap_err().code(), "settings_changed");
    }

    #[test]
    fn rotation_is_seen_on_either_refresh_token() {
        let a = saved();
        assert!(!a.rotated_since(&saved()));
        let mut b = saved();
        b.ringcx_refresh = Some(SecretString::from("cx-2".to_string()));
        assert!(a.rotated_since(&b));
        let mut c = saved();
        c.rc.as_mut().unwrap().refresh = Some(SecretString::from("rc-2".to_string()));
        assert!(a.rotated_since(&c));
    }

    #[test]
    fn debug_shows_no_secret() {
        let text = format!("{:?}", saved());
        // What a log reader needs is there; no secret is.
        assert!(
            text.contains("Jwt") && text.contains("platform.ringcentral.com"),
            "{text}"
        );
        for secret in [
            "rc-access",
            "rc-refresh",
            "cx-refresh",
            "cx-access",
            "\"jwt\"",
            "\"secret\"",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(!saved().to_secret().expose_secret().is_empty());
        assert!(!format!("{:?}", saved().to_secret()).contains("rc-access"));
    }
}
