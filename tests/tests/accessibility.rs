//! Accessibility measured, not assumed: axe-core (npm `axe-core`, the
//! version package-lock.json pins) runs in the real window on every view
//! and the test fails on any serious or critical violation.

#![cfg(target_os = "linux")]

use anyhow::{bail, ensure, Context, Result};
use e2e::{app, flows, App, World};
use fake_ringcx::FakeServer;

const RUN: &str = r#"
  const done = arguments[arguments.length - 1];
  axe.run(document, { resultTypes: ["violations"] }).then(
    (r) => done(JSON.stringify(r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) })))),
    (e) => done("error " + e));
"#;

fn axe_source() -> Result<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .with_context(|| format!("{path} (npm ci installs it; make test runs it)"))
}

/// The serious and critical violations on the page as it is now.
async fn violations(app: &App, axe: &str, view: &str) -> Result<Vec<String>> {
    let loaded = app
        .client
        .execute("return typeof axe === 'object';", vec![])
        .await?;
    if loaded.as_bool() != Some(true) {
        app.client.execute(axe, vec![]).await?;
    }
    let out = app.client.execute_async(RUN, vec![]).await?;
    let text = out.as_str().context("axe answered nothing")?;
    if text.starts_with("error") {
        bail!("axe failed on the {view} view: {text}");
    }
    let found: Vec<serde_json::Value> = serde_json::from_str(text)?;
    Ok(found.iter().map(|v| format!("{view}: {v}")).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_view_has_a_serious_or_critical_violation() -> Result<()> {
    let axe = axe_source()?;
    let fake = FakeServer::start(0).await?;
    let world = World::start()?;
    app::run("accessibility", &world, &[], async |app| {
        let mut found = Vec::new();
        app.ready().await?;
        app.visible("signin-view").await?;
        // First, that axe can fail here: a button with no name is critical.
        app.client
            .execute(
                "const b = document.createElement('button'); b.id = 'axe-probe'; document.body.append(b);",
                vec![],
            )
            .await?;
        let probe = violations(app, &axe, "probe").await?;
        ensure!(
            probe.iter().any(|v| v.contains("button-name")),
            "axe did not see a nameless button: {probe:?}"
        );
        app.client
            .execute("document.getElementById('axe-probe').remove();", vec![])
            .await?;
        found.extend(violations(app, &axe, "sign-in").await?);

        flows::sign_in_with_token(app, &fake).await?;
        found.extend(violations(app, &axe, "agent").await?);

        app.click("nav-users").await?;
        app.wait_text("users-count", |t| t.contains(" of ") && !t.starts_with("0 ")).await?;
        found.extend(violations(app, &axe, "users").await?);

        app.click("nav-console").await?;
        app.type_into("console-search", "agent groups").await?;
        app.click("console-op").await?;
        app.click("console-send").await?;
        app.wait_text("console-status", |t| t == "200").await?;
        app.client
            .find(fantoccini::Locator::Css("#console-history-box summary"))
            .await?
            .click()
            .await?;
        found.extend(violations(app, &axe, "console").await?);
        ensure!(found.is_empty(), "axe found:\n{}", found.join("\n"));
        Ok(())
    })
    .await
}
