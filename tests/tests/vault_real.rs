//! The core's vault against the real gnome-keyring, over the test's own
//! D-Bus session: round trip, overwrite, delete, the size path, and a locked
//! or missing Secret Service. (The same cases run on keyring-core's mock
//! store in the core's unit tests.)
//!
//! One test function: it points this process at the test bus through the
//! environment, which must not change while other tests run.

#![cfg(target_os = "linux")]

use std::time::{Duration, UNIX_EPOCH};

use anyhow::{ensure, Result};
use e2e::{World, WorldOptions};
use engage::rc::RcTokens;
use engage::session::{Saved, SignInMethod};
use engage::vault::Vault;
use engage::{ExposeSecret, SecretString};

fn saved(jwt_len: usize, cx: &str) -> SecretString {
    Saved {
        method: SignInMethod::Jwt,
        origin: "test".into(),
        binding: None,
        ringcx_access: None,
        rc: Some(RcTokens {
            access: SecretString::from("rc-access".to_string()),
            access_expires_at: UNIX_EPOCH + Duration::from_secs(2_000_000_000),
            refresh: Some(SecretString::from("rc-refresh".to_string())),
            refresh_expires_at: None,
            owner_id: None,
        }),
        jwt: Some(SecretString::from("j".repeat(jwt_len))),
        client_secret: None,
        ringcx_refresh: Some(SecretString::from(cx.to_string())),
    }
    .to_secret()
}

/// What the vault gave back, read as a session bundle.
fn bundle(secret: Option<SecretString>) -> Saved {
    Saved::from_secret(&secret.expect("saved")).expect("a bundle")
}

fn point_at(world: &World) {
    for (k, v) in world.env() {
        std::env::set_var(k, v);
    }
}

fn entries(world: &World, service: &str) -> Result<usize> {
    world.keychain_entries(service)
}

/// Writes a chunk entry the way the vault does, as a crash mid-rotation
/// leaves one: a generation the meta no longer names, or one it never did.
fn leftover(world: &World, service: &str, user: &str) -> Result<()> {
    use std::io::Write;
    let mut child = world
        .command("secret-tool")
        .args([
            "store",
            "--label=left over",
            "service",
            service,
            "username",
            user,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"left-over-refresh-token")?;
    let status = child.wait()?;
    ensure!(status.success(), "secret-tool store failed: {status}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vault_on_gnome_keyring() -> Result<()> {
    let world = World::start()?;
    point_at(&world);
    let service = "test.engage.vault";
    tokio::task::spawn_blocking(move || -> Result<()> {
        let v = Vault::platform(service)?;
        ensure!(v.load("p")?.is_none());
        v.save("p", &saved(10, "cx-1"))?;
        let back = bundle(v.load("p")?);
        ensure!(back.ringcx_refresh.unwrap().expose_secret() == "cx-1");
        ensure!(back.rc.unwrap().refresh.unwrap().expose_secret() == "rc-refresh");
        v.save("p", &saved(10, "cx-2"))?;
        ensure!(bundle(v.load("p")?).ringcx_refresh.unwrap().expose_secret() == "cx-2");
        // A JWT far over Windows' per-credential limit still round-trips.
        v.save("p", &saved(12_000, "cx-3"))?;
        ensure!(bundle(v.load("p")?).jwt.unwrap().expose_secret().len() == 12_000);
        v.save("other", &saved(5, "cx-other"))?;
        Ok(())
    })
    .await??;
    // A crash after committing generation 3 kept a chunk of generation 2;
    // a later save died before its commit (generation 4).
    for user in ["p/2/0", "p/4/0", "p/4/1"] {
        leftover(&world, service, user)?;
    }
    tokio::task::spawn_blocking(move || -> Result<()> {
        let v = Vault::platform(service)?;
        ensure!(bundle(v.load("p")?).jwt.unwrap().expose_secret().len() == 12_000);
        v.delete("p")?;
        ensure!(v.load("p")?.is_none());
        ensure!(
            v.load("other")?.is_some(),
            "deleting one profile touched another"
        );
        v.delete("other")?;
        Ok(())
    })
    .await??;
    ensure!(entries(&world, service)? == 0, "entries left behind");
    drop(world);

    // No Secret Service on the bus: a clear error, not a hang or a panic.
    let world = World::with_options(WorldOptions { keyring: false })?;
    point_at(&world);
    let code = tokio::task::spawn_blocking(move || match Vault::platform(service) {
        Err(e) => e.code().as_str(),
        Ok(v) => v
            .save("p", &saved(1, "x"))
            .err()
            .map_or("saved", |e| e.code().as_str()),
    })
    .await?;
    ensure!(code == "keychain_unavailable", "got {code}");
    Ok(())
}
