//! The catalogue against the vendored spec it was built from.

use super::*;

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/catalogue/engage-voice_openapi3.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_operation_of_the_spec_and_the_docs_is_in_it() {
    let spec = spec();
    let c = Catalogue::get();
    let (mut n, mut twins) = (0, 0);
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            n += 1;
            let served = if path.starts_with("/v1/") {
                format!("/voice/api{path}")
            } else {
                path.clone()
            };
            let found = c
                .find(method, &served)
                .unwrap_or_else(|| panic!("{method} {served} missing"));
            assert_eq!(found.source, Source::Spec);
            if served == *path {
                assert_eq!(found.id, op["operationId"].as_str().unwrap());
            } else {
                // Kept once, as the twin the prefix-less path names.
                twins += 1;
            }
        }
    }
    assert_eq!(n, 331);
    let docs = c
        .operations()
        .iter()
        .filter(|o| o.source == Source::Docs)
        .count();
    assert_eq!(docs, 28);
    assert_eq!(twins, 4);
    assert_eq!(c.operations().len(), 331 - twins + 28);
    // No two entries for one method and path.
    let mut seen = std::collections::HashSet::new();
    for o in c.operations() {
        assert!(
            seen.insert((o.method.clone(), o.path.clone())),
            "{} {} twice",
            o.method,
            o.path
        );
    }
}

#[test]
fn every_path_is_a_ringcx_api_path_or_reserved_for_the_session() {
    let mut reserved = 0;
    for o in Catalogue::get().operations() {
        if o.is_reserved() {
            reserved += 1;
            // The console's own check refuses these whatever the catalogue says.
            assert!(
                crate::api_path::ApiPath::parse(&o.path).is_err(),
                "{}",
                o.path
            );
            continue;
        }
        assert!(
            o.path.starts_with("/voice/api/") || o.path.starts_with("/platform/api/"),
            "{} {}",
            o.method,
            o.path
        );
    }
    assert!(reserved > 0);
}

#[test]
fn an_operation_keeps_its_parameters_types_and_defaults() {
    let c = Catalogue::get();
    let op = c
        .find(
            "GET",
            "/voice/api/v1/admin/accounts/{accountId}/agentGroups",
        )
        .unwrap();
    assert_eq!(op.tag, "Agent Groups");
    assert_eq!(op.path_params().collect::<Vec<_>>(), ["accountId"]);
    let account = op.params.iter().find(|p| p.name == "accountId").unwrap();
    assert!(account.required && account.location == "path");
    let perms = op
        .params
        .iter()
        .find(|p| p.name == "includePermissions")
        .unwrap();
    assert_eq!(
        (perms.kind.as_str(), &perms.default),
        ("boolean", &Value::Bool(false))
    );
    assert_eq!(
        op.params.iter().find(|p| p.name == "page").unwrap().kind,
        "integer:int32"
    );
    assert_eq!(op.answers, ["application/json"]);
    assert!(op.limits.is_empty() && op.body.is_none());
}

#[test]
fn stated_limits_uploads_credentials_and_binary_answers_are_marked() {
    let c = Catalogue::get();
    let with_limits = c
        .operations()
        .iter()
        .filter(|o| !o.limits.is_empty())
        .count();
    assert_eq!(with_limits, 11);
    let preview = c
        .find(
            "POST",
            "/voice/api/v1/admin/accounts/{accountId}/campaigns/{campaignId}/leadLoader/preview",
        )
        .unwrap();
    assert_eq!(
        preview.limits,
        [
            Limit {
                requests: 12,
                per_secs: 30
            },
            Limit {
                requests: 18,
                per_secs: 60
            }
        ]
    );
    assert!(preview.is_upload());
    // The spec's 8 multipart operations (uploadDnisPool twice, as its
    // prefix-less twin too) and the docs' DNC upload.
    let uploads: Vec<_> = c
        .operations()
        .iter()
        .filter(|o| o.is_upload())
        .map(|o| o.path.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(uploads.len(), 8, "{uploads:?}");
    assert!(c
        .operations()
        .iter()
        .any(|o| o.answers.iter().any(|a| a == "audio/wav")));
    let token = c.find("POST", "/voice/api/v1/admin/token").unwrap();
    assert!(token.answers_a_credential());
    assert!(!preview.answers_a_credential());
}

#[test]
fn a_body_example_is_made_from_the_schema() {
    let c = Catalogue::get();
    let with_bodies: Vec<&Operation> = c
        .operations()
        .iter()
        .filter(|o| {
            o.source == Source::Spec
                && o.body
                    .as_ref()
                    .is_some_and(|b| b.content_type == "application/json")
        })
        .collect();
    assert!(with_bodies.len() > 100);
    // Most JSON bodies are objects with fields to fill.
    let objects = with_bodies
        .iter()
        .filter(|o| o.body.as_ref().unwrap().example.is_object())
        .count();
    assert!(
        objects * 2 > with_bodies.len(),
        "{objects} of {}",
        with_bodies.len()
    );
}

#[test]
fn search_finds_by_words_in_any_case_and_ranks_lists_first() {
    let c = Catalogue::get();
    let hits = c.search("agent groups");
    assert_eq!(
        hits[0].path,
        "/voice/api/v1/admin/accounts/{accountId}/agentGroups"
    );
    assert_eq!(hits[0].method, "GET");
    assert!(hits.iter().all(|o| {
        let t = format!("{} {} {}", o.tag, o.summary, o.path).to_lowercase();
        t.contains("agent") && t.contains("group")
    }));
    assert_eq!(c.search("AGENTGROUPS")[0].path, hits[0].path);
    assert!(c.search("delete dnc").iter().all(|o| o.method == "DELETE"));
    assert!(!c.search("delete dnc").is_empty());
    assert!(c.search("no such operation anywhere").is_empty());
    assert_eq!(c.search("").len(), c.operations().len());
}

#[test]
fn a_concrete_path_finds_its_operation() {
    let c = Catalogue::get();
    let op = c
        .matching("get", "/voice/api/v1/admin/accounts/12345/agentGroups")
        .unwrap();
    assert_eq!(
        op.path,
        "/voice/api/v1/admin/accounts/{accountId}/agentGroups"
    );
    assert!(c.matching("GET", "/voice/api/v1/nothing/here").is_none());
}

#[test]
fn results_come_grouped_by_tag() {
    for query in ["put agent group", "agent", "delete", ""] {
        let hits = Catalogue::get().search(query);
        let mut closed: Vec<&str> = Vec::new();
        let mut current = "";
        for op in &hits {
            if op.tag != current {
                assert!(
                    !closed.contains(&op.tag.as_str()),
                    "{query:?}: {} twice",
                    op.tag
                );
                if !current.is_empty() {
                    closed.push(current);
                }
                current = &op.tag;
            }
        }
    }
}
