//! RingCX: the token exchange, its renewal, session calls and the API.

use std::time::SystemTime;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::api_path::ApiPath;
use crate::error::Service;
use crate::hosts::Hosts;
use crate::http::{Http, Reply, ServerError};
use crate::model::{TokenPart, UserDetails};
use crate::Error;

/// A RingCX access token with its expiry, and the rotating refresh token.
#[derive(Debug, Clone)]
pub struct CxTokens {
    pub access: SecretString,
    pub access_expires_at: SystemTime,
    pub refresh: Option<SecretString>,
}

/// What an exchange or a renewal returns.
#[derive(Debug, Clone)]
pub struct CxLogin {
    pub tokens: CxTokens,
    pub details: UserDetails,
}

/// An API answer: status and body (JSON when it parses, else text).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

/// A RingCX client for one server.
#[derive(Debug, Clone)]
pub struct RingCx {
    http: Http,
    hosts: Hosts,
}

impl RingCx {
    pub fn new(http: Http, hosts: Hosts) -> Self {
        RingCx { http, hosts }
    }

    /// Exchanges a RingCentral access token for a RingCX session. The token
    /// goes in the form body, never the URL, so it stays out of server logs.
    pub async fn exchange(&self, rc_access: &SecretString) -> Result<CxLogin, Error> {
        let mut url = self.hosts.ringcx_url("/api/auth/login/rc/accesstoken");
        url.query_pairs_mut().append_pair("includeRefresh", "true");
        let request = self.http.client().post(url).form(&[
            ("rcAccessToken", rc_access.expose_secret()),
            ("rcTokenType", "Bearer"),
        ]);
        let reply = self.http.send_auth(Service::RingCx, request).await?;
        if !reply.is_success() {
            return Err(exchange_error(&reply));
        }
        login_from(&reply)
    }

    /// Renews with the rotating RingCX refresh token.
    pub async fn refresh(&self, refresh: &SecretString) -> Result<CxLogin, Error> {
        let request = self
            .http
            .client()
            .post(self.hosts.ringcx_url("/api/auth/token/refresh"))
            .form(&[
                ("refresh_token", refresh.expose_secret()),
                ("rcTokenType", "Bearer"),
            ]);
        let reply = self.http.send_auth(Service::RingCx, request).await?;
        if !reply.is_success() {
            return Err(match api_error(&reply) {
                Error::Rejected { message, .. } if (400..500).contains(&reply.status) => {
                    Error::SessionEnded { reason: message }
                }
                e => e,
            });
        }
        login_from(&reply)
    }

    /// Ends the RingCX session.
    pub async fn logout(&self, refresh: &SecretString) -> Result<(), Error> {
        let mut url = self.hosts.ringcx_url("/api/auth/logout/");
        url.path_segments_mut()
            .map_err(|_| Error::NotSignedIn)?
            .pop_if_empty()
            .push(refresh.expose_secret());
        let request = self.http.client().delete(url);
        let reply = self.http.send_auth(Service::RingCx, request).await?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(api_error(&reply))
        }
    }

    /// Calls a checked RingCX API path: the only way the bearer token goes
    /// to a path that came from outside the core.
    pub async fn call(
        &self,
        access: &SecretString,
        method: &str,
        path: &ApiPath,
        query: &[(String, String)],
        body: Option<&Payload>,
        keep: impl Into<crate::http::Keep>,
    ) -> Result<Reply, Error> {
        let method = parse_method(method)?;
        let mut request = self
            .http
            .client()
            .request(method, self.hosts.api_url(path))
            .bearer_auth(access.expose_secret())
            .header(reqwest::header::ACCEPT, "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        match body {
            Some(Payload::Json(v)) => request = request.json(v),
            // Built again for each send (a renewal may send it twice).
            Some(Payload::File(f)) => {
                let part = reqwest::multipart::Part::bytes(f.bytes.clone())
                    .file_name(f.file_name.clone())
                    .mime_str(&f.mime)
                    .map_err(|_| Error::InvalidBody {
                        reason: format!("{} is not a content type", f.mime),
                    })?;
                request =
                    request.multipart(reqwest::multipart::Form::new().part(f.field.clone(), part));
            }
            None => {}
        }
        self.http.send(Service::RingCx, request, keep).await
    }
}

/// What a request carries.
#[derive(Clone, PartialEq)]
pub enum Payload {
    Json(Value),
    /// One file as `multipart/form-data`, as every upload of the API takes.
    File(FilePart),
}

/// A file read in Rust for an upload; the window never holds its bytes.
#[derive(Clone, PartialEq)]
pub struct FilePart {
    pub field: String,
    pub file_name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Payload::Json(_) => f.write_str("Payload::Json(..)"),
            Payload::File(p) => {
                write!(f, "Payload::File({}, {} bytes)", p.file_name, p.bytes.len())
            }
        }
    }
}

/// Reads an exchange or refresh answer: the tokens and the user details.
pub fn login_from(reply: &Reply) -> Result<CxLogin, Error> {
    let tokens: TokenPart = reply.json(Service::RingCx)?;
    let details: UserDetails = reply.json(Service::RingCx)?;
    let access = tokens
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or(Error::BadResponse {
            service: Service::RingCx,
            status: reply.status,
            what: "an answer without an access token",
        })?;
    Ok(CxLogin {
        tokens: CxTokens {
            access_expires_at: crate::jwt::local_expiry(
                &access,
                tokens.expires_in.as_ref().and_then(Value::as_f64),
                reply.received_at,
            ),
            access: SecretString::from(access),
            refresh: tokens
                .refresh_token
                .filter(|t| !t.is_empty())
                .map(SecretString::from),
        },
        details,
    })
}

fn exchange_error(reply: &Reply) -> Error {
    match api_error(reply) {
        Error::Rejected { message, .. } | Error::Forbidden { message } if reply.status < 500 => {
            Error::ExchangeRejected {
                status: reply.status,
                message,
            }
        }
        e => e,
    }
}

/// True when a failed API answer means the access token has expired: a 401,
/// or the documented plain-text `Jwt is expired`. Other bodies that say
/// "expired" ("Campaign expired") are about the request, not the token.
pub fn is_expired(reply: &Reply) -> bool {
    reply.status == 401
        || (!reply.is_success()
            && reply.body.len() < 64
            && String::from_utf8_lossy(&reply.body)
                .trim()
                .eq_ignore_ascii_case("Jwt is expired"))
}

/// Methods that may be sent again by themselves after a renewal (RFC 9110
/// 9.2.2); a POST or PATCH could act twice.
pub fn is_idempotent(method: &str) -> bool {
    parse_method(method).is_ok_and(|m| m.is_idempotent())
}

/// Maps a failed RingCX answer to an error.
pub fn api_error(reply: &Reply) -> Error {
    let status = reply.status;
    let e = ServerError::parse(reply);
    match status {
        429 => Error::RateLimited {
            service: Service::RingCx,
            retry_after: reply.retry_after(),
        },
        403 => Error::Forbidden { message: e.message },
        s if s >= 500 => Error::ServerError {
            service: Service::RingCx,
            status,
            message: e.message,
        },
        _ if e.message.is_none()
            && e.code.is_none()
            && crate::http::looks_like_html(&reply.body) =>
        {
            Error::BadResponse {
                service: Service::RingCx,
                status,
                what: "an HTML page",
            }
        }
        _ => Error::Rejected {
            service: Service::RingCx,
            status,
            server_code: e.code,
            message: e.message,
        },
    }
}

fn parse_method(method: &str) -> Result<Method, Error> {
    match method.to_ascii_uppercase().as_str() {
        "GET" => Ok(Method::GET),
        "POST" => Ok(Method::POST),
        "PUT" => Ok(Method::PUT),
        "PATCH" => Ok(Method::PATCH),
        "DELETE" => Ok(Method::DELETE),
        _ => Err(Error::InvalidMethod {
            method: method.chars().take(20).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
            received_at: std::time::SystemTime::now(),
            spilled: None,
        }
    }

    #[test]
    fn a_token_lives_its_given_lifetime_from_arrival_on_a_skewed_clock() {
        use base64::Engine;
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        // Issued an hour "ago" and an hour "ahead" by the server's clock.
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        for iat in [1_799_996_400u64, 1_800_003_600] {
            let jwt = format!(
                "{}.{}.sig",
                e.encode(r#"{"alg":"HS256"}"#),
                e.encode(format!(r#"{{"iat":{iat},"exp":{}}}"#, iat + 300))
            );
            let mut r = reply(
                200,
                &format!(r#"{{"accessToken":"{jwt}","refreshToken":"r","agentDetails":[]}}"#),
            );
            r.received_at = now;
            let login = login_from(&r).unwrap();
            assert_eq!(
                login.tokens.access_expires_at,
                now + std::time::Duration::from_secs(300),
                "iat {iat}"
            );
        }
    }

    #[test]
    fn methods() {
        assert_eq!(parse_method("get").unwrap(), Method::GET);
        assert_eq!(parse_method("TRACE").unwrap_err().code(), "invalid_method");
    }

    #[test]
    fn expired_detection_follows_the_sdks() {
        assert!(is_expired(&reply(401, "Jwt is expired")));
        assert!(is_expired(&reply(401, "")));
        assert!(is_expired(&reply(400, "Jwt is expired\n")));
        assert!(!is_expired(&reply(400, "token expired")));
        assert!(!is_expired(&reply(
            400,
            r#"{"generalMessage":"Campaign expired"}"#
        )));
        assert!(!is_expired(&reply(403, "{}")));
        assert!(!is_expired(&reply(200, "Jwt is expired")));
    }

    #[test]
    fn only_idempotent_methods_replay() {
        for m in ["GET", "get", "PUT", "DELETE"] {
            assert!(is_idempotent(m), "{m}");
        }
        for m in ["POST", "PATCH", "post", "", " GET"] {
            assert!(!is_idempotent(m), "{m}");
        }
    }

    #[test]
    fn api_errors_by_status() {
        assert_eq!(
            api_error(&reply(
                403,
                r#"{"errorCode":"access.denied.exception","generalMessage":"no"}"#
            ))
            .code(),
            "forbidden"
        );
        assert_eq!(api_error(&reply(500, "oops")).code(), "server_error");
        assert_eq!(
            api_error(&reply(404, "<html><body>nope</body></html>")).code(),
            "bad_response"
        );
        let e = api_error(&reply(400, r#"{"generalMessage":"Bad thing"}"#));
        assert_eq!(e.code(), "rejected");
        assert!(e.to_string().contains("Bad thing"));
    }

    #[test]
    fn exchange_errors_explain_the_link() {
        let e = exchange_error(&reply(
            401,
            r#"{"generalMessage":"Invalid RingCentral access token"}"#,
        ));
        assert_eq!(e.code(), "exchange_rejected");
        assert!(e.to_string().contains("linked to RingCX"), "{e}");
        assert_eq!(exchange_error(&reply(503, "")).code(), "server_error");
    }
}
