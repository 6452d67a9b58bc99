//! The API console in the real window against the fake: an operation found
//! by typing, the session's account already in its form, the answer shown;
//! a change sent only after the confirmation.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Context, Result};
use e2e::{app, flows, App, World};
use fake_ringcx::FakeServer;
use fantoccini::Locator;

const GROUPS: &str = "/voice/api/v1/admin/accounts/{accountId}/agentGroups";
/// The fake's first (and the agent's) account.
const ACCOUNT: &str = "333333";

async fn param(app: &App, name: &str) -> Result<fantoccini::elements::Element> {
    let css = format!("[data-testid=console-param][data-name={name}]");
    app.client
        .wait()
        .at_most(app::WAIT)
        .for_element(Locator::Css(&css))
        .await
        .with_context(|| format!("no field {name}"))
}

async fn first_op(app: &App) -> Result<(String, String)> {
    let op = app.find("console-op").await?;
    Ok((
        op.attr("data-method").await?.unwrap_or_default(),
        op.attr("data-path").await?.unwrap_or_default(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_fill_send_and_confirm_a_change() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("console", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.click("nav-console").await?;
        app.visible("console-view").await?;

        // Typed, then opened from the keyboard (Enter on the search box).
        app.type_into("console-search", "agent groups").await?;
        app.until("the agent groups list first", || async {
            Ok(first_op(app).await? == ("GET".to_string(), GROUPS.to_string()))
        })
        .await?;
        app.find("console-search")
            .await?
            .send_keys("\u{E007}")
            .await?;
        let account = param(app, "accountId").await?;
        app.until("the session's account in the form", || {
            let account = account.clone();
            async move { Ok(account.prop("value").await?.as_deref() == Some(ACCOUNT)) }
        })
        .await?;
        app.click("console-send").await?;
        app.wait_text("console-status", |t| t == "200").await?;
        let body = app
            .wait_text("console-response", |t| t.contains("Platform Team"))
            .await?;
        ensure!(body.contains("agentGroupId"), "answer: {body:.200}");
        ensure!(
            fake.count(
                "GET",
                &format!("/voice/api/v1/admin/accounts/{ACCOUNT}/agentGroups")
            ) == 1,
            "the call did not reach the fake once"
        );

        // The request is kept under a name, on top of the history.
        app.client
            .find(Locator::Css("#console-history-box summary"))
            .await?
            .click()
            .await?;
        app.type_into("console-save-name", "all groups").await?;
        app.click("console-save-request").await?;
        app.until("the named request in the history", || async {
            // Read in one step: the list is drawn anew after each change.
            let first = app
                .client
                .execute(
                    "const i = document.querySelector('[data-testid=console-history-item]'); return i ? i.textContent : '';",
                    vec![],
                )
                .await?;
            Ok(first.as_str().unwrap_or("").contains("all groups:"))
        })
        .await?;

        // Copy as curl: the real URL, the token left to a variable.
        app.click("console-copy-curl").await?;
        let url = format!(
            "{}/voice/api/v1/admin/accounts/{ACCOUNT}/agentGroups",
            fake.url()
        );
        app.until("the curl command on the clipboard", || async {
            Ok(world.clipboard()?.contains(&url))
        })
        .await?;
        let curl = world.clipboard()?;
        ensure!(curl.contains("Bearer $RINGCX_TOKEN"), "curl: {curl}");
        for token in fake.issued_tokens() {
            ensure!(!curl.contains(&token), "a token on the clipboard");
        }

        // A change asks first, and goes out only after OK.
        app.type_into("console-search", "put agent group").await?;
        app.until("a PUT on one agent group", || async {
            let (method, path) = first_op(app).await?;
            Ok(method == "PUT" && path.ends_with("/agentGroups/{agentGroupId}"))
        })
        .await?;
        app.click("console-op").await?;
        // The group comes from the picker, filled by the agent groups call.
        let css = "[data-testid=console-pick][data-name=agentGroupId]";
        app.client.find(Locator::Css(css)).await?.click().await?;
        let choices = "[data-testid=console-choices][data-name=agentGroupId]";
        app.until("the agent groups in the picker", || async {
            let select = app.client.find(Locator::Css(choices)).await?;
            Ok(select.is_displayed().await? && select.text().await?.contains("Dev Support"))
        })
        .await?;
        let select = app.client.find(Locator::Css(choices)).await?;
        select.select_by_value("2222").await?;
        app.client
            .execute(
                "arguments[0].dispatchEvent(new Event('change'));",
                vec![serde_json::to_value(&select)?],
            )
            .await?;
        let group = param(app, "agentGroupId").await?;
        app.until("the picked group in the field", || {
            let group = group.clone();
            async move { Ok(group.prop("value").await?.as_deref() == Some("2222")) }
        })
        .await?;
        app.click("console-send").await?;
        app.visible("console-confirm").await?;
        let put = format!("/voice/api/v1/admin/accounts/{ACCOUNT}/agentGroups/2222");
        ensure!(fake.count("PUT", &put) == 0, "sent before the confirmation");
        app.click("console-confirm").await?;
        fake.wait_for("PUT", &put, 1).await;
        app.wait_text("console-status", |t| !t.is_empty() && t != "200")
            .await?;
        Ok(())
    })
    .await?;

    // The history survives a restart, and one click puts a request back.
    app::run("console_history", &world, &[], async |app| {
        app.ready().await?;
        app.wait_text("agent-name", |t| !t.is_empty()).await?;
        app.click("nav-console").await?;
        app.client
            .find(Locator::Css("#console-history-box summary"))
            .await?
            .click()
            .await?;
        app.until("two requests in the history", || async {
            Ok(app
                .client
                .find_all(Locator::Css("[data-testid=console-history-item]"))
                .await?
                .len()
                == 2)
        })
        .await?;
        let items = app
            .client
            .find_all(Locator::Css("[data-testid=console-history-item]"))
            .await?;
        // The named one first, then the newest: the GET, then the PUT.
        let first = items[0].text().await?;
        ensure!(first.contains("all groups:"), "first: {first}");
        let second = items[1].text().await?;
        ensure!(second.starts_with("PUT"), "second: {second}");
        items[0].click().await?;
        app.wait_text("console-path", |t| t == GROUPS).await?;
        app.wait_text("console-method", |t| t == "GET").await?;
        let account = param(app, "accountId").await?;
        ensure!(
            account.prop("value").await?.as_deref() == Some(ACCOUNT),
            "the account was not put back"
        );
        Ok(())
    })
    .await
}

/// Sends lead searches from the page, as the console does, without waiting.
const SEARCH_LEADS: &str = r#"
  const invoke = window.__TAURI__.core.invoke;
  const request = {
    method: "POST",
    path: "/voice/api/v1/admin/accounts/{accountId}/campaignLeads/leadSearch",
    values: {}, query: [], body: "{}", confirmed: true,
  };
  window.__leads = Promise.all(Array.from({ length: arguments[0] }, () =>
    invoke("console_send", { request }).then((a) => a.status, (e) => "error " + JSON.stringify(e))));
  return true;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_search_past_its_limit_counts_down_then_succeeds() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("console_limit", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.click("nav-console").await?;
        app.visible("console-view").await?;
        // 16 searches at once: the stated limit is 15 in 10 s.
        app.client.execute(SEARCH_LEADS, vec![16.into()]).await?;
        let shown = app
            .wait_text("console-wait", |t| t.starts_with("Waiting "))
            .await?;
        ensure!(
            shown.contains("15 calls in 10 s"),
            "the countdown does not say why: {shown:?}"
        );
        let statuses = app
            .client
            .execute_async(
                "window.__leads.then(arguments[arguments.length - 1]);",
                vec![],
            )
            .await?;
        let statuses = statuses.as_array().context("statuses")?;
        ensure!(
            statuses.len() == 16 && statuses.iter().all(|s| s == 200),
            "statuses: {statuses:?}"
        );
        app.until("the countdown to go", || async {
            Ok(!app.find("console-wait").await?.is_displayed().await?)
        })
        .await?;
        Ok(())
    })
    .await?;
    // The app kept to the limit: the fake never had to refuse.
    let searches: Vec<u16> = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/campaignLeads/leadSearch"))
        .map(|r| r.status)
        .collect();
    ensure!(
        searches.len() == 16 && searches.iter().all(|s| *s == 200),
        "{searches:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_reaches_the_fake_as_multipart_with_the_files_bytes() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    let bytes = b"leadPhone,firstName\n+16505550100,Ana\n+16505550101,Bo\n".to_vec();
    let file = world.root().join("leads.csv");
    std::fs::write(&file, &bytes)?;
    app::run("console_upload", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.click("nav-console").await?;
        app.type_into("console-search", "lead loader preview")
            .await?;
        app.until("the preview upload first", || async {
            Ok(first_op(app).await?.1.ends_with("/leadLoader/preview"))
        })
        .await?;
        app.click("console-op").await?;
        param(app, "campaignId").await?.send_keys("102000").await?;
        // Required by the spec; the form refuses to send without it.
        param(app, "fileType").await?.send_keys("CSV").await?;
        // The native dialog cannot be driven through WebDriver; its path
        // lands in this field, which is typed here instead.
        app.type_into("console-file", &file.display().to_string())
            .await?;
        app.click("console-send").await?;
        app.click("console-confirm").await?;
        app.wait_text("console-status", |t| t == "200").await?;
        let answer = app
            .wait_text("console-response", |t| t.contains("sha256"))
            .await?;
        ensure!(
            answer.contains(&fake_ringcx::sha256_hex(&bytes)) && answer.contains("leads.csv"),
            "answer: {answer}"
        );
        Ok(())
    })
    .await?;
    let upload = fake
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/leadLoader/preview"))
        .context("no upload reached the fake")?;
    let kind = upload.header("content-type").unwrap_or("");
    ensure!(
        kind.starts_with("multipart/form-data; boundary="),
        "content type {kind}"
    );
    Ok(())
}

/// Runs xdotool in the world's display; fails on its exit status.
fn xdotool(world: &World, args: &[&str]) -> Result<String> {
    let out = world
        .command("xdotool")
        .args(args)
        .output()
        .context("xdotool (make deps installs it)")?;
    ensure!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wav_recording_saved_to_a_file_has_exactly_the_fakes_bytes() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    let target = world.root().join("home").join("segment.wav");
    app::run("console_save", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.click("nav-console").await?;
        app.type_into("console-search", "recordings segments")
            .await?;
        app.until("the recording segment first", || async {
            Ok(first_op(app).await?.1.ends_with("/segments/{segmentId}"))
        })
        .await?;
        app.click("console-op").await?;
        param(app, "dialogId").await?.send_keys("7").await?;
        param(app, "segmentId").await?.send_keys("1").await?;
        app.click("console-send").await?;
        app.wait_text("console-status", |t| t == "200").await?;
        app.wait_text("console-response", |t| t.contains("bytes of audio/wav"))
            .await?;
        app.click("console-save").await?;
        // The real GTK save dialog, answered as a user would: the name
        // field takes a whole path, Enter saves.
        app.until("the native save dialog", || {
            let found = xdotool(&world, &["search", "--name", "Save the answer"]).is_ok();
            async move { Ok(found) }
        })
        .await?;
        let found = xdotool(&world, &["search", "--name", "Save the answer"])?;
        let dialog = found.lines().next().unwrap_or("").to_string();
        xdotool(&world, &["windowfocus", "--sync", &dialog])?;
        xdotool(&world, &["key", "--window", &dialog, "ctrl+a"])?;
        xdotool(
            &world,
            &["type", "--window", &dialog, &target.display().to_string()],
        )?;
        xdotool(&world, &["key", "--window", &dialog, "Return"])?;
        app.wait_text("console-saved", |t| t.starts_with("Saved to "))
            .await?;
        Ok(())
    })
    .await?;
    let saved =
        std::fs::read(&target).with_context(|| format!("{} was not written", target.display()))?;
    ensure!(
        saved == fake_ringcx::recording_wav("7", "1"),
        "the saved bytes differ"
    );
    Ok(())
}
