//! No token the fake issued reaches the app's log (at trace level), a file
//! the app wrote, the DOM, or an IPC reply or event, through a whole browser
//! sign-in, a renewal, the API console (its credential operations included)
//! and a sign-out.

#![cfg(target_os = "linux")]

use std::path::Path;

use anyhow::{ensure, Context, Result};
use e2e::{app, World};
use fake_ringcx::{Config, FakeServer};

/// Records every session change the webview is told of, following the
/// session feed as the UI does. (Tauri freezes its IPC objects, so replies
/// cannot be intercepted; the test asks for them itself.)
const RECORD_EVENTS: &str = r#"
  window.__ipcLog = [];
  const invoke = window.__TAURI__.core.invoke;
  (async () => {
    let change = await invoke("session_changes", {});
    for (;;) {
      window.__ipcLog.push(JSON.stringify(change));
      let next;
      do next = await invoke("session_changes", { seen: change.version });
      while (next.version === change.version);
      change = next;
    }
  })();
  return true;
"#;

/// Calls the data commands from the page, as the UI does, and returns the
/// raw replies; the raw API command must be refused in every spelling.
const ASK_COMMANDS: &str = r#"
  const done = arguments[arguments.length - 1];
  const invoke = window.__TAURI__.core.invoke;
  invoke("users_load", { activeOnly: false }).then((loaded) => Promise.all([
    loaded,
    invoke("session"),
    invoke("users_page", { query: { limit: 500 } }),
    invoke("user_details", { userId: 1 }).catch((e) => e),
    // The raw API command is not the page's to call: through it a script
    // reached /api/auth/login with the bearer token and read accessToken.
    Promise.all(["%2e%2e", ".%2e", "%2E%2E"].map((dots) =>
      invoke("call_api", { method: "GET", path: `/voice/api/${dots}/${dots}/api/auth/login` })
        .then((r) => "ANSWERED " + JSON.stringify(r), (e) => "REFUSED " + JSON.stringify(e)))),
    invoke("start_up"),
  ])).then((replies) => done(replies.map((r) => JSON.stringify(r))), (e) => done(["error " + JSON.stringify(e)]));
"#;

/// The console's commands, as its view calls them, the permanent API token
/// operations included (their answers are credentials).
const ASK_CONSOLE: &str = r#"
  const done = arguments[arguments.length - 1];
  const invoke = window.__TAURI__.core.invoke;
  const send = (method, path, confirmed) =>
    invoke("console_send", { request: { method, path, values: {}, query: [], body: "", confirmed } });
  Promise.all([
    invoke("console_search", { query: "token" }),
    invoke("console_form", { method: "POST", path: "/voice/api/v1/admin/token" }),
    send("POST", "/voice/api/v1/admin/token", true),
    send("GET", "/voice/api/v1/admin/token", false),
    send("GET", "/voice/api/v1/admin/accounts/{accountId}/agentGroups", false),
    invoke("console_choices", { param: "agentGroupId", values: {} }),
    invoke("console_history", { query: "" }),
  ]).then(async (replies) => {
    // The token list answered last: nothing of it is paged to the window,
    // whatever the filter.
    replies.push(await send("GET", "/voice/api/v1/admin/token", false));
    for (const filter of ["", "a", "e", "\""])
      replies.push(await invoke("console_lines", { ask: { filter, start: 0, count: 1000 } }));
    return replies;
  }).then((replies) => done(replies.map((r) => JSON.stringify(r))), (e) => done(["error " + JSON.stringify(e)]));
"#;

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => files_under(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_reaches_logs_files_dom_or_ipc() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            ringcx_access_ttl: std::time::Duration::from_secs(3),
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port()
        .to_string();
    let browser = format!("{}/fixtures/browser.sh", env!("CARGO_MANIFEST_DIR"));
    let mut seen: Vec<String> = Vec::new();
    let env = [("BROWSER", browser.as_str()), ("ENGAGE_LOG", "trace")];
    app::run("leaks", &world, &env, async |app| {
        app.ready().await?;
        app.client.execute(RECORD_EVENTS, vec![]).await?;
        e2e::flows::sign_in_with_browser(app, &fake, &port, "John Wang").await?;
        // A renewal happens within the 3 s lifetime and shows up live (any
        // count from one up: the next one may already have replaced it).
        app.wait_text("session-status", |t| {
            t.contains("Renewed ") && !t.contains("Renewed 0 times")
        })
        .await?;
        app.click("nav-users").await?;
        app.wait_text("users-count", |t| t.contains(" of ")).await?;
        seen.push(app.client.source().await?);
        let replies = app.client.execute_async(ASK_COMMANDS, vec![]).await?;
        let replies = replies.as_array().context("command replies")?;
        ensure!(replies.len() == 6, "replies: {replies:?}");
        ensure!(
            replies[1]
                .as_str()
                .unwrap_or("")
                .contains("john.wang@example.com"),
            "session reply: {:?}",
            replies[1]
        );
        ensure!(
            replies[2].as_str().unwrap_or("").contains("userName"),
            "users page reply: {:?}",
            replies[2]
        );
        let raw_api = replies[4].as_str().unwrap_or("");
        ensure!(
            raw_api.matches("REFUSED").count() == 3 && !raw_api.contains("ANSWERED"),
            "the page reached call_api: {raw_api}"
        );
        seen.extend(replies.iter().map(|r| r.to_string()));
        let console = app.client.execute_async(ASK_CONSOLE, vec![]).await?;
        let console = console.as_array().context("console replies")?;
        ensure!(console.len() == 12, "console replies: {console:?}");
        for withheld in [&console[2], &console[3], &console[7]] {
            ensure!(
                withheld
                    .as_str()
                    .unwrap_or("")
                    .contains(r#""kind":"withheld""#),
                "a credential answer was shown: {withheld}"
            );
        }
        // After the token list, the window has no line to page.
        for page in &console[8..] {
            ensure!(
                page.as_str().unwrap_or("").contains(r#""total":0"#),
                "lines of a credential answer: {page}"
            );
        }
        ensure!(
            fake.count("POST", "/voice/api/v1/admin/token") == 1,
            "the console did not create an API token"
        );
        seen.extend(console.iter().map(|r| r.to_string()));
        app.click("nav-console").await?;
        app.visible("console-view").await?;
        seen.push(app.client.source().await?);
        app.click("nav-agent").await?;
        app.click("signout").await?;
        app.visible("signin-view").await?;
        seen.push(app.client.source().await?);
        let log = app
            .client
            .execute("return window.__ipcLog;", vec![])
            .await?;
        let events = log.as_array().context("event log")?;
        // The first is where the recorder started; then sign-in, renewals, sign-out.
        ensure!(events.len() >= 4, "too few session changes: {events:?}");
        seen.extend(events.iter().map(|r| r.to_string()));
        Ok(())
    })
    .await?;

    ensure!(
        fake.count("POST", "/api/auth/token/refresh") >= 1,
        "no renewal happened"
    );
    ensure!(
        fake.count("DELETE", "/api/auth/logout/") == 1,
        "no RingCX logout"
    );
    let issued = fake.issued_tokens();
    ensure!(
        issued.len() >= 5,
        "the fake issued {} secrets",
        issued.len()
    );

    let mut files = Vec::new();
    files_under(world.root(), &mut files);
    let log = std::fs::read_to_string(world.root().join("app.log"))?;
    ensure!(log.contains("TRACE"), "the app did not log at trace level");
    for file in &files {
        // Sockets and the keyring's own encrypted store are not the app's.
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for token in &issued {
            ensure!(
                !text.contains(token.as_str()),
                "a token is in {}",
                file.display()
            );
        }
    }
    for text in &seen {
        for token in &issued {
            ensure!(
                !text.contains(token.as_str()),
                "a token reached the webview: {token}"
            );
        }
    }
    Ok(())
}
