//! Turns a reply into what the window shows: never a credential, never
//! more text than it can hold.

use crate::http::Reply;

use super::wire::{Answer, AnswerKind};

/// The most answer text the window gets at once.
pub const SHOWN_LIMIT: usize = 1_000_000;

/// Headers that are nobody's business in a console.
const HIDDEN_HEADERS: [&str; 3] = ["set-cookie", "authorization", "proxy-authorization"];

/// How long a call took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    /// From sending to the last byte.
    pub millis: u64,
    /// Held back by the rate limits before it went out.
    pub waited_secs: u64,
}

/// The answer to show for `reply`, whose body is `body`; `credential`
/// holds the body back; `lines` is set when the body was indexed as JSON,
/// which the window then pages through instead of getting it as text.
pub fn answer(
    reply: &Reply,
    body: &[u8],
    credential: bool,
    lines: Option<u32>,
    timing: Timing,
    path: String,
) -> Answer {
    let content_type = reply.content_type().to_string();
    let headers = reply
        .headers
        .iter()
        .filter(|(k, _)| !HIDDEN_HEADERS.contains(&k.as_str()))
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let (kind, text) = if body.is_empty() {
        (AnswerKind::Empty, String::new())
    } else if credential && reply.is_success() {
        (
            AnswerKind::Withheld,
            "This answer is a credential, so Engage Desk does not show it.".to_string(),
        )
    } else if lines.is_some() {
        (AnswerKind::Json, String::new())
    } else if let Some(s) = text_start(body) {
        // Text, or JSON too big or too odd to index: its start as sent.
        (AnswerKind::Text, s.to_string())
    } else {
        (
            AnswerKind::Binary,
            format!(
                "{} bytes of {}",
                body.len(),
                if content_type.is_empty() {
                    "binary data"
                } else {
                    &content_type
                }
            ),
        )
    };
    let truncated = kind == AnswerKind::Text && text.len() < body.len();
    Answer {
        status: reply.status,
        millis: timing.millis,
        size: body.len(),
        content_type,
        headers,
        kind,
        text,
        lines: lines.unwrap_or(0),
        truncated,
        path,
        waited_secs: timing.waited_secs,
    }
}

/// The body's first megabyte as text, if it is UTF-8 (a character cut at
/// the limit is left out).
fn text_start(body: &[u8]) -> Option<&str> {
    let head = &body[..body.len().min(SHOWN_LIMIT)];
    match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        Err(e) if head.len() < body.len() && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    /// The answer for `r` as the desk makes it: JSON indexed when it can be.
    fn show(r: Reply, credential: bool) -> Answer {
        let lines = crate::console::JsonView::index(std::sync::Arc::new(r.body.clone()))
            .ok()
            .map(|v| v.line_count());
        answer(
            &r,
            &r.body,
            credential,
            lines,
            Timing::default(),
            "/p".into(),
        )
    }

    fn reply(status: u16, ct: &str, body: &[u8]) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_str(ct).unwrap());
        headers.insert("set-cookie", HeaderValue::from_static("s=secret"));
        Reply {
            status,
            headers,
            body: body.to_vec(),
            received_at: std::time::SystemTime::now(),
            spilled: None,
        }
    }

    #[test]
    fn json_is_pretty_text_is_text_binary_is_described() {
        let a = show(reply(200, "application/json", br#"{"a":[1]}"#), false);
        // JSON is paged from Rust: no text, its lines counted.
        assert_eq!(
            (a.kind, a.lines, a.text.as_str()),
            (AnswerKind::Json, 5, "")
        );
        assert!(a.headers.iter().all(|(k, _)| k != "set-cookie"));
        let a = show(reply(200, "text/plain", b"true"), false);
        assert_eq!(a.kind, AnswerKind::Json); // a bare JSON value
        let a = show(reply(200, "text/plain", b"done here"), false);
        assert_eq!((a.kind, a.text.as_str()), (AnswerKind::Text, "done here"));
        let a = show(reply(200, "audio/wav", &[0x52, 0xff, 0xfe, 0]), false);
        assert_eq!(a.kind, AnswerKind::Binary);
        assert!(a.text.starts_with("4 bytes of audio/wav"), "{}", a.text);
        let a = show(reply(204, "text/plain", b""), false);
        assert_eq!(a.kind, AnswerKind::Empty);
    }

    #[test]
    fn a_credential_is_never_shown_but_an_error_about_it_is() {
        let a = show(reply(200, "text/plain", b"eyJhbGciOi.secret"), true);
        assert_eq!(a.kind, AnswerKind::Withheld);
        assert!(!a.text.contains("secret"));
        let a = show(reply(403, "application/json", br#"{"error":"no"}"#), true);
        assert_eq!(a.kind, AnswerKind::Json);
    }

    #[test]
    fn a_large_text_is_cut_on_a_character_boundary() {
        let body = format!("x{}", "é".repeat(SHOWN_LIMIT));
        let a = show(reply(200, "text/plain", body.as_bytes()), false);
        assert_eq!(a.kind, AnswerKind::Text);
        assert!(
            a.truncated && a.text.len() == SHOWN_LIMIT - 1,
            "{}",
            a.text.len()
        );
        assert_eq!(a.size, body.len());
        // Broken JSON is shown as the text it is.
        let body = format!("{{\"a\": [{}", "1,".repeat(SHOWN_LIMIT));
        let a = show(reply(200, "application/json", body.as_bytes()), false);
        assert_eq!((a.kind, a.lines, a.truncated), (AnswerKind::Text, 0, true));
        assert!(a.text.starts_with("{\"a\": [1,1,"));
    }
}
