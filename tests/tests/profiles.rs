//! The profile view's states and the sign-in view's profiles: an RC user
//! with no RingCX agent, and a named profile that keeps its own servers.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, flows, World};
use fake_ringcx::{Config, FakeServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_agent_gets_a_plain_state_not_an_error() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            agents: 0,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    app::run("profile_no_agent", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        let text = app.wait_text("no-agent", |t| !t.is_empty()).await?;
        ensure!(text.contains("no RingCX agent"), "{text:?}");
        ensure!(!app.find("agent-name").await?.is_displayed().await?);
        ensure!(!app.find("agent-select").await?.is_displayed().await?);
        ensure!(!app.find("error-banner").await?.is_displayed().await?);
        // Signed in all the same: the status and sign-out are there.
        let status = app.wait_text("session-status", |t| !t.is_empty()).await?;
        ensure!(status.starts_with("Signed in to"), "{status:?}");
        app.click("signout").await?;
        app.visible("signin-view").await?;
        Ok(())
    })
    .await
}

async fn profile_value(app: &e2e::App) -> Result<String> {
    let v = app
        .client
        .execute(
            "return document.querySelector('[data-testid=profile-select]').value;",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn field(app: &e2e::App, testid: &str) -> Result<String> {
    Ok(app
        .find(testid)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_profile_keeps_its_own_servers_across_restarts() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("profile_new_1", &world, &[], async |app| {
        // The default profile signs in against the fake, so it is saved.
        flows::sign_in_with_token(app, &fake).await?;
        app.click("signout").await?;
        app.visible("signin-view").await?;

        let select = app.find("profile-select").await?;
        select.select_by_label("New profile…").await?;
        app.visible("new-profile-name").await?;
        // A bad name is refused next to the field.
        app.type_into("new-profile-name", "a/b").await?;
        app.click("new-profile-create").await?;
        app.until("the name error", || async {
            Ok(app.text("new-profile-name").await.is_ok()
                && !app
                    .client
                    .execute(
                        "return document.querySelector('#new-profile-error').textContent;",
                        vec![],
                    )
                    .await?
                    .as_str()
                    .unwrap_or_default()
                    .is_empty())
        })
        .await?;
        app.type_into("new-profile-name", "Sandbox").await?;
        app.click("new-profile-create").await?;
        app.until("the new profile", || async {
            Ok(profile_value(app).await? == "Sandbox")
        })
        .await?;
        // A new profile starts from the RingCX preset, not the last servers.
        ensure!(field(app, "rc-server").await? == "https://platform.ringcentral.com");
        ensure!(field(app, "server-preset").await? == "ringcx");
        // Switching back brings the default profile's servers back.
        app.choose("profile-select", "default").await?;
        app.until("the default profile's servers", || async {
            Ok(field(app, "rc-server").await? == fake.url())
        })
        .await?;
        ensure!(field(app, "server-preset").await? == "custom");
        Ok(())
    })
    .await?;
    app::run("profile_new_2", &world, &[], async |app| {
        app.ready().await?;
        ensure!(profile_value(app).await? == "default");
        ensure!(field(app, "rc-server").await? == fake.url());
        // Each profile keeps its own servers across the restart.
        app.choose("profile-select", "Sandbox").await?;
        app.until("the Sandbox servers", || async {
            Ok(field(app, "rc-server").await? == "https://platform.ringcentral.com")
        })
        .await?;
        app.choose("profile-select", "default").await?;
        app.until("the default servers again", || async {
            Ok(field(app, "rc-server").await? == fake.url())
        })
        .await?;
        Ok(())
    })
    .await
}
