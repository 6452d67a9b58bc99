//! The users view: the list lives in the desk; the window asks for one
//! page of the searched and sorted list at a time.

use engage::desk::UsersLoaded;
use engage::users::{Page, Query};
use engage::Desk;
use tauri::{AppHandle, Runtime, State};

use crate::error::Result;

/// Loads the account's users (flattened) and keeps them for paging.
#[tauri::command]
pub async fn users_load(desk: State<'_, Desk>, active_only: bool) -> Result<UsersLoaded> {
    Ok(desk.load_users(active_only).await?)
}

/// One window of the loaded list, searched and sorted.
#[tauri::command]
pub async fn users_page(desk: State<'_, Desk>, query: Query) -> Result<Page> {
    Ok(desk.users_page(query).await?)
}

/// Answers when the whole of a long list is read (a load answers with its
/// first rows).
#[tauri::command]
pub async fn users_settled(desk: State<'_, Desk>) -> Result<UsersLoaded> {
    Ok(desk.users_settled().await?)
}

/// Every field of one user, as RingCX sent it.
#[tauri::command]
pub async fn user_details(desk: State<'_, Desk>, user_id: i64) -> Result<serde_json::Value> {
    Ok(desk.user_details(user_id).await?)
}

/// Puts one user's JSON on the clipboard.
#[tauri::command]
pub async fn copy_user_json<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    user_id: i64,
) -> Result<()> {
    let user = desk.user_details(user_id).await?;
    let json = serde_json::to_string_pretty(&user).unwrap_or_default();
    crate::clipboard::write(&app, json)
}
