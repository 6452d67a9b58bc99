//! RingCX sessions: exchange a RingCentral token, renew, reload, log out, and
//! the bearer check every RingCX API call goes through.
//!
//! Choices where the reference is silent:
//! - A bad, expired or revoked `rcAccessToken` gets 401 with the spec error
//!   shape, `generalMessage` "Invalid RingCentral access token". A missing
//!   one gets 400 "Required String parameter 'rcAccessToken' is not present"
//!   (Spring's wording). `rcTokenType`, when given, must be "Bearer".
//! - Past the exchange limit: 429, `Retry-After` in whole seconds until the
//!   oldest exchange of the rolling minute ages out, spec error body
//!   "Rate limit exceeded". Only successful exchanges take a slot.
//! - A refresh token that is unknown, spent, or logged out: 401 spec error
//!   "Invalid refresh token".
//! - `GET /api/auth/login` answers with the presented access token and
//!   `refreshToken: null` (it does not hand the refresh token out again).
//! - Logout always answers 200 with an empty text/plain body, also for an
//!   unknown token (logging out is idempotent).
//! - Bearer check: no `Authorization: Bearer` header gives 401 spec error
//!   "Full authentication is required to access this resource"; an unknown,
//!   logged-out or revoked token 401 spec error "Invalid token"; an expired
//!   one (checked first, like a JWT filter) 401 text/plain "Jwt is expired".

// Helpers return the ready error `Response` as `Err`; it is built once per
// failed request, so boxing it would only add noise.
#![allow(clippy::result_large_err)]
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use crate::data::user_details;
use crate::errors;
use crate::params::Params;
use crate::state::AppState;
use crate::tokens::CxAuth;

pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let raw = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = raw.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The RingCX access token of a request and its owner, or the 401 to send.
pub(crate) fn authenticate(
    st: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<(String, String), Response> {
    let Some(token) = bearer_token(headers) else {
        return Err(errors::ringcx(
            StatusCode::UNAUTHORIZED,
            "Full authentication is required to access this resource",
            None,
            uri.path(),
        ));
    };
    match st.vault().check_cx(token) {
        CxAuth::Valid { owner_id } => Ok((token.to_string(), owner_id)),
        CxAuth::Expired => Err(errors::jwt_expired()),
        CxAuth::Invalid => Err(errors::ringcx(
            StatusCode::UNAUTHORIZED,
            "Invalid token",
            Some("The access token is not valid"),
            uri.path(),
        )),
    }
}

fn missing(name: &str, uri: &Uri) -> Response {
    errors::ringcx(
        StatusCode::BAD_REQUEST,
        &format!("Required String parameter '{name}' is not present"),
        None,
        uri.path(),
    )
}

pub(crate) async fn exchange(
    State(st): State<AppState>,
    uri: Uri,
    Extension(p): Extension<Params>,
) -> Response {
    let cfg = st.config();
    let Some(rc_token) = p.either("rcAccessToken") else {
        return missing("rcAccessToken", &uri);
    };
    if p.either("rcTokenType")
        .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
    {
        return errors::ringcx(
            StatusCode::BAD_REQUEST,
            "Invalid rcTokenType",
            Some("Only Bearer tokens are supported"),
            uri.path(),
        );
    }
    let owner = st.vault().rc_owner(rc_token);
    let Some(owner) = owner else {
        return errors::ringcx(
            StatusCode::UNAUTHORIZED,
            "Invalid RingCentral access token",
            Some("The RingCentral access token is invalid, expired or revoked"),
            uri.path(),
        );
    };
    if let Err(wait) = st.take_exchange_slot(&owner, cfg.exchange_limit_per_minute) {
        let mut r = errors::ringcx(
            StatusCode::TOO_MANY_REQUESTS,
            "Rate limit exceeded",
            Some(&format!(
                "At most {} token exchanges a minute are allowed",
                cfg.exchange_limit_per_minute
            )),
            uri.path(),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return r;
    }
    let pair = {
        let mut vault = st.vault();
        vault.opaque_cx = cfg.opaque_ringcx_tokens;
        vault.issue_cx(&owner, cfg.ringcx_access_ttl, p.flag("includeRefresh"))
    };
    Json(user_details(&cfg, &pair.access, pair.refresh.as_deref())).into_response()
}

pub(crate) async fn refresh(
    State(st): State<AppState>,
    uri: Uri,
    Extension(p): Extension<Params>,
) -> Response {
    let cfg = st.config();
    let Some(token) = p.either("refresh_token") else {
        return missing("refresh_token", &uri);
    };
    let renewed = {
        let mut vault = st.vault();
        vault.opaque_cx = cfg.opaque_ringcx_tokens;
        vault.refresh_cx(token, cfg.ringcx_access_ttl)
    };
    match renewed {
        Some((pair, _owner)) => {
            Json(user_details(&cfg, &pair.access, pair.refresh.as_deref())).into_response()
        }
        None => errors::ringcx(
            StatusCode::UNAUTHORIZED,
            "Invalid refresh token",
            Some("The refresh token is unknown, already used or logged out"),
            uri.path(),
        ),
    }
}

pub(crate) async fn login(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    match authenticate(&st, &headers, &uri) {
        Ok((token, _)) => Json(user_details(&st.config(), &token, None)).into_response(),
        Err(r) => r,
    }
}

pub(crate) async fn logout(State(st): State<AppState>, Path(refresh): Path<String>) -> Response {
    st.vault().logout_cx(&refresh);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain;charset=UTF-8")],
        "",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
    }
}
