//! HTTP for both services: one client, bounded bodies, and the mapping of
//! transport failures to errors that never quote a URL (RingCX's logout puts
//! a refresh token in the path).

use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::RequestBuilder;

use crate::error::Service;
use crate::Error;

/// Auth answers are small; anything bigger is not what we asked for.
pub const AUTH_BODY_LIMIT: usize = 1_000_000;
/// API answers can be large: the users list has no paging.
pub const API_BODY_LIMIT: usize = 256_000_000;
/// The most of an answer the core parses into a document for a caller (a
/// view, the command line): bigger answers are for saving to a file.
pub const DOCUMENT_LIMIT: usize = 16_000_000;

/// The most of one answer the console holds, to show its first megabyte
/// and save the whole of it.
pub const CONSOLE_LIMIT: usize = 64_000_000;

/// The longest answer the console saves (spilled to a file past
/// [`CONSOLE_LIMIT`]).
pub const SPILL_LIMIT: u64 = 4_000_000_000;

/// How much of a spilled answer stays in memory: enough to show its first
/// megabyte, and a few bytes more, so that a character cut at the megabyte
/// is seen as cut rather than as bytes that are not text.
pub const SPILL_HEAD: usize = 1_000_004;

/// Where an answer's body goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// In memory, at most this many bytes; a longer answer is an error.
    Memory(usize),
    /// In memory up to `memory` bytes; a longer answer goes whole to a
    /// temporary file in `dir` (deleted when the last reply holding it
    /// goes), at most `max` bytes, and the reply keeps its first
    /// [`SPILL_HEAD`] bytes in `body`.
    Spill {
        memory: usize,
        dir: std::path::PathBuf,
        max: u64,
    },
}

impl From<usize> for Keep {
    fn from(limit: usize) -> Keep {
        Keep::Memory(limit)
    }
}

/// An answer too long for memory, on disk.
#[derive(Debug, Clone)]
pub struct Spilled {
    pub file: std::sync::Arc<tempfile::NamedTempFile>,
    /// The whole answer's length.
    pub len: u64,
}

/// A response read in full, within a limit. Its body may carry tokens, so
/// its `Debug` shows only the status, the content type and the size.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    /// The answer; only its start when it was spilled to a file.
    pub body: Vec<u8>,
    /// When the last byte of the body arrived (before any parsing).
    pub received_at: std::time::SystemTime,
    /// The whole answer, when it was longer than memory may hold.
    pub spilled: Option<Spilled>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// How long `Retry-After` asks to wait, in either of its forms; 30 s
    /// when absent or unreadable, as RingCentral asks. Callers never wait
    /// less than their own back-off, so a `0` cannot make them spin.
    pub fn retry_after(&self) -> Duration {
        self.headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()))
            .unwrap_or(DEFAULT_RETRY_AFTER)
            .min(MAX_RETRY_AFTER)
    }

    /// Parses the body as JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self, service: Service) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|_| Error::BadResponse {
            service,
            status: self.status,
            what: if looks_like_html(&self.body) {
                "an HTML page instead of JSON"
            } else if serde_json::from_slice::<serde_json::Value>(&self.body).is_ok() {
                "JSON of an unexpected shape"
            } else {
                "not JSON"
            },
        })
    }
}

/// The wait when a 429 names none.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(30);
/// No server is waited on for longer than this at a time.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 10.2.3),
/// measured from `now`; a date already past is no wait.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// A token request (exchange, refresh, RingCentral's token endpoint) that
/// has no answer by then is given up: well inside the minute before a
/// RingCX token expires, so the ladder's next step or a retry still has time.
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(15);

/// The shared HTTP client.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    auth_timeout: Duration,
}

impl Http {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .user_agent(concat!("EngageDesk/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            // Never follow a redirect with a bearer token to another place.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the HTTP client's static settings are valid");
        Http {
            client,
            auth_timeout: AUTH_TIMEOUT,
        }
    }

    /// The same client with another limit for token requests (tests use a
    /// short one against a server that never answers).
    pub fn with_auth_timeout(mut self, timeout: Duration) -> Self {
        self.auth_timeout = timeout;
        self
    }

    /// Sends a token request: small answer, short timeout.
    pub async fn send_auth(
        &self,
        service: Service,
        request: RequestBuilder,
    ) -> Result<Reply, Error> {
        self.send(service, request.timeout(self.auth_timeout), AUTH_BODY_LIMIT)
            .await
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request and reads the answer as `keep` says.
    pub async fn send(
        &self,
        service: Service,
        request: RequestBuilder,
        keep: impl Into<Keep>,
    ) -> Result<Reply, Error> {
        let keep = keep.into();
        let request = request.build().map_err(|e| transport(service, "?", &e))?;
        let host = request
            .url()
            .host_str()
            .map(|h| match request.url().port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
            .unwrap_or_default();
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| transport(service, &host, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let (memory, most) = match &keep {
            Keep::Memory(n) => (*n, *n as u64),
            Keep::Spill { memory, max, .. } => (*memory, *max),
        };
        let too_large = || Error::TooLarge {
            service,
            limit: usize::try_from(most).unwrap_or(usize::MAX),
        };
        if response.content_length().is_some_and(|n| n > most) {
            return Err(too_large());
        }
        // Sized once from the length the server gave (never past what may be
        // kept in memory): growing a 5 MB body from nothing copies it about
        // ten times over.
        let mut body = Vec::with_capacity(
            response
                .content_length()
                .map_or(0, |n| n.min(memory as u64) as usize),
        );
        let mut spill: Option<(tempfile::NamedTempFile, u64)> = None;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport(service, &host, &e))?
        {
            if spill.is_none() && body.len() + chunk.len() > memory {
                let Keep::Spill { dir, .. } = &keep else {
                    return Err(too_large());
                };
                let mut file = spill_file(dir)?;
                write_spill(&mut file, &body, dir)?;
                spill = Some((file, body.len() as u64));
                body.truncate(SPILL_HEAD);
                body.shrink_to_fit();
            }
            match spill.as_mut() {
                Some((file, len)) => {
                    *len += chunk.len() as u64;
                    if *len > most {
                        return Err(too_large());
                    }
                    let Keep::Spill { dir, .. } = &keep else {
                        unreachable!("only a spilling read has a file")
                    };
                    write_spill(file, &chunk, dir)?;
                }
                None => body.extend_from_slice(&chunk),
            }
        }
        let spilled = match spill {
            Some((file, len)) => {
                use std::io::Write;
                let mut f = file.as_file();
                f.flush().map_err(|e| Error::FileUnwritable {
                    path: file.path().display().to_string(),
                    reason: e.kind().to_string(),
                })?;
                Some(Spilled {
                    file: std::sync::Arc::new(file),
                    len,
                })
            }
            None => None,
        };
        Ok(Reply {
            status,
            headers,
            body,
            received_at: std::time::SystemTime::now(),
            spilled,
        })
    }
}

/// A temporary file for an answer too long for memory: private to this
/// user (tempfile makes it 0600), removed when dropped.
fn spill_file(dir: &std::path::Path) -> Result<tempfile::NamedTempFile, Error> {
    let unwritable = |e: std::io::Error| Error::FileUnwritable {
        path: dir.display().to_string(),
        reason: e.kind().to_string(),
    };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    tempfile::Builder::new()
        .prefix("answer-")
        .tempfile_in(dir)
        .map_err(unwritable)
}

// The chunks are small (tens of KB) and go to the page cache: written
// in place rather than handed to a blocking thread one by one.
fn write_spill(
    file: &mut tempfile::NamedTempFile,
    bytes: &[u8],
    dir: &std::path::Path,
) -> Result<(), Error> {
    use std::io::Write;
    file.write_all(bytes).map_err(|e| Error::FileUnwritable {
        path: dir.display().to_string(),
        reason: e.kind().to_string(),
    })
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

fn transport(service: Service, host: &str, e: &reqwest::Error) -> Error {
    // Only a fixed phrase: reqwest's own text includes the URL.
    let cause = if e.is_timeout() {
        "the request timed out"
    } else if is_untrusted_certificate(e) {
        "its certificate is not trusted by this computer (behind a company proxy, install the proxy's certificate in the system's trusted certificates)"
    } else if e.is_connect() {
        "the connection was refused or the host is unknown"
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer"
    } else if e.is_builder() {
        "the address is not usable"
    } else {
        "the connection failed"
    };
    Error::Network {
        service,
        host: host.to_string(),
        cause,
    }
}

/// Whether TLS refused the server's certificate, anywhere in the chain
/// (an `io::Error` hides what it wraps from `source`, so it is opened).
fn is_untrusted_certificate(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(rustls::Error::InvalidCertificate(_)) = err.downcast_ref::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if is_untrusted_certificate(inner) {
                return true;
            }
        }
        next = err.source();
    }
    false
}

/// True when a body is an HTML page (a proxy's or load balancer's error page).
pub fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body")
}

/// What an error body says, from whichever of the three families it is:
/// RingCentral `{errors:[{errorCode,message}]}` (with OAuth's `error`,
/// `error_description`), RingCX `{errorCode, generalMessage}`, the spec's
/// `{generalMessage, details, validationErrors}`; or plain text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// `OAU-109`, `access.denied.exception`, …
    pub code: Option<String>,
    /// OAuth's `error` (`invalid_grant`, `invalid_client`…).
    pub oauth_error: Option<String>,
    /// A short human text, at most 200 characters.
    pub message: Option<String>,
}

impl ServerError {
    pub fn parse(reply: &Reply) -> Self {
        if reply.body.is_empty() || looks_like_html(&reply.body) {
            return ServerError::default();
        }
        match serde_json::from_slice::<serde_json::Value>(&reply.body) {
            Ok(serde_json::Value::Object(o)) => {
                let text = |k: &str| o.get(k).and_then(|v| v.as_str()).map(short);
                let first = o
                    .get("errors")
                    .and_then(|e| e.as_array())
                    .and_then(|a| a.first());
                let first_text = |k: &str| {
                    first
                        .and_then(|f| f.get(k))
                        .and_then(|v| v.as_str())
                        .map(short)
                };
                let validation = o
                    .get("validationErrors")
                    .and_then(|e| e.as_array())
                    .and_then(|a| a.first())
                    .map(|v| {
                        let attr = v
                            .get("attributeName")
                            .and_then(|x| x.as_str())
                            .unwrap_or("");
                        let msg = v.get("message").and_then(|x| x.as_str()).unwrap_or("");
                        short(format!("{attr} {msg}").trim())
                    });
                ServerError {
                    code: first_text("errorCode").or_else(|| text("errorCode")),
                    oauth_error: text("error"),
                    message: first_text("message")
                        .or_else(|| text("error_description"))
                        .or_else(|| text("generalMessage"))
                        .or(validation)
                        .or_else(|| text("message"))
                        .or_else(|| text("details")),
                }
            }
            Ok(_) => ServerError::default(),
            Err(_) => {
                let text = String::from_utf8_lossy(&reply.body);
                let text = text.trim();
                ServerError {
                    message: (!text.is_empty()).then(|| short(text)),
                    ..Default::default()
                }
            }
        }
    }
}

fn short(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, ct: &str, body: &str) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, ct.parse().unwrap());
        Reply {
            status,
            headers,
            body: body.as_bytes().to_vec(),
            received_at: std::time::SystemTime::now(),
            spilled: None,
        }
    }

    #[test]
    fn parses_ringcentral_oauth_errors() {
        let r = reply(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"Redirect URIs do not match","errors":[{"errorCode":"OAU-109","message":"Redirect URIs do not match"}]}"#,
        );
        let e = ServerError::parse(&r);
        assert_eq!(e.code.as_deref(), Some("OAU-109"));
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
        assert_eq!(e.message.as_deref(), Some("Redirect URIs do not match"));
    }

    #[test]
    fn parses_ringcx_access_denied() {
        let r = reply(
            403,
            "application/json",
            r#"{"errorCode":"access.denied.exception","generalMessage":"You do not have permission to access this resource","timestamp":1611847650696}"#,
        );
        let e = ServerError::parse(&r);
        assert_eq!(e.code.as_deref(), Some("access.denied.exception"));
        assert_eq!(
            e.message.as_deref(),
            Some("You do not have permission to access this resource")
        );
    }

    #[test]
    fn parses_spec_errors_with_validation() {
        let r = reply(
            400,
            "application/json",
            r#"{"details":null,"requestUri":"/x","timestamp":1,"validationErrors":[{"attributeName":"maxRows","message":"must be positive","value":"-1"}]}"#,
        );
        assert_eq!(
            ServerError::parse(&r).message.as_deref(),
            Some("maxRows must be positive")
        );
    }

    #[test]
    fn plain_text_html_and_empty() {
        let e = ServerError::parse(&reply(401, "text/plain", "Jwt is expired"));
        assert_eq!(e.message.as_deref(), Some("Jwt is expired"));
        let e = ServerError::parse(&reply(
            502,
            "text/html",
            "<!DOCTYPE html><html><body>Bad gateway</body></html>",
        ));
        assert_eq!(e, ServerError::default());
        assert_eq!(
            ServerError::parse(&reply(500, "", "")),
            ServerError::default()
        );
        let long = "x".repeat(5000);
        let e = ServerError::parse(&reply(500, "text/plain", &long));
        assert!(e.message.unwrap().chars().count() <= 201);
    }

    #[test]
    fn json_names_what_was_wrong() {
        let html = reply(200, "text/html", "<html><body>login</body></html>");
        let e = html.json::<serde_json::Value>(Service::RingCx).unwrap_err();
        assert!(e.to_string().contains("HTML page"), "{e}");
        let text = reply(200, "application/json", "hello");
        let e = text.json::<serde_json::Value>(Service::RingCx).unwrap_err();
        assert!(e.to_string().contains("not JSON"), "{e}");
    }

    #[test]
    fn debug_never_prints_the_body_or_headers() {
        let mut r = reply(
            200,
            "application/json",
            r#"{"accessToken":"eyJ-secret-access","refreshToken":"secret-refresh"}"#,
        );
        r.headers
            .insert("set-cookie", "session=secret-cookie".parse().unwrap());
        let printed = format!("{r:?}");
        assert!(
            printed.contains("200") && printed.contains("body_bytes"),
            "{printed}"
        );
        for secret in ["secret-access", "secret-refresh", "secret-cookie"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn retry_after_defaults_to_thirty_seconds() {
        let mut r = reply(429, "application/json", "{}");
        assert_eq!(r.retry_after(), Duration::from_secs(30));
        r.headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(r.retry_after(), Duration::from_secs(7));
        r.headers.insert(RETRY_AFTER, "0".parse().unwrap());
        assert_eq!(r.retry_after(), Duration::ZERO);
        r.headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(r.retry_after(), Duration::from_secs(30));
        r.headers.insert(RETRY_AFTER, "99999999".parse().unwrap());
        assert_eq!(r.retry_after(), MAX_RETRY_AFTER);
    }

    #[test]
    fn retry_after_reads_http_dates() {
        let now = httpdate::parse_http_date("Thu, 03 Dec 2026 06:00:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Thu, 03 Dec 2026 06:01:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        // A date in the past: no wait (the caller's back-off still applies).
        assert_eq!(
            parse_retry_after("Thu, 03 Dec 2026 05:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after(" 12 ", now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("tomorrow", now), None);
    }
}
