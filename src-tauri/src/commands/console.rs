//! The API console: the catalogue, the request form, and sending. Every
//! rule (paths, confirmation, rate limits, what of an answer is shown) is
//! the desk's.

use engage::console::{Answer, Choice, Form, HistoryEntry, OpSummary, Request};
use engage::Desk;
use tauri::{AppHandle, Runtime, State};

use crate::error::Result;

/// Operations matching the search text, best first.
#[tauri::command]
pub fn console_search(desk: State<'_, Desk>, query: String) -> Vec<OpSummary> {
    desk.console_search(&query)
}

/// The form for one operation, the session's ids filled in.
#[tauri::command]
pub async fn console_form(desk: State<'_, Desk>, method: String, path: String) -> Result<Form> {
    Ok(desk.console_form(&method, &path).await?)
}

/// Sends the form's request through the session.
#[tauri::command]
pub async fn console_send(desk: State<'_, Desk>, request: Request) -> Result<Answer> {
    Ok(desk.console_send(request).await?)
}

/// Puts the request on the clipboard as a curl command; the token stays a
/// `$RINGCX_TOKEN` variable.
#[tauri::command]
pub async fn console_copy_curl<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    request: Request,
) -> Result<()> {
    let curl = desk.console_curl(&request).await?;
    crate::clipboard::write(&app, curl)
}

/// The console's history for the current profile, saved entries first.
#[tauri::command]
pub fn console_history(desk: State<'_, Desk>, query: String) -> Vec<HistoryEntry> {
    desk.console_history(&query)
}

/// Saves a history entry under a name; an empty name unsaves it.
#[tauri::command]
pub fn console_name(desk: State<'_, Desk>, id: u64, name: String) -> Option<HistoryEntry> {
    desk.console_name(id, Some(name))
}

/// The choices for an id the form needs, from the call that lists them.
#[tauri::command]
pub async fn console_choices(
    desk: State<'_, Desk>,
    param: String,
    values: std::collections::BTreeMap<String, String>,
) -> Result<Vec<Choice>> {
    Ok(desk.console_choices(&param, &values).await?)
}

/// The native open dialog, for an upload: the path of the chosen file (the
/// file itself is read in Rust when the request is sent), or none.
#[tauri::command]
pub async fn console_choose_file<R: Runtime>(app: AppHandle<R>) -> Option<String> {
    let path = crate::dialogs::pick_file(&app).await?;
    Some(path.display().to_string())
}

/// "Save to file…": the native save dialog offers the server's (or the
/// operation's) name; Rust writes the last answer there. The chosen path,
/// or none when the user cancelled.
#[tauri::command]
pub async fn console_save<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<Option<String>> {
    let name = desk
        .console_save_name()
        .ok_or(engage::Error::NothingToSave)?;
    let Some(path) = crate::dialogs::save_file(&app, "Save the answer", &name).await else {
        return Ok(None);
    };
    desk.console_save(&path).await?;
    Ok(Some(path.display().to_string()))
}
