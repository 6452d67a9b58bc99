use std::collections::HashMap;

use fake_ringcx::{Config, FakeServer};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub const REDIRECT: &str = "http://127.0.0.1:53682/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub struct Fx {
    pub server: FakeServer,
    pub http: Client,
}

pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn start(config: Config) -> Fx {
    Fx {
        server: FakeServer::start_with(config, 0).await.unwrap(),
        http: client(),
    }
}

pub async fn json(r: Response) -> Value {
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The query of a redirect's Location header.
pub fn location_query(r: &Response) -> HashMap<String, String> {
    let loc = r.headers()["location"].to_str().unwrap();
    url::Url::parse(loc)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

impl Fx {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub async fn authorize(&self, params: &[(&str, &str)]) -> Response {
        self.http
            .get(self.url("/restapi/oauth/authorize"))
            .query(params)
            .send()
            .await
            .unwrap()
    }

    /// An authorization code for the RFC 7636 verifier.
    pub async fn code(&self) -> String {
        let r = self
            .authorize(&[
                ("response_type", "code"),
                ("client_id", "fake-client-id"),
                ("redirect_uri", REDIRECT),
                ("state", "s1"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ])
            .await;
        assert_eq!(r.status(), StatusCode::FOUND);
        location_query(&r)["code"].clone()
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url("/restapi/oauth/token"))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn redeem(&self, code: &str) -> Response {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", "fake-client-id"),
            ("code_verifier", VERIFIER),
        ])
        .await
    }

    /// A full RingCentral sign-in; returns the token response.
    pub async fn rc_sign_in(&self) -> Value {
        let code = self.code().await;
        let r = self.redeem(&code).await;
        assert_eq!(r.status(), 200);
        json(r).await
    }

    /// Exchange as the reference recommends: token in the form, includeRefresh in the query.
    pub async fn exchange(&self, rc_access: &str) -> Response {
        self.http
            .post(self.url("/api/auth/login/rc/accesstoken?includeRefresh=true"))
            .form(&[("rcAccessToken", rc_access), ("rcTokenType", "Bearer")])
            .send()
            .await
            .unwrap()
    }

    /// A RingCX session (AccessTokenUserDetails with a refresh token).
    pub async fn ringcx_session(&self) -> Value {
        let rc = self.server.mint_rc_access_token();
        let r = self.exchange(&rc).await;
        assert_eq!(r.status(), 200);
        json(r).await
    }

    pub async fn get_bearer(&self, path: &str, token: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

pub fn error_code(v: &Value) -> &str {
    v["errors"][0]["errorCode"].as_str().unwrap_or_default()
}
