//! The error bodies of the two services.
//!
//! RingCentral OAuth errors carry `error`, `error_description` and an
//! `errors[]` list with `errorCode`; RingCX errors use the spec's
//! `{generalMessage, details, requestUri, timestamp}`.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub(crate) fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `{"error","error_description","errors":[{"errorCode","message"}]}`.
pub(crate) fn oauth(status: StatusCode, error: &str, code: &str, message: &str) -> Response {
    let body = json!({
        "error": error,
        "error_description": message,
        "errors": [{ "errorCode": code, "message": message }],
    });
    (status, no_store(), Json(body)).into_response()
}

/// A RingCentral REST error (not OAuth): `errorCode` + `errors[]`.
pub(crate) fn rc_api(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({
        "errorCode": code,
        "message": message,
        "errors": [{ "errorCode": code, "message": message }],
    });
    (status, Json(body)).into_response()
}

/// The RingCX spec error shape.
pub(crate) fn ringcx(
    status: StatusCode,
    general: &str,
    details: Option<&str>,
    uri: &str,
) -> Response {
    let body = json!({
        "generalMessage": general,
        "details": details,
        "requestUri": uri,
        "timestamp": now_millis(),
    });
    (status, Json(body)).into_response()
}

/// A path this host does not have, in the host's own error shape.
pub(crate) fn not_found(service: crate::server::Service, method: &str, path: &str) -> Response {
    match service {
        crate::server::Service::RingCentral => rc_api(
            StatusCode::NOT_FOUND,
            "CMN-102",
            &format!("Resource for parameter [{path}] is not found"),
        ),
        _ => ringcx(
            StatusCode::NOT_FOUND,
            "Not Found",
            Some(&format!("No handler found for {method} {path}")),
            path,
        ),
    }
}

/// RingCX's documented 403 for a missing role.
pub(crate) fn access_denied() -> Response {
    let body = json!({
        "errorCode": "access.denied.exception",
        "generalMessage": "You do not have permission to access this resource",
        "timestamp": now_millis(),
    });
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

/// RingCX's documented answer to an expired token: plain text, not JSON.
pub(crate) fn jwt_expired() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain;charset=UTF-8")],
        "Jwt is expired",
    )
        .into_response()
}

/// OAuth responses must not be cached (RFC 6749 §5.1).
pub(crate) fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [
        (header::CACHE_CONTROL, "no-store"),
        (header::PRAGMA, "no-cache"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body(r: Response) -> serde_json::Value {
        serde_json::from_slice(&to_bytes(r.into_body(), 1 << 20).await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn shapes() {
        let r = oauth(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "OAU-109",
            "Redirect URIs do not match",
        );
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let b = body(r).await;
        assert_eq!(b["errors"][0]["errorCode"], "OAU-109");
        assert_eq!(b["error_description"], "Redirect URIs do not match");

        let b = body(rc_api(StatusCode::NOT_FOUND, "CMN-102", "x")).await;
        assert_eq!(b["errorCode"], "CMN-102");

        let b = body(ringcx(StatusCode::NOT_FOUND, "Not Found", None, "/x")).await;
        assert!(b["details"].is_null() && b["timestamp"].as_u64().unwrap() > 0);
        assert_eq!(b["requestUri"], "/x");

        let b = body(access_denied()).await;
        assert_eq!(b["errorCode"], "access.denied.exception");

        let r = jwt_expired();
        assert_eq!(r.status(), 401);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        assert_eq!(
            &to_bytes(r.into_body(), 100).await.unwrap()[..],
            b"Jwt is expired"
        );
    }
}
