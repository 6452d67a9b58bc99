//! What a window's page says about itself (its marks and navigation
//! timing): the app and the floor set the same marks, so both are read
//! the same way.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use e2e::App;
use serde_json::Value;

use crate::stats::stats;

/// How long a users load (or a restore) may take before the run fails.
pub(crate) const PAINT_WAIT: Duration = Duration::from_secs(60);

/// How often the marks are read: rarely enough not to load the page.
pub(crate) const POLL: Duration = Duration::from_millis(100);

/// Where the time of a start-up went, in ms: process start → the page's
/// navigation start (`performance.timeOrigin`), → DOMContentLoaded, →
/// the mark.
#[derive(Clone, Copy)]
pub(crate) struct Split {
    pub(crate) total: f64,
    pub(crate) to_page: f64,
    pub(crate) to_dom: f64,
    /// Of `to_dom`: from the HTML parsed (`domInteractive`) on, when
    /// the page's module scripts load and run.
    pub(crate) scripts: f64,
}

impl Split {
    pub(crate) fn rest(&self) -> f64 {
        self.total - self.to_page - self.to_dom
    }
}

/// One part of a split, by what it reads.
pub(crate) type Part = fn(&Split) -> f64;

/// Medians of each part of some splits, as text.
pub(crate) fn split_text(splits: &[Split], last: &str) -> String {
    let part = |f: &dyn Fn(&Split) -> f64| {
        let v: Vec<f64> = splits.iter().map(f).collect();
        stats(&v).map(|s| s.median).unwrap_or(f64::NAN)
    };
    format!(
        "{:.0} ms to the page's navigation start, {:.0} ms to DOMContentLoaded (of which \
         {:.0} ms after the HTML was parsed: its module scripts loading and running), \
         {:.0} ms to {last}",
        part(&|s| s.to_page),
        part(&|s| s.to_dom),
        part(&|s| s.scripts),
        part(&|s| s.rest())
    )
}

/// The page's marks and navigation timing.
pub(crate) struct Marks {
    pub(crate) ready_at: Option<f64>,
    pub(crate) agent_at: Option<f64>,
    origin: f64,
    dom_loaded: Option<f64>,
    pub(crate) error: Option<String>,
    dom_interactive: Option<f64>,
}

impl Marks {
    pub(crate) fn split(&self, mark: f64, start: f64) -> Result<Split> {
        let dom = self
            .dom_loaded
            .context("no navigation timing (domContentLoadedEventEnd)")?;
        let interactive = self
            .dom_interactive
            .context("no navigation timing (domInteractive)")?;
        Ok(Split {
            total: mark - start,
            to_page: self.origin - start,
            to_dom: dom,
            scripts: dom - interactive,
        })
    }
}

pub(crate) async fn marks(app: &App) -> Result<Marks> {
    const READ: &str = r#"
            const root = document.documentElement;
            const nav = performance.getEntriesByType("navigation")[0];
            const banner = document.querySelector("[data-testid=error-banner]");
            return {
                readyAt: root.dataset.readyAt || null,
                agentAt: root.dataset.agentAt || null,
                origin: performance.timeOrigin,
                domLoaded: nav && nav.domContentLoadedEventEnd > 0 ? nav.domContentLoadedEventEnd : null,
                domInteractive: nav && nav.domInteractive > 0 ? nav.domInteractive : null,
                error: root.getAttribute("data-error")
                    || (banner && banner.offsetParent !== null && banner.textContent.trim())
                    || null,
            };"#;
    let v = app.client.execute(READ, vec![]).await?;
    let num = |key: &str| match &v[key] {
        Value::String(s) => s.parse::<f64>().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    Ok(Marks {
        ready_at: num("readyAt"),
        agent_at: num("agentAt"),
        origin: num("origin").context("no performance.timeOrigin")?,
        dom_loaded: num("domLoaded"),
        error: v["error"].as_str().map(str::to_string),
        dom_interactive: num("domInteractive"),
    })
}

/// What a window reported after a users load.
pub(crate) struct Paint {
    /// Response → paint, as the floor measures it itself; the app marks
    /// only `painted_at` (its response time is in its log).
    pub(crate) ms: f64,
    /// When the rows were painted (ms since 1970), where the window says.
    pub(crate) painted_at: Option<f64>,
    pub(crate) row_nodes: usize,
    /// The floor's own parse time, part of `ms`.
    pub(crate) parse_ms: Option<f64>,
}

/// Waits for `data-paint-ms` (the floor) or `data-painted-at` (the app)
/// on the users view, and checks the rows.
pub(crate) async fn wait_paint(app: &App) -> Result<Paint> {
    const READ: &str = r#"
            const view = document.querySelector("[data-testid=users-view]");
            const banner = document.querySelector("[data-testid=error-banner]");
            return {
                paintMs: view ? view.getAttribute("data-paint-ms") : null,
                paintedAt: view ? view.getAttribute("data-painted-at") : null,
                rowNodes: view ? view.getAttribute("data-row-nodes") : null,
                parseMs: view ? view.getAttribute("data-parse-ms") : null,
                counted: document.querySelectorAll("[data-testid=user-row]").length,
                error: document.documentElement.getAttribute("data-error")
                    || (banner && banner.offsetParent !== null && banner.textContent.trim())
                    || null,
            };"#;
    let start = Instant::now();
    loop {
        let v = app.client.execute(READ, vec![]).await?;
        if let Some(e) = v["error"].as_str() {
            bail!("the window shows an error: {e}");
        }
        let painted_at = v["paintedAt"].as_str().and_then(|s| s.parse::<f64>().ok());
        if let Some(ms) = v["paintMs"]
            .as_str()
            .map(str::to_string)
            .or(painted_at.map(|_| "NaN".into()))
        {
            let ms: f64 = ms.parse().context("data-paint-ms is not a number")?;
            let marked = number(&v["rowNodes"]).context("no data-row-nodes")?;
            let counted = number(&v["counted"]).unwrap_or(0);
            if marked == 0 || counted == 0 {
                bail!("no rows painted (data-row-nodes {marked}, {counted} in the DOM)");
            }
            if marked != counted {
                eprintln!("bench: data-row-nodes says {marked}, the DOM has {counted}");
            }
            return Ok(Paint {
                ms,
                painted_at,
                row_nodes: counted,
                parse_ms: v["parseMs"].as_str().and_then(|s| s.parse().ok()),
            });
        }
        if start.elapsed() > PAINT_WAIT {
            bail!("no paint mark on the users view within {PAINT_WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits for `data-settled-at` on the app's users view: the whole list
/// read and its counts shown (the first rows may show before).
pub(crate) async fn wait_settled(app: &App) -> Result<f64> {
    let start = Instant::now();
    loop {
        let v = app
            .client
            .execute(
                r#"const view = document.querySelector("[data-testid=users-view]");
                   return view && view.getAttribute("data-settled-at");"#,
                vec![],
            )
            .await?;
        if let Some(at) = v.as_str().and_then(|s| s.parse::<f64>().ok()) {
            return Ok(at);
        }
        if start.elapsed() > PAINT_WAIT {
            bail!("no settled mark on the users view within {PAINT_WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
}

fn number(v: &Value) -> Option<usize> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| n as usize),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// When the core logged `what` (target `engage::timing`, `at_ms=…`) in the
/// world's app log, last time: marks in the log keep benchmark fields out
/// of production types.
pub(crate) fn logged_at(world: &e2e::World, what: &str) -> Result<f64> {
    let log = std::fs::read_to_string(world.root().join("app.log"))?;
    log.lines()
        .rev()
        .filter(|l| l.contains(what))
        .find_map(|l| {
            let at = l.split("at_ms=").nth(1)?;
            at.split_whitespace().next()?.parse::<f64>().ok()
        })
        .with_context(|| format!("the app logged no {what:?}"))
}
