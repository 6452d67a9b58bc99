//! The core against the fake RingCentral + RingCX server, over real loopback
//! HTTP: each sign-in way, the exchange, renewal and its ladder, rotation,
//! single-flight, every documented error, and that no token leaks into a
//! status, a `Debug` print or an error text.

use std::sync::Arc;
use std::time::Duration;

use engage::browser::BrowserSignIn;
use engage::hosts::Hosts;
use engage::http::Http;
use engage::limiter::ExchangeLimiter;
use engage::rc::{RcApp, RcClient, RcTokens};
use engage::session::{Credential, NoPersist, Services, Session};
use engage::{Error, ExposeSecret, SecretString};
use fake_ringcx::{Config, FakeServer, Fault, FaultKind};
use tokio_util::sync::CancellationToken;

const CLIENT_ID: &str = "fake-client-id";

fn hosts(fake: &FakeServer) -> Hosts {
    Hosts::parse(&fake.url(), &fake.url()).unwrap()
}

fn app(secret: Option<&str>) -> RcApp {
    RcApp {
        client_id: CLIENT_ID.into(),
        client_secret: secret.map(|s| SecretString::from(s.to_string())),
    }
}

fn rc(fake: &FakeServer, secret: Option<&str>) -> RcClient {
    RcClient::new(Http::new(), hosts(fake), app(secret)).unwrap()
}

fn services(limiter: Arc<ExchangeLimiter>) -> Services {
    Services {
        http: Http::new(),
        limiter,
    }
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Plays the browser: opens the authorize URL and follows the redirect.
async fn browse(url: String) {
    let _ = reqwest::Client::new().get(url).send().await;
}

async fn browser_tokens(fake: &FakeServer, secret: Option<&str>) -> Result<RcTokens, Error> {
    let flow = BrowserSignIn::start(free_port()).await?;
    let client = rc(fake, secret);
    let url = flow.authorize_url(&client).to_string();
    let cancel = CancellationToken::new();
    let (tokens, ()) = tokio::join!(
        flow.finish(&client, &cancel, Duration::from_secs(20)),
        browse(url)
    );
    tokens
}

async fn sign_in(
    fake: &FakeServer,
    credential: Credential,
    secret: Option<&str>,
) -> Result<Arc<Session>, Error> {
    Session::sign_in(
        &services(Arc::new(ExchangeLimiter::ringcx())),
        hosts(fake),
        app(secret),
        credential,
        Arc::new(NoPersist),
    )
    .await
}

async fn token_session(fake: &FakeServer) -> Arc<Session> {
    let token = fake.mint_rc_access_token();
    sign_in(fake, Credential::Token(secret(&token)), None)
        .await
        .unwrap()
}

async fn browser_session(fake: &FakeServer) -> Arc<Session> {
    let tokens = browser_tokens(fake, None).await.unwrap();
    sign_in(fake, Credential::Browser(tokens), None)
        .await
        .unwrap()
}

fn agent_name(s: &Session) -> String {
    s.status()
        .identity
        .unwrap()
        .current_agent()
        .unwrap()
        .display_name()
}

async fn start(config: Config) -> FakeServer {
    FakeServer::start_with(config, 0).await.unwrap()
}

// ---- sign-in ways ----

#[tokio::test]
async fn browser_flow_with_pkce_signs_in() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    assert_eq!(agent_name(&s), "John Wang");
    let token_call = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/restapi/oauth/token")
        .unwrap();
    let form: std::collections::HashMap<_, _> = token_call.form.into_iter().collect();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(
        form["client_id"], CLIENT_ID,
        "secret-less apps send client_id"
    );
    assert!(form["code_verifier"].len() >= 43);
    assert!(token_call
        .headers
        .iter()
        .all(|(k, _)| !k.eq_ignore_ascii_case("authorization")));
    let exchange = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/auth/login/rc/accesstoken")
        .unwrap();
    assert!(
        exchange.form.iter().any(|(k, _)| k == "rcAccessToken"),
        "token in the body"
    );
    assert!(
        exchange.query.iter().all(|(k, _)| k != "rcAccessToken"),
        "never in the URL"
    );
    assert!(exchange
        .query
        .contains(&("includeRefresh".into(), "true".into())));
}

#[tokio::test]
async fn browser_flow_with_a_client_secret_uses_basic_auth() {
    let fake = start(Config {
        client_secret: Some("s3cret".into()),
        ..Config::default()
    })
    .await;
    browser_tokens(&fake, Some("s3cret")).await.unwrap();
    let call = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/restapi/oauth/token")
        .unwrap();
    assert!(call.header("authorization").unwrap().starts_with("Basic "));
    assert!(call.form.iter().all(|(k, _)| k != "client_id"));
    let e = browser_tokens(&fake, Some("wrong")).await.unwrap_err();
    assert_eq!(e.code(), "invalid_client");
}

#[tokio::test]
async fn jwt_signs_in_and_its_errors_are_named() {
    let fake = start(Config {
        client_secret: Some("s3cret".into()),
        ..Config::default()
    })
    .await;
    let s = sign_in(
        &fake,
        Credential::Jwt(secret("fake-jwt-credential")),
        Some("s3cret"),
    )
    .await
    .unwrap();
    assert_eq!(agent_name(&s), "John Wang");
    let e = sign_in(
        &fake,
        Credential::Jwt(secret("not-a-valid-jwt")),
        Some("s3cret"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "bad_credentials", "{e}");

    // A client-side app (no secret) may not use the JWT grant: OAU-112.
    let public = start(Config::default()).await;
    let e = sign_in(
        &public,
        Credential::Jwt(secret("fake-jwt-credential")),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "grant_not_allowed", "{e}");
    assert!(e.to_string().contains("OAU-112"), "{e}");
}

#[tokio::test]
async fn pasted_token_signs_in_and_a_dead_one_is_named() {
    let fake = start(Config::default()).await;
    let s = token_session(&fake).await;
    assert_eq!(
        s.status().method,
        Some(engage::session::SignInMethod::Token)
    );
    assert_eq!(fake.count("POST", "/restapi/oauth/token"), 0);
    let e = sign_in(&fake, Credential::Token(secret("garbage")), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "pasted_token_expired");
}

// ---- the exchange and the profile ----

#[tokio::test]
async fn profile_with_zero_one_and_three_agents() {
    for (agents, expect) in [(0usize, 0usize), (1, 1), (3, 3)] {
        let fake = start(Config {
            agents,
            ..Config::default()
        })
        .await;
        let s = token_session(&fake).await;
        let profile = s.status().identity.unwrap();
        assert_eq!(profile.details.agent_details.len(), expect);
        assert_eq!(profile.details.main_account_id.as_deref(), Some("333333"));
        assert_eq!(profile.current_agent().is_some(), expect > 0);
        if expect == 3 {
            let chosen = s.select_agent(111_113).unwrap();
            assert_eq!(
                chosen.current_agent().unwrap().account_id.as_deref(),
                Some("333335")
            );
            assert_eq!(s.select_agent(42).unwrap_err().code(), "unknown_agent");
            // The choice survives a renewal.
            s.renew().await.unwrap();
            assert_eq!(s.status().identity.unwrap().agent_id, Some(111_113));
        }
    }
}

// ---- renewal ----

#[tokio::test]
async fn renews_ahead_of_expiry_and_rotates() {
    let fake = start(Config {
        ringcx_access_ttl: Duration::from_secs(2),
        ..Config::default()
    })
    .await;
    let s = browser_session(&fake).await;
    let mut rx = s.subscribe();
    // With a 2 s lifetime the renewer acts 0.5 s before expiry, every time
    // (the bound only turns a renewer that never acts into a failure).
    for _ in 0..3 {
        tokio::time::timeout(Duration::from_secs(20), rx.changed())
            .await
            .unwrap()
            .unwrap();
    }
    let status = s.status();
    assert!(status.signed_in);
    assert!(status.renewals >= 3, "{status:?}");
    let refreshes = fake.count("POST", "/api/auth/token/refresh");
    assert!(refreshes >= 3, "{refreshes} refreshes");
    // Each renewal used the newest refresh token: the fake refuses old ones,
    // so any reuse would have fallen back to an exchange.
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 1);
    // Calls work with the renewed token, never hitting an expired one.
    s.call(
        "GET",
        &engage::ApiPath::parse("/voice/api/v1/admin/accounts").unwrap(),
        &[],
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_refused_refresh_falls_back_to_a_new_exchange() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.fault(
        Fault::new(
            "/api/auth/token/refresh",
            FaultKind::Status {
                status: 401,
                content_type: "application/json".into(),
                body: r#"{"generalMessage":"Invalid refresh token"}"#.into(),
            },
        )
        .with_times(1),
    );
    s.renew().await.unwrap();
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 2);
    assert!(s.status().signed_in);
}

#[tokio::test]
async fn an_expired_ringcentral_token_is_refreshed_before_the_exchange() {
    let fake = start(Config {
        rc_access_ttl: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let s = browser_session(&fake).await;
    fake.fault(
        Fault::new(
            "/api/auth/token/refresh",
            FaultKind::Status {
                status: 400,
                content_type: "application/json".into(),
                body: r#"{"generalMessage":"Invalid refresh token"}"#.into(),
            },
        )
        .with_times(1),
    );
    s.renew().await.unwrap();
    let grants: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/restapi/oauth/token")
        .flat_map(|r| {
            r.form
                .into_iter()
                .filter(|(k, _)| k == "grant_type")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(grants, vec!["authorization_code", "refresh_token"]);
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 2);
}

#[tokio::test]
async fn a_revoked_session_signs_out_with_the_reason() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.revoke_all();
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "session_ended", "{e}");
    let status = s.status();
    assert!(!status.signed_in);
    assert_eq!(status.reason.unwrap().code, "session_ended");
    assert_eq!(
        s.user_table(true).await.unwrap_err().code(),
        "not_signed_in"
    );
}

#[tokio::test]
async fn a_pasted_token_that_dies_asks_for_a_new_one() {
    let fake = start(Config::default()).await;
    let s = token_session(&fake).await;
    fake.revoke_all();
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "pasted_token_expired", "{e}");
    assert!(e.to_string().contains("Paste a new token"));
}

#[tokio::test]
async fn transient_failures_keep_the_session() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.fault(
        Fault::new(
            "/api/auth/token/refresh",
            FaultKind::Status {
                status: 503,
                content_type: "text/html".into(),
                body: "<html><body>Service Unavailable</body></html>".into(),
            },
        )
        .with_times(1),
    );
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "server_error");
    assert!(s.status().signed_in, "a 503 must not sign the user out");
    s.renew().await.unwrap();
}

#[tokio::test]
async fn exchanges_respect_the_limit_and_retry_after() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.fault(Fault::new(
        "/api/auth/token/refresh",
        FaultKind::Status {
            status: 401,
            content_type: "application/json".into(),
            body: "{}".into(),
        },
    ));
    fake.fault(
        Fault::new(
            "/api/auth/login/rc/accesstoken",
            FaultKind::RateLimited {
                retry_after: Some(42),
            },
        )
        .with_times(1),
    );
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "rate_limited");
    assert!(e.to_string().contains("42 seconds"), "{e}");
    assert!(s.status().signed_in);
    // Retry-After is honoured: no exchange is sent before it has passed.
    let before = fake.count("POST", "/api/auth/login/rc/accesstoken");
    assert_eq!(s.renew().await.unwrap_err().code(), "rate_limited");
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), before);
}

#[tokio::test]
async fn the_client_side_limit_stops_the_sixth_exchange() {
    let fake = start(Config {
        exchange_limit_per_minute: 100,
        ..Config::default()
    })
    .await;
    let limiter = Arc::new(ExchangeLimiter::ringcx());
    for i in 0..6 {
        let token = fake.mint_rc_access_token();
        let r = Session::sign_in(
            &services(limiter.clone()),
            hosts(&fake),
            app(None),
            Credential::Token(secret(&token)),
            Arc::new(NoPersist),
        )
        .await;
        assert_eq!(r.is_ok(), i < 5, "exchange {i}");
    }
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 5);
}

#[tokio::test]
async fn the_fake_rate_limit_is_reported() {
    let fake = start(Config::default()).await;
    let token = fake.mint_rc_access_token();
    let cx = engage::ringcx::RingCx::new(Http::new(), hosts(&fake));
    let mut last = None;
    for _ in 0..6 {
        last = Some(cx.exchange(&secret(&token)).await);
    }
    let e = last.unwrap().unwrap_err();
    assert_eq!(e.code(), "rate_limited");
}

#[tokio::test]
async fn a_hundred_concurrent_calls_across_expiry_renew_once() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.expire_ringcx_access_tokens();
    fake.clear_requests();
    let calls = (0..100).map(|_| {
        let s = s.clone();
        tokio::spawn(async move {
            s.call(
                "GET",
                &engage::ApiPath::parse("/voice/api/v1/admin/accounts").unwrap(),
                &[],
                None,
            )
            .await
        })
    });
    for r in futures::future::join_all(calls).await {
        r.unwrap().unwrap();
    }
    assert_eq!(fake.count("POST", "/api/auth/token/refresh"), 1);
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 0);
}

#[tokio::test]
async fn jwt_is_expired_renews_once_and_retries() {
    let fake = start(Config::default()).await;
    let s = token_session(&fake).await;
    fake.expire_ringcx_access_tokens();
    let users = s.user_table(false).await.unwrap();
    assert!(!users.is_empty());
    assert_eq!(fake.count("POST", "/api/auth/token/refresh"), 1);
    let statuses: Vec<u16> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/voice/api/v1/admin/users")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![401, 200]);
}

// ---- the API ----

#[tokio::test]
async fn users_as_tree_flat_and_active_only() {
    let fake = start(Config {
        users: 200,
        ..Config::default()
    })
    .await;
    let s = token_session(&fake).await;
    let all = s.user_table(false).await.unwrap();
    assert_eq!(all.len(), 200);
    let active = s.user_table(true).await.unwrap();
    let rows = active.page(&engage::users::Query {
        limit: 500,
        ..Default::default()
    });
    assert!(active.len() < all.len() && rows.rows.iter().all(|r| r.enabled));
}

#[tokio::test]
async fn user_table_pages_the_flattened_list() {
    let fake = start(Config {
        users: 300,
        ..Config::default()
    })
    .await;
    let s = token_session(&fake).await;
    let table = s.user_table(false).await.unwrap();
    assert_eq!(table.len(), 300);
    let page = table.page(&engage::users::Query {
        sort: engage::users::SortKey::Name,
        limit: 20,
        ..Default::default()
    });
    assert_eq!((page.total, page.matched, page.rows.len()), (300, 300, 20));
    let names: Vec<String> = page.rows.iter().map(|r| r.name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    assert!(table.user(page.rows[0].user_id).is_some());
}

#[tokio::test]
async fn generic_calls_and_path_confinement() {
    let fake = start(Config::default()).await;
    let s = token_session(&fake).await;
    let groups = s
        .call(
            "GET",
            &engage::ApiPath::parse("/voice/api/v1/admin/accounts/~/agentGroups").unwrap(),
            &[],
            None,
        )
        .await
        .unwrap();
    assert_eq!(groups.status, 200);
    assert_eq!(groups.body[0]["groupName"], "Platform Team");
    let before = fake.requests().len();
    // The auth endpoints cannot even be named as an API path, whatever the
    // spelling, so no call can carry the bearer token there.
    for spelling in [
        "/api/auth/login",
        "/voice/api/%2e%2e/%2e%2e/api/auth/login",
        "/voice/api/.%2e/.%2e/api/auth/login",
        "/voice/api/%2E%2E/%2E%2E/api/auth/login",
    ] {
        let e = engage::ApiPath::parse(spelling).unwrap_err();
        assert_eq!(e.code(), "invalid_api_path", "{spelling}");
    }
    assert_eq!(fake.requests().len(), before, "nothing was sent");
    let e = s
        .call(
            "GET",
            &engage::ApiPath::parse("/voice/api/v1/nope").unwrap(),
            &[],
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "rejected");
    assert_eq!(e.status(), Some(404));
}

// ---- documented errors ----

#[tokio::test]
async fn code_errors_106_108_109() {
    let fake = start(Config::default()).await;
    let client = rc(&fake, None);
    let pkce = engage::pkce::Pkce::new();
    let redirect = "http://localhost:53682/callback";
    let code = |fake: &FakeServer| {
        let url = client.authorize_url(redirect, "st", &pkce.challenge);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let _ = fake;
        async move {
            let r = http.get(url).send().await.unwrap();
            let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
            let code = loc
                .query_pairs()
                .find(|(k, _)| k == "code")
                .unwrap()
                .1
                .into_owned();
            secret(&code)
        }
    };
    // OAU-109: the redirect URI differs from the one authorized.
    let c = code(&fake).await;
    let e = client
        .exchange_code(&c, &pkce.verifier, "http://localhost:1/callback")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "redirect_not_registered", "{e}");
    // OAU-106: a used code.
    let c = code(&fake).await;
    client
        .exchange_code(&c, &pkce.verifier, redirect)
        .await
        .unwrap();
    let e = client
        .exchange_code(&c, &pkce.verifier, redirect)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "code_invalid");
    assert_eq!(e.server_code(), Some("OAU-106"));
    // A wrong verifier fails PKCE.
    let c = code(&fake).await;
    let e = client
        .exchange_code(&c, &secret("x".repeat(43).as_str()), redirect)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "code_invalid");
    // OAU-108: an expired code (one that lives no time at all, so no wait
    // and no race with the clock).
    fake.set_config(|c| c.auth_code_ttl = Duration::ZERO);
    let c = code(&fake).await;
    let e = client
        .exchange_code(&c, &pkce.verifier, redirect)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "code_expired");
}

#[tokio::test]
async fn denied_in_the_browser() {
    let fake = start(Config {
        deny_authorize: true,
        ..Config::default()
    })
    .await;
    let e = browser_tokens(&fake, None).await.unwrap_err();
    assert_eq!(e.code(), "access_denied");
}

#[tokio::test]
async fn access_denied_on_users_names_the_role() {
    let fake = start(Config {
        manage_users: false,
        ..Config::default()
    })
    .await;
    let s = token_session(&fake).await;
    let e = s.user_table(true).await.unwrap_err();
    assert_eq!(e.code(), "needs_manage_users");
    assert!(e.to_string().contains("MANAGE_USERS"));
    // Elsewhere a 403 is a plain permission error.
    let e = s
        .call(
            "GET",
            &engage::ApiPath::parse("/voice/api/v1/admin/users").unwrap(),
            &[],
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert_eq!(e.server_code(), Some("access.denied.exception"));
}

#[tokio::test]
async fn api_faults_become_clear_errors() {
    let fake = start(Config::default()).await;
    let s = token_session(&fake).await;
    let path = "/voice/api/v1/admin/users";
    let cases: Vec<(FaultKind, &str)> = vec![
        (
            FaultKind::RateLimited {
                retry_after: Some(7),
            },
            "rate_limited",
        ),
        (
            FaultKind::Status {
                status: 500,
                content_type: "application/json".into(),
                body: r#"{"generalMessage":"Internal error"}"#.into(),
            },
            "server_error",
        ),
        (FaultKind::Html { status: 502 }, "server_error"),
        (FaultKind::Html { status: 404 }, "bad_response"),
        (FaultKind::NotJson { status: 200 }, "bad_response"),
        (FaultKind::Reset, "network"),
    ];
    for (kind, code) in cases {
        fake.clear_faults();
        fake.fault(Fault::new(path, kind).with_times(1));
        let e = s.user_table(false).await.unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(s.status().signed_in);
    }
    let e = Error::RateLimited {
        service: engage::error::Service::RingCx,
        retry_after: Duration::from_secs(7),
    };
    assert!(e.to_string().contains("7 seconds"));
}

#[tokio::test]
async fn oversized_auth_answers_are_cut_off() {
    let fake = start(Config::default()).await;
    fake.fault(Fault::new(
        "/restapi/oauth/token",
        FaultKind::Huge { bytes: 3_000_000 },
    ));
    let e = rc(&fake, None).refresh(&secret("x")).await.unwrap_err();
    assert_eq!(e.code(), "too_large");
}

#[tokio::test]
async fn unreachable_servers_are_named() {
    let port = free_port();
    let hosts = Hosts::parse(
        &format!("http://127.0.0.1:{port}"),
        &format!("http://127.0.0.1:{port}"),
    )
    .unwrap();
    let client = RcClient::new(Http::new(), hosts, app(None)).unwrap();
    let e = client.refresh(&secret("tok")).await.unwrap_err();
    assert_eq!(e.code(), "network");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
}

#[tokio::test]
async fn a_certificate_this_computer_does_not_trust_is_named() {
    // The fake over HTTPS with a CA made here, which no system trusts.
    let ca = fake_ringcx::TestCa::new().unwrap();
    let fake = FakeServer::start_tls(Config::default(), &ca).await.unwrap();
    let hosts = Hosts::parse(&fake.rc_url(), &fake.ringcx_url()).unwrap();
    let client = RcClient::new(Http::new(), hosts, app(None)).unwrap();
    let e = client.refresh(&secret("tok")).await.unwrap_err();
    assert_eq!(e.code(), "network");
    let text = e.to_string();
    assert!(text.contains("certificate is not trusted"), "{text}");
    assert!(text.contains(fake_ringcx::RC_HOST), "{text}");
    // The handshake failed, so nothing was sent.
    assert_eq!(fake.count("*", "/"), 0);
}

// ---- sign-out and leaks ----

#[tokio::test]
async fn sign_out_logs_out_revokes_and_forgets() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    s.sign_out().await;
    assert!(!s.status().signed_in);
    assert_eq!(fake.count("DELETE", "/api/auth/logout/"), 1);
    assert_eq!(fake.count("POST", "/restapi/oauth/revoke"), 1);
    assert_eq!(
        s.user_table(true).await.unwrap_err().code(),
        "not_signed_in"
    );

    // Remote failures do not stop the local sign-out.
    let s = browser_session(&fake).await;
    fake.fault(Fault::new(
        "/api/auth/logout/",
        FaultKind::Status {
            status: 500,
            content_type: "text/plain".into(),
            body: "boom".into(),
        },
    ));
    fake.fault(Fault::new("/restapi/oauth/revoke", FaultKind::Reset));
    s.sign_out().await;
    assert!(!s.status().signed_in);
}

#[tokio::test]
async fn no_token_in_status_debug_or_errors() {
    let fake = start(Config {
        ringcx_access_ttl: Duration::from_secs(2),
        ..Config::default()
    })
    .await;
    let s = browser_session(&fake).await;
    s.renew().await.unwrap();
    let mut seen = vec![
        serde_json::to_string(&s.status()).unwrap(),
        format!("{:?}", s.status()),
        format!("{s:?}"),
        format!("{:?}", s.reveal_access_token().await.unwrap()),
    ];
    let tokens = browser_tokens(&fake, None).await.unwrap();
    seen.push(format!("{tokens:?}"));
    fake.revoke_all();
    let e = s.renew().await.unwrap_err();
    seen.push(e.to_string());
    seen.push(format!("{e:?}"));
    s.sign_out().await;
    let issued = fake.issued_tokens();
    assert!(issued.len() >= 6, "the fake issued codes and tokens");
    for text in &seen {
        for token in &issued {
            assert!(!text.contains(token.as_str()), "a token leaked into {text}");
        }
    }
    // The one explicit reveal does give the token.
    let s = token_session(&fake).await;
    let t = s.reveal_access_token().await.unwrap();
    assert!(fake.issued_tokens().iter().any(|i| i == t.expose_secret()));
}

// ---- the vault: restore, sign-out, storage failures ----

mod vault {
    use super::*;
    use engage::session::VaultPersist;
    use engage::vault::Vault;

    fn mock_vault() -> Arc<Vault> {
        Arc::new(Vault::with_store(
            keyring_core::mock::Store::new().unwrap(),
            "test.engage",
        ))
    }

    /// A browser sign-in whose session is saved in `vault` as profile "p".
    async fn sign_in_saved(fake: &FakeServer, vault: &Arc<Vault>) -> Arc<Session> {
        persisted(fake, Arc::new(VaultPersist::new(vault.clone(), "p", None))).await
    }

    async fn persisted(
        fake: &FakeServer,
        persist: Arc<dyn engage::session::Persist>,
    ) -> Arc<Session> {
        let tokens = browser_tokens(fake, None).await.unwrap();
        Session::sign_in(
            &services(Arc::new(ExchangeLimiter::ringcx())),
            hosts(fake),
            app(None),
            Credential::Browser(tokens),
            persist,
        )
        .await
        .unwrap()
    }

    async fn restore(fake: &FakeServer, vault: &Arc<Vault>) -> Result<Arc<Session>, Error> {
        let saved =
            engage::session::Saved::from_secret(&vault.load("p")?.expect("a saved session"))?;
        Session::restore(
            &services(Arc::new(ExchangeLimiter::ringcx())),
            hosts(fake),
            app(None),
            saved,
            Arc::new(VaultPersist::new(vault.clone(), "p", None)),
        )
        .await
    }

    #[tokio::test]
    async fn a_restart_restores_by_renewal_not_by_browser() {
        let fake = start(Config::default()).await;
        let vault = mock_vault();
        let first = sign_in_saved(&fake, &vault).await;
        assert!(first.status().stored);
        drop(first);
        fake.clear_requests();

        let s = restore(&fake, &vault).await.unwrap();
        assert_eq!(agent_name(&s), "John Wang");
        assert_eq!(fake.count("GET", "/restapi/oauth/authorize"), 0);
        assert_eq!(fake.count("POST", "/api/auth/token/refresh"), 1);
        // The rotated refresh token was saved: a second restart works too.
        drop(s);
        let s = restore(&fake, &vault).await.unwrap();
        assert!(s.status().signed_in);

        s.sign_out().await;
        assert!(
            vault.load("p").unwrap().is_none(),
            "sign-out wipes the vault"
        );
    }

    #[tokio::test]
    async fn a_revoked_session_is_cleared_and_reported_on_restore() {
        let fake = start(Config::default()).await;
        let vault = mock_vault();
        sign_in_saved(&fake, &vault).await;
        fake.revoke_all();
        let e = restore(&fake, &vault).await.unwrap_err();
        assert_eq!(e.code(), "session_ended");
        assert!(vault.load("p").unwrap().is_none());
    }

    #[tokio::test]
    async fn an_offline_restore_keeps_the_saved_session() {
        let fake = start(Config::default()).await;
        let vault = mock_vault();
        sign_in_saved(&fake, &vault).await;
        fake.fault(Fault::new("/api/auth/token/refresh", FaultKind::Reset).with_times(1));
        assert_eq!(restore(&fake, &vault).await.unwrap_err().code(), "network");
        assert!(vault.load("p").unwrap().is_some());
        restore(&fake, &vault).await.unwrap();
    }

    struct Locked;
    impl engage::session::Persist for Locked {
        fn load(&self) -> Result<Option<engage::session::Saved>, Error> {
            Err(Error::KeychainLocked)
        }
        fn save(&self, _: &engage::session::Saved) -> Result<(), Error> {
            Err(Error::KeychainLocked)
        }
        fn lock(&self) -> Option<engage::lock::LockGuard> {
            None
        }
        fn clear(&self) -> Result<(), Error> {
            Ok(())
        }
        fn is_durable(&self) -> bool {
            true
        }
    }

    #[tokio::test]
    async fn a_locked_keychain_leaves_a_working_memory_session() {
        let fake = start(Config::default()).await;
        let s = persisted(&fake, Arc::new(Locked)).await;
        let status = s.status();
        assert!(status.signed_in && !status.stored);
        assert_eq!(status.storage_error.unwrap().code, "keychain_locked");
        s.renew().await.unwrap();
        s.call(
            "GET",
            &engage::ApiPath::parse("/voice/api/v1/admin/accounts").unwrap(),
            &[],
            None,
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_replaced_session_ends_remotely_but_keeps_the_new_saved_one() {
    use engage::session::VaultPersist;
    use engage::vault::Vault;
    let fake = start(Config::default()).await;
    let vault = Arc::new(Vault::with_store(
        keyring_core::mock::Store::new().unwrap(),
        "t",
    ));
    let persist = || Arc::new(VaultPersist::new(vault.clone(), "p", None));
    let old = Session::sign_in(
        &services(Arc::new(ExchangeLimiter::ringcx())),
        hosts(&fake),
        app(None),
        Credential::Token(secret(&fake.mint_rc_access_token())),
        persist(),
    )
    .await
    .unwrap();
    let new = Session::sign_in(
        &services(Arc::new(ExchangeLimiter::ringcx())),
        hosts(&fake),
        app(None),
        Credential::Token(secret(&fake.mint_rc_access_token())),
        persist(),
    )
    .await
    .unwrap();
    old.replaced().await;
    assert_eq!(fake.count("DELETE", "/api/auth/logout/"), 1);
    assert!(
        vault.load("p").unwrap().is_some(),
        "the new session's secrets were wiped"
    );
    assert!(new.status().signed_in);
}

#[tokio::test]
async fn a_document_too_big_for_a_view_is_refused_but_the_user_table_loads() {
    // 40k users are about 20 MB: over what the core parses into a document
    // for a caller, under what the user table reads.
    let fake = start(Config {
        users: 40_000,
        ..Config::default()
    })
    .await;
    let s = token_session(&fake).await;
    let path = engage::ApiPath::parse("/voice/api/v1/admin/users").unwrap();
    let e = s.call("GET", &path, &[], None).await.unwrap_err();
    assert_eq!(e.code(), "too_large", "{e}");
    let table = s.user_table(false).await.unwrap();
    assert!(table.len() >= 40_000, "{}", table.len());
}

// ---- renewal under faults ----

fn accounts() -> engage::ApiPath {
    engage::ApiPath::parse("/voice/api/v1/admin/accounts").unwrap()
}

/// RingCentral token requests whose `grant_type` contains `grant`.
fn grants(fake: &FakeServer, grant: &str) -> usize {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == "/restapi/oauth/token")
        .filter(|r| {
            r.form
                .iter()
                .any(|(k, v)| k == "grant_type" && v.contains(grant))
        })
        .count()
}

fn status_fault(path: &str, status: u16, body: &str) -> Fault {
    Fault::new(
        path,
        FaultKind::Status {
            status,
            content_type: "application/json".into(),
            body: body.into(),
        },
    )
}

#[tokio::test]
async fn callers_that_waited_on_a_failed_renewal_share_its_result() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.expire_ringcx_access_tokens();
    fake.fault(Fault::new("/api/auth/token/refresh", FaultKind::Hang).with_times(1000));
    fake.clear_requests();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.call("GET", &accounts(), &[], None).await })
        })
        .collect();
    // Every call is under way and the one renewal is in flight: then the
    // network "goes down" under it.
    fake.wait_for("GET", "/voice/api/v1/admin/accounts", 100)
        .await;
    fake.wait_for("POST", "/api/auth/token/refresh", 1).await;
    fake.release_hung();
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.unwrap().unwrap_err().code(), "network");
    }
    assert_eq!(
        fake.count("POST", "/api/auth/token/refresh"),
        1,
        "the failed renewal was not run again for each waiting call"
    );
    assert!(s.status().signed_in, "a network failure keeps the session");
    // The next call, made after the failure, tries again.
    fake.clear_faults();
    s.call("GET", &accounts(), &[], None).await.unwrap();
}

#[tokio::test]
async fn a_token_request_that_never_answers_gives_up_within_its_timeout() {
    let fake = start(Config::default()).await;
    let services = Services {
        http: Http::new().with_auth_timeout(Duration::from_millis(500)),
        limiter: Arc::new(ExchangeLimiter::ringcx()),
    };
    let s = Session::sign_in(
        &services,
        hosts(&fake),
        app(None),
        Credential::Token(secret(&fake.mint_rc_access_token())),
        Arc::new(NoPersist),
    )
    .await
    .unwrap();
    // The server takes the refresh and never answers: the renewal ends at
    // the token timeout (not the 120 s of a request), keeping the session.
    fake.fault(Fault::new("/api/auth/token/refresh", FaultKind::Hang));
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "network");
    assert!(e.to_string().contains("timed out"), "{e}");
    assert!(s.status().signed_in);
    // An API call is not held by it either: the next renewal goes through.
    s.renew().await.unwrap();
    s.call("GET", &accounts(), &[], None).await.unwrap();
    fake.release_hung();
}

#[tokio::test]
async fn only_a_401_renews_and_only_idempotent_methods_are_sent_again() {
    let fake = start(Config::default()).await;
    let s = token_session(&fake).await;
    // A request-level "expired" is the request's problem, not the token's.
    fake.fault(status_fault(
        "/voice/api/v1/admin/accounts",
        400,
        r#"{"generalMessage":"Campaign expired"}"#,
    ));
    let e = s.call("GET", &accounts(), &[], None).await.unwrap_err();
    assert_eq!(e.code(), "rejected");
    assert!(e.to_string().contains("Campaign expired"), "{e}");
    assert_eq!(fake.count("POST", "/api/auth/token/refresh"), 0);

    // A POST refused with the expired token renews, but is not replayed.
    fake.expire_ringcx_access_tokens();
    let actions = "/voice/api/v1/admin/accounts/15300001/campaignLeads/actions";
    let e = s
        .call(
            "POST",
            &engage::ApiPath::parse(actions).unwrap(),
            &[],
            Some(&serde_json::json!({"x": 1})),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "renewed_not_resent");
    assert!(e.to_string().contains("Send it again"), "{e}");
    assert_eq!(fake.count("POST", actions), 1);
    assert_eq!(fake.count("POST", "/api/auth/token/refresh"), 1);

    // A GET is.
    fake.expire_ringcx_access_tokens();
    s.call("GET", &accounts(), &[], None).await.unwrap();
    assert_eq!(fake.count("POST", "/api/auth/token/refresh"), 2);
}

#[tokio::test]
async fn a_429_on_a_token_endpoint_pauses_that_endpoint() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    fake.fault(Fault::new(
        "/api/auth/token/refresh",
        FaultKind::RateLimited {
            retry_after: Some(42),
        },
    ));
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "rate_limited");
    assert!(s.status().signed_in);
    let e = s.renew().await.unwrap_err();
    assert_eq!(e.code(), "rate_limited", "{e}");
    assert_eq!(
        fake.count("POST", "/api/auth/token/refresh"),
        1,
        "nothing is sent to a paused endpoint"
    );
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 1);
}

#[tokio::test]
async fn a_429_from_ringcentral_during_renewal_pauses_ringcentral() {
    let fake = start(Config {
        rc_access_ttl: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let s = browser_session(&fake).await;
    // The RingCX refresh is refused, so the ladder needs a new RingCentral
    // token, and RingCentral says "not now".
    fake.fault(status_fault("/api/auth/token/refresh", 400, "{}").with_times(2));
    fake.fault(Fault::new(
        "/restapi/oauth/token",
        FaultKind::RateLimited {
            retry_after: Some(30),
        },
    ));
    assert_eq!(s.renew().await.unwrap_err().code(), "rate_limited");
    let before = fake.count("POST", "/restapi/oauth/token");
    assert_eq!(s.renew().await.unwrap_err().code(), "rate_limited");
    assert_eq!(fake.count("POST", "/restapi/oauth/token"), before);
    assert!(s.status().signed_in);
}

#[tokio::test]
async fn a_proxy_page_with_a_4xx_on_a_token_endpoint_is_a_definite_answer() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    // The refresh step ends; the ladder goes on to a new exchange.
    fake.fault(Fault::new(
        "/api/auth/token/refresh",
        FaultKind::Html { status: 403 },
    ));
    s.renew().await.unwrap();
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 2);
    // When every step gets one, the session ends with the reason instead of
    // retrying for ever.
    fake.fault(Fault::new(
        "/api/auth/token/refresh",
        FaultKind::Html { status: 401 },
    ));
    // (A refused exchange is tried once more with a new RingCentral token.)
    fake.fault(
        Fault::new(
            "/api/auth/login/rc/accesstoken",
            FaultKind::Html { status: 403 },
        )
        .with_times(2),
    );
    let e = s.renew().await.unwrap_err();
    assert!(!e.is_transient(), "{e:?}");
    let status = s.status();
    assert!(!status.signed_in);
    assert!(status.reason.is_some());
}

#[tokio::test]
async fn the_ringcentral_refresh_token_is_renewed_before_it_lapses() {
    // A week left: RingCX renewals leave RingCentral alone.
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    s.renew().await.unwrap();
    assert_eq!(grants(&fake, "refresh_token"), 0);

    // An hour left: the next RingCX renewal renews it too, and the session
    // goes on with the new pair.
    let fake = start(Config {
        rc_refresh_ttl: Duration::from_secs(3600),
        ..Config::default()
    })
    .await;
    let s = browser_session(&fake).await;
    s.renew().await.unwrap();
    assert_eq!(grants(&fake, "refresh_token"), 1);
    fake.fault(status_fault("/api/auth/token/refresh", 400, "{}"));
    s.renew().await.unwrap();
    s.call("GET", &accounts(), &[], None).await.unwrap();
}

#[tokio::test]
async fn a_rotation_whose_reply_is_lost_recovers_with_a_new_exchange() {
    let fake = start(Config::default()).await;
    let s = browser_session(&fake).await;
    // The server rotates the refresh token, and the reply never arrives.
    fake.fault(Fault::new("/api/auth/token/refresh", FaultKind::LoseReply));
    assert_eq!(s.renew().await.unwrap_err().code(), "network");
    assert!(
        s.status().signed_in,
        "a lost reply is no reason to sign out"
    );
    // The token this session holds is spent: the ladder exchanges again.
    s.renew().await.unwrap();
    let refreshes: Vec<u16> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/auth/token/refresh")
        .map(|r| r.status)
        .collect();
    assert_eq!(refreshes.len(), 2);
    assert_eq!(refreshes[0], 200, "the first one did rotate");
    assert_ne!(refreshes[1], 200, "the spent token was refused");
    assert_eq!(fake.count("POST", "/api/auth/login/rc/accesstoken"), 2);
    s.call("GET", &accounts(), &[], None).await.unwrap();
}

#[tokio::test]
async fn a_jwt_session_grants_again_when_renewal_needs_it() {
    let fake = start(Config {
        client_secret: Some("s3cret".into()),
        ..Config::default()
    })
    .await;
    let s = sign_in(
        &fake,
        Credential::Jwt(secret("fake-jwt-credential")),
        Some("s3cret"),
    )
    .await
    .unwrap();
    assert_eq!(grants(&fake, "jwt-bearer"), 1);
    // The RingCX refresh is refused and RingCentral's access token has been
    // revoked: the JWT is used again, not a browser.
    fake.fault(status_fault("/api/auth/token/refresh", 400, "{}"));
    fake.fault(status_fault(
        "/api/auth/login/rc/accesstoken",
        401,
        r#"{"generalMessage":"Invalid RingCentral access token"}"#,
    ));
    s.renew().await.unwrap();
    assert_eq!(grants(&fake, "jwt-bearer"), 2);
    assert!(s.status().signed_in);
}

#[tokio::test]
async fn opaque_tokens_renew_ahead_from_the_stated_lifetime() {
    // Tokens that are no JWT: the lifetime comes from the answer's
    // `expiresIn`, and renewal runs ahead of it all the same.
    let fake = start(Config {
        ringcx_access_ttl: Duration::from_secs(2),
        opaque_ringcx_tokens: true,
        ..Config::default()
    })
    .await;
    let s = browser_session(&fake).await;
    let status = s.status();
    let lifetime = status.ringcx_expires_at.unwrap() - status.ringcx_renews_at.unwrap();
    // Each time is truncated to whole milliseconds on its own: 1 ms either way.
    assert!(
        lifetime.abs_diff(500) <= 1,
        "renews a quarter of 2 s before the end, not {lifetime} ms"
    );
    let mut rx = s.subscribe();
    for _ in 0..2 {
        tokio::time::timeout(Duration::from_secs(20), rx.changed())
            .await
            .unwrap()
            .unwrap();
    }
    assert!(s.status().renewals >= 2);
    s.call("GET", &accounts(), &[], None).await.unwrap();
    // Renewed ahead: the server never had to refuse an expired token.
    assert!(
        fake.requests().iter().all(|r| r.status != 401),
        "an expired token was used"
    );
}
