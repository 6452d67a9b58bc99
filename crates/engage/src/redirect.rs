//! The OAuth redirect URI of the loopback listener.
//!
//! RingCentral compares redirect URIs exactly, port included, so the port is
//! fixed and configurable, and the URI shown to the user for registration must
//! be the very string the sign-in flow sends.

use crate::Error;

/// The port used when the user has not chosen one.
pub const DEFAULT_PORT: u16 = 53682;

/// Ports below this need privileges on Unix and are often taken.
pub const MIN_PORT: u16 = 1024;

/// The path the loopback listener answers on.
pub const CALLBACK_PATH: &str = "/callback";

/// Checks a port typed by the user; accepts any integer input so the message
/// can quote what was typed, even when it is out of the `u16` range.
pub fn validate_port(port: i64) -> Result<u16, Error> {
    match u16::try_from(port) {
        Ok(p) if p >= MIN_PORT => Ok(p),
        _ => Err(Error::InvalidPort {
            port,
            min: MIN_PORT,
        }),
    }
}

/// The redirect URI to register with the RingCentral app, for this port.
///
/// `localhost` rather than `127.0.0.1` because that is what RingCentral's app
/// settings accept and what the docs show; the listener itself binds 127.0.0.1.
pub fn redirect_uri(port: u16) -> String {
    format!("http://localhost:{port}{CALLBACK_PATH}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_port_gives_the_documented_uri() {
        assert_eq!(
            redirect_uri(DEFAULT_PORT),
            "http://localhost:53682/callback"
        );
    }

    #[test]
    fn validate_port_accepts_the_user_range() {
        assert_eq!(validate_port(1024).unwrap(), 1024);
        assert_eq!(validate_port(65535).unwrap(), 65535);
    }

    #[test]
    fn validate_port_refuses_privileged_and_out_of_range() {
        for bad in [-1, 0, 80, 1023, 65536, i64::MAX] {
            let err = validate_port(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_port", "{bad}");
        }
    }
}
