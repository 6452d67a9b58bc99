//! A locked login keyring at start, on the real gnome-keyring: the app
//! says so, keeps the saved session, and a Retry after unlocking brings it
//! back without a browser.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, flows, World};
use fake_ringcx::FakeServer;

const SERVICE: &str = "com.engagedesk.EngageDesk.dev";

/// Locks the login collection, as the desktop does on a screen lock or
/// after a timeout.
fn lock_login_keyring(world: &World) -> Result<()> {
    let out = world
        .command("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()?;
    ensure!(
        out.status.success(),
        "Lock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ensure!(
        String::from_utf8_lossy(&out.stdout).contains("collection/login"),
        "nothing was locked: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keyring_at_start_keeps_the_session_for_a_retry() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    flows::sign_in_and_quit(&world, &fake, "locked_1").await?;
    let saved = world.keychain_entries(SERVICE)?;
    ensure!(saved >= 2, "nothing saved");
    lock_login_keyring(&world)?;
    let authorizes = fake.count("GET", "/restapi/oauth/authorize");
    app::run("locked_2", &world, &[], async |app| {
        app.ready().await?;
        // The unlock prompt cannot show here, so it is dismissed at once,
        // as when a user cancels it: the app says so and offers Retry.
        let text = app.wait_text("error-banner", |t| !t.is_empty()).await?;
        ensure!(
            text.contains("keychain is locked") && text.contains("Retry"),
            "banner: {text:?}"
        );
        app.visible("retry").await?;
        ensure!(
            world.keychain_entries(SERVICE)? == saved,
            "the saved session was touched"
        );
        unlock_login_keyring(&world).await?;
        app.click("retry").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        Ok(())
    })
    .await?;
    ensure!(
        fake.count("GET", "/restapi/oauth/authorize") == authorizes,
        "the retry needed a browser sign-in"
    );
    Ok(())
}

/// Unlocks the login collection with its password, through gnome-keyring's
/// own interface for that (the one its PAM module uses), in a plain-text
/// Secret Service session on this connection.
async fn unlock_login_keyring(world: &World) -> Result<()> {
    let conn = zbus::connection::Builder::address(world.bus_address())?
        .build()
        .await?;
    let reply = conn
        .call_method(
            Some("org.freedesktop.secrets"),
            "/org/freedesktop/secrets",
            Some("org.freedesktop.Secret.Service"),
            "OpenSession",
            &("plain", zbus::zvariant::Value::from("")),
        )
        .await?;
    let (_, session): (zbus::zvariant::OwnedValue, zbus::zvariant::OwnedObjectPath) =
        reply.body().deserialize()?;
    let collection =
        zbus::zvariant::ObjectPath::try_from("/org/freedesktop/secrets/collection/login")?;
    let secret = (
        session,
        Vec::<u8>::new(),
        b"engage-e2e".to_vec(),
        "text/plain",
    );
    conn.call_method(
        Some("org.freedesktop.secrets"),
        "/org/freedesktop/secrets",
        Some("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"),
        "UnlockWithMasterPassword",
        &(collection, secret),
    )
    .await?;
    Ok(())
}
