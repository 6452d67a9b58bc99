//! Turns the official RingCX spec (and the operations only its docs name)
//! into the compact catalogue the API console and the command line embed:
//! per operation its method, path, tag, texts, parameters, a body example
//! made from the schema, the answer types and the stated rate limits.

use std::path::PathBuf;

use serde_json::{json, Map, Value};

#[path = "src/catalogue/limits.rs"]
#[allow(dead_code)]
mod limits;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let dir = root.join("catalogue");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/catalogue/limits.rs");
    println!("cargo:rerun-if-changed=catalogue");
    let spec: Value = read(&dir.join("engage-voice_openapi3.json"));
    let docs: Value = read(&dir.join("docs-only-operations.json"));
    let mut ops = Vec::new();
    let paths = spec["paths"].as_object().expect("spec paths");
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            // A prefix-less twin of a served path is the same operation.
            let served = served_path(path);
            if served != *path && paths.get(&served).is_some_and(|t| t.get(method).is_some()) {
                continue;
            }
            ops.push(operation(&spec, method, path, item, op));
        }
    }
    for op in docs["operations"].as_array().expect("docs operations") {
        ops.push(docs_only(op));
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("catalogue.json");
    std::fs::write(out, serde_json::to_string(&ops).expect("json")).expect("write catalogue");
}

fn read(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Four tnManager paths of the spec lack the `/voice/api` prefix their
/// twins have; they are served under it (and are kept once, as the twin).
fn served_path(path: &str) -> String {
    if path.starts_with("/v1/") {
        format!("/voice/api{path}")
    } else {
        path.to_string()
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").trim().to_string()
}

fn operation(spec: &Value, method: &str, path: &str, item: &Value, op: &Value) -> Value {
    let mut params: Vec<Value> = Vec::new();
    for p in item["parameters"]
        .as_array()
        .into_iter()
        .chain(op["parameters"].as_array())
        .flatten()
    {
        let p = resolve(spec, p);
        let schema = resolve(spec, &p["schema"]);
        params.push(json!({
            "name": text(&p["name"]),
            "in": text(&p["in"]),
            "type": type_of(&schema),
            "enum": schema.get("enum").cloned().unwrap_or(json!([])),
            "default": schema.get("default").cloned().unwrap_or(Value::Null),
            "required": p["required"].as_bool().unwrap_or(p["in"] == "path"),
            "description": text(&p["description"]),
        }));
    }
    let body = op.get("requestBody").map(|rb| {
        let rb = resolve(spec, rb);
        let content = rb["content"].as_object().cloned().unwrap_or_default();
        let (content_type, media) = content
            .iter()
            .next()
            .map(|(k, v)| (k.clone(), v.clone()))
            .unwrap_or(("application/json".into(), Value::Null));
        let schema = resolve(spec, &media["schema"]);
        json!({
            "contentType": content_type,
            "required": rb["required"].as_bool().unwrap_or(false),
            "example": media.get("example").cloned().unwrap_or_else(|| example(spec, &schema, 0)),
            "fields": fields(spec, &schema),
        })
    });
    let mut answers: Vec<String> = Vec::new();
    if let Some(responses) = op["responses"].as_object() {
        for (status, r) in responses {
            if status.starts_with('2') {
                for ct in resolve(spec, r)["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                {
                    if !answers.contains(ct.0) {
                        answers.push(ct.0.clone());
                    }
                }
            }
        }
    }
    let description = text(&op["description"]);
    json!({
        "id": text(&op["operationId"]),
        "method": method.to_uppercase(),
        "path": served_path(path),
        "tag": op["tags"][0].as_str().unwrap_or("Other"),
        "summary": text(&op["summary"]),
        "description": description,
        "params": params,
        "body": body,
        "answers": answers,
        "limits": limits::parse(&description),
        "deprecated": op["deprecated"].as_bool().unwrap_or(false),
        "source": "spec",
    })
}

fn docs_only(op: &Value) -> Value {
    let method = text(&op["method"]);
    let path = text(&op["path"]);
    let title = text(&op["docTitle"]);
    let params: Vec<Value> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            json!({"name": name, "in": "path", "type": "string", "enum": [], "default": null,
                   "required": true, "description": ""})
        })
        .collect();
    let upload = path.ends_with("/uploadDncFile");
    let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| {
        json!({
            "contentType": if upload { "multipart/form-data" } else { "application/json" },
            "required": true,
            "example": if upload { Value::Null } else { json!({}) },
            "fields": if upload {
                json!([{"name": "file", "type": "file", "required": true, "description": "The DNC file"}])
            } else {
                json!([])
            },
        })
    });
    let last = path.rsplit('/').find(|s| !s.starts_with('{')).unwrap_or("");
    json!({
        "id": format!("docs:{method} {path}"),
        "method": method,
        "path": path,
        "tag": title,
        "summary": format!("{title}: {method} {last}"),
        "description": format!(
            "Documented on the RingCX docs page {} but in no official spec: its parameters and body are not described.",
            text(&op["doc"])
        ),
        "params": params,
        "body": body,
        "answers": ["application/json"],
        "limits": [],
        "deprecated": false,
        "source": "docs",
    })
}

/// Follows a local `$ref` (several hops at most).
fn resolve(spec: &Value, v: &Value) -> Value {
    let mut v = v.clone();
    for _ in 0..8 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let mut target = spec;
        for part in r.trim_start_matches("#/").split('/') {
            target = &target[part];
        }
        v = target.clone();
    }
    v
}

fn type_of(schema: &Value) -> String {
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("string"), Some("binary")) => "file".into(),
        (Some(t), Some(f)) => format!("{t}:{f}"),
        (Some(t), None) => t.into(),
        (None, _) if schema.get("properties").is_some() => "object".into(),
        _ => "any".into(),
    }
}

/// The top-level fields of a body, for the form's required-field check.
fn fields(spec: &Value, schema: &Value) -> Value {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let props = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    Value::Array(
        props
            .iter()
            .map(|(name, p)| {
                let p = resolve(spec, p);
                json!({
                    "name": name,
                    "type": type_of(&p),
                    "required": required.contains(&name.as_str()),
                    "description": text(&p["description"]),
                })
            })
            .collect(),
    )
}

/// An example value for a schema: its own example, default or first enum
/// value, else a placeholder of its type; two levels deep (a form to start
/// from, not the whole schema).
fn example(spec: &Value, schema: &Value, depth: usize) -> Value {
    let s = resolve(spec, schema);
    for key in ["example", "default"] {
        if let Some(v) = s.get(key) {
            return v.clone();
        }
    }
    if let Some(first) = s["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(all) = s["allOf"].as_array() {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(m) = example(spec, part, depth) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    match type_of(&s).split(':').next().unwrap_or("") {
        "object" if depth < 2 => Value::Object(
            s["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), example(spec, v, depth + 1)))
                .collect(),
        ),
        "object" => json!({}),
        "array" if depth < 2 => json!([example(spec, &s["items"], depth + 1)]),
        "array" => json!([]),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        "string" => json!(""),
        _ => Value::Null,
    }
}
