//! RingCentral OAuth: authorize, token (three grants), revoke.

use std::time::Duration;

use base64::Engine;
use fake_ringcx::Config;
use serde_json::Value;

use crate::common::*;

fn authorize_params<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![
        ("response_type", "code"),
        ("client_id", "fake-client-id"),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        p.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            p.push((k, v));
        }
    }
    p
}

#[tokio::test]
async fn authorize_redirects_back_with_code_state_and_lifetime() {
    let fx = start(Config::default()).await;
    let r = fx.authorize(&authorize_params(&[])).await;
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap();
    assert!(loc.starts_with(REDIRECT), "{loc}");
    let q = location_query(&r);
    assert_eq!(q["state"], "xyz");
    assert_eq!(q["expires_in"], "60");
    assert!(q["code"].len() >= 32);
}

#[tokio::test]
async fn code_flow_with_the_rfc7636_vector_issues_tokens() {
    let fx = start(Config::default()).await;
    let code = fx.code().await;
    let r = fx.redeem(&code).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-rate-limit-limit"], "5");
    assert!(r.headers().contains_key("x-rate-limit-remaining"));
    let t = json(r).await;
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"], 3600);
    assert_eq!(t["refresh_token_expires_in"], 604_800);
    assert!(t["access_token"].as_str().unwrap().len() > 20);
    assert!(t["refresh_token"].as_str().unwrap().len() > 20);
    assert_eq!(t["owner_id"], "222222");
    assert!(t["scope"].is_string() && t["endpoint_id"].is_string());
}

#[tokio::test]
async fn missing_method_means_plain() {
    let fx = start(Config::default()).await;
    let r = fx
        .authorize(&authorize_params(&[
            (
                "code_challenge",
                "plain-verifier-1234567890-abcdefghijklmnop",
            ),
            ("code_challenge_method", ""),
        ]))
        .await;
    let code = location_query(&r)["code"].clone();
    let ok = fx
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", "fake-client-id"),
            (
                "code_verifier",
                "plain-verifier-1234567890-abcdefghijklmnop",
            ),
        ])
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn wrong_verifier_is_refused_and_burns_the_code() {
    let fx = start(Config::default()).await;
    let code = fx.code().await;
    let r = fx
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", "fake-client-id"),
            ("code_verifier", CHALLENGE),
        ])
        .await;
    assert_eq!(r.status(), 400);
    let e = json(r).await;
    assert_eq!(e["error"], "invalid_grant");
    assert_eq!(error_code(&e), "OAU-106");
    assert!(e["error_description"]
        .as_str()
        .unwrap()
        .contains("verifier"));
    assert_eq!(error_code(&json(fx.redeem(&code).await).await), "OAU-106");
}

#[tokio::test]
async fn codes_are_single_use() {
    let fx = start(Config::default()).await;
    let code = fx.code().await;
    assert_eq!(fx.redeem(&code).await.status(), 200);
    let again = fx.redeem(&code).await;
    assert_eq!(again.status(), 400);
    assert_eq!(error_code(&json(again).await), "OAU-106");
    assert_eq!(
        error_code(&json(fx.redeem("made-up").await).await),
        "OAU-106"
    );
}

#[tokio::test]
async fn codes_expire() {
    let fx = start(Config {
        auth_code_ttl: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    let code = fx.code().await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = fx.redeem(&code).await;
    assert_eq!(r.status(), 400);
    let e = json(r).await;
    assert_eq!(
        (e["error"].as_str(), error_code(&e)),
        (Some("invalid_grant"), "OAU-108")
    );
}

#[tokio::test]
async fn strict_redirect_uris_are_checked_at_authorize_and_token() {
    let fx = start(Config {
        redirect_uris: Some(vec![REDIRECT.into()]),
        ..Config::default()
    })
    .await;
    let r = fx
        .authorize(&authorize_params(&[(
            "redirect_uri",
            "http://127.0.0.1:1/callback",
        )]))
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&json(r).await), "OAU-109");

    let code = fx.code().await;
    let r = fx
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:53682/other"),
            ("client_id", "fake-client-id"),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(r.status(), 400);
    let e = json(r).await;
    assert_eq!(error_code(&e), "OAU-109");
    assert_eq!(e["error_description"], "Redirect URIs do not match");
}

#[tokio::test]
async fn token_redirect_uri_must_equal_the_authorize_one_even_when_lenient() {
    let fx = start(Config::default()).await;
    let code = fx.code().await;
    let r = fx
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "fake-client-id"),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(error_code(&json(r).await), "OAU-109");
}

#[tokio::test]
async fn unknown_clients_are_refused() {
    let fx = start(Config::default()).await;
    let r = fx
        .authorize(&authorize_params(&[("client_id", "someone-else")]))
        .await;
    assert_eq!(r.status(), 400);
    let e = json(r).await;
    assert_eq!(e["error"], "invalid_client");
    assert!(error_code(&e).starts_with("OAU-"));

    let r = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", "nope"),
        ])
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(json(r).await["error"], "invalid_client");
    let r = fx
        .token(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(error_code(&json(r).await), "OAU-123");
}

#[tokio::test]
async fn bad_authorize_requests_go_back_to_the_app() {
    let fx = start(Config::default()).await;
    let r = fx
        .authorize(&authorize_params(&[("code_challenge", "")]))
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(location_query(&r)["error"], "invalid_request");
    let r = fx
        .authorize(&authorize_params(&[("response_type", "token")]))
        .await;
    assert_eq!(location_query(&r)["error"], "unsupported_response_type");
    let r = fx
        .authorize(&authorize_params(&[("code_challenge_method", "S512")]))
        .await;
    assert_eq!(location_query(&r)["error"], "invalid_request");
    let r = fx
        .authorize(&authorize_params(&[("redirect_uri", "not a url")]))
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn denied_consent_redirects_with_access_denied() {
    let fx = start(Config {
        deny_authorize: true,
        ..Config::default()
    })
    .await;
    let r = fx.authorize(&authorize_params(&[])).await;
    assert_eq!(r.status(), 302);
    let q = location_query(&r);
    assert_eq!(q["error"], "access_denied");
    assert!(!q["error_description"].is_empty());
    assert_eq!(q["state"], "xyz");
    assert!(!q.contains_key("code"));
}

fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

#[tokio::test]
async fn apps_with_a_secret_need_basic_auth() {
    let fx = start(Config {
        client_secret: Some("s3cret".into()),
        ..Config::default()
    })
    .await;
    let code = fx.code().await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let missing = fx.token(&form).await;
    assert_eq!(missing.status(), 401);
    let e = json(missing).await;
    assert_eq!(
        (e["error"].as_str(), error_code(&e)),
        (Some("invalid_client"), "OAU-123")
    );
    let post = |auth: String| {
        fx.http
            .post(fx.url("/restapi/oauth/token"))
            .header("authorization", auth)
            .form(&form)
            .send()
    };
    let wrong = post(basic("fake-client-id", "nope")).await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_code(&json(wrong).await), "OAU-123");
    let ok = post(basic("fake-client-id", "s3cret")).await.unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn jwt_grant_needs_a_secret_and_a_known_assertion() {
    let jwt = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    let fx = start(Config::default()).await;
    let r = fx
        .token(&[
            ("grant_type", jwt),
            ("assertion", "fake-jwt-credential"),
            ("client_id", "fake-client-id"),
        ])
        .await;
    assert_eq!(r.status(), 400);
    let e = json(r).await;
    assert_eq!(
        (e["error"].as_str(), error_code(&e)),
        (Some("unauthorized_client"), "OAU-112")
    );

    let fx = start(Config {
        client_secret: Some("s".into()),
        ..Config::default()
    })
    .await;
    let send = |assertion: &'static str| {
        fx.http
            .post(fx.url("/restapi/oauth/token"))
            .header("authorization", basic("fake-client-id", "s"))
            .form(&[("grant_type", jwt), ("assertion", assertion)])
            .send()
    };
    let ok = send("fake-jwt-credential").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(json(ok).await["refresh_token"].is_string());
    let bad = send("forged").await.unwrap();
    assert_eq!(bad.status(), 400);
    let e = json(bad).await;
    assert_eq!(
        (e["error"].as_str(), error_code(&e)),
        (Some("invalid_grant"), "OAU-140")
    );
}

#[tokio::test]
async fn other_grants_are_not_allowed() {
    let fx = start(Config::default()).await;
    for grant in ["password", "client_credentials", ""] {
        let r = fx
            .token(&[("grant_type", grant), ("client_id", "fake-client-id")])
            .await;
        assert_eq!(r.status(), 400);
        assert_eq!(error_code(&json(r).await), "OAU-112");
    }
}

#[tokio::test]
async fn refresh_rotates_and_old_tokens_die() {
    let fx = start(Config::default()).await;
    let first = fx.rc_sign_in().await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let r = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh),
            ("client_id", "fake-client-id"),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let second = json(r).await;
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);

    let again = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh),
            ("client_id", "fake-client-id"),
        ])
        .await;
    assert_eq!(again.status(), 400);
    let e = json(again).await;
    assert_eq!(
        (e["error"].as_str(), error_code(&e)),
        (Some("invalid_grant"), "OAU-211")
    );

    // The old access token died at once; the new one works.
    assert_eq!(
        fx.exchange(first["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    assert_eq!(
        fx.exchange(second["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn refresh_tokens_can_be_switched_off() {
    let fx = start(Config {
        issue_rc_refresh_tokens: false,
        ..Config::default()
    })
    .await;
    let t = fx.rc_sign_in().await;
    let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert!(
        !keys.iter().any(|k| k.starts_with("refresh_token")),
        "{keys:?}"
    );
}

#[tokio::test]
async fn revoke_ends_the_whole_session() {
    let fx = start(Config::default()).await;
    let t = fx.rc_sign_in().await;
    let r = fx
        .http
        .post(fx.url("/restapi/oauth/revoke"))
        .form(&[
            ("token", t["access_token"].as_str().unwrap()),
            ("client_id", "fake-client-id"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        fx.exchange(t["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    let refresh = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
            ("client_id", "fake-client-id"),
        ])
        .await;
    assert_eq!(refresh.status(), 400);
    // Unknown tokens are fine too; unknown clients are not.
    let r = fx
        .http
        .post(fx.url("/restapi/oauth/revoke"))
        .form(&[("token", "whatever"), ("client_id", "fake-client-id")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = fx
        .http
        .post(fx.url("/restapi/oauth/revoke"))
        .form(&[("token", "whatever"), ("client_id", "other")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn minted_tokens_have_no_refresh_and_can_be_exchanged() {
    let fx = start(Config::default()).await;
    let t = fx.server.mint_rc_access_token();
    assert!(fx.server.issued_tokens().contains(&t));
    let details: Value = json(fx.exchange(&t).await).await;
    assert!(details["accessToken"].is_string());
}
