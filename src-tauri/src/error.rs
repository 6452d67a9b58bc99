//! The shell's one error type, and the shape every error takes when it
//! crosses IPC: `{code, message}`.
//!
//! The message is the human text; nothing else (no debug dump, no source
//! chain that could carry a server body) goes to the webview.

use serde::Serialize;

/// Everything a command can fail with: the core's errors, and the few that
/// only the desktop shell has.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] engage::Error),

    #[error("Engage Desk could not write to the clipboard. Try again.")]
    Clipboard,

    #[error("This build of Engage Desk has no update channel. Download new versions from the releases page.")]
    UpdatesUnavailable,

    #[error("Engage Desk could not check for updates ({0}). Try again later.")]
    UpdateCheckFailed(String),

    #[error("There is no update waiting. Check for updates first.")]
    NoUpdate,

    #[error("The update could not be installed ({0}). Engage Desk was not changed.")]
    UpdateInstallFailed(String),
}

/// The codes only the shell has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ShellCode {
    Clipboard,
    UpdatesUnavailable,
    UpdateCheckFailed,
    NoUpdate,
    UpdateInstallFailed,
}

/// Every code the window can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(untagged)]
pub enum Code {
    Core(engage::ErrorCode),
    Shell(ShellCode),
}

/// An error as the window receives it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ErrorBody {
    pub code: Code,
    pub message: String,
}

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::Core(e) => Code::Core(e.code()),
            Error::Clipboard => Code::Shell(ShellCode::Clipboard),
            Error::UpdatesUnavailable => Code::Shell(ShellCode::UpdatesUnavailable),
            Error::UpdateCheckFailed(_) => Code::Shell(ShellCode::UpdateCheckFailed),
            Error::NoUpdate => Code::Shell(ShellCode::NoUpdate),
            Error::UpdateInstallFailed(_) => Code::Shell(ShellCode::UpdateInstallFailed),
        }
    }
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        ErrorBody {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ErrorBody::from(self).serialize(s)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_as_code_and_message_only() {
        let core = serde_json::to_value(Error::from(engage::Error::NotSignedIn)).unwrap();
        assert_eq!(core["code"], "not_signed_in");
        assert_eq!(core.as_object().unwrap().len(), 2);
        let shell = serde_json::to_value(Error::UpdateCheckFailed("dns".into())).unwrap();
        assert_eq!(shell["code"], "update_check_failed");
        assert!(shell["message"].as_str().unwrap().contains("(dns)"));
        assert_eq!(
            serde_json::to_value(Error::Clipboard).unwrap()["code"],
            "clipboard"
        );
    }
}
