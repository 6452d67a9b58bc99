//! The core's one error type.
//!
//! Every variant names the cause and the next step in its `Display` text, so
//! the front end can show it as is. `code()` is a stable identifier the UI and
//! tests can branch on; it never changes once released.

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A loopback port the OAuth redirect cannot use.
    #[error("Port {port} can't be used for the sign-in redirect. Choose a number from {min} to 65535.", min = crate::redirect::MIN_PORT)]
    InvalidPort { port: i64 },
}

impl Error {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidPort { .. } => "invalid_port",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_port_names_the_range() {
        let e = Error::InvalidPort { port: 80 };
        assert_eq!(e.code(), "invalid_port");
        let text = e.to_string();
        assert!(text.contains("Port 80"), "{text}");
        assert!(text.contains("1024 to 65535"), "{text}");
    }
}
