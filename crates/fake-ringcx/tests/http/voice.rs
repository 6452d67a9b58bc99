//! RingCX admin APIs under /voice/api/v1.

use std::time::{Duration, Instant};

use fake_ringcx::Config;
use serde_json::Value;

use crate::common::*;

fn count_tree(users: &[Value]) -> usize {
    users
        .iter()
        .map(|u| 1 + u["children"].as_array().map_or(0, |c| count_tree(c)))
        .sum()
}

async fn users(fx: &Fx, token: &str, query: &str) -> Vec<Value> {
    let r = fx
        .get_bearer(&format!("/voice/api/v1/admin/users{query}"), token)
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    json(r).await.as_array().unwrap().clone()
}

#[tokio::test]
async fn users_tree_flat_and_active_only() {
    let fx = start(Config {
        users: 50,
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();

    let flat = users(&fx, token, "?flatten=true").await;
    assert_eq!(flat.len(), 50);
    assert!(flat
        .iter()
        .all(|u| u["children"].as_array().unwrap().is_empty()));
    let disabled = flat.iter().filter(|u| u["enabled"] == false).count();
    assert!(disabled >= 2, "{disabled}");

    let tree = users(&fx, token, "").await;
    assert_eq!(tree.len(), 1, "one root");
    assert_eq!(tree[0]["rootUser"], true);
    assert_eq!(count_tree(&tree), 50);
    assert!(!tree[0]["children"].as_array().unwrap().is_empty());

    let active_flat = users(&fx, token, "?activeOnly=true&flatten=true").await;
    assert_eq!(active_flat.len(), 50 - disabled);
    assert!(active_flat.iter().all(|u| u["enabled"] == true));
    assert_eq!(
        count_tree(&users(&fx, token, "?activeOnly=true&flatten=false").await),
        50 - disabled
    );

    // Shape variance the client must parse leniently.
    assert!(flat.iter().any(|u| u["roles"][0].is_string()));
    assert!(flat.iter().any(|u| u["roles"][0].is_object()));
    assert!(flat.iter().any(|u| u["creationDate"].is_string()));
    assert!(flat.iter().any(|u| u["creationDate"].is_object()));
    assert!(flat[3]["parentPath"].as_str().unwrap().starts_with("/1/"));
    assert!(flat
        .iter()
        .all(|u| u["rcUserId"].as_u64().unwrap() > i32::MAX as u64));

    fx.server.set_config(|c| c.users = 7);
    assert_eq!(users(&fx, token, "?flatten=true").await.len(), 7);
    fx.server.set_config(|c| c.users = 0);
    assert!(users(&fx, token, "").await.is_empty());
}

#[tokio::test]
async fn non_ascii_names_come_through_intact() {
    let fx = start(Config {
        non_ascii_names: true,
        users: 40,
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    assert_eq!(s["agentDetails"][0]["firstName"], "Zoë");
    assert_eq!(s["rcUser"]["lastName"], "Łukasiewicz");
    let flat = users(&fx, s["accessToken"].as_str().unwrap(), "?flatten=true").await;
    let names: Vec<&str> = flat
        .iter()
        .map(|u| u["fullName"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Zoë Łukasiewicz"), "{names:?}");
    assert!(names.contains(&"美咲 渡辺"), "{names:?}");
}

#[tokio::test]
async fn hundred_thousand_users_are_fast() {
    let fx = start(Config {
        users: 100_000,
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    let t = Instant::now();
    let first = fx
        .get_bearer("/voice/api/v1/admin/users", token)
        .await
        .bytes()
        .await
        .unwrap();
    let cold = t.elapsed();
    let t = Instant::now();
    let second = fx
        .get_bearer("/voice/api/v1/admin/users", token)
        .await
        .bytes()
        .await
        .unwrap();
    let warm = t.elapsed();
    assert_eq!(first.len(), second.len());
    assert!(first.len() > 10_000_000);
    // Generous bounds: this runs unoptimised and in parallel with other tests.
    assert!(cold < Duration::from_secs(4), "cold {cold:?}");
    assert!(warm < Duration::from_secs(2), "warm {warm:?}");
}

#[tokio::test]
async fn users_need_manage_users() {
    let fx = start(Config {
        manage_users: false,
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    let r = fx.get_bearer("/voice/api/v1/admin/users", token).await;
    assert_eq!(r.status(), 403);
    let e = json(r).await;
    assert_eq!(e["errorCode"], "access.denied.exception");
    assert_eq!(
        e["generalMessage"],
        "You do not have permission to access this resource"
    );
    assert!(e["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    fx.server.set_config(|c| c.manage_users = true);
    assert_eq!(
        fx.get_bearer("/voice/api/v1/admin/users", token)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn accounts_and_agent_groups() {
    let fx = start(Config {
        agents: 2,
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    let accounts = json(fx.get_bearer("/voice/api/v1/admin/accounts", token).await).await;
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["accountId"], s["agentDetails"][0]["accountId"]);
    assert_eq!(accounts[1]["accountId"], s["agentDetails"][1]["accountId"]);

    let mine = json(
        fx.get_bearer("/voice/api/v1/admin/accounts/~/agentGroups", token)
            .await,
    )
    .await;
    let by_id = json(
        fx.get_bearer("/voice/api/v1/admin/accounts/333333/agentGroups", token)
            .await,
    )
    .await;
    assert_eq!(mine, by_id);
    assert_eq!(mine[0]["groupName"], "Platform Team");
    assert_eq!(mine.as_array().unwrap().len(), 5);

    let page = json(
        fx.get_bearer(
            "/voice/api/v1/admin/accounts/~/agentGroups?page=1&maxRows=2",
            token,
        )
        .await,
    )
    .await;
    assert_eq!(page.as_array().unwrap().len(), 2);
    assert_eq!(page[0], mine[2]);
    let second = json(
        fx.get_bearer("/voice/api/v1/admin/accounts/333334/agentGroups", token)
            .await,
    )
    .await;
    assert_eq!(
        second[0]["agentGroupId"],
        s["agentDetails"][1]["agentGroupId"]
    );

    let other = fx
        .get_bearer("/voice/api/v1/admin/accounts/999/agentGroups", token)
        .await;
    assert_eq!(other.status(), 403);
}

#[tokio::test]
async fn unknown_paths_get_spec_shaped_404s() {
    let fx = start(Config::default()).await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    let r = fx.get_bearer("/voice/api/v1/admin/nothing", token).await;
    assert_eq!(r.status(), 404);
    let e = json(r).await;
    assert_eq!(e["requestUri"], "/voice/api/v1/admin/nothing");
    assert!(e["generalMessage"].is_string() && e["timestamp"].is_u64());
    assert!(e.as_object().unwrap().contains_key("details"));
    // Without a token the security filter answers first.
    let r = fx
        .http
        .get(fx.url("/voice/api/v1/admin/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = fx
        .http
        .get(fx.url("/restapi/v1.0/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(json(r).await["errors"][0]["errorCode"].is_string());
}
