//! Engage Desk core.
//!
//! Everything the app knows about RingCentral and RingCX lives here, free of
//! Tauri, so it can be tested over real loopback HTTP without a desktop.

pub mod error;
pub mod redirect;

pub use error::Error;

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
        assert_eq!(super::version(), env!("CARGO_PKG_VERSION"));
        assert!(super::version().split('.').count() == 3);
    }
}
