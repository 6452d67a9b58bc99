//! P4, request overhead: what the core adds to a RingCX request, against
//! curl making the same one, with no window involved.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use engage::hosts::Hosts;
use engage::http::Http;
use engage::ringcx::RingCx;
use engage::{ExposeSecret, SecretString};
use fake_ringcx::{Config, FakeServer};

use crate::figure::Figure;
use crate::ringcx::USERS_QUERY;
use crate::stats::{ms_since, stats};

/// P4: the users the fake holds, the requests per call and side, and in
/// how many alternating batches they go.
pub(crate) const P4_USERS: usize = 100;
pub(crate) const P4_REPS: usize = 200;
pub(crate) const P4_BATCHES: usize = 10;

/// The two RingCX calls through the core (in this process) against
/// curl, alternating in batches; the same calls through the core's
/// reqwest client without the core around it, for the notes.
///
/// The calls run in a task on the runtime's workers, where the app makes
/// them: Tauri spawns every async command on its runtime, the renewer is a
/// task, and the command line runs its work in one. Made from `block_on`
/// on the main thread instead, every wake-up of the connection's task
/// crosses threads, which measured 0.04 to 0.1 ms a call more here.
pub(crate) async fn p4_requests() -> Result<Vec<Figure>> {
    tokio::spawn(p4_on_a_worker())
        .await
        .context("the P4 task")?
}

async fn p4_on_a_worker() -> Result<Vec<Figure>> {
    let fake = FakeThread::start(Config {
        users: P4_USERS,
        // Every side exchanges P4_REPS times within the minute.
        exchange_limit_per_minute: 100_000,
        ..Config::default()
    })?;
    let http = Http::new();
    let cx = RingCx::new(http.clone(), Hosts::parse(&fake.url, &fake.url)?);
    let rc = fake.rc_token.clone();
    // Also opens the core's pooled connection, as a running app has.
    let access = cx.exchange(&rc).await?.tokens.access;
    let exchange_url = format!(
        "{}/api/auth/login/rc/accesstoken?includeRefresh=true",
        fake.url
    );
    let users_url = format!("{}{USERS_QUERY}", fake.url);
    let users_path = engage::ApiPath::parse("/voice/api/v1/admin/users")?;
    let query = [
        ("flatten".to_string(), "true".to_string()),
        ("activeOnly".to_string(), "true".to_string()),
    ];
    let batch = P4_REPS.div_ceil(P4_BATCHES);
    let exchange_curl = curl_config(
        &[],
        &[
            (
                "data-urlencode",
                format!("rcAccessToken={}", rc.expose_secret()),
            ),
            ("data", "rcTokenType=Bearer".into()),
        ],
        &exchange_url,
        batch,
    );
    let users_curl = curl_config(
        &[
            format!("Authorization: Bearer {}", access.expose_secret()),
            "Accept: application/json".into(),
        ],
        &[],
        &users_url,
        batch,
    );

    let mut exchange = Figure::new(
        "P4-exchange",
        "request overhead, RingCX exchange (POST form): core vs curl, per call (ms)",
        "ms",
        P4_REPS,
    )
    .decimals(3);
    let mut users = Figure::new(
        "P4-users",
        "request overhead, users call (GET, 100 users): core vs curl, per call (ms)",
        "ms",
        P4_REPS,
    )
    .decimals(3);
    let (mut raw_exchange, mut raw_users) = (Vec::new(), Vec::new());
    let mut connects = (0, 0);
    for _ in 0..P4_BATCHES {
        for _ in 0..batch {
            let t = Instant::now();
            cx.exchange(&rc).await.context("the core's exchange")?;
            exchange.app.push(ms_since(t));
        }
        let (times, opened) = curl(&exchange_curl).await?;
        exchange.floor.extend(times);
        connects.0 += opened;
        for _ in 0..batch {
            let t = Instant::now();
            let reply = http
                .client()
                .post(&exchange_url)
                .form(&[
                    ("rcAccessToken", rc.expose_secret()),
                    ("rcTokenType", "Bearer"),
                ])
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await?;
            raw_exchange.push(ms_since(t));
            drop(reply);
        }

        for _ in 0..batch {
            let t = Instant::now();
            let reply = cx
                .call(
                    &access,
                    "GET",
                    &users_path,
                    &query,
                    None,
                    engage::http::API_BODY_LIMIT,
                )
                .await
                .context("the core's users call")?;
            users.app.push(ms_since(t));
            if !reply.is_success() || reply.body.is_empty() {
                bail!("the core's users call answered {}", reply.status);
            }
        }
        let (times, opened) = curl(&users_curl).await?;
        users.floor.extend(times);
        connects.1 += opened;
        for _ in 0..batch {
            let t = Instant::now();
            let reply = http
                .client()
                .get(&users_url)
                .bearer_auth(access.expose_secret())
                .header("accept", "application/json")
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await?;
            raw_users.push(ms_since(t));
            drop(reply);
        }
    }
    for (figure, raw, opened) in [
        (&mut exchange, &raw_exchange, connects.0),
        (&mut users, &raw_users, connects.1),
    ] {
        let core = stats(&figure.app).map_or(f64::NAN, |s| s.median);
        let curl = stats(&figure.floor).map_or(f64::NAN, |s| s.median);
        let raw = stats(raw).map_or(f64::NAN, |s| s.median);
        figure.notes.push(format!(
            "the same request through the core's reqwest client alone (no engage code \
             around it, body read with `bytes()`): {raw:.3} ms median"
        ));
        figure.notes.push(format!(
            "curl opened {opened} connections for its {} requests (one per batch of {batch})",
            figure.floor.len()
        ));
        let what = if figure.id == "P4-exchange" {
            "building the form, reading the body in chunks, parsing it twice (tokens, \
             then user details) and decoding the token's expiry"
        } else {
            "building the URL and query, reading the body in chunks under a size limit \
             into a fresh Vec"
        };
        let (gap, own, stack) = (core - curl, core - raw, raw - curl);
        let larger = if own > stack {
            format!("engage's own code ({what})")
        } else {
            "reqwest's and tokio's per-request work (the request and header maps, \
             handing each request to the connection's task), which only another HTTP client would remove"
                .to_string()
        };
        let worth = if gap.abs() < 0.1 {
            "At under 0.1 ms a call, against round trips of tens of ms to the real \
             servers, neither is worth removing."
        } else {
            "That is worth a profile."
        };
        figure.removable = Some(format!(
            "the core is {gap:.3} ms a call over curl: reqwest alone (the same client \
             without engage's code) is {stack:+.3} ms from curl, and engage's code \
             around it adds {own:+.3} ms. The larger part is {larger}. {worth}"
        ));
    }
    Ok(vec![exchange, users])
}

/// The fake on a runtime of its own, on its own thread: the core's
/// requests then cross threads to it as curl's cross processes, and
/// neither shares the bench's workers with the server.
struct FakeThread {
    url: String,
    /// A RingCentral access token it minted.
    rc_token: SecretString,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeThread {
    fn start(config: Config) -> Result<FakeThread> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready_tx.send(Err(anyhow!(e)));
                    return;
                }
            };
            runtime.block_on(async move {
                match FakeServer::start_with(config, 0).await {
                    Ok(fake) => {
                        let _ = ready_tx.send(Ok((fake.url(), fake.mint_rc_access_token())));
                        let _ = stopped.await;
                        drop(fake);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        });
        let (url, token) = ready_rx
            .recv_timeout(Duration::from_secs(20))
            .context("the fake's thread did not start")??;
        Ok(FakeThread {
            url,
            rc_token: SecretString::from(token),
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for FakeThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A curl config file that makes `count` requests to `url` in one
/// process, one connection kept alive, printing each one's own timing.
fn curl_config(headers: &[String], options: &[(&str, String)], url: &str, count: usize) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from(
        "silent\nshow-error\nnoproxy = \"*\"\n\
         write-out = \"%{time_total} %{http_code} %{num_connects}\\n\"\n",
    );
    for h in headers {
        let _ = writeln!(out, "header = {}", quote(h));
    }
    for (k, v) in options {
        let _ = writeln!(out, "{k} = {}", quote(v));
    }
    for _ in 0..count {
        let _ = writeln!(out, "url = {}\noutput = \"/dev/null\"", quote(url));
    }
    out
}

/// Runs curl with a config; each request's `time_total` in ms, and how
/// many connections it opened.
async fn curl(config: &str) -> Result<(Vec<f64>, usize)> {
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(config.as_bytes())?;
    file.flush()?;
    let out = tokio::process::Command::new("curl")
        .arg("--config")
        .arg(file.path())
        .output()
        .await
        .context("could not run curl (`make deps` installs it)")?;
    if !out.status.success() {
        bail!(
            "curl failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let mut times = Vec::new();
    let mut connects = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut parts = line.split_whitespace();
        let (Some(time), Some(code), Some(opened)) = (parts.next(), parts.next(), parts.next())
        else {
            bail!("odd curl output line {line:?}");
        };
        if code != "200" {
            bail!("curl's request answered {code}");
        }
        times.push(time.parse::<f64>().context("curl's time_total")? * 1000.0);
        connects += opened.parse::<usize>().unwrap_or(0);
    }
    Ok((times, connects))
}
