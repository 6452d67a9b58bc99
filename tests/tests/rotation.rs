//! Two processes renew one profile at once, on the real gnome-keyring, with
//! a 2 s RingCX lifetime: the per-profile lock and the re-read of the
//! keychain mean no refresh token is ever spent twice and no session is
//! lost. The fake's request log is the witness.

#![cfg(target_os = "linux")]

use std::time::Duration;

use anyhow::{ensure, Result};
use e2e::World;
use fake_ringcx::{Config, FakeServer};

const WORKER: &str = env!("CARGO_BIN_EXE_desk-worker");

fn worker(world: &World, dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = world.command(WORKER);
    cmd.arg(dir).arg(url).args(args);
    cmd
}

fn ok(out: std::process::Output, what: &str) -> Result<String> {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    ensure!(
        out.status.success(),
        "{what} failed ({}): {}{}",
        out.status,
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_spend_a_refresh_token_twice() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            ringcx_access_ttl: Duration::from_secs(2),
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let dir = world.root().join("desk");
    let url = fake.url();
    let token = fake.mint_rc_access_token();

    let signed = tokio::task::spawn_blocking({
        let mut cmd = worker(&world, &dir, &url, &["sign-in", &token]);
        move || cmd.output()
    })
    .await??;
    ensure!(ok(signed, "sign-in")?.contains("stored true"), "not stored");

    // Two processes, each renewing 20 times, as fast as they can.
    let spawn = |cmd: std::process::Command| {
        let mut cmd = cmd;
        tokio::task::spawn_blocking(move || cmd.output())
    };
    let a = spawn(worker(&world, &dir, &url, &["renew", "20"]));
    let b = spawn(worker(&world, &dir, &url, &["renew", "20"]));
    let (a, b) = (a.await??, b.await??);
    ok(a, "the first renewer")?;
    ok(b, "the second renewer")?;

    let spent = e2e::flows::refresh_tokens_spent(&fake)?;
    let twice = spent.values().filter(|n| **n > 1).count();
    ensure!(twice == 0, "{twice} refresh tokens were spent twice");
    ensure!(spent.len() >= 20, "only {} rotations", spent.len());
    eprintln!("rotation: {} refresh tokens spent, each once", spent.len());
    ensure!(
        fake.count("POST", "/api/auth/login/rc/accesstoken") == 1,
        "a renewal fell back to a new exchange"
    );

    // The session survived: a third process restores it and calls the API.
    let check = tokio::task::spawn_blocking({
        let mut cmd = worker(&world, &dir, &url, &["check"]);
        move || cmd.output()
    })
    .await??;
    ensure!(ok(check, "the check")?.contains("api 200"));
    Ok(())
}
