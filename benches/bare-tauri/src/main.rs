//! The floor for `make bench`: an empty Tauri 2 app, built like Engage Desk,
//! that does the least work the benchmarks measure. Its page sets the same
//! marks as Engage Desk's UI; with `BENCH_USERS_URL` and `BENCH_TOKEN` set,
//! its Users button fetches the users list, parses it and paints the first
//! `BENCH_ROWS` rows (`BENCH_AUTOLOAD=1`: at once, without a click).
//!
//! The token stays in this process: the page only learns that there is a
//! list to load and how many rows to paint.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use tauri::State;

/// Rows the page paints when `BENCH_ROWS` does not say.
const DEFAULT_ROWS: usize = 40;

/// What the bench asked for, read once from the environment at start.
struct Bench {
    users_url: Option<String>,
    token: Option<String>,
    rows: usize,
    autoload: bool,
    http: reqwest::Client,
}

impl Bench {
    fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        Bench {
            users_url: var("BENCH_USERS_URL"),
            token: var("BENCH_TOKEN"),
            rows: var("BENCH_ROWS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_ROWS),
            autoload: var("BENCH_AUTOLOAD").as_deref() == Some("1"),
            http: reqwest::Client::new(),
        }
    }
}

/// What the page may know: the list to load (never the token), how many
/// rows to paint, and whether to load at once rather than on a click.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageConfig {
    users_url: String,
    rows: usize,
    autoload: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    user_id: Option<i64>,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FirstRows {
    /// When the response body had fully arrived, in ms since 1970.
    received_at_ms: f64,
    /// How long serde_json took to parse the body into a `Value`.
    parse_ms: f64,
    total: usize,
    rows: Vec<Row>,
}

/// `null` when the bench set no list to load.
#[tauri::command]
fn bench_config(bench: State<'_, Bench>) -> Option<PageConfig> {
    match (&bench.users_url, &bench.token) {
        (Some(url), Some(_)) => Some(PageConfig {
            users_url: url.clone(),
            rows: bench.rows,
            autoload: bench.autoload,
        }),
        _ => None,
    }
}

/// Fetches the users list, notes when it arrived, parses it and returns
/// the total and the first `limit` users.
#[tauri::command]
async fn first_rows(bench: State<'_, Bench>, limit: usize) -> Result<FirstRows, String> {
    let (Some(url), Some(token)) = (&bench.users_url, &bench.token) else {
        return Err("BENCH_USERS_URL and BENCH_TOKEN are not set".into());
    };
    let response = bench
        .http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the users request answered {status}"));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("reading the users failed: {e}"))?;
    let received = SystemTime::now();
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| format!("the users are not JSON: {e}"))?;
    let parsed = SystemTime::now();
    let users = value.as_array().map(Vec::as_slice).unwrap_or_default();
    let first = FirstRows {
        received_at_ms: epoch_ms(received),
        parse_ms: epoch_ms(parsed) - epoch_ms(received),
        total: users.len(),
        rows: users.iter().take(limit).map(row).collect(),
    };
    // Freeing a large tree takes a while; the rows need not wait for it.
    std::thread::spawn(move || drop((value, body)));
    Ok(first)
}

fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn row(user: &Value) -> Row {
    let text = |key: &str| user.get(key).and_then(Value::as_str).unwrap_or_default();
    let name = match text("fullName") {
        "" => format!("{} {}", text("firstName"), text("lastName")),
        full => full.to_string(),
    };
    Row {
        user_id: user.get("userId").and_then(Value::as_i64),
        name: name.trim().to_string(),
    }
}

fn main() {
    let result = tauri::Builder::default()
        .manage(Bench::from_env())
        .invoke_handler(tauri::generate_handler![bench_config, first_rows])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Bare Tauri could not start: {e}");
        std::process::exit(1);
    }
}
