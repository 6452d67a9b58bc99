//! Engage Desk core.
//!
//! Everything the app knows about RingCentral and RingCX lives here, free of
//! Tauri, so it can be tested over real loopback HTTP without a desktop.
//! Secrets are `secrecy::SecretString` from the moment they arrive: their
//! `Debug` is redacted and they cannot be serialized.

pub mod api_path;
pub mod browser;
pub mod catalogue;
pub mod clock;
pub mod console;
pub mod desk;
pub mod error;
pub mod feed;
pub mod hosts;
pub mod http;
pub mod jwt;
pub mod limiter;
pub mod lock;
pub mod loopback;
pub mod model;
pub mod packed;
pub mod pkce;
pub mod rc;
pub mod redirect;
pub mod ringcx;
pub mod session;
pub mod settings;
pub mod users;
pub mod vault;

pub use api_path::ApiPath;
pub use desk::{Desk, DeskConfig, Keychain, SignInForm, SignInWith};
pub use error::{Error, ErrorCode};
pub use secrecy::{ExposeSecret, SecretString};

/// The app's name as users see it.
pub const APP_NAME: &str = "Engage Desk";

/// The version of the core, which is the workspace version.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_workspace_version() {
        // Read from the workspace manifest itself, not from the same macro.
        let manifest = include_str!("../../../Cargo.toml");
        let declared = manifest
            .lines()
            .skip_while(|l| l.trim() != "[workspace.package]")
            .find_map(|l| l.trim().strip_prefix("version = "))
            .map(|v| v.trim_matches('"'))
            .unwrap();
        assert_eq!(super::version(), declared);
        assert!(super::version().split('.').count() == 3);
    }
}
