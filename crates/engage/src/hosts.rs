//! The two servers a profile talks to: the RingCentral platform and RingCX.
//!
//! Nothing else is hard-coded. HTTPS is required, except on loopback, which
//! the tests and `make demo` use: a token must never travel in clear text
//! over a network.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::api_path::ApiPath;
use crate::Error;

/// A named pair of servers users can pick instead of typing URLs.
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
pub struct Preset {
    pub id: &'static str,
    pub label: &'static str,
    pub rc: &'static str,
    pub ringcx: &'static str,
}

/// The server presets from the reference: current RingCX, the Engage Voice
/// host of the official SDKs, and the .biz partner platform.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "ringcx",
        label: "RingCX",
        rc: "https://platform.ringcentral.com",
        ringcx: "https://ringcx.ringcentral.com",
    },
    Preset {
        id: "engage",
        label: "Engage Voice",
        rc: "https://platform.ringcentral.com",
        ringcx: "https://engage.ringcentral.com",
    },
    Preset {
        id: "biz",
        label: "RingCentral partner (.biz)",
        rc: "https://platform.ringcentral.biz",
        ringcx: "https://ringcx.ringcentral.com",
    },
];

/// A validated server pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hosts {
    pub rc: Url,
    pub ringcx: Url,
}

impl Hosts {
    /// Validates both addresses.
    pub fn parse(rc: &str, ringcx: &str) -> Result<Self, Error> {
        Ok(Hosts {
            rc: parse_server("RingCentral server", rc)?,
            ringcx: parse_server("RingCX server", ringcx)?,
        })
    }

    /// The first preset (current RingCX on the main platform).
    pub fn default_preset() -> Self {
        let p = PRESETS[0];
        Hosts::parse(p.rc, p.ringcx).expect("presets are valid")
    }

    /// `{base}{path}` for one of the core's own fixed endpoints, keeping any
    /// path prefix of the configured base. Only constants: a path from
    /// outside goes through [`Hosts::api_url`].
    pub fn rc_url(&self, path: &'static str) -> Url {
        join(&self.rc, path)
    }

    /// Like [`Hosts::rc_url`], on the RingCX server.
    pub fn ringcx_url(&self, path: &'static str) -> Url {
        join(&self.ringcx, path)
    }

    /// The URL of a checked API path on the RingCX server: each decoded
    /// segment is encoded again on its own, so the path the server sees is
    /// the one that was checked.
    pub fn api_url(&self, path: &ApiPath) -> Url {
        let mut url = self.ringcx.clone();
        url.set_query(None);
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty();
            for s in path.segments() {
                segments.push(s);
            }
        }
        url
    }
}

fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    url
}

/// Parses a server address typed by the user: scheme and host only (a path
/// prefix is kept), HTTPS unless it is a loopback address.
pub fn parse_server(what: &'static str, input: &str) -> Result<Url, Error> {
    let invalid = |reason| Error::InvalidUrl {
        what,
        value: input.chars().take(200).collect(),
        reason,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    let url = Url::parse(trimmed).map_err(|_| invalid("it is not a URL"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("it must start with https://"));
    }
    let host = url.host().ok_or_else(|| invalid("it has no host name"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain a user name or password"));
    }
    if url.scheme() == "http" && !is_loopback(&host) {
        return Err(invalid("it must use https:// (plain http is only allowed for this computer, 127.0.0.1 or localhost)"));
    }
    Ok(url)
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_default_is_ringcx() {
        for p in PRESETS {
            Hosts::parse(p.rc, p.ringcx).unwrap();
        }
        let d = Hosts::default_preset();
        assert_eq!(d.ringcx.as_str(), "https://ringcx.ringcentral.com/");
    }

    #[test]
    fn https_is_required_except_on_loopback() {
        assert!(parse_server("x", "https://engage.ringcentral.com").is_ok());
        assert!(parse_server("x", "http://127.0.0.1:8080").is_ok());
        assert!(parse_server("x", "http://localhost:8080").is_ok());
        assert!(parse_server("x", "http://[::1]:8080").is_ok());
        let e = parse_server("RingCX server", "http://engage.ringcentral.com").unwrap_err();
        assert_eq!(e.code(), "invalid_url");
        assert!(e.to_string().contains("https://"), "{e}");
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        for bad in [
            "",
            "   ",
            "engage",
            "ftp://x.y",
            "https://u:p@x.y",
            "https://x.y/?a=1",
            "file:///etc",
        ] {
            let e = parse_server("RingCX server", bad).unwrap_err();
            assert_eq!(e.code(), "invalid_url", "{bad}");
        }
    }

    #[test]
    fn urls_join_paths_and_keep_prefixes() {
        let h = Hosts::parse("https://rc.example.com", "http://127.0.0.1:9/prefix/").unwrap();
        assert_eq!(
            h.rc_url("/restapi/oauth/token").as_str(),
            "https://rc.example.com/restapi/oauth/token"
        );
        assert_eq!(
            h.ringcx_url("/api/auth/token/refresh").as_str(),
            "http://127.0.0.1:9/prefix/api/auth/token/refresh"
        );
    }

    #[test]
    fn api_urls_carry_exactly_the_checked_segments() {
        let h = Hosts::parse("https://rc.example.com", "http://127.0.0.1:9/prefix/").unwrap();
        let p = ApiPath::parse("/voice/api/v1/admin/accounts/12/x%20y").unwrap();
        assert_eq!(
            h.api_url(&p).as_str(),
            "http://127.0.0.1:9/prefix/voice/api/v1/admin/accounts/12/x%20y"
        );
        let h = Hosts::parse("https://rc.example.com", "https://cx.example.com").unwrap();
        let p = ApiPath::parse("/voice/api/v1/a%40b/").unwrap();
        let url = h.api_url(&p);
        assert_eq!(url.as_str(), "https://cx.example.com/voice/api/v1/a@b/");
        assert_eq!(url.host_str(), Some("cx.example.com"));
    }
}
