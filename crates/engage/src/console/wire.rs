//! What the console's window and command line send and receive.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Operation, Source};

use super::SessionIds;

/// One line of the operation list.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct OpSummary {
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    /// Only in the docs: nothing is known of its parameters or body.
    pub docs_only: bool,
}

impl From<&Operation> for OpSummary {
    fn from(op: &Operation) -> Self {
        OpSummary {
            method: op.method.clone(),
            path: op.path.clone(),
            tag: op.tag.clone(),
            summary: op.summary.clone(),
            docs_only: op.source == Source::Docs,
        }
    }
}

/// One field of the request form.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FormParam {
    pub name: String,
    /// `path` or `query` (header parameters are the session's business).
    pub location: String,
    pub kind: String,
    pub required: bool,
    pub choices: Vec<String>,
    pub description: String,
    /// What the field starts with: the session's id, else the default.
    pub value: String,
    /// The value came from the signed-in session.
    pub from_session: bool,
    /// A list call can offer the choices.
    pub picker: bool,
}

/// An operation as the request form shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Form {
    pub op: OpSummary,
    pub description: String,
    pub params: Vec<FormParam>,
    /// The body to start from (pretty JSON), when the operation takes one.
    pub body: Option<String>,
    pub body_required: bool,
    /// Multipart uploads are not sent from the console yet.
    pub upload: bool,
    /// The answer is a credential: it is never shown.
    pub credential: bool,
    /// The stated limits, e.g. "12 in 30 s, 18 in 60 s"; empty for the default.
    pub limits: String,
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Form {
    pub fn new(op: &Operation, ids: &SessionIds) -> Form {
        let params = op
            .params
            .iter()
            .filter(|p| p.location == "path" || p.location == "query")
            .map(|p| {
                let session = (p.location == "path").then(|| ids.value(&p.name)).flatten();
                FormParam {
                    name: p.name.clone(),
                    location: p.location.clone(),
                    kind: p.kind.clone(),
                    required: p.required,
                    choices: p.choices.iter().map(text).collect(),
                    description: p.description.clone(),
                    value: session.map_or_else(|| text(&p.default), str::to_string),
                    from_session: session.is_some(),
                    picker: p.location == "path" && super::pickers::picker(&p.name).is_some(),
                }
            })
            .collect();
        let body = op
            .body
            .as_ref()
            .filter(|b| !b.content_type.starts_with("multipart/"));
        Form {
            op: op.into(),
            description: op.description.clone(),
            params,
            body: body.map(|b| serde_json::to_string_pretty(&b.example).unwrap_or_default()),
            body_required: op.body.as_ref().is_some_and(|b| b.required),
            upload: op.is_upload(),
            credential: op.answers_a_credential(),
            limits: op
                .limits
                .iter()
                .map(|l| format!("{} in {} s", l.requests, l.per_secs))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A request from the form.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub method: String,
    /// The operation's path template, or a raw path.
    pub path: String,
    /// Path parameters by name; empty ones fall back to the session's ids.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Query parameters; empty values are left out.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// JSON text; empty for none.
    #[serde(default)]
    pub body: String,
    /// The user confirmed a method other than GET.
    #[serde(default)]
    pub confirmed: bool,
    /// For an upload: the local file's path (Rust reads it).
    #[serde(default)]
    pub file: String,
}

impl Request {
    /// The query parameters worth sending: named, with a value.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .iter()
            .filter(|(k, v)| !k.trim().is_empty() && !v.is_empty())
            .cloned()
            .collect()
    }
}

/// What kind of answer came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    Json,
    Text,
    Binary,
    /// A credential: held back, never shown.
    Withheld,
    Empty,
}

/// An answer as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub status: u16,
    /// From sending to the last byte, in milliseconds.
    pub millis: u64,
    pub size: usize,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub kind: AnswerKind,
    /// Text as sent, at most 1 MB of it; empty for JSON, which the window
    /// pages through (`lines` of it).
    pub text: String,
    /// Lines of a JSON answer; 0 for any other.
    pub lines: u32,
    pub truncated: bool,
    /// The path as sent.
    pub path: String,
    /// Seconds the call waited for the rate limits before it went out.
    pub waited_secs: u64,
}

/// A call held back by a rate limit, for the window's countdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Wait {
    /// When it may go, in milliseconds since 1970.
    #[ts(type = "number")]
    pub until: u64,
    /// The operation, e.g. `POST /voice/api/v1/admin/accounts/{accountId}/campaignLeads/leadSearch`.
    pub operation: String,
    /// Why: the stated limit, or the server's 429.
    pub reason: String,
}

/// Whether a line opens a container, and whether it is folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Fold {
    None,
    Open,
    Folded,
}

/// One line of a JSON answer as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct JsonRow {
    /// The line's number in the whole document, from 0.
    pub line: u32,
    pub depth: u16,
    /// The line as pretty JSON lays it out, without its indent.
    pub text: String,
    pub fold: Fold,
    /// For a line opening a container: how many members it holds.
    pub items: u32,
    /// Where the line sits (as `$.a[3].b`), given only while filtering.
    pub path: String,
}

/// Some rows of a JSON answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct JsonPage {
    pub start: u32,
    /// Rows in the view: the lines under the folds, or the lines matched.
    pub total: u32,
    /// Lines of the whole document.
    pub lines: u32,
    pub rows: Vec<JsonRow>,
}

/// The window asking for rows of the JSON answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LinesAsk {
    /// Text the lines must hold; empty for all.
    #[serde(default)]
    pub filter: String,
    pub start: u32,
    pub count: u32,
}

/// The window folding or opening a container of the JSON answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FoldAsk {
    /// The line opening it.
    pub line: u32,
    pub folded: bool,
}
