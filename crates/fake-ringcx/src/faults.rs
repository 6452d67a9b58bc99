//! Faults a test queues to see how a client copes with a bad day.
//!
//! A fault matches on method and path prefix, hits `times` matching requests
//! and is then gone. Faults run before normal handling; the request is still
//! logged. `Reset` closes the TCP connection with `SO_LINGER` 0, so the client
//! sees a real RST with no response at all (see `server.rs`).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A queued fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// `None` matches every method.
    pub method: Option<String>,
    pub path_prefix: String,
    /// How many matching requests it hits before it is gone.
    pub times: usize,
    pub kind: FaultKind,
}

/// What a fault does to the request it hits.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Any canned response.
    Status {
        status: u16,
        content_type: String,
        body: String,
    },
    /// 429 with a RingCentral-style body; `Retry-After` when `Some`.
    RateLimited { retry_after: Option<u64> },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Drop the connection without any response (TCP RST).
    Reset,
    /// Handle the request (a refresh rotates its token), then reset the
    /// connection instead of answering: the reply is lost on the way.
    LoseReply,
    /// Accept the request and answer nothing until the test calls
    /// `FakeServer::release_hung` (or the client gives up); then reset.
    Hang,
    /// An HTML error page, as a proxy or load balancer sends.
    Html { status: u16 },
    /// `Content-Type: application/json` with a body that is not JSON.
    NotJson { status: u16 },
    /// A 200 JSON body of exactly that many bytes, streamed.
    Huge { bytes: usize },
}

impl Fault {
    /// A fault that hits the next request of any method under `path_prefix`, once.
    pub fn new(path_prefix: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            method: None,
            path_prefix: path_prefix.into(),
            times: 1,
            kind,
        }
    }

    /// Only requests with this method (case-insensitive).
    pub fn with_method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Hit this many matching requests instead of one.
    pub fn with_times(mut self, times: usize) -> Self {
        self.times = times;
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }
}

/// Takes one hit from the first queued fault that matches.
pub(crate) fn take(queue: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultKind> {
    let i = queue.iter().position(|f| f.matches(method, path))?;
    queue[i].times -= 1;
    let kind = queue[i].kind.clone();
    if queue[i].times == 0 {
        queue.remove(i);
    }
    Some(kind)
}

/// What the server does for a fault.
pub(crate) enum Action {
    Respond(Response),
    DelayThenHandle(Duration),
    Reset,
    Hang,
    HandleThenReset,
}

pub(crate) fn action(kind: FaultKind) -> Action {
    match kind {
        FaultKind::Status {
            status,
            content_type,
            body,
        } => Action::Respond(
            (
                status_code(status),
                [(header::CONTENT_TYPE, content_type)],
                body,
            )
                .into_response(),
        ),
        FaultKind::RateLimited { retry_after } => Action::Respond(rate_limited(retry_after)),
        FaultKind::Delay(d) => Action::DelayThenHandle(d),
        FaultKind::Reset => Action::Reset,
        FaultKind::Hang => Action::Hang,
        FaultKind::LoseReply => Action::HandleThenReset,
        FaultKind::Html { status } => {
            let code = status_code(status);
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{code}</title></head>\
                 <body><h1>{code}</h1><p>The server encountered a temporary error.</p>\
                 <hr><center>nginx</center></body></html>\n"
            );
            Action::Respond(
                (
                    code,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    page,
                )
                    .into_response(),
            )
        }
        FaultKind::NotJson { status } => Action::Respond(
            (
                status_code(status),
                [(header::CONTENT_TYPE, "application/json")],
                "upstream connect error or disconnect/reset before headers",
            )
                .into_response(),
        ),
        FaultKind::Huge { bytes } => Action::Respond(huge(bytes)),
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn rate_limited(retry_after: Option<u64>) -> Response {
    let message = "Request rate exceeded";
    let body = json!({
        "errorCode": "CMN-301",
        "message": message,
        "errors": [{ "errorCode": "CMN-301", "message": message }],
    });
    let mut r = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let h = r.headers_mut();
    h.insert("x-rate-limit-group", HeaderValue::from_static("medium"));
    h.insert("x-rate-limit-limit", HeaderValue::from_static("40"));
    h.insert("x-rate-limit-remaining", HeaderValue::from_static("0"));
    h.insert("x-rate-limit-window", HeaderValue::from_static("60"));
    if let Some(s) = retry_after {
        h.insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

const CHUNK: usize = 64 * 1024;

/// `{"data":"xxx…"}` padded to exactly `bytes`, produced chunk by chunk so a
/// gigabyte body never sits in memory. Below 12 bytes it is `{}` plus spaces.
fn huge(bytes: usize) -> Response {
    const HEAD: &[u8] = b"{\"data\":\"";
    const TAIL: &[u8] = b"\"}";
    let framed = bytes >= HEAD.len() + TAIL.len();
    let chunks = futures::stream::unfold(0usize, move |sent| async move {
        if sent >= bytes {
            return None;
        }
        let len = CHUNK.min(bytes - sent);
        let mut chunk = vec![if framed { b'x' } else { b' ' }; len];
        let (head, tail): (&[u8], &[u8]) = if framed { (HEAD, TAIL) } else { (b"{}", b"") };
        let edges = (0..head.len())
            .map(|i| (i, head[i]))
            .chain((0..tail.len()).map(|i| (bytes - tail.len() + i, tail[i])));
        for (at, byte) in edges {
            if (sent..sent + len).contains(&at) {
                chunk[at - sent] = byte;
            }
        }
        Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), sent + len))
    });
    let mut r = Response::new(Body::from_stream(chunks));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    #[test]
    fn builders_and_queue() {
        let f = Fault::new("/voice", FaultKind::Reset)
            .with_method("get")
            .with_times(2);
        assert_eq!(f.method.as_deref(), Some("get"));
        assert_eq!(f.times, 2);
        let mut q = vec![f, Fault::new("/", FaultKind::Delay(Duration::ZERO))];
        assert_eq!(
            take(&mut q, "POST", "/voice/x"),
            Some(FaultKind::Delay(Duration::ZERO))
        );
        assert_eq!(q.len(), 1);
        assert_eq!(take(&mut q, "GET", "/voice/x"), Some(FaultKind::Reset));
        assert_eq!(take(&mut q, "GET", "/other"), None);
        assert_eq!(take(&mut q, "GET", "/voice/y"), Some(FaultKind::Reset));
        assert!(q.is_empty());
        let mut q = vec![Fault::new("/", FaultKind::Reset).with_times(0)];
        assert_eq!(take(&mut q, "GET", "/"), None);
    }

    #[tokio::test]
    async fn huge_bodies_are_exact_and_json() {
        for n in [0, 5, 11, 12, 13, CHUNK * 2 + 7] {
            let Action::Respond(r) = action(FaultKind::Huge { bytes: n }) else {
                panic!()
            };
            let b = to_bytes(r.into_body(), usize::MAX).await.unwrap();
            assert_eq!(b.len(), n);
            if n >= 2 {
                serde_json::from_slice::<serde_json::Value>(&b).unwrap();
            }
        }
    }
}
