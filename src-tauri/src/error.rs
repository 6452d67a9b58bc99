//! The shape errors take when they cross IPC: `{code, message}`.
//!
//! The message is the core's human text; nothing else (no debug dump, no
//! source chain that could carry a server body) goes to the webview.

use serde::Serialize;

/// An error as the front end sees it.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
}

impl From<engage::Error> for CommandError {
    fn from(e: engage::Error) -> Self {
        CommandError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}
