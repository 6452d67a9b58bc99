//! The admin lists the console's id pickers read: gate groups with their
//! gates (the spec lists them only `withChildren`), a group's gates, dial groups and their campaigns, an agent group's agents. Small,
//! fixed sets in the spec's shapes (only the fields the pickers and a
//! reader need); ids are stable so tests can name them.

// A handler's early answer is a whole response; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::ringcx_auth::authenticate;
use crate::state::AppState;
use crate::{data, errors};

const GATE_GROUPS: [&str; 3] = ["Support Queues", "Sales Queues", "After Hours"];
const DIAL_GROUPS: [&str; 2] = ["Outbound Sales", "Renewals"];

/// Authenticates and finds the account, or the answer to send instead.
fn account(st: &AppState, headers: &HeaderMap, uri: &Uri, id: &str) -> Result<usize, Response> {
    authenticate(st, headers, uri)?;
    data::account_index(&st.config(), id).ok_or_else(errors::access_denied)
}

fn base(account: usize) -> u64 {
    (account as u64 + 1) * 100_000
}

pub(crate) async fn gate_groups(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(account_id): Path<String>,
) -> Response {
    let k = match account(&st, &headers, &uri, &account_id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let groups: Vec<Value> = GATE_GROUPS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = base(k) + 100 + i as u64;
            json!({"gateGroupId": id, "groupName": name, "billingKey": null, "gates": gate_list(k, i as u64, id)})
        })
        .collect();
    Json(groups).into_response()
}

fn gate_list(k: usize, i: u64, group: u64) -> Vec<Value> {
    (0..4u64)
        .map(|j| {
            json!({
                "gateId": base(k) + 1000 + i * 10 + j,
                "gateName": format!("{} {}", GATE_GROUPS[i as usize], j + 1),
                "gateGroupId": group,
                "isActive": true,
            })
        })
        .collect()
}

pub(crate) async fn gates(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((account_id, group)): Path<(String, u64)>,
) -> Response {
    let k = match account(&st, &headers, &uri, &account_id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some(i) = (0..GATE_GROUPS.len() as u64).find(|i| base(k) + 100 + i == group) else {
        return errors::access_denied();
    };
    Json(gate_list(k, i, group)).into_response()
}

pub(crate) async fn dial_groups(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(account_id): Path<String>,
) -> Response {
    let k = match account(&st, &headers, &uri, &account_id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let groups: Vec<Value> = DIAL_GROUPS
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"dialGroupId": base(k) + 200 + i as u64, "dialGroupName": name, "dialMode": "PREDICTIVE"}))
        .collect();
    Json(groups).into_response()
}

pub(crate) async fn campaigns(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((account_id, group)): Path<(String, u64)>,
) -> Response {
    let k = match account(&st, &headers, &uri, &account_id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some(i) = (0..DIAL_GROUPS.len() as u64).find(|i| base(k) + 200 + i == group) else {
        return errors::access_denied();
    };
    let campaigns: Vec<Value> = (0..3u64)
        .map(|j| {
            json!({
                "campaignId": base(k) + 2000 + i * 10 + j,
                "campaignName": format!("{} {}", DIAL_GROUPS[i as usize], ["Q1", "Q2", "Q3"][j as usize]),
                "dialGroupId": group,
                "isActive": true,
            })
        })
        .collect();
    Json(campaigns).into_response()
}

pub(crate) async fn group_agents(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((account_id, group)): Path<(String, u64)>,
) -> Response {
    if let Err(r) = account(&st, &headers, &uri, &account_id) {
        return r;
    }
    let agents: Vec<Value> = ["Ada", "Grace", "Linus"]
        .iter()
        .enumerate()
        .map(|(j, first)| {
            json!({
                "agentId": group * 10 + j as u64,
                "firstName": first,
                "lastName": "Example",
                "agentGroupId": group,
            })
        })
        .collect();
    Json(agents).into_response()
}

/// `POST /voice/api/v1/admin/token`: a new permanent API token, as plain
/// text (each call makes another, as the real one does).
pub(crate) async fn create_api_token(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(r) = authenticate(&st, &headers, &uri) {
        return r;
    }
    let token = st.vault().issue_api_token();
    ([(axum::http::header::CONTENT_TYPE, "text/plain")], token).into_response()
}

/// `GET /voice/api/v1/admin/token`: every API token of the user.
pub(crate) async fn api_tokens(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(r) = authenticate(&st, &headers, &uri) {
        return r;
    }
    Json(st.vault().api_tokens()).into_response()
}

/// `POST .../campaignLeads/leadSearch`: a few leads, under the operation's
/// own stated limit (15 in 10 s, 60 in 30 s per sub-account), past which it
/// answers 429 with `Retry-After`.
pub(crate) async fn lead_search(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(account_id): Path<String>,
) -> Response {
    let k = match account(&st, &headers, &uri, &account_id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if let Err(wait) = st.take_lead_search(&account_id) {
        return (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, wait.to_string())],
            Json(json!({"generalMessage": "Too Many Requests", "details": "Lead search rate limit exceeded"})),
        )
            .into_response();
    }
    let leads: Vec<Value> = (0..3u64)
        .map(|j| {
            let first = ["Ana", "Bo", "Cy"][j as usize];
            json!({
                "leadId": base(k) + 5000 + j,
                "firstName": first,
                "lastName": "Lead",
                "leadPhone": format!("+1650555{:04}", 100 + j),
                "leadState": "READY",
            })
        })
        .collect();
    Json(leads).into_response()
}

/// `POST .../campaigns/{campaignId}/leadLoader/preview`: a multipart upload
/// of a lead file. Answers what it received (name, size, SHA-256), so a
/// test can tell the bytes arrived whole, and a `transactionId` for the
/// process step.
pub(crate) async fn lead_loader_preview(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((account_id, _campaign)): Path<(String, u64)>,
    mut form: axum::extract::Multipart,
) -> Response {
    if let Err(r) = account(&st, &headers, &uri, &account_id) {
        return r;
    }
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_string();
        let Ok(bytes) = field.bytes().await else {
            break;
        };
        return Json(json!({
            "transactionId": format!("tx-{}", crate::sha256_hex(&bytes).get(..12).unwrap_or("0")),
            "fileName": name,
            "size": bytes.len(),
            "sha256": crate::sha256_hex(&bytes),
            "leadsAccepted": bytes.iter().filter(|b| **b == b'\n').count().saturating_sub(1),
        }))
        .into_response();
    }
    errors::ringcx(
        axum::http::StatusCode::BAD_REQUEST,
        "Required request part 'file' is not present",
        None,
        uri.path(),
    )
}

/// `GET .../recordings/dialogs/{dialogId}/segments/{segmentId}`: the
/// segment as `audio/wav` bytes with a `Content-Disposition` file name.
pub(crate) async fn recording(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((_rc, _sub, dialog, segment)): Path<(String, String, String, String)>,
) -> Response {
    if let Err(r) = authenticate(&st, &headers, &uri) {
        return r;
    }
    (
        [
            (axum::http::header::CONTENT_TYPE, "audio/wav".to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dialog-{dialog}-segment-{segment}.wav\""),
            ),
        ],
        crate::recording_wav(&dialog, &segment),
    )
        .into_response()
}

/// `GET .../activeCalls/list`: the calls under way on the account, in the
/// spec's `ActiveCallListResponse` shape.
pub(crate) async fn active_calls(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(account_id): Path<String>,
) -> Response {
    if let Err(r) = account(&st, &headers, &uri, &account_id) {
        return r;
    }
    let calls: Vec<Value> = [
        ("Ana", "Lopez", "6505550100", "INBOUND_QUEUED", "Support"),
        ("Bo", "Chen", "6505550101", "ACTIVE", "Sales"),
        ("Cy", "Okafor", "6505550102", "ACTIVE", "Renewals"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (first, last, ani, state, dest))| {
        json!({
            "accountId": account_id,
            "agentFirstName": first,
            "agentLastName": last,
            "ani": ani,
            "archive": false,
            "callState": state,
            "cnam": format!("{first} {last}").to_uppercase(),
            "destinationName": dest,
            "dnis": "8005550199",
            "dnisE164": "+18005550199",
            "enqueueTime": format!("2026-12-03T09:1{i}:00.000+0000"),
            "dequeueTime": null,
            "externalId": format!("ext-{i}"),
            "uii": active_call_uii(i),
        })
    })
    .collect();
    Json(calls).into_response()
}

/// The fake's active call ids.
pub fn active_call_uii(i: usize) -> String {
    format!("20261203091{i}00000000000{i}")
}

/// `POST .../activeCalls/{uii}/hangupCall`: `true` as `text/plain`, as the
/// spec says, for a call under way; a RingCX error for any other.
pub(crate) async fn hangup_call(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((account_id, uii)): Path<(String, String)>,
) -> Response {
    if let Err(r) = account(&st, &headers, &uri, &account_id) {
        return r;
    }
    if !(0..3).any(|i| active_call_uii(i) == uii) {
        return errors::ringcx(
            axum::http::StatusCode::NOT_FOUND,
            &format!("No active call with uii {uii}"),
            None,
            uri.path(),
        );
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain")], "true").into_response()
}

/// `POST .../campaigns/{campaignId}/leadLoader/process`: starts loading a
/// previewed file; 202 with no body, as the spec says. The `transactionId`
/// must be one the preview step gave.
pub(crate) async fn lead_loader_process(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((account_id, _campaign)): Path<(String, u64)>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = account(&st, &headers, &uri, &account_id) {
        return r;
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match request.get("transactionId").and_then(Value::as_str) {
        Some(tx) if tx.starts_with("tx-") => axum::http::StatusCode::ACCEPTED.into_response(),
        _ => errors::ringcx(
            axum::http::StatusCode::BAD_REQUEST,
            "transactionId is missing or unknown: upload the file to leadLoader/preview first",
            None,
            uri.path(),
        ),
    }
}
