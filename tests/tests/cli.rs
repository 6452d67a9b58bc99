//! The real `engage` binary against the fake, with the world's real
//! gnome-keyring: sign-in (a pasted token on stdin, and the browser flow
//! through `$BROWSER`), the status, a token that curl uses, `api` with the
//! session's placeholders, a POST with fields, an upload, a WAV saved with
//! `--output`, users as CSV, and every documented exit code (0 to 5).

#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

use anyhow::{ensure, Context, Result};
use e2e::World;
use fake_ringcx::{Config, FakeServer};

/// The `engage` binary of this build (cargo builds it for the engage-cli
/// package's own tests, which run in the same `cargo test --workspace`).
fn engage_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("ENGAGE_CLI_BIN") {
        return bin.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/engage")
}

/// Runs `engage args` in the world, `stdin` piped in.
fn engage(world: &World, args: &[&str], stdin: &str) -> Result<Output> {
    let mut child = world
        .command(engage_binary())
        .args(args)
        .env("BROWSER", e2e::flows::browser_script())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("engage (built by cargo test --workspace)")?;
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(stdin.as_bytes())?;
    Ok(child.wait_with_output()?)
}

/// Runs it and requires `code`; returns stdout.
fn expect(world: &World, args: &[&str], stdin: &str, code: i32) -> Result<String> {
    let out = engage(world, args, stdin)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        out.status.code() == Some(code),
        "engage {args:?} exited {:?}, not {code}: {stderr}\nstdout: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn login_args(fake: &FakeServer) -> Vec<String> {
    let url = fake.url();
    [
        "auth",
        "login",
        "--rc-server",
        &url,
        "--ringcx-server",
        &url,
        "--client-id",
        "fake-client-id",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_signs_in_calls_and_signs_out() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            users: 120,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let mut login = login_args(&fake);
    login.push("--with-token".into());
    let login: Vec<&str> = login.iter().map(String::as_str).collect();
    // The token comes on stdin, never as an argument.
    expect(&world, &login, &fake.mint_rc_access_token(), 0)?;

    // The status, as JSON: signed in, the profile and hosts, no token.
    let status = expect(&world, &["auth", "status", "--json"], "", 0)?;
    let v: serde_json::Value = serde_json::from_str(&status)?;
    ensure!(v["signedIn"] == true && v["profile"] == "default", "{v}");
    ensure!(
        v["ringcxServer"]
            .as_str()
            .is_some_and(|s| s.starts_with("http://127.0.0.1")),
        "{v}"
    );
    for token in fake.issued_tokens() {
        ensure!(!status.contains(&token), "a token in the status");
    }

    // A token for curl: it is one the fake issued, and it works.
    let token = expect(&world, &["auth", "token"], "", 0)?;
    let token = token.trim();
    ensure!(
        fake.issued_tokens().iter().any(|t| t == token),
        "not an issued token"
    );
    let curl = std::process::Command::new("curl")
        .args([
            "--silent",
            "--output",
            "/dev/null",
            "--write-out",
            "%{http_code}",
            "-H",
        ])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("{}/voice/api/v1/admin/accounts", fake.url()))
        .output()?;
    ensure!(
        String::from_utf8_lossy(&curl.stdout) == "200",
        "curl: {:?}",
        curl
    );

    // The session's account fills {accountId}; piped, JSON comes as sent.
    let groups = expect(
        &world,
        &[
            "api",
            "/voice/api/v1/admin/accounts/{accountId}/agentGroups",
        ],
        "",
        0,
    )?;
    let groups: serde_json::Value = serde_json::from_str(&groups)?;
    ensure!(groups[0]["groupName"] == "Platform Team", "{groups}");
    ensure!(
        fake.count("GET", "/voice/api/v1/admin/accounts/333333/agentGroups") == 1,
        "not one call with the account filled in"
    );

    // --paginate: two groups a page, all five in one array, three calls.
    let all = expect(
        &world,
        &[
            "api",
            "/voice/api/v1/admin/accounts/{accountId}/agentGroups?maxRows=2",
            "--paginate",
        ],
        "",
        0,
    )?;
    let all: serde_json::Value = serde_json::from_str(&all)?;
    let names: Vec<_> = all
        .as_array()
        .context("an array")?
        .iter()
        .map(|g| g["groupName"].as_str().unwrap_or(""))
        .collect();
    ensure!(names.len() == 5 && names[0] == "Platform Team", "{names:?}");
    ensure!(
        fake.count("GET", "/voice/api/v1/admin/accounts/333333/agentGroups") == 4,
        "one call, then three pages"
    );

    // Fields make a POST with a JSON body.
    let leads = expect(
        &world,
        &[
            "api",
            "/voice/api/v1/admin/accounts/{accountId}/campaignLeads/leadSearch",
            "-f",
            "firstName=Ana",
        ],
        "",
        0,
    )?;
    ensure!(
        serde_json::from_str::<serde_json::Value>(&leads)?.is_array(),
        "{leads}"
    );
    let sent = fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.ends_with("/leadSearch"))
        .context("no lead search")?;
    ensure!(sent.method == "POST", "{}", sent.method);

    // An upload with -F: multipart, the file's bytes.
    let csv = world.root().join("leads.csv");
    let bytes = b"leadPhone,firstName\n+16505550100,Ana\n";
    std::fs::write(&csv, bytes)?;
    let file = format!("file=@{}", csv.display());
    let preview = expect(
        &world,
        &[
            "api",
            "/voice/api/v1/admin/accounts/{accountId}/campaigns/{campaignId}/leadLoader/preview",
            "-f",
            "campaignId=102000",
            "-F",
            &file,
        ],
        "",
        0,
    )?;
    let preview: serde_json::Value = serde_json::from_str(&preview)?;
    ensure!(
        preview["sha256"] == fake_ringcx::sha256_hex(bytes),
        "{preview}"
    );

    // A WAV only with --output, and then its exact bytes.
    let segment = "/voice/api/cx/integration/v1/accounts/{rcAccountId}/sub-accounts/{subAccountId}/recordings/dialogs/{dialogId}/segments/{segmentId}";
    let ids = ["-f", "dialogId=7", "-f", "segmentId=1"];
    let mut args = vec!["api", segment];
    args.extend(ids);
    expect(&world, &args, "", 2)?;
    let wav = world.root().join("segment.wav");
    let wav_arg = wav.display().to_string();
    args.extend(["--output", &wav_arg]);
    expect(&world, &args, "", 0)?;
    ensure!(
        std::fs::read(&wav)? == fake_ringcx::recording_wav("7", "1"),
        "the WAV differs"
    );

    // Users as CSV, parsed back.
    let csv = expect(&world, &["users", "--format", "csv"], "", 0)?;
    let mut lines = csv.lines();
    ensure!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("userId,name,userName")),
        "{csv:.200}"
    );
    let rows: Vec<&str> = lines.collect();
    ensure!(rows.len() == 120, "{} users", rows.len());
    ensure!(rows.iter().all(|r| r
        .split(',')
        .next()
        .is_some_and(|id| id.parse::<i64>().is_ok())));

    // A file that cannot be written: 1, named.
    let out = engage(
        &world,
        &[
            "api",
            "/voice/api/v1/admin/accounts",
            "--output",
            "/nonexistent/folder/a.json",
        ],
        "",
    )?;
    ensure!(out.status.code() == Some(1), "{:?}", out.status);
    ensure!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/folder/a.json"));

    // An HTTP error answer: 4, its body still on stdout.
    let out = engage(
        &world,
        &["api", "/voice/api/v1/admin/accounts/999999/agentGroups"],
        "",
    )?;
    ensure!(
        out.status.code() == Some(4),
        "{:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    ensure!(String::from_utf8_lossy(&out.stderr).contains("RingCX answered 4"));

    // Signed out: 3, and the next step named.
    expect(&world, &["auth", "logout"], "", 0)?;
    let out = engage(&world, &["auth", "token"], "")?;
    ensure!(out.status.code() == Some(3), "{:?}", out.status);
    ensure!(String::from_utf8_lossy(&out.stderr).contains("engage auth login"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_sign_in_prints_its_address_and_a_dead_server_exits_5() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    let mut login = login_args(&fake);
    login.extend(["--redirect-port".into(), "53715".into()]);
    let login: Vec<&str> = login.iter().map(String::as_str).collect();
    let out = engage(&world, &login, "")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "{stderr}");
    ensure!(
        stderr.contains("/restapi/oauth/authorize?"),
        "no address printed: {stderr}"
    );
    ensure!(stderr.contains("signed in as"), "{stderr}");
    let status = expect(&world, &["auth", "status", "--json"], "", 0)?;
    ensure!(status.contains("\"method\": \"browser\""), "{status}");

    // Another profile on a server that is not there: a network failure.
    let mut dead = vec!["--profile", "Offline", "auth", "login", "--with-token"];
    dead.extend([
        "--rc-server",
        "http://127.0.0.1:9",
        "--ringcx-server",
        "http://127.0.0.1:9",
    ]);
    dead.extend(["--client-id", "x"]);
    let out = engage(&world, &dead, "a-token")?;
    ensure!(
        out.status.code() == Some(5),
        "{:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // The first profile is still signed in.
    expect(&world, &["auth", "status"], "", 0)?;
    let profiles = expect(&world, &["profiles"], "", 0)?;
    ensure!(profiles.contains("* default"), "{profiles}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_and_the_command_line_share_one_session() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            ringcx_access_ttl: std::time::Duration::from_secs(2),
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    e2e::app::run("cli_beside_app", &world, &[], async |app| {
        e2e::flows::sign_in_with_token(app, &fake).await?;
        app.wait_text("agent-name", |t| !t.is_empty()).await?;
        // 50 calls over a minute, each a new `engage` process, while the
        // app renews its 2 s tokens on its own.
        for i in 0..50 {
            let world_env = world.env();
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(engage_binary())
                    .args(["api", "/voice/api/v1/admin/accounts"])
                    .env_clear()
                    .envs(world_env)
                    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                    .output()
            })
            .await??;
            ensure!(
                out.status.success(),
                "call {i} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            // The pace of the scenario (a script every 1.2 s), not a wait
            // for anything.
            tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
        }
        // The app kept its session: its own calls still go through.
        app.click("nav-users").await?;
        app.wait_text("users-count", |t| t.contains(" of ")).await?;
        app.click("nav-agent").await?;
        app.visible("agent-view").await?;
        Ok(())
    })
    .await?;
    let spent = e2e::flows::refresh_tokens_spent(&fake)?;
    ensure!(
        spent.values().all(|n| *n == 1),
        "a refresh token was spent twice"
    );
    ensure!(spent.len() >= 20, "only {} renewals", spent.len());
    ensure!(
        fake.count("POST", "/api/auth/login/rc/accesstoken") == 1,
        "a renewal fell back to a new exchange (a session was lost)"
    );
    eprintln!(
        "side by side: {} refresh tokens spent, each once",
        spent.len()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwt_credential_signs_in_with_the_secret_from_the_environment() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            client_secret: Some("cli-secret".into()),
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let jwt = world.root().join("credential.jwt");
    std::fs::write(&jwt, "fake-jwt-credential\n")?;
    let jwt_arg = jwt.display().to_string();
    let mut args = login_args(&fake);
    args.extend(["--with-jwt".into(), jwt_arg]);
    let out = world
        .command(engage_binary())
        .args(&args)
        .env("ENGAGE_CLIENT_SECRET", "cli-secret")
        .stdin(Stdio::null())
        .output()?;
    ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = expect(&world, &["auth", "status", "--json"], "", 0)?;
    ensure!(status.contains("\"method\": \"jwt\""), "{status}");
    // Neither the credential nor the secret is in what was printed.
    let printed = format!("{}{status}", String::from_utf8_lossy(&out.stderr));
    ensure!(!printed.contains("fake-jwt-credential") && !printed.contains("cli-secret"));
    Ok(())
}
