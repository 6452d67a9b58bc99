//! RingCX admin APIs under `/voice/api/v1`, and the not-found answers.
//!
//! Choices where the reference is silent:
//! - An account id the caller does not have gives the documented 403
//!   `access.denied.exception`, not 404.
//! - agentGroups paging: `page` counts from 0 and only applies with
//!   `maxRows`; without `maxRows` every group comes back.
//! - Unknown paths under `/voice/api/` check the token first (401 before
//!   404, as a security filter in front of the router does), then answer 404
//!   with the spec error shape. Unknown `/api/` paths answer 404 the same
//!   way; unknown `/restapi/` paths with a RingCentral CMN-102 error.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use crate::data;
use crate::errors;
use crate::params::Params;
use crate::ringcx_auth::authenticate;
use crate::state::AppState;

pub(crate) async fn users(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Extension(p): Extension<Params>,
) -> Response {
    if let Err(r) = authenticate(&st, &headers, &uri) {
        return r;
    }
    if !st.config().manage_users {
        return errors::access_denied();
    }
    let body = st.users_json(p.flag("activeOnly"), p.flag("flatten"));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body),
    )
        .into_response()
}

pub(crate) async fn accounts(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = authenticate(&st, &headers, &uri) {
        return r;
    }
    Json(data::accounts(&st.config())).into_response()
}

pub(crate) async fn agent_groups(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(account_id): Path<String>,
    Extension(p): Extension<Params>,
) -> Response {
    if let Err(r) = authenticate(&st, &headers, &uri) {
        return r;
    }
    let Some(account) = data::account_index(&st.config(), &account_id) else {
        return errors::access_denied();
    };
    let mut groups = data::agent_groups(account, p.flag("includePermissions"));
    let number = |k: &str| p.query(k).and_then(|v| v.parse::<usize>().ok());
    if let Some(max_rows) = number("maxRows") {
        let page = number("page").unwrap_or(0);
        groups = groups
            .into_iter()
            .skip(page.saturating_mul(max_rows))
            .take(max_rows)
            .collect();
    }
    Json(groups).into_response()
}

pub(crate) async fn fallback(
    State(st): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let path = uri.path();
    if path.starts_with("/voice/api/") {
        if let Err(r) = authenticate(&st, &headers, &uri) {
            return r;
        }
    }
    if path.starts_with("/voice/api/") || path.starts_with("/api/") {
        return errors::ringcx(
            StatusCode::NOT_FOUND,
            "Not Found",
            Some(&format!("No handler found for {method} {path}")),
            path,
        );
    }
    if path.starts_with("/restapi/") {
        return errors::rc_api(
            StatusCode::NOT_FOUND,
            "CMN-102",
            &format!("Resource for parameter [{path}] is not found"),
        );
    }
    (StatusCode::NOT_FOUND, "Not Found").into_response()
}
