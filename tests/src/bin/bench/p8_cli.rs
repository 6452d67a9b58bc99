//! P8, the command line: `engage api GET /voice/api/v1/admin/accounts` from
//! its process start to its exit, against curl making the same request with
//! a token, in the same run; both include their process start.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use e2e::World;
use fake_ringcx::{Config, FakeServer};

use crate::figure::{Figure, Side};
use crate::setup::Setup;

const PATH: &str = "/voice/api/v1/admin/accounts";

/// The packaged `engage` (scripts/sidecar.sh put it there), or
/// `BENCH_CLI_BIN`.
pub(crate) fn cli_binary() -> PathBuf {
    std::env::var_os("BENCH_CLI_BIN").map_or_else(
        || {
            let triple = if cfg!(target_arch = "aarch64") {
                "aarch64-unknown-linux-gnu"
            } else {
                "x86_64-unknown-linux-gnu"
            };
            crate::setup::workspace().join(format!("src-tauri/binaries/engage-{triple}"))
        },
        PathBuf::from,
    )
}

pub(crate) async fn p8_cli(setup: &Setup) -> Result<Figure> {
    let fake = FakeServer::start_with(
        Config {
            // Long enough for curl's token to last the whole figure.
            ringcx_access_ttl: std::time::Duration::from_secs(3_600),
            ..Config::default()
        },
        0,
    )
    .await?;
    let cli = cli_binary();
    ensure!(
        cli.exists(),
        "no {} (scripts/sidecar.sh builds it)",
        cli.display()
    );
    let world = World::start()?;
    let engage = |args: &[&str], stdin: Option<String>| -> Result<(f64, String)> {
        let mut cmd = world.command(&cli);
        cmd.args(args);
        let started = Instant::now();
        let out = match stdin {
            Some(text) => {
                use std::io::Write;
                let mut child = cmd
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()?;
                child
                    .stdin
                    .take()
                    .context("stdin")?
                    .write_all(text.as_bytes())?;
                child.wait_with_output()?
            }
            None => cmd.output()?,
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        ensure!(
            out.status.success(),
            "engage {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok((ms, String::from_utf8_lossy(&out.stdout).into_owned()))
    };
    let url = fake.url();
    engage(
        &[
            "auth",
            "login",
            "--with-token",
            "--rc-server",
            &url,
            "--ringcx-server",
            &url,
            "--client-id",
            "bench",
        ],
        Some(fake.mint_rc_access_token()),
    )?;
    let (_, token) = engage(&["auth", "token"], None)?;
    let token = token.trim().to_string();
    let mut figure = Figure::new(
        "P8",
        "command line: `engage api GET /voice/api/v1/admin/accounts`, process start → exit, \
         vs curl with a token (ms)",
        "ms",
        setup.runs * 4,
    );
    let curl = || -> Result<f64> {
        let started = Instant::now();
        let out = Command::new("curl")
            .args([
                "--silent",
                "--fail",
                "--output",
                "/dev/null",
                "-H",
                "Accept: application/json",
                "-H",
            ])
            .arg(format!("Authorization: Bearer {token}"))
            .arg(format!("{url}{PATH}"))
            .output()?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        ensure!(out.status.success(), "curl failed: {:?}", out.status);
        Ok(ms)
    };
    // One of each first, uncounted: the binaries' pages come from disk.
    engage(&["api", PATH], None)?;
    curl()?;
    let refreshes_before = fake.count("POST", "/api/auth/token/refresh");
    for run in 1..=setup.runs * 4 {
        figure.record(
            Side::App,
            run,
            engage(&["api", PATH], None).map(|(ms, _)| ms),
        );
        figure.record(Side::Floor, run, curl());
    }
    let refreshes = fake.count("POST", "/api/auth/token/refresh") - refreshes_before;
    figure.notes.push(format!(
        "{} runs a side, alternating; each engage run read the session from the keychain \
         (gnome-keyring over D-Bus) and made {:.1} token refreshes on average before its call",
        setup.runs * 4,
        refreshes as f64 / (setup.runs * 4) as f64
    ));
    figure.removable = Some(
        "what engage does besides the request: reading the saved session from the keychain \
         and, at start, renewing the RingCX token (a round trip and a keychain write) \
         before the call; keeping a still-valid token instead would save the round trip."
            .into(),
    );
    world.shutdown();
    Ok(figure)
}
