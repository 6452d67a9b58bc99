//! The users view against the fake: a virtual list whose row nodes stay
//! bounded, search with a live count, and the plain 403 message.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Result};
use e2e::{app, flows, App, World};
use fake_ringcx::{Config, FakeServer};

async fn open_users(app: &App, fake: &FakeServer) -> Result<()> {
    flows::sign_in_with_token(app, fake).await?;
    app.click("nav-users").await?;
    app.visible("users-view").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_list_stays_small_in_the_dom_and_searches() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            users: 20_000,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    app::run("users_virtual", &world, &[], async |app| {
        open_users(app, &fake).await?;
        let count = app
            .wait_text("users-count", |t| {
                t.contains(" of ") && !t.starts_with("0 ")
            })
            .await?;
        let total: usize = count.rsplit(' ').next().unwrap_or("0").parse()?;
        ensure!(total > 15_000, "count {count:?}");
        let rows = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=user-row]"))
            .await?;
        ensure!(
            !rows.is_empty() && rows.len() < 80,
            "{} row nodes for {total} users",
            rows.len()
        );
        app.type_into("users-search", "17").await?;
        let filtered = app
            .wait_text("users-count", |t| {
                !t.ends_with(&format!("{total} of {total}"))
            })
            .await?;
        ensure!(filtered.ends_with(&format!(" of {total}")), "{filtered:?}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_manage_users_role_gets_a_plain_message() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            manage_users: false,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    app::run("users_403", &world, &[], async |app| {
        open_users(app, &fake).await?;
        let text = app.wait_text("error-banner", |t| !t.is_empty()).await?;
        ensure!(
            text == "Your RingCX user needs the MANAGE_USERS or SUPER_USER role to see the user list. Ask your RingCX admin.",
            "{text:?}"
        );
        Ok(())
    })
    .await
}
