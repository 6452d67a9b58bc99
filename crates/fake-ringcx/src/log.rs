//! The request log and the layer in front of every route: it buffers the
//! body, parses parameters, logs the request, applies a queued fault, and
//! records the status sent (0 when the connection was reset).

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::faults::{self, Action};
use crate::params::{parse_pairs, Params};
use crate::server::{Conn, Service};
use crate::state::AppState;

/// Larger bodies than this are not something either service accepts.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Empty unless the body was `application/x-www-form-urlencoded`.
    pub form: Vec<(String, String)>,
    /// Names lower-cased, values lossily decoded.
    pub headers: Vec<(String, String)>,
    /// 0 while in flight, or when the connection was dropped without a response.
    pub status: u16,
}

impl Request {
    /// The first header with that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) async fn layer(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "Request body too large",
        )
            .into_response();
    };
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let params = Params {
        query: parts.uri.query().map(parse_pairs).unwrap_or_default(),
        form: if is_form {
            parse_pairs(&String::from_utf8_lossy(&bytes))
        } else {
            Vec::new()
        },
    };
    let method = parts.method.to_string();
    let path = parts.uri.path().to_string();
    let entry = Request {
        method: method.clone(),
        path: path.clone(),
        query: params.query.clone(),
        form: params.form.clone(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        status: 0,
    };
    let mut released = state.watch_release();
    let index = state.log_request(entry);
    let conn = parts.extensions.get::<Conn>().cloned();
    let service = parts.extensions.get::<Service>().copied();
    let mut req = axum::extract::Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(params);

    if let Some(service) = service.filter(|s| !s.serves(&path)) {
        // Sent to the other service's host: that host has no such path.
        let response = crate::errors::not_found(service, &method, &path);
        state.set_status(index, response.status().as_u16());
        return response;
    }
    let fault = state.take_fault(&method, &path);
    let response = match fault.map(faults::action) {
        None => next.run(req).await,
        Some(Action::Respond(r)) => r,
        Some(Action::DelayThenHandle(d)) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Some(action @ (Action::Reset | Action::Hang | Action::HandleThenReset)) => match conn {
            Some(conn) if matches!(action, Action::Hang) => {
                let _ = released.changed().await;
                conn.reset();
                std::future::pending::<Response>().await
            }
            Some(conn) if matches!(action, Action::HandleThenReset) => {
                let handled = next.run(req).await;
                state.set_status(index, handled.status().as_u16());
                conn.reset();
                std::future::pending::<Response>().await
            }
            Some(conn) => {
                conn.reset();
                // The connection task drops this future; nothing is ever sent.
                std::future::pending::<Response>().await
            }
            // Only reachable when the router runs outside our own server.
            None => (
                axum::http::StatusCode::BAD_GATEWAY,
                [(header::CONNECTION, "close")],
                "",
            )
                .into_response(),
        },
    };
    state.set_status(index, response.status().as_u16());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_ignores_case() {
        let r = Request {
            method: "GET".into(),
            path: "/".into(),
            query: vec![],
            form: vec![],
            headers: vec![("authorization".into(), "Bearer x".into())],
            status: 200,
        };
        assert_eq!(r.header("Authorization"), Some("Bearer x"));
        assert_eq!(r.header("x-missing"), None);
    }
}
