//! A RingCX API path that has been checked, and the only form of a path the
//! URL builder takes for a call that carries the bearer token.
//!
//! The check works on what the server will see, never on the raw string:
//! every segment is percent-decoded first, so `%2e%2e`, `.%2e`, `%2E%2E`,
//! `%252e` (encoded twice), `..;` (a matrix parameter that Java servers strip)
//! and `%5c` (a backslash some servers read as `/`) are all refused, whatever
//! their spelling. The checked segments are then re-encoded one by one when
//! the URL is built, so nothing the check did not see reaches the wire.

use std::fmt;

use percent_encoding::percent_decode_str;

use crate::Error;

/// The path families the console and the command line may call: RingCX's API
/// and the (docs-only) media API. `/api/auth/...` is the session's own.
const FAMILIES: &[[&str; 2]] = &[["voice", "api"], ["platform", "api"]];

/// Longest path accepted: paths are short; a huge one is a mistake or an
/// attack on whatever logs it.
const MAX_LEN: usize = 2048;

/// A path under `/voice/api/` or `/platform/api/`, decoded into segments that
/// are none of `.`, `..`, and hold no `/`, `\`, `;`, `?`, `#`, `%` or control
/// character. Only [`ApiPath::parse`] makes one.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiPath {
    segments: Vec<String>,
}

impl ApiPath {
    /// Checks a path as a user or the catalogue wrote it.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let refuse = |reason: &'static str| Error::InvalidApiPath {
            path: raw.chars().take(200).collect(),
            reason,
        };
        if raw.len() > MAX_LEN {
            return Err(refuse("it is too long"));
        }
        let Some(rest) = raw.strip_prefix('/') else {
            return Err(refuse("it must start with /"));
        };
        if let Some(c) = raw.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(refuse(if c.is_whitespace() {
                "it contains a space; encode it as %20"
            } else {
                "it contains a character that must be percent-encoded"
            }));
        }
        if raw.contains(['?', '#']) {
            return Err(refuse(
                "it contains ? or #; give query parameters separately",
            ));
        }
        let raw_segments: Vec<&str> = rest.split('/').collect();
        let last = raw_segments.len() - 1;
        let mut segments = Vec::with_capacity(raw_segments.len());
        for (i, seg) in raw_segments.into_iter().enumerate() {
            // A trailing slash is kept (some operations are spelled with
            // one); an empty segment anywhere else is not a path.
            if seg.is_empty() && i != last {
                return Err(refuse("it contains an empty segment (//)"));
            }
            segments.push(decode_segment(seg).map_err(refuse)?);
        }
        let family = FAMILIES
            .iter()
            .any(|f| segments.len() > 2 && segments[..2] == f[..] && !segments[2].is_empty());
        if !family {
            return Err(refuse(
                if segments
                    .first()
                    .is_some_and(|s| s.eq_ignore_ascii_case("api"))
                {
                    "the sign-in endpoints under /api/ are Engage Desk's own"
                } else {
                    "it is not under /voice/api/ or /platform/api/"
                },
            ));
        }
        Ok(ApiPath { segments })
    }

    /// The decoded segments, in order.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map(String::as_str)
    }
}

/// Decodes one segment and refuses what could move the path elsewhere.
fn decode_segment(raw: &str) -> Result<String, &'static str> {
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "it has an encoded byte that is not UTF-8")?;
    if decoded.contains('%') {
        // Either encoded twice (`%252e`) or a stray `%`: a server that
        // decodes again would see something other than what was checked.
        return Err("it is percent-encoded twice or has a stray %");
    }
    if decoded.contains(['/', '\\']) {
        return Err("a segment contains an encoded / or \\");
    }
    if decoded.contains(';') {
        return Err("it contains ; (a matrix parameter some servers strip)");
    }
    if decoded.contains(['?', '#']) {
        return Err("a segment contains an encoded ? or #");
    }
    if decoded.chars().any(char::is_control) {
        return Err("a segment contains a control character");
    }
    // `.`, `..`, and the spellings that some servers trim to them (`.. `,
    // `...`).
    if !decoded.is_empty() && decoded.chars().all(|c| c == '.' || c == ' ') {
        return Err("it contains a . or .. segment");
    }
    if decoded.chars().any(is_lookalike) {
        return Err("it contains a look-alike of . / or \\");
    }
    Ok(decoded.into_owned())
}

/// Unicode characters that some servers normalize (NFKC) to `.`, `/` or `\`.
fn is_lookalike(c: char) -> bool {
    matches!(
        c,
        '\u{2024}' | '\u{FE52}' | '\u{FF0E}' // one dot leader, small and full-width full stop
            | '\u{2025}' // two dot leader
            | '\u{2215}' | '\u{2044}' | '\u{FF0F}' // division slash, fraction slash, full-width solidus
            | '\u{FE68}' | '\u{FF3C}' | '\u{2216}' // small and full-width reverse solidus, set minus
    )
}

impl fmt::Display for ApiPath {
    /// The decoded path, for messages and history (never sent as is: the
    /// URL builder re-encodes each segment).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            write!(f, "/{s}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiPath({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(raw: &str) -> String {
        match ApiPath::parse(raw) {
            Ok(p) => panic!("{raw:?} was accepted as {p}"),
            Err(e) => {
                assert_eq!(e.code(), "invalid_api_path", "{raw}");
                e.to_string()
            }
        }
    }

    #[test]
    fn plain_paths_pass_and_keep_their_segments() {
        let p = ApiPath::parse("/voice/api/v1/admin/accounts/15300001/agentGroups").unwrap();
        assert_eq!(
            p.segments().collect::<Vec<_>>(),
            [
                "voice",
                "api",
                "v1",
                "admin",
                "accounts",
                "15300001",
                "agentGroups"
            ]
        );
        assert_eq!(
            p.to_string(),
            "/voice/api/v1/admin/accounts/15300001/agentGroups"
        );
        assert!(ApiPath::parse("/platform/api/media/product").is_ok());
        // An encoded character that cannot move the path is decoded once.
        let p = ApiPath::parse("/voice/api/v1/x/a%20b").unwrap();
        assert_eq!(p.segments().last(), Some("a b"));
        let p = ApiPath::parse("/voice/api/v1/admin/accounts/").unwrap();
        assert_eq!(p.segments().last(), Some(""));
    }

    #[test]
    fn every_spelling_of_dot_dot_is_refused() {
        for bad in [
            "/voice/api/../../api/auth/login",
            "/voice/api/%2e%2e/%2e%2e/api/auth/login",
            "/voice/api/%2E%2E/%2E%2E/api/auth/login",
            "/voice/api/.%2e/.%2e/api/auth/login",
            "/voice/api/%2e./%2e./api/auth/login",
            "/voice/api/.%2E/%2E./api/auth/login",
            "/voice/api/%252e%252e/%252e%252e/api/auth/login",
            "/voice/api/%25252e%25252e/api/auth/login",
            "/voice/api/..;/..;/api/auth/login",
            "/voice/api/%2e%2e%3b/api/auth/login",
            "/voice/api/v1/..%2f..%2f..%2fapi/auth/login",
            "/voice/api/v1/..%2F..%2Fapi/auth/login",
            "/voice/api/v1/..%5c..%5capi/auth/login",
            "/voice/api/v1/..\\..\\api/auth/login",
            "/voice/api/v1/%5C/x",
            "/voice/api/./v1",
            "/voice/api/v1/%2e",
            "/voice/api/v1/...",
            "/voice/api/v1/..%20",
            "/voice/api/v1/%ef%bc%8e%ef%bc%8e/x",
            "/voice/api/v1/a%00b",
            "/voice/api/v1/a%0d%0aHost:x",
            "/voice/api/v1;x=1/admin",
            "/voice/api/v1/%3f",
            "/voice/api/v1/%23",
            "/voice/api/v1/%",
            "/voice/api/v1/%zz",
            "/voice/api/v1/%ff",
        ] {
            refused(bad);
        }
    }

    #[test]
    fn auth_and_other_families_are_refused_with_the_reason() {
        let e = refused("/api/auth/login");
        assert!(e.contains("Engage Desk's own"), "{e}");
        let e = refused("/API/auth/token/refresh");
        assert!(e.contains("Engage Desk's own"), "{e}");
        for bad in [
            "/voice/api",
            "/voice/api/",
            "/Voice/api/v1",
            "/voice/apis/v1",
            "/restapi/v1.0/account/~",
            "voice/api/v1",
            "https://evil.example/voice/api/v1",
            "//evil.example/voice/api/v1",
            "/voice//api/v1",
            "/voice/api/v1//x",
            "/voice/api/v1/x?token=1",
            "/voice/api/v1/x#frag",
            "/voice/api/v1/ x",
            "/voice/api/v1/\u{FF0E}\u{FF0E}",
            "",
        ] {
            refused(bad);
        }
        refused(&format!("/voice/api/{}", "a".repeat(MAX_LEN)));
    }

    #[test]
    fn debug_and_display_show_the_decoded_path() {
        let p = ApiPath::parse("/voice/api/v1/a%2Db").unwrap();
        assert_eq!(format!("{p:?}"), "ApiPath(/voice/api/v1/a-b)");
    }
}
