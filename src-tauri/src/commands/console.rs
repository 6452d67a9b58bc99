//! The API console: the catalogue, the request form, and sending. Every
//! rule (paths, confirmation, rate limits, what of an answer is shown) is
//! the desk's.

use engage::console::{
    Answer, Choice, FoldAsk, Form, HistoryEntry, JsonPage, LinesAsk, OpSummary, Request,
};
use engage::{Desk, ExposeSecret};
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

/// Sends the form's request through the session. A file to upload that
/// the user did not pick in the open dialog is sent only once they confirm
/// it in a native dialog (the core refuses it otherwise).
#[tauri::command]
pub async fn console_send<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    request: Request,
) -> Result<Answer> {
    if let Some(file) = desk.console_unconfirmed_file(&request) {
        if crate::dialogs::confirm_upload(&app, &file).await {
            desk.console_allow_file(&file);
        }
    }
    Ok(desk.console_send(request).await?)
}

/// Rows of the last JSON answer, folded and filtered in Rust.
#[tauri::command]
pub fn console_lines(desk: State<'_, Desk>, ask: LinesAsk) -> JsonPage {
    desk.console_lines(&ask)
}

/// Folds or opens a container of the last JSON answer.
#[tauri::command]
pub fn console_fold(desk: State<'_, Desk>, ask: FoldAsk) {
    desk.console_fold(&ask)
}

/// Copies the last answer, a credential, to the clipboard once the user
/// confirms it in a native dialog; false when they did not.
#[tauri::command]
pub async fn console_copy_secret<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<bool> {
    let secret = desk.console_secret()?;
    if !crate::dialogs::confirm_copy_secret(&app).await {
        return Ok(false);
    }
    crate::clipboard::write(&app, secret.expose_secret().to_string())?;
    Ok(true)
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
/// file itself is read in Rust when the request is sent), or none. The
/// choice is the user's consent to upload that file.
#[tauri::command]
pub async fn console_choose_file<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<Option<String>> {
    let Some(path) = crate::dialogs::pick_file(&app).await else {
        return Ok(None);
    };
    desk.console_allow_file(&path);
    Ok(Some(path.display().to_string()))
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
