//! The fake's bodies against the official OpenAPI schemas and the
//! documented example responses committed in `spec/`.
//!
//! Every property the fake emits must exist in the schema with a compatible
//! JSON type (null is accepted anywhere: the spec has no nullability and the
//! documented examples use null). Allowed, documented variance: `roles[]`
//! items may be `{roleType, description}` objects, and `creationDate` may be
//! a string, a number or an object. Every key of the example files must be
//! emitted by the fake, with the same JSON type.

use fake_ringcx::Config;
use serde_json::Value;

use crate::common::*;

const SPEC: &str = include_str!("../../spec/engage-voice_openapi3_all.json");
const EXCHANGE_EXAMPLE: &str = include_str!("../../spec/rc-auth-response.json");
const REFRESH_EXAMPLE: &str = include_str!("../../spec/rc-auth-refresh-response.json");
const GROUPS_EXAMPLE: &str = include_str!("../../spec/agent-groups-response.json");

struct Spec(Value);

impl Spec {
    fn load() -> Self {
        Spec(serde_json::from_str(SPEC).unwrap())
    }

    fn schema(&self, name: &str) -> &Value {
        let s = &self.0["components"]["schemas"][name];
        assert!(s.is_object(), "no schema {name}");
        s
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => self.schema(r.rsplit('/').next().unwrap()),
            None => schema,
        }
    }

    fn check(&self, v: &Value, schema: &Value, path: &str, problems: &mut Vec<String>) {
        if v.is_null() || allowed_variance(path, v) {
            return;
        }
        let schema = self.resolve(schema);
        let ty = schema["type"]
            .as_str()
            .unwrap_or(if schema.get("properties").is_some() {
                "object"
            } else {
                "any"
            });
        let ok = match ty {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => true,
        };
        if !ok {
            problems.push(format!("{path}: {v} is not {ty}"));
            return;
        }
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check(item, &schema["items"], &format!("{path}[{i}]"), problems);
                }
            }
            Value::Object(map) if schema.get("properties").is_some() => {
                for (k, item) in map {
                    let prop = &schema["properties"][k];
                    if prop.is_null() {
                        problems.push(format!("{path}.{k}: not in the schema"));
                    } else {
                        self.check(item, prop, &format!("{path}.{k}"), problems);
                    }
                }
            }
            _ => {}
        }
    }

    fn assert_fits(&self, v: &Value, schema: &str) {
        let mut problems = Vec::new();
        self.check(v, self.schema(schema), "$", &mut problems);
        assert!(problems.is_empty(), "{schema}:\n{}", problems.join("\n"));
    }
}

fn allowed_variance(path: &str, v: &Value) -> bool {
    if path.ends_with(".creationDate") {
        return v.is_string() || v.is_number() || v.is_object();
    }
    let last = path.rsplit('.').next().unwrap_or_default();
    if last.starts_with("roles[") {
        return v.as_object().is_some_and(|o| {
            o.keys().all(|k| k == "roleType" || k == "description") && o["roleType"].is_string()
        });
    }
    false
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `example` is in `actual`, with the same JSON type (null on
/// either side matches anything).
fn assert_covers(example: &Value, actual: &Value, path: &str) {
    match (example, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} is in the example but not emitted"));
                assert_covers(ev, av, &format!("{path}.{k}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let (Some(ev), Some(av)) = (e.first(), a.first()) {
                assert_covers(ev, av, &format!("{path}[0]"));
            }
        }
        (Value::Null, _) | (_, Value::Null) => {}
        (e, a) => assert_eq!(kind(e), kind(a), "{path}: example {e} vs fake {a}"),
    }
}

#[tokio::test]
async fn auth_bodies_fit_access_token_user_details_and_the_examples() {
    let spec = Spec::load();
    let fx = start(Config {
        agents: 3,
        ..Config::default()
    })
    .await;
    let exchanged = fx.ringcx_session().await;
    spec.assert_fits(&exchanged, "AccessTokenUserDetails");
    assert_covers(
        &serde_json::from_str(EXCHANGE_EXAMPLE).unwrap(),
        &exchanged,
        "$",
    );
    for agent in exchanged["agentDetails"].as_array().unwrap() {
        spec.assert_fits(agent, "AgentV2");
    }

    let refreshed = json(
        fx.http
            .post(fx.url("/api/auth/token/refresh"))
            .form(&[("refresh_token", exchanged["refreshToken"].as_str().unwrap())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    spec.assert_fits(&refreshed, "AccessTokenUserDetails");
    assert_covers(
        &serde_json::from_str(REFRESH_EXAMPLE).unwrap(),
        &refreshed,
        "$",
    );

    let reloaded = json(
        fx.get_bearer(
            "/api/auth/login",
            refreshed["accessToken"].as_str().unwrap(),
        )
        .await,
    )
    .await;
    spec.assert_fits(&reloaded, "AccessTokenUserDetails");
    assert_covers(
        &serde_json::from_str(EXCHANGE_EXAMPLE).unwrap(),
        &reloaded,
        "$",
    );
}

#[tokio::test]
async fn admin_bodies_fit_their_schemas() {
    let spec = Spec::load();
    let fx = start(Config {
        agents: 2,
        users: 120,
        non_ascii_names: true,
        ..Config::default()
    })
    .await;
    let s = fx.ringcx_session().await;
    let token = s["accessToken"].as_str().unwrap();
    for query in ["", "?flatten=true", "?activeOnly=true"] {
        let users = json(
            fx.get_bearer(&format!("/voice/api/v1/admin/users{query}"), token)
                .await,
        )
        .await;
        for u in users.as_array().unwrap() {
            spec.assert_fits(u, "User");
        }
    }
    let groups = json(
        fx.get_bearer("/voice/api/v1/admin/accounts/~/agentGroups", token)
            .await,
    )
    .await;
    for g in groups.as_array().unwrap() {
        spec.assert_fits(g, "AgentGroup");
    }
    assert_covers(&serde_json::from_str(GROUPS_EXAMPLE).unwrap(), &groups, "$");
    let example: Value = serde_json::from_str(GROUPS_EXAMPLE).unwrap();
    assert_eq!(
        groups[0], example[0],
        "the first group is the documented one"
    );
    let with_permissions = json(
        fx.get_bearer(
            "/voice/api/v1/admin/accounts/~/agentGroups?includePermissions=true",
            token,
        )
        .await,
    )
    .await;
    spec.assert_fits(&with_permissions[0], "AgentGroup");

    let accounts = json(fx.get_bearer("/voice/api/v1/admin/accounts", token).await).await;
    for a in accounts.as_array().unwrap() {
        spec.assert_fits(a, "Account");
    }
}

#[tokio::test]
async fn error_bodies_fit_the_error_schema() {
    let spec = Spec::load();
    let fx = start(Config::default()).await;
    let e = json(fx.exchange("bad").await).await;
    spec.assert_fits(&e, "Error");
    let e = json(fx.get_bearer("/voice/api/v1/nothing", "bad").await).await;
    spec.assert_fits(&e, "Error");
}

#[test]
fn the_checker_catches_wrong_types_and_unknown_keys() {
    let spec = Spec::load();
    let mut problems = Vec::new();
    let bad =
        serde_json::json!({ "accessToken": 5, "agentDetails": [{ "agentId": "x", "nope": 1 }] });
    spec.check(
        &bad,
        spec.schema("AccessTokenUserDetails"),
        "$",
        &mut problems,
    );
    assert_eq!(problems.len(), 3, "{problems:?}");
}
