//! The core's one error type.
//!
//! Every variant's `Display` text names the cause and the next step, so the
//! front end can show it as is. `code()` is a stable identifier the UI and
//! tests branch on; it never changes once released. No variant carries a
//! token, a code or a secret: server texts are kept short and only come from
//! the documented error fields, and URLs are never included (RingCX puts the
//! refresh token in the logout path).

use std::time::Duration;

/// Which remote service an error came from; it is named in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    RingCentral,
    RingCx,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Service::RingCentral => "RingCentral",
            Service::RingCx => "RingCX",
        })
    }
}

/// Everything that can go wrong in the core. Each variant has a stable code,
/// its `ErrorCode` twin, generated from the variant so the two cannot drift.
#[derive(Debug, Clone, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ErrorCode),
    derive(
        serde::Serialize,
        strum::IntoStaticStr,
        strum::EnumIter,
        strum::EnumString,
        ts_rs::TS
    ),
    serde(rename_all = "snake_case"),
    strum(serialize_all = "snake_case"),
    ts(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "Port {port} can't be used for the sign-in redirect. Choose a number from {min} to 65535."
    )]
    InvalidPort { port: i64, min: u16 },

    #[error("The {what} address {value:?} is not valid: {reason}. Enter an address like https://platform.ringcentral.com.")]
    InvalidUrl {
        what: &'static str,
        value: String,
        reason: &'static str,
    },

    #[error("Enter the client ID of your RingCentral app.")]
    MissingClientId,

    #[error("Port {port} is already in use on this computer, so the browser can't return to Engage Desk. Close the program using it or choose another port (and register the new redirect URI).")]
    PortInUse { port: u16 },

    #[error("A sign-in is already in progress. Finish it (in your browser, for a browser sign-in), or cancel it first.")]
    SignInInProgress,

    #[error("The sign-in was cancelled.")]
    SignInCancelled,

    #[error("The browser did not come back within {} minutes. Start the sign-in again.", .after.as_secs() / 60)]
    SignInTimedOut { after: Duration },

    #[error("Engage Desk could not open your browser: {reason}. Open a browser and try again.")]
    BrowserFailed { reason: String },

    #[error("The sign-in was declined in the browser{}. Sign in again and allow access to continue.", detail(.description))]
    AccessDenied { description: Option<String> },

    #[error("The browser returned an answer that does not belong to this sign-in (state mismatch). Start the sign-in again from Engage Desk.")]
    StateMismatch,

    #[error("The redirect URI {redirect_uri} is not registered for this RingCentral app (OAU-109). Add it exactly, port included, in the app's settings in the RingCentral developer console, or change the port here to one that is registered.")]
    RedirectNotRegistered { redirect_uri: String },

    #[error("The sign-in code was not accepted ({}). Start the sign-in again.", .server_code.as_deref().unwrap_or("invalid code"))]
    CodeInvalid { server_code: Option<String> },

    #[error("The sign-in code expired before Engage Desk could use it (OAU-108). Start the sign-in again and finish it within a minute.")]
    CodeExpired,

    #[error("This RingCentral app is not allowed to sign in this way ({}). In the developer console, enable the grant type (for example \"Authorization code\" with PKCE, or \"JWT auth flow\"), or use another way to sign in.", .server_code.as_deref().unwrap_or("OAU-112"))]
    GrantNotAllowed { server_code: Option<String> },

    #[error("RingCentral did not accept the app's credentials ({}). Check the client ID, and the client secret if your app has one.", .server_code.as_deref().unwrap_or("invalid client"))]
    InvalidClient { server_code: Option<String> },

    #[error("RingCentral did not accept the JWT credential ({}). Check that it belongs to this app and has not expired or been revoked.", .server_code.as_deref().unwrap_or("invalid JWT"))]
    BadCredentials { server_code: Option<String> },

    #[error(
        "The pasted RingCentral access token is no longer valid. Paste a new token to continue."
    )]
    PastedTokenExpired,

    #[error("Your RingCentral sign-in has ended{}. Sign in again.", detail(.reason))]
    SessionEnded { reason: Option<String> },

    #[error("RingCX did not accept the RingCentral sign-in (HTTP {status}{}). Make sure this is a production RingCentral account linked to RingCX, and the RingCX server is right for it.", detail(.message))]
    ExchangeRejected {
        status: u16,
        message: Option<String>,
    },

    #[error("This RingCentral user has no RingCX agent. Ask your RingCX admin to add you as an agent, or sign in with another user.")]
    NoAgent,

    #[error("No agent with id {agent_id} is in this session. Choose one from the list.")]
    UnknownAgent { agent_id: i64 },

    #[error("Your RingCX user needs the MANAGE_USERS or SUPER_USER role to see the user list. Ask your RingCX admin.")]
    NeedsManageUsers,

    #[error("RingCX refused this request: you don't have permission for it{}. Ask your RingCX admin for the role it needs.", detail(.message))]
    Forbidden { message: Option<String> },

    #[error("{service} is limiting requests (HTTP 429). Wait {} seconds, then try again.", .retry_after.as_secs().max(1))]
    RateLimited {
        service: Service,
        retry_after: Duration,
    },

    #[error("{service} had a problem (HTTP {status}{}). Try again in a minute; if it keeps happening, check RingCentral's status page.", detail(.message))]
    ServerError {
        service: Service,
        status: u16,
        message: Option<String>,
    },

    #[error("{service} answered with an error (HTTP {status}{}).", detail_code(.server_code, .message))]
    Rejected {
        service: Service,
        status: u16,
        server_code: Option<String>,
        message: Option<String>,
    },

    #[error("{service} answered with something Engage Desk can't read ({what}, HTTP {status}). Check that the server address points at {service}, then try again.")]
    BadResponse {
        service: Service,
        status: u16,
        what: &'static str,
    },

    #[error("{service}'s answer was larger than {} MB, so Engage Desk stopped reading it. Narrow the request (for example with query parameters).", .limit / 1_000_000)]
    TooLarge { service: Service, limit: usize },

    #[error("Could not reach {service} at {host}: {cause}. Check your network connection and the server address.")]
    Network {
        service: Service,
        host: String,
        cause: &'static str,
    },

    #[error("You are not signed in. Sign in first.")]
    NotSignedIn,

    #[error("No system keychain is available (on Linux: no Secret Service such as GNOME Keyring or KWallet is running). Engage Desk keeps this session in memory only: you will need to sign in again after closing it.")]
    KeychainUnavailable,

    #[error("The system keychain is locked and was not unlocked. Unlock it (on Linux: your login keyring) and try again; until then this session lives in memory only.")]
    KeychainLocked,

    #[error("The system keychain is locked, so your saved sign-in could not be read. Unlock it (on Linux: your login keyring; the system may be showing a prompt for it), then choose Retry. Your saved sign-in is kept.")]
    SavedSessionLocked,

    #[error("The session saved in your keychain could not be read. Sign in again; the damaged entry will be replaced.")]
    KeychainCorrupt,

    #[error("{path:?} is not a RingCX API path: {reason}. Use a path that starts with /voice/api/, like /voice/api/v1/admin/accounts.")]
    InvalidApiPath { path: String, reason: &'static str },

    #[error("{method} {path} changes data in RingCX: confirm it before it is sent.")]
    NeedsConfirmation { method: String, path: String },

    #[error("The body is not JSON ({reason}). Fix it, or leave it empty.")]
    InvalidBody { reason: String },

    #[error("Choose a file to upload first.")]
    NoFileChosen,

    #[error("Engage Desk could not read {path:?}: {reason}. Choose another file, or check that this one can be opened.")]
    FileUnreadable { path: String, reason: String },

    #[error("Engage Desk could not write {path:?}: {reason}. Choose another folder.")]
    FileUnwritable { path: String, reason: String },

    #[error("There is no answer to save. Send a request first.")]
    NothingToSave,

    #[error("{path:?} was not sent: Engage Desk uploads a file only once you pick it with Choose file… or confirm it. Choose the file again.")]
    FileNotConfirmed { path: String },

    #[error("There is no credential to copy. Send the request that makes it first.")]
    NothingToCopy,

    #[error("Fill in {name}: the path needs it.")]
    MissingPathParam { name: String },

    #[error("{method:?} is not an HTTP method Engage Desk can send. Use GET, POST, PUT, PATCH or DELETE.")]
    InvalidMethod { method: String },

    #[error("RingCX refused the {method} because the session's token had just expired. Engage Desk renewed the session but did not send the {method} again by itself, since repeating it could act twice. Send it again.")]
    RenewedNotResent { method: String },

    #[error(
        "Name the profile with 1 to {max} letters, digits, spaces, dots, dashes or underscores."
    )]
    InvalidProfileName { max: usize },

    #[error("Sign out before you switch profiles.")]
    SignedIn,

    #[error("The user list is not loaded yet. Press Refresh.")]
    UsersNotLoaded,

    #[error("That user is no longer in the list. Press Refresh.")]
    UserNotFound,

    #[error("This profile's saved sign-in was made for {saved}, but its settings now name {configured}. Engage Desk sent nothing to either. Sign in again to use these settings, or put the settings back.")]
    SettingsChanged { saved: String, configured: String },

    #[error("This profile's saved sign-in comes from an older Engage Desk that did not record which servers it belongs to, so it was not used. Sign in again once.")]
    SavedSessionOutdated,

    #[error("This profile was signed out in another Engage Desk window or on the command line. Sign in again.")]
    SignedOutElsewhere,
}

fn detail(text: &Option<String>) -> String {
    match text {
        Some(t) if !t.is_empty() => format!(": {t}"),
        _ => String::new(),
    }
}

fn detail_code(code: &Option<String>, message: &Option<String>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!(", {c}: {m}"),
        (Some(c), None) => format!(", {c}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => String::new(),
    }
}

impl Error {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::from(self)
    }

    /// A keychain problem: a note about storage, never a reason to sign out.
    pub fn is_keychain(&self) -> bool {
        matches!(
            self,
            Error::KeychainUnavailable | Error::KeychainLocked | Error::KeychainCorrupt
        )
    }

    /// The HTTP status the server answered with, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::ExchangeRejected { status, .. }
            | Error::ServerError { status, .. }
            | Error::Rejected { status, .. }
            | Error::BadResponse { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            Error::NeedsManageUsers | Error::Forbidden { .. } => Some(403),
            _ => None,
        }
    }

    /// The server's own error code (`OAU-109`, `access.denied.exception`…).
    pub fn server_code(&self) -> Option<&str> {
        match self {
            Error::CodeInvalid { server_code }
            | Error::GrantNotAllowed { server_code }
            | Error::InvalidClient { server_code }
            | Error::BadCredentials { server_code }
            | Error::Rejected { server_code, .. } => server_code.as_deref(),
            Error::RedirectNotRegistered { .. } => Some("OAU-109"),
            Error::CodeExpired => Some("OAU-108"),
            Error::NeedsManageUsers | Error::Forbidden { .. } => Some("access.denied.exception"),
            _ => None,
        }
    }

    /// True when trying the same thing again later may work, so a session
    /// must be kept rather than dropped (network, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Network { .. }
            | Error::ServerError { .. }
            | Error::RateLimited { .. }
            | Error::TooLarge { .. } => true,
            // A 4xx page (a proxy's 401 or 403) is a definite answer; an
            // unreadable 2xx or 5xx may be a passing fault.
            Error::BadResponse { status, .. } => !(400..500).contains(status),
            _ => false,
        }
    }
}

impl ErrorCode {
    /// The code as the UI and tests see it, e.g. `invalid_port`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Every code, in declaration order.
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        <ErrorCode as strum::IntoEnumIterator>::iter()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_port_names_the_range() {
        let e = Error::InvalidPort {
            port: 80,
            min: 1024,
        };
        assert_eq!(e.code(), "invalid_port");
        let text = e.to_string();
        assert!(text.contains("Port 80"), "{text}");
        assert!(text.contains("1024 to 65535"), "{text}");
    }

    #[test]
    fn no_agent_says_what_to_do() {
        let text = Error::NoAgent.to_string();
        assert!(text.contains("no RingCX agent"), "{text}");
        assert!(text.contains("admin"), "{text}");
    }

    #[test]
    fn rate_limit_names_the_wait_and_status() {
        let e = Error::RateLimited {
            service: Service::RingCx,
            retry_after: Duration::from_secs(42),
        };
        assert_eq!(e.status(), Some(429));
        assert!(e.is_transient());
        assert!(e.to_string().contains("Wait 42 seconds"), "{e}");
    }

    #[test]
    fn server_codes_are_exposed() {
        let e = Error::CodeExpired;
        assert_eq!(e.server_code(), Some("OAU-108"));
        let e = Error::Rejected {
            service: Service::RingCentral,
            status: 400,
            server_code: Some("CMN-101".into()),
            message: Some("Parameter is invalid".into()),
        };
        assert_eq!(e.server_code(), Some("CMN-101"));
        assert_eq!(e.status(), Some(400));
        assert!(!e.is_transient());
        assert!(
            e.to_string().contains("CMN-101: Parameter is invalid"),
            "{e}"
        );
    }

    #[test]
    fn every_code_is_snake_case_unique_and_serializes_as_itself() {
        let codes: Vec<&str> = ErrorCode::all().map(ErrorCode::as_str).collect();
        assert!(codes.len() > 40, "{codes:?}");
        for code in &codes {
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            let parsed: ErrorCode = code.parse().unwrap();
            assert_eq!(serde_json::to_value(parsed).unwrap(), *code);
        }
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len());
        // Released codes never change.
        assert_eq!(Error::NotSignedIn.code(), "not_signed_in");
        assert_eq!(Error::PortInUse { port: 1 }.code(), "port_in_use");
        assert_eq!(Error::KeychainLocked.code(), "keychain_locked");
        assert!(Error::KeychainCorrupt.is_keychain() && !Error::NoAgent.is_keychain());
    }
}
