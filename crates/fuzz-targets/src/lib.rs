//! One function per fuzz target: each hands arbitrary bytes to a parser of
//! the core that reads outside input (server answers, the browser's request
//! head, files on disk, keychain entries, paths typed by a user). None may
//! panic, whatever the bytes. `fuzz/` runs them under libFuzzer (nightly);
//! `tests/corpus.rs` replays every committed corpus file on stable.

use std::time::{Duration, UNIX_EPOCH};

use engage::http::{Reply, ServerError};
use engage::{ApiPath, SecretString};

/// A target: bytes in, a panic on a defect.
pub type Target = fn(&[u8]);

/// Every target, by name, as the corpus folders are named.
pub const TARGETS: &[(&str, Target)] = &[
    ("exchange_reply", exchange_reply),
    ("rc_token_reply", rc_token_reply),
    ("error_body", error_body),
    ("jwt", jwt),
    ("users", users),
    ("retry_after", retry_after),
    ("loopback_head", loopback_head),
    ("settings", settings),
    ("vault_bundle", vault_bundle),
    ("api_path", api_path),
    ("json_view", json_view),
];

/// A fixed clock: the targets must be deterministic.
const NOW: Duration = Duration::from_secs(1_800_000_000);

fn reply(status: u16, body: &[u8]) -> Reply {
    Reply {
        status,
        headers: Default::default(),
        body: body.to_vec(),
        received_at: UNIX_EPOCH + NOW,
        spilled: None,
    }
}

/// The first byte picks a status where one matters; the rest is the body.
fn status_and_body(data: &[u8]) -> (u16, &[u8]) {
    const STATUSES: [u16; 8] = [200, 400, 401, 403, 404, 429, 500, 503];
    match data.split_first() {
        Some((s, rest)) => (STATUSES[usize::from(*s) % STATUSES.len()], rest),
        None => (200, data),
    }
}

/// RingCX's exchange and refresh answers (one parser serves both).
pub fn exchange_reply(data: &[u8]) {
    if let Ok(login) = engage::ringcx::login_from(&reply(200, data)) {
        // The expiry is bounded: a wild claim cannot overflow the clock.
        let _ = login.tokens.access_expires_at.duration_since(UNIX_EPOCH);
    }
}

/// RingCentral's OAuth token answer.
pub fn rc_token_reply(data: &[u8]) {
    let _ = engage::rc::tokens_from(&reply(200, data), UNIX_EPOCH + NOW);
}

/// The three error body families, and the errors made of them.
pub fn error_body(data: &[u8]) {
    let (status, body) = status_and_body(data);
    let r = reply(status, body);
    let e = ServerError::parse(&r);
    if let Some(m) = &e.message {
        assert!(
            m.chars().count() <= 201,
            "a server text longer than its cut"
        );
    }
    let _ = engage::ringcx::api_error(&r).to_string();
    let _ = engage::ringcx::is_expired(&r);
}

/// A RingCX access token's claims.
pub fn jwt(data: &[u8]) {
    let token = String::from_utf8_lossy(data);
    let _ = engage::jwt::expiry(&token);
    let _ = engage::jwt::lifetime(&token);
    let _ = engage::jwt::local_expiry(&token, None, UNIX_EPOCH + NOW);
}

/// The users list (flat or as a tree), into the table the window pages.
pub fn users(data: &[u8]) {
    if let Ok(table) = engage::users::UserTable::parse(data.to_vec()) {
        let page = table.page(&engage::users::Query {
            text: "a".into(),
            limit: 20,
            ..Default::default()
        });
        assert!(page.matched <= page.total);
    }
}

/// The console's JSON index: it takes every document serde_json takes,
/// with at least the lines a pretty printer would print, and paging, folding and
/// filtering never panic.
pub fn json_view(data: &[u8]) {
    use engage::console::JsonView;
    let by_serde = serde_json::from_slice::<serde_json::Value>(data).ok();
    let view = JsonView::index(std::sync::Arc::new(data.to_vec()));
    if let Some(value) = &by_serde {
        let view = view
            .as_ref()
            .expect("serde_json took it, the index refused it");
        let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
        // As many lines as the pretty print, or more: a key sent twice is
        // shown twice, where a `Value` keeps one.
        assert!(view.line_count() as usize >= pretty.lines().count());
    }
    if let Ok(mut view) = view {
        let lines = view.line_count();
        let filter = String::from_utf8_lossy(data.get(..3).unwrap_or(data)).into_owned();
        for (i, b) in data.iter().take(8).enumerate() {
            view.fold(u32::from(*b) % lines.max(1), i % 3 != 0);
        }
        let page = view.page("", lines / 2, 50);
        assert!(page.rows.len() <= 50 && page.total <= lines);
        let page = view.page(&filter, 0, 50);
        assert!(page.total <= lines);
        view.fold_at_depth(1);
        let _ = view.page("", 0, 1_000);
    }
}

/// `Retry-After` in both of its forms, and through a reply's header.
pub fn retry_after(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = engage::http::parse_retry_after(&text, UNIX_EPOCH + NOW);
    if let Ok(value) = reqwest::header::HeaderValue::from_bytes(data) {
        let mut r = reply(429, b"");
        r.headers.insert(reqwest::header::RETRY_AFTER, value);
        assert!(r.retry_after() <= engage::http::MAX_RETRY_AFTER);
    }
}

/// The request head a browser (or anything local) sends the loopback port.
pub fn loopback_head(data: &[u8]) {
    let _ = engage::loopback::request_target(data);
}

/// settings.json as found on disk.
pub fn settings(data: &[u8]) {
    if let Ok((s, _)) = engage::settings::Settings::from_json(data) {
        let list = s.profile_list();
        assert!(list.names.contains(&list.current));
        let _ = s.current_profile();
        let _ = s.existing_name(&s.current.to_uppercase());
    }
}

/// The session bundle as the keychain gives it back.
pub fn vault_bundle(data: &[u8]) {
    let text = SecretString::from(String::from_utf8_lossy(data).into_owned());
    if let Ok(saved) = engage::session::Saved::from_secret(&text) {
        let _ = saved.to_secret();
    }
}

/// An API path as typed, checked, and turned into a URL.
pub fn api_path(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    if let Ok(path) = ApiPath::parse(&raw) {
        let hosts = engage::hosts::Hosts::parse(
            "https://platform.ringcentral.com",
            "https://ringcx.ringcentral.com/prefix",
        )
        .expect("valid hosts");
        let url = hosts.api_url(&path);
        // What the check passed is what goes out, on the right host, under
        // an API family, never into the auth endpoints.
        assert_eq!(url.host_str(), Some("ringcx.ringcentral.com"));
        let p = url.path();
        assert!(
            p.starts_with("/prefix/voice/api/") || p.starts_with("/prefix/platform/api/"),
            "{p}"
        );
        assert!(!p.contains("/../") && !p.ends_with("/.."), "{p}");
    }
}
