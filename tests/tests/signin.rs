//! Signing in each way through the real window, against the fake servers
//! over loopback, and seeing the agent the exchange returned.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, App, World};
use fake_ringcx::{Config, FakeServer};

use e2e::flows::{browser_script, fill_servers, free_port};

async fn expect_profile(app: &App, name: &str) -> Result<()> {
    app.visible("agent-view").await?;
    app.wait_text("agent-name", |t| t == name).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_sign_in_shows_the_agent() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    let port = free_port();
    let browser = browser_script();
    let browser_env = world.root().join("browser.env");
    let browser_env = browser_env.to_string_lossy();
    app::run(
        "signin_browser",
        &world,
        &[("BROWSER", &browser), ("E2E_BROWSER_ENV", &browser_env)],
        async |app| {
            fill_servers(app, &fake, "fake-client-id").await?;
            app.type_into("redirect-port", &port).await?;
            app.wait_text("redirect-uri", |t| {
                t.ends_with(&format!(":{port}/callback"))
            })
            .await?;
            app.click("signin-browser").await?;
            expect_profile(app, "John Wang").await?;
            let text = app.text("account-name").await?;
            ensure!(text == "RingForce", "account name {text:?}");
            ensure!(
                fake.count("GET", "/restapi/oauth/authorize") == 1,
                "one authorize"
            );
            ensure!(
                fake.count("POST", "/restapi/oauth/token") == 1,
                "one code grant"
            );
            ensure!(
                fake.count("POST", "/api/auth/login/rc/accesstoken") == 1,
                "one exchange"
            );
            // The window's scripts run without a JIT; the browser the app
            // started for the user does not inherit that switch.
            let web = e2e::world::processes_under(world.root())
                .into_iter()
                .filter(|(_, cmd)| cmd.contains("WebKitWebProcess"))
                .map(|(pid, _)| std::fs::read(format!("/proc/{pid}/environ")))
                .collect::<std::io::Result<Vec<_>>>()?;
            ensure!(!web.is_empty(), "no web process found");
            for environ in &web {
                ensure!(
                    environ.split(|&b| b == 0).any(|v| v == b"JSC_useJIT=false"),
                    "a web process runs with its JIT"
                );
            }
            let env = std::fs::read_to_string(&*browser_env)?;
            ensure!(env.contains("BROWSER="), "the browser's environment: {env}");
            ensure!(
                !env.contains("JSC_useJIT"),
                "the browser inherited JSC_useJIT"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_token_sign_in_shows_the_agent() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            non_ascii_names: true,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let token = fake.mint_rc_access_token();
    app::run("signin_token", &world, &[], async |app| {
        fill_servers(app, &fake, "").await?;
        app.click("other-ways").await?;
        app.type_into("rc-token", &token).await?;
        app.click("signin-token").await?;
        expect_profile(app, "Zoë Łukasiewicz").await?;
        // The pasted token leaves the DOM once Rust has it.
        let left = app.text("rc-token").await?;
        ensure!(left.is_empty(), "token still in the form");
        ensure!(
            fake.count("POST", "/restapi/oauth/token") == 0,
            "no RingCentral grant"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_sign_in_shows_the_agent() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            client_secret: Some("fake-secret".into()),
            agents: 3,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    app::run("signin_jwt", &world, &[], async |app| {
        fill_servers(app, &fake, "fake-client-id").await?;
        app.click("other-ways").await?;
        app.type_into("jwt-client-secret", "fake-secret").await?;
        app.type_into("jwt-token", "fake-jwt-credential").await?;
        app.click("signin-jwt").await?;
        expect_profile(app, "John Wang").await?;
        // Three agents: a picker, and choosing the second shows its account.
        app.visible("agent-select").await?;
        let select = app.find("agent-select").await?;
        select.select_by_value("111112").await?;
        app.wait_text("account-name", |t| t == "RingForce Support")
            .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_browser_sign_in_returns_to_the_form() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            redirect_uris: Some(vec!["http://localhost:1/callback".into()]),
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    let port = free_port();
    let browser = browser_script();
    app::run(
        "signin_cancel",
        &world,
        &[("BROWSER", &browser)],
        async |app| {
            fill_servers(app, &fake, "fake-client-id").await?;
            app.type_into("redirect-port", &port).await?;
            app.click("signin-browser").await?;
            // The fake refuses at authorize, so the browser never comes back:
            // the user cancels, and the form is usable again.
            app.until("the authorize request", || async {
                Ok(fake.count("GET", "/restapi/oauth/authorize") == 1)
            })
            .await?;
            app.click("signin-cancel").await?;
            app.until("the form to be usable", || async {
                Ok(app.find("signin-browser").await?.is_enabled().await?)
            })
            .await?;
            let banner = app.find("error-banner").await?;
            ensure!(!banner.is_displayed().await?, "a cancel is not an error");
            Ok(())
        },
    )
    .await
}
