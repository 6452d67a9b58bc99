//! The API console in the real window against the fake: an operation found
//! by typing, the session's account already in its form, the answer shown;
//! a change sent only after the confirmation.

#![cfg(target_os = "linux")]

use anyhow::{ensure, Context, Result};
use e2e::{app, flows, native, App, World};
use fake_ringcx::FakeServer;
use fantoccini::Locator;

const GROUPS: &str = "/voice/api/v1/admin/accounts/{accountId}/agentGroups";
/// The title of the native question before a file the user did not pick
/// is uploaded.
const UPLOAD_DIALOG: &str = "Upload a file to RingCX";
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
        // The answer's first lines, paged from Rust.
        let body = app
            .wait_text("console-response", |t| t.contains("agentGroupId"))
            .await?;
        ensure!(body.starts_with("["), "answer: {body:.200}");
        // Filtered in Rust: the matching lines, each with where it sits.
        app.type_into("console-filter", "platform team").await?;
        let found = app
            .wait_text("console-response", |t| t.contains("Platform Team"))
            .await?;
        ensure!(found.contains("$[0].groupName"), "filtered: {found:.300}");
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
        app.click("console-op").await.context("opening the PUT")?;
        // The group comes from the picker, filled by the agent groups call.
        let css = "[data-testid=console-pick][data-name=agentGroupId]";
        // The form is drawn once Rust has answered: wait for it.
        app.client
            .wait()
            .at_most(app::WAIT)
            .for_element(Locator::Css(css))
            .await
            .context("no Pick… for agentGroupId")?
            .click()
            .await
            .context("clicking Pick…")?;
        let choices = "[data-testid=console-choices][data-name=agentGroupId]";
        app.until("the agent groups in the picker", || async {
            let select = app.client.find(Locator::Css(choices)).await?;
            Ok(select.is_displayed().await? && select.text().await?.contains("Dev Support"))
        })
        .await?;
        let select = app.client.find(Locator::Css(choices)).await?;
        select
            .select_by_value("2222")
            .await
            .context("choosing Dev Support")?;
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
        // A path typed (or put there by any script in the page) is not
        // the user's choice: Rust asks in a native dialog before reading
        // it. Closed with Escape: nothing is sent.
        app.type_into("console-file", &file.display().to_string())
            .await?;
        app.click("console-send").await?;
        app.click("console-confirm").await?;
        let asked = native::dialog(&world, UPLOAD_DIALOG).await?;
        native::press(&world, &asked, "Escape")?;
        app.wait_text("error-banner", |t| t.contains("was not sent"))
            .await?;
        ensure!(
            fake.requests()
                .iter()
                .all(|r| !r.path.ends_with("/preview")),
            "a file went out without the user's yes"
        );
        // Confirmed with the dialog's Upload button (Alt+U).
        app.click("console-send").await?;
        app.click("console-confirm").await?;
        let asked = native::dialog(&world, UPLOAD_DIALOG).await?;
        native::press(&world, &asked, "alt+u")?;
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
        let dialog = native::dialog(&world, "Save the answer").await?;
        native::press(&world, &dialog, "ctrl+a")?;
        native::type_text(&world, &dialog, &target.display().to_string())?;
        native::press(&world, &dialog, "Return")?;
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

/// The JavaScript that reads the answer's row nodes: how many, and the
/// text of the last one.
const ROWS: &str = "const r = [...document.querySelectorAll('#console-json .json-row')]; \
     return [r.length, r.length ? r[r.length - 1].textContent : ''];";

async fn rows(app: &App) -> Result<(u64, String)> {
    let v = app.client.execute(ROWS, vec![]).await?;
    Ok((
        v[0].as_u64().unwrap_or(0),
        v[1].as_str().unwrap_or("").to_string(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_mb_answer_stays_scrollable_filterable_and_foldable() -> Result<()> {
    let fake = FakeServer::start_with(
        fake_ringcx::Config {
            users: 40_000,
            ..Default::default()
        },
        0,
    )
    .await?;
    let world = World::start()?;
    app::run("console_big", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.click("nav-console").await?;
        // A raw path: the account's whole user tree, about 20 MB.
        app.type_into("console-path", "/voice/api/v1/admin/users")
            .await?;
        app.click("console-send").await?;
        app.wait_text("console-status", |t| t == "200").await?;
        let size = app.text("console-size").await?;
        ensure!(size.len() >= "20,000,000 bytes".len(), "size: {size}");
        app.wait_text("console-response", |t| t.starts_with("["))
            .await?;
        // A screen of rows in the page, not 20 MB of text.
        let (n, _) = rows(app).await?;
        ensure!((10..200).contains(&n), "{n} row nodes for the first screen");
        // Scrolled to the very end: the last lines come from Rust.
        app.client
            .execute(
                "const b = document.querySelector('[data-testid=console-response]'); b.scrollTop = b.scrollHeight;",
                vec![],
            )
            .await?;
        app.until("the last line in view", || async {
            Ok(rows(app).await?.1 == "]")
        })
        .await?;
        let (n, _) = rows(app).await?;
        ensure!(n < 200, "{n} row nodes at the end");
        // Filtered: one user of 40,000, with where it sits.
        app.type_into("console-filter", "\"userId\":39999,").await?;
        let lines = app
            .wait_text("console-lines", |t| t.starts_with("1 of "))
            .await?;
        let found = app.text("console-response").await?;
        ensure!(
            found.contains("].userId") && found.contains("\"userId\": 39999,"),
            "filtered ({lines}): {found:.300}"
        );
        app.type_into("console-filter", "no such text anywhere").await?;
        app.wait_text("console-lines", |t| t.starts_with("0 of ")).await?;
        // Folded: the whole list to one line, and open again.
        app.type_into("console-filter", "").await?;
        app.wait_text("console-response", |t| t.starts_with("["))
            .await?;
        app.click("console-fold").await?;
        app.until("the list folded to one line", || async {
            let (n, last) = rows(app).await?;
            Ok(n == 1 && last.starts_with("[…]"))
        })
        .await?;
        app.click("console-fold").await?;
        app.until("the list open again", || async { Ok(rows(app).await?.0 > 10) })
            .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_goes_to_the_clipboard_only_after_a_native_yes() -> Result<()> {
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("console_secret", &world, &[], async |app| {
        flows::sign_in_with_token(app, &fake).await?;
        app.click("nav-console").await?;
        app.choose("console-method", "POST").await?;
        app.type_into("console-path", "/voice/api/v1/admin/token")
            .await?;
        app.click("console-send").await?;
        app.click("console-confirm").await?;
        app.wait_text("console-status", |t| t == "200").await?;
        app.wait_text("console-response", |t| t.contains("credential"))
            .await?;
        let issued = fake.issued_tokens();
        let page = app.client.source().await?;
        ensure!(
            issued.iter().all(|t| !page.contains(t.as_str())),
            "a token in the page"
        );
        // Escape: nothing copied.
        app.click("console-copy-secret").await?;
        let asked = native::dialog(&world, COPY_DIALOG).await?;
        native::press(&world, &asked, "Escape")?;
        app.wait_text("console-saved", |t| t == "Not copied.")
            .await?;
        ensure!(
            issued
                .iter()
                .all(|t| !world.clipboard().unwrap_or_default().contains(t.as_str())),
            "copied without a yes"
        );
        // Copy (Alt+C): the token the fake made, on the clipboard.
        app.click("console-copy-secret").await?;
        let asked = native::dialog(&world, COPY_DIALOG).await?;
        native::press(&world, &asked, "alt+c")?;
        app.wait_text("console-saved", |t| t.starts_with("Copied"))
            .await?;
        let copied = world.clipboard()?;
        ensure!(
            fake.issued_tokens().iter().any(|t| *t == copied.trim()),
            "the clipboard holds something else ({} chars)",
            copied.len()
        );
        Ok(())
    })
    .await
}

/// The title of the native question before a credential is copied.
const COPY_DIALOG: &str = "Copy a credential";
