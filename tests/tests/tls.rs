//! Closer to the real services: the fake over HTTPS as two hosts
//! (RingCentral on 127.0.0.2, RingCX on 127.0.0.3) with certificates from a
//! CA made in the test. The app trusts that CA the way a user's machine
//! trusts a company CA: through `SSL_CERT_FILE`, which the platform
//! verifier reads; it is given no other way in.

#![cfg(target_os = "linux")]

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::flows::{browser_script, free_port};
use e2e::{app, World};
use fake_ringcx::{Config, FakeServer, TestCa, RC_HOST, RINGCX_HOST};

fn write_ca(world: &World, ca: &TestCa) -> Result<String> {
    let path = world.root().join("test-ca.pem");
    std::fs::write(&path, ca.pem())?;
    Ok(path.display().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_renewal_and_users_over_https_on_two_hosts() -> Result<()> {
    let ca = TestCa::new()?;
    // Opaque RingCX tokens (no JWT, no `exp`) that live 3 s: renewal can
    // only be scheduled from the `expiresIn` the server stated.
    let fake = FakeServer::start_tls(
        Config {
            opaque_ringcx_tokens: true,
            ringcx_access_ttl: Duration::from_secs(3),
            users: 50,
            ..Config::default()
        },
        &ca,
    )
    .await?;
    let world = World::start()?;
    let ca_file = write_ca(&world, &ca)?;
    let browser = browser_script();
    let port = free_port();
    // The stand-in browser (curl) is told about the CA the same way.
    let env = [
        ("BROWSER", browser.as_str()),
        ("SSL_CERT_FILE", ca_file.as_str()),
        ("CURL_CA_BUNDLE", ca_file.as_str()),
    ];
    app::run("tls_two_hosts", &world, &env, async |app| {
        app.ready().await?;
        app.type_into("rc-server", &fake.rc_url()).await?;
        app.type_into("ringcx-server", &fake.ringcx_url()).await?;
        app.type_into("client-id", "fake-client-id").await?;
        app.type_into("redirect-port", &port).await?;
        app.click("signin-browser").await?;
        app.wait_text("agent-name", |t| t == "John Wang").await?;
        // Two renewals, each ahead of the 3 s expiry.
        tokio::time::timeout(
            Duration::from_secs(20),
            fake.wait_for("POST", "/api/auth/token/refresh", 2),
        )
        .await
        .context("no two renewals over HTTPS")?;
        app.wait_text("session-status", |t| {
            t.contains("Renewed ") && !t.contains("Renewed 0 times")
        })
        .await?;
        app.click("nav-users").await?;
        app.wait_text("users-count", |t| {
            t.contains(" of ") && !t.starts_with("0 ")
        })
        .await?;
        Ok(())
    })
    .await?;

    let requests = fake.requests();
    ensure!(
        fake.count("POST", "/restapi/oauth/token") == 1,
        "one code grant"
    );
    ensure!(
        fake.count("GET", "/voice/api/v1/admin/users") >= 1,
        "no users call"
    );
    for r in &requests {
        let host = r.header("host").unwrap_or("");
        let wanted = if r.path.starts_with("/restapi/") {
            RC_HOST
        } else {
            RINGCX_HOST
        };
        ensure!(
            host.starts_with(&format!("{wanted}:")),
            "{} {} went to {host:?}",
            r.method,
            r.path
        );
        // Renewal ran ahead of expiry: no call met an expired token.
        ensure!(
            !matches!(r.status, 401 | 404),
            "{} {} answered {}",
            r.method,
            r.path,
            r.status
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_named_and_nothing_is_sent() -> Result<()> {
    let ca = TestCa::new()?;
    let fake = FakeServer::start_tls(Config::default(), &ca).await?;
    let world = World::start()?;
    let token = fake.mint_rc_access_token();
    // No SSL_CERT_FILE: the machine's own roots, which do not hold the CA.
    app::run("tls_untrusted", &world, &[], async |app| {
        app.ready().await?;
        app.type_into("rc-server", &fake.rc_url()).await?;
        app.type_into("ringcx-server", &fake.ringcx_url()).await?;
        app.click("other-ways").await?;
        app.type_into("rc-token", &token).await?;
        app.click("signin-token").await?;
        let text = app.wait_text("error-banner", |t| !t.is_empty()).await?;
        ensure!(
            text.contains("certificate is not trusted") && text.contains(RINGCX_HOST),
            "banner: {text:?}"
        );
        app.visible("signin-view").await?;
        Ok(())
    })
    .await?;
    ensure!(fake.requests().is_empty(), "a request got through");
    Ok(())
}
