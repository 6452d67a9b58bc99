//! Turns a reply into what the window shows: never a credential, never
//! more text than it can hold.

use crate::http::Reply;

use super::wire::{Answer, AnswerKind};

/// The most answer text the window gets at once.
pub const SHOWN_LIMIT: usize = 1_000_000;

/// Headers that are nobody's business in a console.
const HIDDEN_HEADERS: [&str; 3] = ["set-cookie", "authorization", "proxy-authorization"];

/// The answer to show for `reply`; `credential` holds back its body.
pub fn answer(
    reply: &Reply,
    credential: bool,
    millis: u64,
    path: String,
    waited_secs: u64,
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
    let (kind, mut text) = if reply.body.is_empty() {
        (AnswerKind::Empty, String::new())
    } else if credential && reply.is_success() {
        (
            AnswerKind::Withheld,
            "This answer is a credential, so Engage Desk does not show it.".to_string(),
        )
    } else if reply.body.len() > SHOWN_LIMIT && looks_like_json(&reply.body) {
        // Too long to show whole: its first megabyte as sent, not parsed
        // and printed again in full only to be cut.
        (
            AnswerKind::Json,
            String::from_utf8_lossy(&reply.body[..SHOWN_LIMIT + 1]).into_owned(),
        )
    } else if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&reply.body) {
        (
            AnswerKind::Json,
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        )
    } else if let Ok(s) = std::str::from_utf8(&reply.body) {
        (AnswerKind::Text, s.to_string())
    } else {
        (
            AnswerKind::Binary,
            format!(
                "{} bytes of {}",
                reply.body.len(),
                if content_type.is_empty() {
                    "binary data"
                } else {
                    &content_type
                }
            ),
        )
    };
    let truncated = text.len() > SHOWN_LIMIT;
    if truncated {
        let mut cut = SHOWN_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    Answer {
        status: reply.status,
        millis,
        size: reply.body.len(),
        content_type,
        headers,
        kind,
        text,
        truncated,
        path,
        waited_secs,
    }
}

fn looks_like_json(body: &[u8]) -> bool {
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn reply(status: u16, ct: &str, body: &[u8]) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_str(ct).unwrap());
        headers.insert("set-cookie", HeaderValue::from_static("s=secret"));
        Reply {
            status,
            headers,
            body: body.to_vec(),
            received_at: std::time::SystemTime::now(),
        }
    }

    #[test]
    fn json_is_pretty_text_is_text_binary_is_described() {
        let a = answer(
            &reply(200, "application/json", br#"{"a":[1]}"#),
            false,
            5,
            "/p".into(),
            0,
        );
        assert_eq!(
            (a.kind, a.text.as_str()),
            (AnswerKind::Json, "{\n  \"a\": [\n    1\n  ]\n}")
        );
        assert!(a.headers.iter().all(|(k, _)| k != "set-cookie"));
        let a = answer(&reply(200, "text/plain", b"true"), false, 5, "/p".into(), 0);
        assert_eq!(a.kind, AnswerKind::Json); // a bare JSON value
        let a = answer(
            &reply(200, "text/plain", b"done here"),
            false,
            5,
            "/p".into(),
            0,
        );
        assert_eq!((a.kind, a.text.as_str()), (AnswerKind::Text, "done here"));
        let a = answer(
            &reply(200, "audio/wav", &[0x52, 0xff, 0xfe, 0]),
            false,
            5,
            "/p".into(),
            0,
        );
        assert_eq!(a.kind, AnswerKind::Binary);
        assert!(a.text.starts_with("4 bytes of audio/wav"), "{}", a.text);
        let a = answer(&reply(204, "text/plain", b""), false, 5, "/p".into(), 0);
        assert_eq!(a.kind, AnswerKind::Empty);
    }

    #[test]
    fn a_credential_is_never_shown_but_an_error_about_it_is() {
        let a = answer(
            &reply(200, "text/plain", b"eyJhbGciOi.secret"),
            true,
            5,
            "/p".into(),
            0,
        );
        assert_eq!(a.kind, AnswerKind::Withheld);
        assert!(!a.text.contains("secret"));
        let a = answer(
            &reply(403, "application/json", br#"{"error":"no"}"#),
            true,
            5,
            "/p".into(),
            0,
        );
        assert_eq!(a.kind, AnswerKind::Json);
    }

    #[test]
    fn a_large_answer_is_cut_on_a_character_boundary() {
        let body = format!("\"{}\"", "é".repeat(SHOWN_LIMIT));
        let a = answer(
            &reply(200, "application/json", body.as_bytes()),
            false,
            5,
            "/p".into(),
            0,
        );
        assert!(a.truncated && a.text.len() <= SHOWN_LIMIT);
        assert_eq!(a.size, body.len());
    }
}
