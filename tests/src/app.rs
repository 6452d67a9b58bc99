//! The real app binary under WebKitWebDriver, seen through fantoccini.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;

use crate::World;

/// How long a `wait_*` helper waits before failing.
pub const WAIT: Duration = Duration::from_secs(15);

/// How long the app may take to start and accept a WebDriver session.
pub const LAUNCH: Duration = Duration::from_secs(60);

/// The app binary under test: `ENGAGE_APP_BIN`, or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("ENGAGE_APP_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/engage-desk")
}

/// Where screenshots go: `E2E_SCREENSHOTS` when set (then every test leaves
/// one), else `target/e2e-failures` (only failing tests leave one).
fn screenshot_dir() -> (PathBuf, bool) {
    match std::env::var_os("E2E_SCREENSHOTS") {
        Some(dir) => (PathBuf::from(dir), true),
        None => (
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-failures"),
            false,
        ),
    }
}

/// A running app with a WebDriver session on it.
pub struct App {
    pub client: Client,
    driver: Child,
}

impl App {
    /// Launches the app inside `world`, with extra environment variables.
    pub async fn launch(world: &World, env: &[(&str, &str)]) -> Result<App> {
        Self::launch_binary(world, &app_binary(), env).await
    }

    /// Launches another Tauri binary the same way (the benchmarks' floor app).
    pub async fn launch_binary(world: &World, binary: &Path, env: &[(&str, &str)]) -> Result<App> {
        if !binary.exists() {
            bail!(
                "app binary {} not found: build it first (`make test` does)",
                binary.display()
            );
        }
        let port = free_port()?;
        // The app inherits the driver's stderr: its log lands in app.log.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(world.root().join("app.log"))?;
        let mut cmd = world.command("WebKitWebDriver");
        cmd.arg(format!("--port={port}"))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        // Its own process group, so teardown reaches the app and WebKit's
        // helper processes it starts, whatever the test did.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd
            .spawn()
            .context("could not start WebKitWebDriver (package webkit2gtk-driver)")?;
        let mut guard = DriverGuard(Some(driver));

        let caps = serde_json::json!({
            "browserName": "wry",
            "webkitgtk:browserOptions": { "binary": binary, "args": [] },
        });
        let caps = caps.as_object().cloned().unwrap_or_default();
        // Wait until the driver listens, then ask for exactly one session:
        // a retried new-session request could start a second app.
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > WAIT {
                bail!("WebKitWebDriver did not listen on port {port}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let url = format!("http://127.0.0.1:{port}");
        // Two rustls providers are compiled in (see Cargo.toml): pick one.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let mut builder = ClientBuilder::rustls()?;
        builder.capabilities(caps);
        let connect = builder.connect(&url);
        let client = tokio::time::timeout(LAUNCH, connect)
            .await
            .map_err(|_| anyhow!("the app did not start under WebDriver within {LAUNCH:?}"))?
            .map_err(|e| anyhow!("no WebDriver session on the app: {e}"))?;
        Ok(App {
            client,
            driver: guard.0.take().expect("driver present"),
        })
    }

    /// The element with this `data-testid`, once it is in the DOM.
    pub async fn find(&self, testid: &str) -> Result<Element> {
        let css = format!("[data-testid=\"{testid}\"]");
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&css))
            .await
            .with_context(|| format!("no element with data-testid={testid}"))
    }

    /// Waits until the element is displayed.
    pub async fn visible(&self, testid: &str) -> Result<Element> {
        let el = self.find(testid).await?;
        self.until(&format!("{testid} visible"), || {
            let el = el.clone();
            async move { Ok(el.is_displayed().await?) }
        })
        .await?;
        Ok(el)
    }

    /// The element's text, or for form fields their value.
    pub async fn text(&self, testid: &str) -> Result<String> {
        let el = self.find(testid).await?;
        let tag = el.tag_name().await?.to_lowercase();
        if matches!(tag.as_str(), "input" | "select" | "textarea" | "output") {
            Ok(el.prop("value").await?.unwrap_or_default())
        } else {
            Ok(el.text().await?)
        }
    }

    /// Waits until the element's text satisfies `pred`; returns that text.
    pub async fn wait_text(&self, testid: &str, pred: impl Fn(&str) -> bool) -> Result<String> {
        self.wait_text_within(testid, WAIT, pred).await
    }

    /// `wait_text` for something the app itself only does after a timeout
    /// of its own, longer than `WAIT`.
    pub async fn wait_text_within(
        &self,
        testid: &str,
        within: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let start = Instant::now();
        loop {
            let text = self.text(testid).await?;
            if pred(&text) {
                return Ok(text);
            }
            if start.elapsed() > within {
                bail!("data-testid={testid} never matched; last text: {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Replaces the value of a field, as a user would by typing.
    pub async fn type_into(&self, testid: &str, text: &str) -> Result<()> {
        let el = self.find(testid).await?;
        // WebKitWebDriver does not scroll inner scroll boxes (the view
        // scrolls under a fixed top bar), so bring the field into view first.
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        el.clear().await?;
        if !text.is_empty() {
            el.send_keys(text).await?;
        }
        Ok(())
    }

    /// Picks an option of a `<select>`. WebKitWebDriver does not always
    /// fire `change` for an option click (a user's pick always does), so
    /// the event is sent as the browser would; the UI ignores a repeat.
    pub async fn choose(&self, testid: &str, value: &str) -> Result<()> {
        let select = self.find(testid).await?;
        select.select_by_value(value).await?;
        self.client
            .execute(
                "if (arguments[0].value === arguments[1]) arguments[0].dispatchEvent(new Event('change'));",
                vec![serde_json::to_value(&select)?, value.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn click(&self, testid: &str) -> Result<()> {
        self.visible(testid).await?.click().await?;
        Ok(())
    }

    /// Clicks the element `css` selects, finding it again when a repaint
    /// replaced it between the find and the click (a virtual list redraws
    /// its rows on any scroll or update; a user's click lands on whatever
    /// row is there, a WebDriver click on a node that has just gone fails).
    pub async fn click_css(&self, css: &str) -> Result<()> {
        let start = Instant::now();
        loop {
            let tried = async {
                let el = self.client.find(Locator::Css(css)).await?;
                el.click().await?;
                anyhow::Ok(())
            };
            match tried.await {
                Ok(()) => return Ok(()),
                Err(e) if start.elapsed() > WAIT => {
                    return Err(e.context(format!("could not click {css}")));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Polls `check` until it says true.
    pub async fn until<F, Fut>(&self, what: &str, check: F) -> Result<()>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        let start = Instant::now();
        loop {
            if check().await? {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                bail!("timed out waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the UI's own "ready" mark: the login form is interactive.
    pub async fn ready(&self) -> Result<()> {
        self.until("the UI's ready mark", || async {
            let v = self
                .client
                .execute(
                    "return document.documentElement.dataset.ready === 'true';",
                    vec![],
                )
                .await?;
            Ok(v.as_bool() == Some(true))
        })
        .await
    }

    pub async fn screenshot(&self, path: &std::path::Path) -> Result<()> {
        // A frame taken right after a DOM change can be the previous one.
        tokio::time::sleep(Duration::from_millis(150)).await;
        let png = tokio::time::timeout(Duration::from_secs(10), self.client.screenshot())
            .await
            .map_err(|_| anyhow!("the screenshot timed out"))??;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Closes the window as a user does; the app exits on its own. The
    /// returned guard keeps the driver (and so the exiting app) untouched
    /// until it is dropped, then kills what is left.
    pub async fn close_window(self) -> Result<Closed> {
        let App { client, driver } = self;
        let guard = Closed(DriverGuard(Some(driver)));
        tokio::time::timeout(Duration::from_secs(10), client.close_window())
            .await
            .map_err(|_| anyhow!("closing the window timed out"))?
            .map_err(|e| anyhow!("closing the window failed: {e}"))?;
        Ok(guard)
    }

    /// Ends the session (the driver closes the app), then stops the driver.
    pub async fn quit(self) -> Result<()> {
        let App { client, driver } = self;
        let closed = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(DriverGuard(Some(driver)));
        match closed {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(anyhow!("closing the WebDriver session failed: {e}")),
            Err(_) => Err(anyhow!("closing the WebDriver session timed out")),
        }
    }
}

/// Runs one test body against a freshly launched app. Whatever happens
/// (error or panic), a screenshot is saved on failure and the app is quit.
pub async fn run<F>(name: &str, world: &World, env: &[(&str, &str)], body: F) -> Result<()>
where
    F: AsyncFnOnce(&App) -> Result<()>,
{
    let app = App::launch(world, env).await?;
    let outcome = std::panic::AssertUnwindSafe(body(&app))
        .catch_unwind()
        .await;
    let failed = !matches!(outcome, Ok(Ok(())));
    let (dir, always) = screenshot_dir();
    if failed || always {
        let path = dir.join(format!("{name}.png"));
        match app.screenshot(&path).await {
            Ok(()) => eprintln!("screenshot: {}", path.display()),
            Err(e) => eprintln!("screenshot of {name} failed: {e}"),
        }
    }
    let quit = app.quit().await;
    match outcome {
        Ok(result) => result.and(quit),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// An app whose window was closed; its driver is stopped on drop.
pub struct Closed(#[allow(dead_code)] DriverGuard);

/// Kills the driver's whole process group: the driver, the app, WebKit.
struct DriverGuard(Option<Child>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let group = format!("-{}", child.id());
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &group])
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
