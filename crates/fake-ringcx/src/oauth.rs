//! RingCentral OAuth: `/restapi/oauth/authorize`, `/token`, `/revoke`.
//!
//! Choices where the reference is silent:
//! - Authorize auto-approves (no login page). An unknown `client_id` gives
//!   400 `invalid_client` OAU-153 ("Invalid client: …", as RingCentral
//!   answers); a redirect URI that is not registered 400 OAU-109, an empty
//!   registration list 400 OAU-113, a redirect URI that is no URL 400 OAU-101.
//!   Those are JSON (the real page is HTML; JSON is easier to assert).
//!   Every later problem goes back to the redirect URI as
//!   `error=…&error_description=…&state=…` (RFC 6749 §4.1.2.1):
//!   `unsupported_response_type`, `invalid_request` for a missing or unknown
//!   PKCE challenge/method, `access_denied` when `deny_authorize` is set.
//! - Without a client secret (a client-side app) PKCE is required; with one,
//!   it is optional, but a challenge given must be met.
//! - Token and revoke: missing or wrong client authentication is 401
//!   `invalid_client` OAU-123; an unknown `client_id` 401 OAU-153.
//!   A client-side app may also identify itself with `Basic base64(id:)`.
//! - Token errors are 400. Unknown or used code OAU-106; expired OAU-108;
//!   code of another client OAU-110; redirect URI differs OAU-109; wrong
//!   verifier OAU-106 "Invalid code verifier". Refresh: unknown token OAU-213
//!   "Token not found", spent or revoked OAU-211 "Token is revoked", expired
//!   OAU-211 "Token is expired". Bad JWT assertion OAU-140 "Invalid resource
//!   owner credentials". jwt-bearer without a client secret, and any other
//!   grant, 400 `unauthorized_client` OAU-112.
//! - Parameters are read from the form body only, as RingCentral does.
//! - `X-Rate-Limit-*` headers report the documented auth group (5 a minute)
//!   but the limit is not enforced; use a RateLimited fault for 429s.

// Helpers return the ready error `Response` as `Err`; it is built once per
// failed request, so boxing it would only add noise.
#![allow(clippy::result_large_err)]
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;
use url::Url;

use crate::config::Config;
use crate::data::RC_USER_ID;
use crate::errors::{self, no_store};
use crate::params::Params;
use crate::pkce::{Challenge, Method};
use crate::state::AppState;
use crate::tokens::{random_b64, CodeError, RcLifetimes, RcPair, RefreshError};

const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;

fn bad(error: &str, code: &str, message: &str) -> Response {
    errors::oauth(BAD_REQUEST, error, code, message)
}

fn unknown_client(id: &str) -> Response {
    errors::oauth(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "OAU-153",
        &format!("Invalid client: {id}"),
    )
}

fn client_auth_required(message: &str) -> Response {
    errors::oauth(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "OAU-123",
        message,
    )
}

/// RingCentral answers authorize with 302 Found (axum's `Redirect` has no 302).
fn found(to: &Url) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, to.as_str().to_string())],
    )
        .into_response()
}

/// Sends the browser back to the app with an OAuth error.
fn redirect_error(redirect: &Url, error: &str, description: &str, state: Option<&str>) -> Response {
    let mut to = redirect.clone();
    {
        let mut q = to.query_pairs_mut();
        q.append_pair("error", error)
            .append_pair("error_description", description);
        if let Some(s) = state {
            q.append_pair("state", s);
        }
    }
    found(&to)
}

/// Checks the redirect URI against the registration.
fn check_redirect(cfg: &Config, uri: &str) -> Result<(), Response> {
    match &cfg.redirect_uris {
        Some(list) if list.is_empty() => Err(bad(
            "invalid_client",
            "OAU-113",
            "No redirect uri is registered for the client",
        )),
        Some(list) if !list.iter().any(|u| u == uri) => Err(bad(
            "invalid_grant",
            "OAU-109",
            "Redirect URIs do not match",
        )),
        _ => Ok(()),
    }
}

pub(crate) async fn authorize(
    State(st): State<AppState>,
    Extension(p): Extension<Params>,
) -> Response {
    let cfg = st.config();
    let client_id = p.query("client_id").unwrap_or_default();
    if client_id != cfg.client_id {
        let mut r = unknown_client(client_id);
        *r.status_mut() = BAD_REQUEST;
        return r;
    }
    let redirect_raw = match (p.query("redirect_uri"), &cfg.redirect_uris) {
        (Some(u), _) => u.to_string(),
        // RingCentral falls back to the only registered URI.
        (None, Some(list)) if list.len() == 1 => list[0].clone(),
        (None, _) => {
            return bad(
                "invalid_request",
                "OAU-101",
                "Parameter [redirect_uri] is invalid",
            )
        }
    };
    if let Err(r) = check_redirect(&cfg, &redirect_raw) {
        return r;
    }
    let Ok(redirect) = Url::parse(&redirect_raw) else {
        return bad(
            "invalid_request",
            "OAU-101",
            "Parameter [redirect_uri] is invalid",
        );
    };
    let state = p.query("state");
    if p.query("response_type") != Some("code") {
        return redirect_error(
            &redirect,
            "unsupported_response_type",
            "Parameter [response_type] is invalid",
            state,
        );
    }
    let Some(method) = Method::parse(p.query("code_challenge_method")) else {
        return redirect_error(
            &redirect,
            "invalid_request",
            "Parameter [code_challenge_method] is invalid",
            state,
        );
    };
    let challenge = p.query("code_challenge").map(|c| Challenge {
        value: c.to_string(),
        method,
    });
    if challenge.is_none() && cfg.client_secret.is_none() {
        return redirect_error(
            &redirect,
            "invalid_request",
            "Parameter [code_challenge] is required for this application",
            state,
        );
    }
    if cfg.deny_authorize {
        return redirect_error(
            &redirect,
            "access_denied",
            "The user has denied access to the application",
            state,
        );
    }
    let code = st.vault().issue_code(
        &cfg.client_id,
        p.query("redirect_uri").map(str::to_string),
        challenge,
        cfg.auth_code_ttl,
    );
    let mut to = redirect;
    {
        let mut q = to.query_pairs_mut();
        q.append_pair("code", &code);
        if let Some(s) = state {
            q.append_pair("state", s);
        }
        q.append_pair("expires_in", &cfg.auth_code_ttl.as_secs().to_string());
    }
    found(&to)
}

/// `Basic base64(id:secret)` → (id, secret).
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let raw = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, value) = raw.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(value.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

fn authenticate_client(cfg: &Config, headers: &HeaderMap, p: &Params) -> Result<(), Response> {
    let basic = basic(headers);
    match &cfg.client_secret {
        Some(secret) => match basic {
            None => Err(client_auth_required("Client authentication is required")),
            Some((id, given)) if id == cfg.client_id && &given == secret => Ok(()),
            Some((id, _)) if id != cfg.client_id => Err(unknown_client(&id)),
            Some(_) => Err(client_auth_required("Invalid client credentials")),
        },
        None => {
            let id = p
                .form("client_id")
                .map(str::to_string)
                .or(basic.map(|(id, _)| id));
            match id {
                None => Err(client_auth_required("Client authentication is required")),
                Some(id) if id == cfg.client_id => Ok(()),
                Some(id) => Err(unknown_client(&id)),
            }
        }
    }
}

fn lifetimes(cfg: &Config) -> RcLifetimes {
    RcLifetimes {
        access: cfg.rc_access_ttl,
        refresh: cfg.issue_rc_refresh_tokens.then_some(cfg.rc_refresh_ttl),
    }
}

fn token_response(st: &AppState, cfg: &Config, pair: RcPair) -> Response {
    let mut body = json!({
        "access_token": pair.access,
        "token_type": "bearer",
        "expires_in": cfg.rc_access_ttl.as_secs(),
        "scope": "ReadAccounts",
        "owner_id": RC_USER_ID,
        "endpoint_id": random_b64(16),
    });
    if let Some(refresh) = pair.refresh {
        body["refresh_token"] = json!(refresh);
        body["refresh_token_expires_in"] = json!(cfg.rc_refresh_ttl.as_secs());
    }
    let mut r = (StatusCode::OK, no_store(), Json(body)).into_response();
    rate_headers(st, &mut r);
    r
}

fn rate_headers(st: &AppState, r: &mut Response) {
    let remaining = st.count_oauth_call();
    let h = r.headers_mut();
    h.insert("x-rate-limit-group", HeaderValue::from_static("auth"));
    h.insert("x-rate-limit-limit", HeaderValue::from_static("5"));
    h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
    h.insert("x-rate-limit-window", HeaderValue::from_static("60"));
}

pub(crate) async fn token(
    State(st): State<AppState>,
    headers: HeaderMap,
    Extension(p): Extension<Params>,
) -> Response {
    let cfg = st.config();
    if let Err(r) = authenticate_client(&cfg, &headers, &p) {
        return r;
    }
    let result = match p.form("grant_type") {
        Some("authorization_code") => code_grant(&st, &cfg, &p),
        Some("refresh_token") => refresh_grant(&st, &cfg, &p),
        Some(JWT_GRANT) if cfg.client_secret.is_some() => jwt_grant(&st, &cfg, &p),
        other => Err(bad(
            "unauthorized_client",
            "OAU-112",
            &format!(
                "The client is unauthorized for the required grant type: [{}]",
                other.unwrap_or_default()
            ),
        )),
    };
    match result {
        Ok(pair) => token_response(&st, &cfg, pair),
        Err(r) => r,
    }
}

fn code_grant(st: &AppState, cfg: &Config, p: &Params) -> Result<RcPair, Response> {
    let code = p.form("code").unwrap_or_default();
    let issued = st.vault().redeem_code(code).map_err(|e| match e {
        CodeError::Unknown => bad("invalid_grant", "OAU-106", "Invalid authorization code"),
        CodeError::Expired => bad("invalid_grant", "OAU-108", "Authorization code is expired"),
    })?;
    if issued.client_id != cfg.client_id {
        return Err(bad(
            "invalid_grant",
            "OAU-110",
            "Authorization code was not issued for this application",
        ));
    }
    if issued.redirect_uri.as_deref() != p.form("redirect_uri") && issued.redirect_uri.is_some() {
        return Err(bad(
            "invalid_grant",
            "OAU-109",
            "Redirect URIs do not match",
        ));
    }
    if let Some(uri) = p.form("redirect_uri") {
        check_redirect(cfg, uri)?;
    }
    if let Some(challenge) = &issued.challenge {
        let ok = p.form("code_verifier").is_some_and(|v| challenge.verify(v));
        if !ok {
            return Err(bad("invalid_grant", "OAU-106", "Invalid code verifier"));
        }
    }
    Ok(st.vault().issue_rc(RC_USER_ID, &lifetimes(cfg)))
}

fn refresh_grant(st: &AppState, cfg: &Config, p: &Params) -> Result<RcPair, Response> {
    let token = p.form("refresh_token").unwrap_or_default();
    st.vault()
        .refresh_rc(token, &lifetimes(cfg))
        .map_err(|e| match e {
            RefreshError::Unknown => bad("invalid_grant", "OAU-213", "Token not found"),
            RefreshError::Revoked => bad("invalid_grant", "OAU-211", "Token is revoked"),
            RefreshError::Expired => bad("invalid_grant", "OAU-211", "Token is expired"),
        })
}

fn jwt_grant(st: &AppState, cfg: &Config, p: &Params) -> Result<RcPair, Response> {
    let assertion = p.form("assertion").unwrap_or_default();
    if !cfg.jwt_credentials.iter().any(|c| c == assertion) {
        return Err(bad(
            "invalid_grant",
            "OAU-140",
            "Invalid resource owner credentials",
        ));
    }
    Ok(st.vault().issue_rc(RC_USER_ID, &lifetimes(cfg)))
}

pub(crate) async fn revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    Extension(p): Extension<Params>,
) -> Response {
    let cfg = st.config();
    if let Err(r) = authenticate_client(&cfg, &headers, &p) {
        return r;
    }
    if let Some(token) = p.form("token") {
        st.vault().revoke_rc_session(token);
    }
    StatusCode::OK.into_response()
}

/// `GET /restapi/v1.0/account/~`: the RingCentral account of the bearer
/// token's user (what the console's `{rcAccountId}` comes from).
pub(crate) async fn account(
    State(st): State<crate::state::AppState>,
    headers: HeaderMap,
) -> Response {
    let owner = crate::ringcx_auth::bearer_token(&headers).and_then(|t| st.vault().rc_owner(t));
    match owner {
        Some(_) => Json(serde_json::json!({
            "id": crate::data::RC_ACCOUNT_ID.parse::<u64>().unwrap_or(0),
            "uri": format!("/restapi/v1.0/account/{}", crate::data::RC_ACCOUNT_ID),
            "status": "Confirmed",
            "serviceInfo": { "brand": { "name": "RingCentral" } },
        }))
        .into_response(),
        None => errors::rc_api(StatusCode::UNAUTHORIZED, "TokenInvalid", "Token not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_parses() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic aWQ6c2VjcmV0"),
        );
        assert_eq!(basic(&h), Some(("id".into(), "secret".into())));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(basic(&h), None);
    }

    #[test]
    fn client_authentication_rules() {
        let p = Params {
            query: vec![],
            form: vec![("client_id".into(), "fake-client-id".into())],
        };
        let none = HeaderMap::new();
        let cfg = Config::default();
        assert!(authenticate_client(&cfg, &none, &p).is_ok());
        assert!(authenticate_client(&cfg, &none, &Params::default()).is_err());
        let secret = Config {
            client_secret: Some("secret".into()),
            ..Config::default()
        };
        assert_eq!(
            authenticate_client(&secret, &none, &p)
                .unwrap_err()
                .status(),
            401
        );
        let mut h = HeaderMap::new();
        let good = format!("Basic {}", STANDARD.encode("fake-client-id:secret"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(&good).unwrap());
        assert!(authenticate_client(&secret, &h, &Params::default()).is_ok());
    }
}
