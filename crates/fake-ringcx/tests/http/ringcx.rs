//! RingCX sessions: exchange, renew, reload, logout, expiry, revocation.

use std::time::Duration;

use base64::Engine;
use fake_ringcx::Config;
use serde_json::Value;

use crate::common::*;

fn jwt_payload(token: &str) -> Value {
    let part = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn exchange_accepts_form_query_and_mixed() {
    let fx = start(Config {
        exchange_limit_per_minute: 100,
        ..Config::default()
    })
    .await;
    let rc = fx.server.mint_rc_access_token();
    let form = fx
        .http
        .post(fx.url("/api/auth/login/rc/accesstoken"))
        .form(&[
            ("rcAccessToken", rc.as_str()),
            ("rcTokenType", "Bearer"),
            ("includeRefresh", "true"),
        ])
        .send()
        .await
        .unwrap();
    let query = fx
        .http
        .post(fx.url("/api/auth/login/rc/accesstoken"))
        .query(&[
            ("rcAccessToken", rc.as_str()),
            ("rcTokenType", "Bearer"),
            ("includeRefresh", "true"),
        ])
        .send()
        .await
        .unwrap();
    let mixed = fx.exchange(&rc).await;
    for r in [form, query, mixed] {
        assert_eq!(r.status(), 200);
        let d = json(r).await;
        assert_eq!(d["tokenType"], "Bearer");
        assert!(d["refreshToken"].is_string());
        let payload = jwt_payload(d["accessToken"].as_str().unwrap());
        assert_eq!(
            payload["exp"].as_u64().unwrap() - payload["iat"].as_u64().unwrap(),
            300
        );
        assert!(payload["jti"].is_string() && payload["sub"].is_string());
        let agent = &d["agentDetails"][0];
        assert!(agent["agentId"].is_u64() && agent["accountId"].is_string());
        assert!(agent["rcUserId"].is_u64());
    }
}

#[tokio::test]
async fn without_include_refresh_the_refresh_token_is_null() {
    let fx = start(Config::default()).await;
    let rc = fx.server.mint_rc_access_token();
    let r = fx
        .http
        .post(fx.url("/api/auth/login/rc/accesstoken"))
        .form(&[("rcAccessToken", rc.as_str()), ("rcTokenType", "Bearer")])
        .send()
        .await
        .unwrap();
    let d = json(r).await;
    assert!(d["refreshToken"].is_null());
    assert!(d["accessToken"].is_string());
}

#[tokio::test]
async fn bad_rc_tokens_get_401_json() {
    let fx = start(Config::default()).await;
    let r = fx.exchange("not-a-token").await;
    assert_eq!(r.status(), 401);
    let e = json(r).await;
    assert_eq!(e["generalMessage"], "Invalid RingCentral access token");
    assert_eq!(e["requestUri"], "/api/auth/login/rc/accesstoken");
    assert!(e["timestamp"].is_u64());
    let r = fx
        .http
        .post(fx.url("/api/auth/login/rc/accesstoken"))
        .form(&[("rcTokenType", "Bearer")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Expired RingCentral tokens are refused the same way.
    let fx = start(Config {
        rc_access_ttl: Duration::from_millis(200),
        ..Config::default()
    })
    .await;
    let rc = fx.server.mint_rc_access_token();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fx.exchange(&rc).await.status(), 401);
}

#[tokio::test]
async fn exchanges_are_limited_per_minute() {
    let fx = start(Config::default()).await;
    let rc = fx.server.mint_rc_access_token();
    for _ in 0..5 {
        assert_eq!(fx.exchange(&rc).await.status(), 200);
    }
    let r = fx.exchange(&rc).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((55..=60).contains(&wait), "{wait}");
    assert!(json(r).await["generalMessage"].is_string());
    // The refused exchange took no slot: raising the limit frees exactly one.
    fx.server.set_config(|c| c.exchange_limit_per_minute = 6);
    assert_eq!(fx.exchange(&rc).await.status(), 200);
}

async fn refresh(fx: &Fx, token: &str, in_query: bool) -> reqwest::Response {
    let req = fx.http.post(fx.url("/api/auth/token/refresh"));
    let req = if in_query {
        req.query(&[("refresh_token", token)])
    } else {
        req.form(&[("refresh_token", token), ("rcTokenType", "Bearer")])
    };
    req.send().await.unwrap()
}

#[tokio::test]
async fn ringcx_refresh_rotates_both_tokens() {
    let fx = start(Config::default()).await;
    let first = fx.ringcx_session().await;
    let r1 = first["refreshToken"].as_str().unwrap();
    let r = refresh(&fx, r1, false).await;
    assert_eq!(r.status(), 200);
    let second = json(r).await;
    assert_ne!(second["accessToken"], first["accessToken"]);
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    assert_eq!(second["agentDetails"], first["agentDetails"]);

    let old = refresh(&fx, r1, false).await;
    assert_eq!(old.status(), 401);
    assert_eq!(json(old).await["generalMessage"], "Invalid refresh token");

    let r = refresh(&fx, second["refreshToken"].as_str().unwrap(), true).await;
    assert_eq!(r.status(), 200);
    let third = json(r).await;
    let ok = fx
        .get_bearer(
            "/voice/api/v1/admin/accounts",
            third["accessToken"].as_str().unwrap(),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let missing = fx
        .http
        .post(fx.url("/api/auth/token/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
}

#[tokio::test]
async fn login_reloads_the_profile() {
    let fx = start(Config::default()).await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    let r = fx.get_bearer("/api/auth/login", token).await;
    assert_eq!(r.status(), 200);
    let d = json(r).await;
    assert_eq!(d["accessToken"], token);
    assert!(d["refreshToken"].is_null());
    assert_eq!(d["agentDetails"], s["agentDetails"]);

    fx.server.set_config(|c| c.agents = 3);
    let d = json(fx.get_bearer("/api/auth/login", token).await).await;
    assert_eq!(d["agentDetails"].as_array().unwrap().len(), 3);
    fx.server.set_config(|c| c.agents = 0);
    let d = json(fx.get_bearer("/api/auth/login", token).await).await;
    assert_eq!(d["agentDetails"], serde_json::json!([]));
    assert_eq!(fx.server.config().agents, 0);
}

#[tokio::test]
async fn missing_and_unknown_bearer_tokens_get_401() {
    let fx = start(Config::default()).await;
    let r = fx.http.get(fx.url("/api/auth/login")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(json(r).await["generalMessage"].is_string());
    let r = fx.get_bearer("/voice/api/v1/admin/users", "garbage").await;
    assert_eq!(r.status(), 401);
    let e = json(r).await;
    assert_eq!(e["generalMessage"], "Invalid token");
    assert_eq!(e["requestUri"], "/voice/api/v1/admin/users");
}

#[tokio::test]
async fn logout_ends_the_ringcx_session() {
    let fx = start(Config::default()).await;
    let s = fx.ringcx_session().await;
    let (access, refresh_token) = (
        s["accessToken"].as_str().unwrap(),
        s["refreshToken"].as_str().unwrap(),
    );
    let r = fx
        .http
        .delete(fx.url(&format!("/api/auth/logout/{refresh_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(fx.get_bearer("/api/auth/login", access).await.status(), 401);
    assert_eq!(refresh(&fx, refresh_token, false).await.status(), 401);
    let again = fx
        .http
        .delete(fx.url("/api/auth/logout/unknown"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
}

async fn assert_jwt_expired(r: reqwest::Response) {
    assert_eq!(r.status(), 401);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain"), "{ct}");
    assert_eq!(r.text().await.unwrap(), "Jwt is expired");
}

#[tokio::test]
async fn ringcx_tokens_expire_after_their_ttl() {
    let fx = start(Config {
        ringcx_access_ttl: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    let p = jwt_payload(token);
    assert_eq!(p["exp"].as_u64().unwrap() - p["iat"].as_u64().unwrap(), 1);
    assert_eq!(
        fx.get_bearer("/voice/api/v1/admin/accounts", token)
            .await
            .status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_jwt_expired(fx.get_bearer("/voice/api/v1/admin/accounts", token).await).await;
    assert_jwt_expired(fx.get_bearer("/api/auth/login", token).await).await;
    // Renewal still works after the access token expired.
    let r = refresh(&fx, s["refreshToken"].as_str().unwrap(), false).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn expire_ringcx_access_tokens_hits_current_tokens_only() {
    let fx = start(Config::default()).await;
    let old = fx.ringcx_session().await;
    fx.server.expire_ringcx_access_tokens();
    assert_jwt_expired(
        fx.get_bearer(
            "/voice/api/v1/admin/users",
            old["accessToken"].as_str().unwrap(),
        )
        .await,
    )
    .await;
    let renewed = json(refresh(&fx, old["refreshToken"].as_str().unwrap(), false).await).await;
    let r = fx
        .get_bearer(
            "/voice/api/v1/admin/users",
            renewed["accessToken"].as_str().unwrap(),
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn revoke_all_kills_every_token() {
    let fx = start(Config::default()).await;
    let rc = fx.rc_sign_in().await;
    let cx = fx.ringcx_session().await;
    fx.server.revoke_all();
    assert_eq!(
        fx.exchange(rc["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    let r = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", rc["refresh_token"].as_str().unwrap()),
            ("client_id", "fake-client-id"),
        ])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        fx.get_bearer("/api/auth/login", cx["accessToken"].as_str().unwrap())
            .await
            .status(),
        401
    );
    assert_eq!(
        refresh(&fx, cx["refreshToken"].as_str().unwrap(), true)
            .await
            .status(),
        401
    );
}
