//! The native file dialogs the console uses, awaited without blocking a
//! worker. They give back a path; reading and writing the file is the
//! core's.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// The open dialog; the chosen file, or none when cancelled.
pub async fn pick_file<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().pick_file(move |picked| {
        let _ = tx.send(picked.and_then(|p| p.into_path().ok()));
    });
    rx.await.ok().flatten()
}

/// The save dialog with `title`, offering `name`; the chosen path, or none.
pub async fn save_file<R: Runtime>(app: &AppHandle<R>, title: &str, name: &str) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(name)
        .save_file(move |picked| {
            let _ = tx.send(picked.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

/// A native question with `ok` and Cancel; true only for `ok`. Closing
/// the dialog is Cancel. The window cannot answer it: only the user can.
pub async fn confirm<R: Runtime>(app: &AppHandle<R>, title: &str, message: &str, ok: &str) -> bool {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .message(message)
        .title(title)
        .kind(MessageDialogKind::Warning)
        // Escape is Cancel; Alt and the first letter is `ok` on Linux.
        .buttons(MessageDialogButtons::OkCancelCustom(
            mnemonic(ok),
            "Cancel".to_string(),
        ))
        .show(move |answer| {
            let _ = tx.send(answer);
        });
    rx.await.unwrap_or(false)
}

/// Asks before a file the window named (not one picked in the open
/// dialog) is uploaded.
pub async fn confirm_upload<R: Runtime>(app: &AppHandle<R>, file: &std::path::Path) -> bool {
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let message = format!(
        "Send this file to RingCX?\n\n{}\n({size} bytes)\n\nIt was not picked with Choose file…: upload it only if you meant to.",
        file.display()
    );
    confirm(app, "Upload a file to RingCX", &message, "Upload").await
}

/// Asks before a credential answer goes to the clipboard.
pub async fn confirm_copy_secret<R: Runtime>(app: &AppHandle<R>) -> bool {
    let message = "Copy this answer to the clipboard?\n\nIt is a credential: anyone who reads your clipboard can use it to call RingCX as you.";
    confirm(app, "Copy a credential", message, "Copy").await
}

/// GTK's dialog buttons take an underscored mnemonic (Alt+letter); the
/// other platforms would show the underscore.
fn mnemonic(label: &str) -> String {
    if cfg!(target_os = "linux") {
        format!("_{label}")
    } else {
        label.to_string()
    }
}
