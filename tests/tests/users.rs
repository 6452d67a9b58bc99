//! The users view against the fake: a virtual list whose row nodes stay
//! bounded, search with a live count, and the plain 403 message.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Context, Result};
use e2e::{app, flows, App, World};
use fake_ringcx::{Config, FakeServer, Fault, FaultKind};

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
        flows::sign_in_with_token(app, &fake).await?;
        // Every text the count shows, from before the list is asked for.
        app.client
            .execute(
                "window.countsSeen = [];
                 const count = document.querySelector('[data-testid=users-count]');
                 new MutationObserver(() => window.countsSeen.push(count.textContent))
                   .observe(count, { childList: true, characterData: true, subtree: true });",
                vec![],
            )
            .await?;
        app.click("nav-users").await?;
        app.visible("users-view").await?;
        let count = app
            .wait_text("users-count", |t| {
                t.contains(" of ") && !t.starts_with("0 ")
            })
            .await?;
        let total: usize = count.rsplit(' ').next().unwrap_or("0").parse()?;
        ensure!(total > 15_000, "count {count:?}");
        // The first screen came before the whole list was read, and said so.
        let seen: Vec<String> = serde_json::from_value(
            app.client
                .execute("return window.countsSeen;", vec![])
                .await?,
        )?;
        ensure!(
            seen.first().map(String::as_str) == Some("First 250 shown, reading the rest…")
                && seen.last() == Some(&count),
            "{seen:?}"
        );
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
        let matched: usize = filtered
            .split(" of ")
            .next()
            .and_then(|n| n.trim().replace(',', "").parse().ok())
            .context("the matched count")?;
        ensure!(
            matched > 0 && matched < total,
            "a search for 17 matched {matched} of {total}"
        );
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

/// The rendered rows, top to bottom: (user id, name, user name).
async fn rows(app: &App) -> Result<Vec<(String, String, String)>> {
    let v = app
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=user-row]')]
               .sort((a, b) => a.dataset.index - b.dataset.index)
               .map(r => [r.dataset.userId, r.children[0].textContent, r.children[1].textContent]);",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

async fn active_user_id(app: &App) -> Result<String> {
    let v = app
        .client
        .execute(
            "return document.activeElement.dataset.userId || '';",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn active_index(app: &App) -> Result<String> {
    let v = app
        .client
        .execute("return document.activeElement.dataset.index || '';", vec![])
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn aria_sort(app: &App, column: &str) -> Result<String> {
    let v = app
        .client
        .execute(
            "return document.querySelector(`[data-testid=sort-${arguments[0]}]`).parentElement.getAttribute('aria-sort');",
            vec![column.into()],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

fn sorted_by_name(rows: &[(String, String, String)], descending: bool) -> bool {
    rows.windows(2).all(|w| {
        let (a, b) = (w[0].1.to_lowercase(), w[1].1.to_lowercase());
        if descending {
            a >= b
        } else {
            a <= b
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sort_filter_details_copy_and_keyboard() -> Result<()> {
    let fake = FakeServer::start_with(
        Config {
            users: 300,
            ..Config::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    app::run("users_sort_details", &world, &[], async |app| {
        open_users(app, &fake).await?;
        let active = app
            .wait_text("users-count", |t| {
                t.contains(" of ") && !t.starts_with("0 ")
            })
            .await?;
        let tree = rows(app).await?;
        ensure!(tree.len() > 5, "{} rows", tree.len());

        // Sorting: ascending, descending, then back to the tree order.
        app.click("sort-name").await?;
        app.until("rows sorted by name", || async {
            Ok(sorted_by_name(&rows(app).await?, false) && rows(app).await? != tree)
        })
        .await?;
        ensure!(aria_sort(app, "name").await? == "ascending");
        app.click("sort-name").await?;
        app.until("rows sorted by name, descending", || async {
            Ok(sorted_by_name(&rows(app).await?, true))
        })
        .await?;
        ensure!(aria_sort(app, "name").await? == "descending");
        app.click("sort-name").await?;
        app.until("the tree order again", || async {
            Ok(rows(app).await? == tree)
        })
        .await?;
        ensure!(aria_sort(app, "name").await? == "none");

        // Search: only matching rows, and the count says so.
        app.type_into("users-search", "garcia").await?;
        let found = app
            .wait_text("users-count", |t| t != active && !t.starts_with("0 "))
            .await?;
        let shown = rows(app).await?;
        ensure!(
            shown
                .iter()
                .all(|(_, n, u)| (n.clone() + u).to_lowercase().contains("garcia")),
            "{shown:?}"
        );
        ensure!(
            found.starts_with(&format!("{} of ", shown.len())),
            "{found} vs {}",
            shown.len()
        );
        app.type_into("users-search", "").await?;
        app.wait_text("users-count", |t| t == active).await?;

        // "Active only" off: the disabled users come back.
        app.click("users-active-only").await?;
        app.wait_text("users-count", |t| t == "300 of 300").await?;

        // Details by click, every field, copy JSON, Escape back to the row.
        let (id, name, user_name) = rows(app).await?[3].clone();
        app.click_css(&format!("[data-testid=user-row][data-user-id='{id}']"))
            .await?;
        let details = app
            .wait_text("user-details", |t| t.contains("userId"))
            .await?;
        ensure!(
            details.contains(&user_name) && details.contains(&name),
            "{details}"
        );
        ensure!(details.contains("parentPath"), "{details}");
        app.click("user-details-copy").await?;
        app.until("the clipboard", || async {
            Ok(!world.clipboard()?.is_empty())
        })
        .await?;
        let json: serde_json::Value = serde_json::from_str(&world.clipboard()?)?;
        ensure!(
            json["userId"].as_i64().map(|n| n.to_string()) == Some(id.clone()),
            "{json}"
        );
        ensure!(json["userName"] == user_name.as_str(), "{json}");
        app.find("user-details-close")
            .await?
            .send_keys(&char::from(fantoccini::key::Key::Escape).to_string())
            .await?;
        app.until("the details to close", || async {
            Ok(!app.find("user-details").await?.is_displayed().await?)
        })
        .await?;
        ensure!(
            active_user_id(app).await? == id,
            "focus did not return to the row"
        );

        // Keyboard: arrow down moves between rows, Enter opens details.
        let focused = app.client.active_element().await?;
        focused
            .send_keys(&char::from(fantoccini::key::Key::Down).to_string())
            .await?;
        let (next, next_name, _) = rows(app).await?[4].clone();
        app.until("focus on the next row", || async {
            Ok(active_user_id(app).await? == next)
        })
        .await?;
        app.client
            .active_element()
            .await?
            .send_keys(&char::from(fantoccini::key::Key::Enter).to_string())
            .await?;
        app.until("details of the next row", || async {
            let title = app
                .client
                .execute(
                    "return document.querySelector('#user-details-title').textContent;",
                    vec![],
                )
                .await?;
            Ok(title == next_name.as_str())
        })
        .await?;

        // End jumps to the last row, scrolling: focus survives the repaint.
        app.click("user-details-close").await?;
        app.until("focus back on the row", || async {
            Ok(active_user_id(app).await? == next)
        })
        .await?;
        let count = app.text("users-count").await?;
        let last: usize = count.split(' ').next().unwrap_or("0").parse()?;
        app.client
            .active_element()
            .await?
            .send_keys(&char::from(fantoccini::key::Key::End).to_string())
            .await?;
        app.until("focus on the last row", || async {
            Ok(active_index(app).await? == (last - 1).to_string())
        })
        .await?;
        app.client
            .active_element()
            .await?
            .send_keys(&char::from(fantoccini::key::Key::Home).to_string())
            .await?;
        app.until("focus back on the first row", || async {
            Ok(active_index(app).await? == "0")
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_load_says_why_and_retry_works() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("users_retry", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        // A proxy's HTML error page, then a 500: each is named, neither is dumped.
        fake.fault(
            Fault::new("/voice/api/v1/admin/users", FaultKind::Html { status: 502 }).with_times(1),
        );
        app.click("nav-users").await?;
        let text = app.wait_text("error-banner", |t| !t.is_empty()).await?;
        ensure!(text.contains("RingCX") && !text.contains('<'), "{text:?}");
        app.click("retry").await?;
        app.wait_text("users-count", |t| {
            t.contains(" of ") && !t.starts_with("0 ")
        })
        .await?;
        ensure!(!app.find("error-banner").await?.is_displayed().await?);

        fake.fault(
            Fault::new(
                "/voice/api/v1/admin/users",
                FaultKind::Status {
                    status: 500,
                    content_type: "application/json".into(),
                    body: r#"{"errorCode":"SERVER_ERROR","generalMessage":"Something broke"}"#
                        .into(),
                },
            )
            .with_times(1),
        );
        app.click("users-refresh").await?;
        let text = app.wait_text("error-banner", |t| !t.is_empty()).await?;
        ensure!(
            !text.contains('{') && !text.contains("errorCode"),
            "{text:?}"
        );
        app.click("retry").await?;
        app.wait_text("users-count", |t| {
            t.contains(" of ") && !t.starts_with("0 ")
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_out_window_cannot_read_the_last_list() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("users_after_signout", &world, &[], async |app| {
        open_users(app, &fake).await?;
        app.wait_text("users-count", |t| t.contains(" of ") && !t.starts_with("0 "))
            .await?;
        app.click("nav-agent").await?;
        app.click("signout").await?;
        app.visible("signin-view").await?;
        let replies = app
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const invoke = window.__TAURI__.core.invoke;
                 Promise.all([
                   invoke('users_page', { query: { limit: 50 } }).then(() => 'served', (e) => e.code),
                   invoke('user_details', { userId: 1 }).then(() => 'served', (e) => e.code),
                 ]).then(done);",
                vec![],
            )
            .await?;
        ensure!(
            replies == serde_json::json!(["not_signed_in", "not_signed_in"]),
            "{replies}"
        );
        // The window forgot the rows too.
        let rows = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=user-row]"))
            .await?;
        ensure!(rows.is_empty(), "{} rows left in the DOM", rows.len());
        Ok(())
    })
    .await
}
