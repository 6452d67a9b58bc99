//! Every FaultKind, and how faults match and run out.

use std::time::{Duration, Instant};

use fake_ringcx::{Config, Fault, FaultKind};

use crate::common::*;

#[tokio::test]
async fn status_faults_hit_n_times_then_vanish() {
    let fx = start(Config::default()).await;
    fx.server.fault(Fault {
        method: Some("GET".into()),
        path_prefix: "/health".into(),
        times: 2,
        kind: FaultKind::Status {
            status: 503,
            content_type: "application/json".into(),
            body: r#"{"errorCode":"CMN-211","message":"Service Temporary Unavailable"}"#.into(),
        },
    });
    for _ in 0..2 {
        let r = fx.http.get(fx.url("/health")).send().await.unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(json(r).await["errorCode"], "CMN-211");
    }
    assert_eq!(
        fx.http
            .get(fx.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Still logged, with the status sent.
    let statuses: Vec<u16> = fx.server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![503, 503, 200]);
}

#[tokio::test]
async fn faults_match_method_and_prefix_and_can_be_cleared() {
    let fx = start(Config::default()).await;
    fx.server
        .fault(Fault::new("/health", FaultKind::Html { status: 502 }).with_method("POST"));
    assert_eq!(
        fx.http
            .get(fx.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    fx.server
        .fault(Fault::new("/voice/", FaultKind::Html { status: 502 }).with_times(5));
    assert_eq!(
        fx.http
            .get(fx.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    fx.server.clear_faults();
    assert_eq!(
        fx.http
            .post(fx.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
}

#[tokio::test]
async fn rate_limited_with_and_without_retry_after() {
    let fx = start(Config::default()).await;
    fx.server.fault(Fault::new(
        "/restapi/",
        FaultKind::RateLimited {
            retry_after: Some(7),
        },
    ));
    fx.server.fault(Fault::new(
        "/restapi/",
        FaultKind::RateLimited { retry_after: None },
    ));
    let r = fx.token(&[("grant_type", "refresh_token")]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert_eq!(r.headers()["x-rate-limit-remaining"], "0");
    let body = json(r).await;
    assert_eq!(body["errorCode"], "CMN-301");
    assert_eq!(body["message"], "Request rate exceeded");
    assert_eq!(error_code(&body), "CMN-301");
    let r = fx.token(&[("grant_type", "refresh_token")]).await;
    assert_eq!(r.status(), 429);
    assert!(!r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn delay_then_normal_handling() {
    let fx = start(Config::default()).await;
    fx.server.fault(Fault::new(
        "/health",
        FaultKind::Delay(Duration::from_millis(300)),
    ));
    let t = Instant::now();
    let r = fx.http.get(fx.url("/health")).send().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await["status"], "ok");
}

#[tokio::test]
async fn reset_drops_the_connection_without_a_response() {
    let fx = start(Config::default()).await;
    let s = fx.ringcx_session().await;
    fx.server
        .fault(Fault::new("/voice/api/v1/admin/users", FaultKind::Reset));
    let fresh = client();
    let err = fresh
        .get(fx.url("/voice/api/v1/admin/users"))
        .bearer_auth(s["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    let logged = fx.server.requests();
    let last = logged.last().unwrap();
    assert_eq!(
        (last.path.as_str(), last.status),
        ("/voice/api/v1/admin/users", 0)
    );
    // The server itself is fine.
    assert_eq!(
        fx.http
            .get(fx.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn reset_is_a_tcp_reset_on_the_wire() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fx = start(Config::default()).await;
    fx.server.fault(Fault::new("/health", FaultKind::Reset));
    let mut conn = tokio::net::TcpStream::connect(fx.server.addr())
        .await
        .unwrap();
    conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut buf))
        .await
        .unwrap();
    assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
    assert_eq!(
        read.unwrap_err().kind(),
        std::io::ErrorKind::ConnectionReset
    );
}

#[tokio::test]
async fn html_and_not_json_bodies() {
    let fx = start(Config::default()).await;
    fx.server
        .fault(Fault::new("/api/auth/", FaultKind::Html { status: 502 }));
    fx.server
        .fault(Fault::new("/api/auth/", FaultKind::NotJson { status: 200 }));
    let r = fx.exchange("x").await;
    assert_eq!(r.status(), 502);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("<html>"));
    let r = fx.exchange("x").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let text = r.text().await.unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
}

#[tokio::test]
async fn huge_bodies_stream_exactly() {
    let fx = start(Config::default()).await;
    let n = 5 * 1024 * 1024 + 3;
    fx.server
        .fault(Fault::new("/voice/", FaultKind::Huge { bytes: n }));
    let r = fx
        .http
        .get(fx.url("/voice/api/v1/admin/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], n.to_string().as_str());
    assert_eq!(r.headers()["content-type"], "application/json");
    let body = r.bytes().await.unwrap();
    assert_eq!(body.len(), n);
    assert!(body.starts_with(b"{\"data\":\"") && body.ends_with(b"\"}"));
}
