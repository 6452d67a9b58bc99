//! How a command fails: the message on stderr (the app's own words) and
//! the documented exit code.

use std::process::ExitCode;

use engage::{Error, ErrorCode};

/// The exit codes, as `engage --help` lists them.
pub const OTHER: u8 = 1;
pub const USAGE: u8 = 2;
pub const NOT_SIGNED_IN: u8 = 3;
pub const HTTP_ERROR: u8 = 4;
pub const NETWORK: u8 = 5;

/// A command that did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The core's error, in the app's words.
    Core(Error),
    /// The command line itself was wrong.
    Usage(String),
    /// RingCX answered, with an error status (its body went to stdout).
    Answered { status: u16 },
    /// Anything else, e.g. a file that could not be read.
    Other(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

impl Failure {
    pub fn code(&self) -> u8 {
        match self {
            Failure::Core(e) => code_of(e.code()),
            Failure::Usage(_) => USAGE,
            Failure::Answered { .. } => HTTP_ERROR,
            Failure::Other(_) => OTHER,
        }
    }

    /// The line for stderr: the cause and the next step.
    pub fn message(&self) -> String {
        match self {
            Failure::Core(e) if code_of(e.code()) == NOT_SIGNED_IN => {
                format!("{e} Run `engage auth login`.")
            }
            Failure::Core(e) => e.to_string(),
            Failure::Usage(m) | Failure::Other(m) => m.clone(),
            Failure::Answered { status } => format!(
                "RingCX answered {status}{}.",
                reason(*status).map_or(String::new(), |r| format!(" {r}"))
            ),
        }
    }

    pub fn exit(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

/// The few reasons worth naming, without an HTTP crate for them.
fn reason(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// Which documented code a core error is.
pub fn code_of(code: ErrorCode) -> u8 {
    use ErrorCode as C;
    match code {
        C::NotSignedIn
        | C::SessionEnded
        | C::SignedOutElsewhere
        | C::SavedSessionOutdated
        | C::SettingsChanged => NOT_SIGNED_IN,
        C::Network => NETWORK,
        C::Forbidden
        | C::Rejected
        | C::ServerError
        | C::RateLimited
        | C::NeedsManageUsers
        | C::BadResponse
        | C::ExchangeRejected => HTTP_ERROR,
        C::InvalidApiPath
        | C::InvalidMethod
        | C::MissingPathParam
        | C::InvalidBody
        | C::InvalidUrl
        | C::InvalidPort
        | C::MissingClientId
        | C::InvalidProfileName
        | C::NoFileChosen => USAGE,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_its_code_and_a_next_step() {
        let not_in = Failure::Core(Error::NotSignedIn);
        assert_eq!(not_in.code(), NOT_SIGNED_IN);
        assert!(not_in.message().ends_with("Run `engage auth login`."));
        assert_eq!(Failure::Usage("x".into()).code(), USAGE);
        let answered = Failure::Answered { status: 404 };
        assert_eq!(answered.code(), HTTP_ERROR);
        assert_eq!(answered.message(), "RingCX answered 404 Not Found.");
        assert_eq!(
            Failure::Answered { status: 418 }.message(),
            "RingCX answered 418."
        );
        assert_eq!(code_of(ErrorCode::Network), NETWORK);
        assert_eq!(code_of(ErrorCode::ServerError), HTTP_ERROR);
        assert_eq!(code_of(ErrorCode::InvalidApiPath), USAGE);
        assert_eq!(code_of(ErrorCode::KeychainLocked), OTHER);
        // The codes are distinct, and none is clap's own usage code but USAGE.
        let codes = [OTHER, USAGE, NOT_SIGNED_IN, HTTP_ERROR, NETWORK];
        let mut sorted = codes.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }
}
