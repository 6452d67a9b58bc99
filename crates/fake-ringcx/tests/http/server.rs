//! The FakeServer handle: request log, issued tokens, lifecycle, binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use fake_ringcx::{Config, FakeServer};

use crate::common::*;

#[tokio::test]
async fn start_binds_loopback_and_serves() {
    let server = FakeServer::start(0).await.unwrap();
    assert!(server.addr().ip().is_loopback());
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    let r = client()
        .get(format!("{}/health", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(server.config(), Config::default());
}

#[tokio::test]
async fn the_request_log_records_everything() {
    let fx = start(Config::default()).await;
    let rc = fx.server.mint_rc_access_token();
    fx.exchange(&rc).await;
    fx.http
        .get(fx.url("/voice/api/v1/admin/users?flatten=true"))
        .send()
        .await
        .unwrap();
    let log = fx.server.requests();
    assert_eq!(log.len(), 2);
    let x = &log[0];
    assert_eq!(
        (x.method.as_str(), x.path.as_str(), x.status),
        ("POST", "/api/auth/login/rc/accesstoken", 200)
    );
    assert_eq!(
        x.query,
        vec![("includeRefresh".to_string(), "true".to_string())]
    );
    assert!(x.form.contains(&("rcAccessToken".to_string(), rc.clone())));
    assert!(x
        .header("Content-Type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    assert_eq!(log[1].status, 401);
    assert_eq!(
        log[1].query,
        vec![("flatten".to_string(), "true".to_string())]
    );
    assert!(log[1].form.is_empty());

    assert_eq!(fx.server.count("POST", "/api/auth/"), 1);
    assert_eq!(fx.server.count("post", "/api/"), 1);
    assert_eq!(fx.server.count("GET", "/voice/"), 1);
    assert_eq!(fx.server.count("*", "/"), 2);
    assert_eq!(fx.server.count("DELETE", "/"), 0);
    fx.server.clear_requests();
    assert!(fx.server.requests().is_empty());
}

#[tokio::test]
async fn issued_tokens_holds_every_secret() {
    let fx = start(Config::default()).await;
    let code = fx.code().await;
    let rc = crate::common::json(fx.redeem(&code).await).await;
    let cx = crate::common::json(fx.exchange(rc["access_token"].as_str().unwrap()).await).await;
    let renewed = crate::common::json(
        fx.http
            .post(fx.url("/api/auth/token/refresh"))
            .form(&[("refresh_token", cx["refreshToken"].as_str().unwrap())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let minted = fx.server.mint_rc_access_token();
    let issued = fx.server.issued_tokens();
    for secret in [
        code.as_str(),
        rc["access_token"].as_str().unwrap(),
        rc["refresh_token"].as_str().unwrap(),
        cx["accessToken"].as_str().unwrap(),
        cx["refreshToken"].as_str().unwrap(),
        renewed["accessToken"].as_str().unwrap(),
        renewed["refreshToken"].as_str().unwrap(),
        minted.as_str(),
    ] {
        assert!(issued.iter().any(|t| t == secret), "{secret} missing");
    }
    assert_eq!(issued.len(), 8);
}

#[tokio::test]
async fn dropping_the_server_closes_it() {
    let server = FakeServer::start(0).await.unwrap();
    let url = format!("{}/health", server.url());
    let http = client();
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(client().get(&url).send().await.is_err());
    assert!(
        http.get(&url).send().await.is_err(),
        "pooled connections are closed too"
    );
}

#[tokio::test]
async fn binary_prints_its_url_and_serves_demo_data() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-ringcx"))
        .args(["--port", "0", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let http = client();
    assert_eq!(
        http.get(format!("{url}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Demo data: three agents for whoever signs in.
    let code_url = format!(
        "{url}/restapi/oauth/authorize?response_type=code&client_id=fake-client-id&redirect_uri={REDIRECT}&code_challenge={CHALLENGE}&code_challenge_method=S256"
    );
    let r = http.get(code_url).send().await.unwrap();
    let code = location_query(&r)["code"].clone();
    let t = crate::common::json(
        http.post(format!("{url}/restapi/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
                ("client_id", "fake-client-id"),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let d = crate::common::json(
        http.post(format!("{url}/api/auth/login/rc/accesstoken"))
            .form(&[
                ("rcAccessToken", t["access_token"].as_str().unwrap()),
                ("includeRefresh", "true"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(d["agentDetails"].as_array().unwrap().len(), 3);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn binary_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-ringcx"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    })
    .await
    .unwrap();
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
}
