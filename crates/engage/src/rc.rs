//! RingCentral OAuth: the authorize URL, the code, refresh and JWT grants,
//! and revoke.
//!
//! The client secret is optional: apps registered as "Client-side web app"
//! have none and send `client_id` in the form; others use Basic auth.

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::error::Service;
use crate::hosts::Hosts;
use crate::http::{Http, Reply, ServerError};
use crate::Error;

const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The app registration a profile signs in with.
#[derive(Debug, Clone)]
pub struct RcApp {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
}

/// RingCentral tokens, as received; times are absolute.
#[derive(Debug, Clone)]
pub struct RcTokens {
    pub access: SecretString,
    pub access_expires_at: SystemTime,
    /// Missing when the app's "Issue refresh tokens" setting is off.
    pub refresh: Option<SecretString>,
    pub refresh_expires_at: Option<SystemTime>,
    pub owner_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_token_expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient_string")]
    owner_id: Option<String>,
}

fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A RingCentral OAuth client for one app and platform.
#[derive(Debug, Clone)]
pub struct RcClient {
    http: Http,
    hosts: Hosts,
    app: RcApp,
}

impl RcClient {
    pub fn new(http: Http, hosts: Hosts, app: RcApp) -> Result<Self, Error> {
        if app.client_id.trim().is_empty() {
            return Err(Error::MissingClientId);
        }
        Ok(RcClient { http, hosts, app })
    }

    pub fn app(&self) -> &RcApp {
        &self.app
    }

    /// The page the system browser opens.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str, challenge: &str) -> Url {
        let mut url = self.hosts.rc_url("/restapi/oauth/authorize");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.app.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("code_challenge", challenge)
            // Without it the server assumes "plain".
            .append_pair("code_challenge_method", "S256");
        url
    }

    /// Trades an authorization code (with its PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        code: &SecretString,
        verifier: &SecretString,
        redirect_uri: &str,
    ) -> Result<RcTokens, Error> {
        self.token(
            &[
                ("grant_type", "authorization_code"),
                ("code", code.expose_secret()),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier.expose_secret()),
            ],
            Grant::Code { redirect_uri },
        )
        .await
    }

    /// Renews with a refresh token. Refresh tokens rotate: store the new one.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<RcTokens, Error> {
        self.token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
            ],
            Grant::Refresh,
        )
        .await
    }

    /// Signs in with a JWT credential (needs the client secret).
    pub async fn jwt(&self, assertion: &SecretString) -> Result<RcTokens, Error> {
        self.token(
            &[
                ("grant_type", JWT_GRANT),
                ("assertion", assertion.expose_secret()),
            ],
            Grant::Jwt,
        )
        .await
    }

    /// Ends the RingCentral session. Callers ignore its errors.
    pub async fn revoke(&self, token: &SecretString) -> Result<(), Error> {
        let request = self
            .authed(
                self.http
                    .client()
                    .post(self.hosts.rc_url("/restapi/oauth/revoke")),
            )
            .form(&self.with_client_id(&[("token", token.expose_secret())]));
        let reply = self.http.send_auth(Service::RingCentral, request).await?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(oauth_error(&reply, Grant::Refresh))
        }
    }

    async fn token(&self, form: &[(&str, &str)], grant: Grant<'_>) -> Result<RcTokens, Error> {
        let now = SystemTime::now();
        let request = self
            .authed(
                self.http
                    .client()
                    .post(self.hosts.rc_url("/restapi/oauth/token")),
            )
            .form(&self.with_client_id(form));
        let reply = self.http.send_auth(Service::RingCentral, request).await?;
        if !reply.is_success() {
            return Err(oauth_error(&reply, grant));
        }
        tokens_from(&reply, now)
    }

    fn authed(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.app.client_secret {
            Some(secret) => request.basic_auth(&self.app.client_id, Some(secret.expose_secret())),
            None => request,
        }
    }

    fn with_client_id<'a>(&'a self, form: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut form = form.to_vec();
        if self.app.client_secret.is_none() {
            form.push(("client_id", self.app.client_id.as_str()));
        }
        form
    }
}

/// The id of the RingCentral account the token's user belongs to
/// (`GET /restapi/v1.0/account/~`). Any RingCentral access token will do,
/// a pasted one too: no app is involved.
pub async fn account_id(
    http: &Http,
    hosts: &Hosts,
    access: &SecretString,
) -> Result<String, Error> {
    let request = http
        .client()
        .get(hosts.rc_url("/restapi/v1.0/account/~"))
        .bearer_auth(access.expose_secret());
    let reply = http.send_auth(Service::RingCentral, request).await?;
    let refused = Error::BadResponse {
        service: Service::RingCentral,
        status: reply.status,
        what: "account",
    };
    if !reply.is_success() {
        return Err(refused);
    }
    let v: serde_json::Value = serde_json::from_slice(&reply.body).map_err(|_| refused.clone())?;
    match &v["id"] {
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::String(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(refused),
    }
}

/// Reads RingCentral's token answer; lifetimes count from `sent`.
pub fn tokens_from(reply: &Reply, sent: SystemTime) -> Result<RcTokens, Error> {
    let t: TokenResponse = reply.json(Service::RingCentral)?;
    Ok(RcTokens {
        access: SecretString::from(t.access_token),
        access_expires_at: sent + lifetime(t.expires_in, 3600),
        refresh_expires_at: t
            .refresh_token
            .as_ref()
            .map(|_| sent + lifetime(t.refresh_token_expires_in, 604_800)),
        refresh: t.refresh_token.map(SecretString::from),
        owner_id: t.owner_id,
    })
}

/// A lifetime from the server, bounded: a year at most, so a wild value
/// can neither overflow the clock nor keep a dead token "fresh" forever.
fn lifetime(seconds: Option<u64>, default: u64) -> Duration {
    Duration::from_secs(seconds.unwrap_or(default).min(366 * 86_400))
}

#[derive(Clone, Copy)]
enum Grant<'a> {
    Code { redirect_uri: &'a str },
    Refresh,
    Jwt,
}

/// Maps a failed OAuth answer to the error that tells the user what to do.
fn oauth_error(reply: &Reply, grant: Grant<'_>) -> Error {
    let status = reply.status;
    if status == 429 {
        return Error::RateLimited {
            service: Service::RingCentral,
            retry_after: reply.retry_after(),
        };
    }
    let e = ServerError::parse(reply);
    if status >= 500 {
        return Error::ServerError {
            service: Service::RingCentral,
            status,
            message: e.message,
        };
    }
    if e.code.is_none() && e.oauth_error.is_none() {
        let what = if crate::http::looks_like_html(&reply.body) {
            "an HTML page instead of an OAuth answer"
        } else {
            "an answer that is not an OAuth error"
        };
        return Error::BadResponse {
            service: Service::RingCentral,
            status,
            what,
        };
    }
    let code = e.code.clone();
    match (code.as_deref(), e.oauth_error.as_deref(), grant) {
        (Some("OAU-109" | "OAU-113"), _, Grant::Code { redirect_uri }) => {
            Error::RedirectNotRegistered {
                redirect_uri: redirect_uri.to_string(),
            }
        }
        (Some("OAU-108"), _, _) => Error::CodeExpired,
        (Some("OAU-112"), _, _)
        | (_, Some("unauthorized_client" | "unsupported_grant_type"), _) => {
            Error::GrantNotAllowed { server_code: code }
        }
        (Some("OAU-123" | "OAU-146"), _, _) | (_, Some("invalid_client"), _) => {
            Error::InvalidClient { server_code: code }
        }
        (_, _, Grant::Jwt) => Error::BadCredentials { server_code: code },
        (_, Some("invalid_grant"), Grant::Code { .. }) => Error::CodeInvalid { server_code: code },
        (_, Some("invalid_grant"), Grant::Refresh) | (Some("OAU-128"), _, _) => {
            Error::SessionEnded {
                reason: e.message.or(code),
            }
        }
        _ => Error::Rejected {
            service: Service::RingCentral,
            status,
            server_code: code,
            message: e.message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(secret: Option<&str>) -> RcClient {
        RcClient::new(
            Http::new(),
            Hosts::parse("https://platform.example.com", "https://ringcx.example.com").unwrap(),
            RcApp {
                client_id: "cid".into(),
                client_secret: secret.map(|s| SecretString::from(s.to_string())),
            },
        )
        .unwrap()
    }

    #[test]
    fn authorize_url_has_every_parameter() {
        let url = client(None).authorize_url("http://localhost:53682/callback", "st", "ch");
        assert_eq!(url.path(), "/restapi/oauth/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["redirect_uri"], "http://localhost:53682/callback");
        assert_eq!(q["state"], "st");
        assert_eq!(q["code_challenge"], "ch");
        assert_eq!(q["code_challenge_method"], "S256");
    }

    #[test]
    fn client_id_goes_in_the_form_only_without_a_secret() {
        let form = [("grant_type", "x")];
        assert!(client(None)
            .with_client_id(&form)
            .contains(&("client_id", "cid")));
        assert!(!client(Some("s"))
            .with_client_id(&form)
            .iter()
            .any(|(k, _)| *k == "client_id"));
    }

    #[test]
    fn server_lifetimes_are_bounded() {
        assert_eq!(lifetime(None, 3600), Duration::from_secs(3600));
        assert_eq!(lifetime(Some(60), 3600), Duration::from_secs(60));
        assert_eq!(
            lifetime(Some(u64::MAX), 3600),
            Duration::from_secs(366 * 86_400)
        );
        let _ = SystemTime::now() + lifetime(Some(u64::MAX), 0);
    }

    #[test]
    fn empty_client_id_is_refused() {
        let e = RcClient::new(
            Http::new(),
            Hosts::default_preset(),
            RcApp {
                client_id: " ".into(),
                client_secret: None,
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), "missing_client_id");
    }

    #[test]
    fn oauth_errors_map_to_their_own_messages() {
        let r = |status: u16, body: &str| Reply {
            status,
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
            received_at: std::time::SystemTime::now(),
            spilled: None,
        };
        let err = |code: &str, oauth: &str| {
            format!(
                r#"{{"error":"{oauth}","error_description":"d","errors":[{{"errorCode":"{code}","message":"m"}}]}}"#
            )
        };
        let code = Grant::Code {
            redirect_uri: "http://localhost:1/callback",
        };
        assert_eq!(
            oauth_error(&r(400, &err("OAU-109", "invalid_grant")), code).code(),
            "redirect_not_registered"
        );
        assert_eq!(
            oauth_error(&r(400, &err("OAU-108", "invalid_grant")), code).code(),
            "code_expired"
        );
        assert_eq!(
            oauth_error(&r(400, &err("OAU-106", "invalid_grant")), code).code(),
            "code_invalid"
        );
        assert_eq!(
            oauth_error(&r(400, &err("OAU-112", "unauthorized_client")), Grant::Jwt).code(),
            "grant_not_allowed"
        );
        assert_eq!(
            oauth_error(&r(401, &err("OAU-123", "invalid_client")), Grant::Refresh).code(),
            "invalid_client"
        );
        assert_eq!(
            oauth_error(&r(400, &err("OAU-140", "invalid_grant")), Grant::Jwt).code(),
            "bad_credentials"
        );
        assert_eq!(
            oauth_error(&r(400, &err("OAU-211", "invalid_grant")), Grant::Refresh).code(),
            "session_ended"
        );
        assert_eq!(
            oauth_error(&r(503, "<html><body>down</body></html>"), Grant::Refresh).code(),
            "server_error"
        );
        assert_eq!(
            oauth_error(&r(400, "<html><body>proxy</body></html>"), Grant::Refresh).code(),
            "bad_response"
        );
        assert_eq!(
            oauth_error(&r(429, "{}"), Grant::Refresh).code(),
            "rate_limited"
        );
    }
}
