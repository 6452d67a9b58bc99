//! Every RingCX operation the console and the command line can call: the
//! 331 of the official spec and the 28 only its docs name, turned into a
//! compact form at build time (see `build.rs`) and embedded.

mod limits;
mod search;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use limits::{parse as parse_limits, Limit};

/// Where an operation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The official OpenAPI spec.
    Spec,
    /// Named in the RingCX docs, in no spec: nothing is known of its body.
    Docs,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: String,
    /// The schema type, with its format after a colon (`integer:int32`);
    /// `file` for binary parts.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "enum")]
    pub choices: Vec<Value>,
    pub default: Value,
    pub required: bool,
    pub description: String,
}

/// A top-level field of a request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    pub description: String,
}

/// What an operation takes as its body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    pub content_type: String,
    pub required: bool,
    /// Made from the schema's examples, defaults and types.
    pub example: Value,
    pub fields: Vec<Field>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    pub method: String,
    /// As served on the RingCX host, placeholders in braces.
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The content types of its success answers.
    pub answers: Vec<String>,
    /// The limits its description states; none means the default.
    pub limits: Vec<Limit>,
    pub deprecated: bool,
    pub source: Source,
}

impl Operation {
    /// The names in the path's braces, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
    }

    /// Whether the answer is itself a credential: `/admin/token` creates
    /// and lists permanent API tokens (the spec files it under "Legacy
    /// Auth"), so its answer must never reach the window.
    pub fn answers_a_credential(&self) -> bool {
        self.tag.eq_ignore_ascii_case("token") || self.path.ends_with("/admin/token")
    }

    /// Sign-in, exchange and refresh (`/api/auth/...`): the session does
    /// these itself; the console lists them but never sends them.
    pub fn is_reserved(&self) -> bool {
        self.path.starts_with("/api/auth/")
    }

    /// Whether the body is sent as `multipart/form-data` (an upload).
    pub fn is_upload(&self) -> bool {
        self.body
            .as_ref()
            .is_some_and(|b| b.content_type.starts_with("multipart/"))
    }
}

/// The whole catalogue.
#[derive(Debug)]
pub struct Catalogue {
    operations: Vec<Operation>,
}

impl Catalogue {
    /// The embedded catalogue, parsed on first use.
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| Catalogue {
            // Made by build.rs from the vendored spec: a bad file fails the build.
            operations: serde_json::from_str(include_str!(concat!(
                env!("OUT_DIR"),
                "/catalogue.json"
            )))
            .expect("the embedded catalogue is the build script's own JSON"),
        })
    }

    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this method and path (placeholders as written).
    pub fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|o| o.method.eq_ignore_ascii_case(method) && o.path == path)
    }

    /// The operation a concrete path calls: each placeholder matches one
    /// segment. The most literal match wins.
    pub fn matching(&self, method: &str, path: &str) -> Option<&Operation> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|o| o.method.eq_ignore_ascii_case(method))
            .filter_map(|o| {
                let pattern: Vec<&str> = o.path.split('/').collect();
                if pattern.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (p, s) in pattern.iter().zip(&segments) {
                    if p.starts_with('{') && p.ends_with('}') {
                        continue;
                    }
                    if p != s {
                        return None;
                    }
                    literal += 1;
                }
                Some((literal, o))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, o)| o)
    }

    /// Operations whose method, path, summary or tag hold every word of
    /// `query` (case and camelCase blind), best first. An empty query
    /// lists everything, grouped by tag.
    pub fn search(&self, query: &str) -> Vec<&Operation> {
        search::search(&self.operations, query)
    }
}

#[cfg(test)]
mod tests;
