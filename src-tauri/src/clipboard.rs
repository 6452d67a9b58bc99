//! Writing to the system clipboard, for the few commands that copy: the
//! token after confirmation, a user's JSON, the redirect URI.

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::error::{Error, Result};

pub fn write<R: Runtime>(app: &AppHandle<R>, text: String) -> Result<()> {
    app.clipboard()
        .write_text(text)
        .map_err(|_| Error::Clipboard)
}
