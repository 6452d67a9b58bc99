//! The users view's commands. The list lives here, in Rust: the window asks
//! for one page of the searched and sorted list at a time.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use engage::users::{Page, Query, UserTable};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::CommandError;
use crate::state::AppState;

/// What a load tells the window: how many users, and when.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersLoaded {
    pub total: usize,
    /// When the users response arrived, in ms since 1970; the window shows
    /// it as the time of the last load and the paint benchmark starts there.
    pub received_at_ms: f64,
}

fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Loads the account's users (flattened) and keeps them for paging.
#[tauri::command]
pub async fn users_load(
    state: State<'_, AppState>,
    active_only: bool,
) -> Result<UsersLoaded, CommandError> {
    let session = state.current().await?;
    let (table, received) = session.user_table(active_only).await?;
    let total = table.len();
    // Kept only if the session that fetched it is still the current one: a
    // sign-out or a new sign-in during the fetch must not revive the list.
    let current = state.session.read().await;
    match current.as_ref() {
        Some(now) if Arc::ptr_eq(now, &session) => {
            *state.users.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((Arc::downgrade(&session), Arc::new(table)));
        }
        _ => return Err(engage::Error::NotSignedIn.into()),
    }
    Ok(UsersLoaded {
        total,
        received_at_ms: epoch_ms(received),
    })
}

fn not_loaded() -> CommandError {
    CommandError {
        code: "users_not_loaded",
        message: "The user list is not loaded yet. Press Refresh.".into(),
    }
}

/// The loaded list, if the session that loaded it is current and signed in.
async fn table(state: &AppState) -> Result<Arc<UserTable>, CommandError> {
    let current = state.current().await?;
    if !current.status().signed_in {
        return Err(engage::Error::NotSignedIn.into());
    }
    let users = state.users.lock().unwrap_or_else(|p| p.into_inner());
    match users.as_ref() {
        Some((owner, table)) if owner.upgrade().is_some_and(|o| Arc::ptr_eq(&o, &current)) => {
            Ok(table.clone())
        }
        _ => Err(not_loaded()),
    }
}

/// One window of the loaded list, searched and sorted. A new search or
/// order over 100k users takes a few ms, so it runs off the async workers.
#[tauri::command]
pub async fn users_page(state: State<'_, AppState>, query: Query) -> Result<Page, CommandError> {
    let table = table(&state).await?;
    tauri::async_runtime::spawn_blocking(move || table.page(&query))
        .await
        .map_err(|_| CommandError {
            code: "internal",
            message: "Engage Desk could not show the user list. Press Refresh.".into(),
        })
}

async fn user_json(state: &AppState, user_id: i64) -> Result<serde_json::Value, CommandError> {
    let table = table(state).await?;
    let user = table.user(user_id).ok_or(CommandError {
        code: "user_not_found",
        message: "That user is no longer in the list. Press Refresh.".into(),
    })?;
    serde_json::to_value(user).map_err(|_| CommandError {
        code: "internal",
        message: "Engage Desk could not show that user.".into(),
    })
}

/// Every field of one user, as RingCX sent it (ids, dates and roles in
/// one shape whatever the server's variant).
#[tauri::command]
pub async fn user_details(
    state: State<'_, AppState>,
    user_id: i64,
) -> Result<serde_json::Value, CommandError> {
    user_json(&state, user_id).await
}

/// Puts one user's JSON on the clipboard.
#[tauri::command]
pub async fn copy_user_json<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    user_id: i64,
) -> Result<(), CommandError> {
    let json = serde_json::to_string_pretty(&user_json(&state, user_id).await?).unwrap_or_default();
    crate::clipboard::write(&app, json)
}

/// Copies the redirect URI for a port, computed here, so the page cannot
/// put arbitrary text on the clipboard. (WebKitGTK's `navigator.clipboard`
/// is not reliable in an app webview.)
#[tauri::command]
pub fn copy_redirect_uri<R: Runtime>(app: AppHandle<R>, port: i64) -> Result<(), CommandError> {
    let port = engage::redirect::validate_port(port)?;
    crate::clipboard::write(&app, engage::redirect::redirect_uri(port))
}
