//! What the window shows of a session: no secret is in any of these.

use serde::Serialize;

use crate::error::ErrorCode;
use crate::hosts::Hosts;
use crate::model::{Agent, UserDetails};
use crate::Error;

use super::saved::SignInMethod;

/// Who RingCX says the user is: the exchange's details and which of the
/// user's agents is current. (A "profile" is a saved configuration.)
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub details: UserDetails,
    #[ts(type = "number | null")]
    pub agent_id: Option<i64>,
}

impl Identity {
    pub fn current_agent(&self) -> Option<&Agent> {
        let id = self.agent_id?;
        self.details.agent_details.iter().find(|a| a.agent_id == id)
    }
}

/// An error as the window shows it: a stable code and the human text.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct Reason {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&Error> for Reason {
    fn from(e: &Error) -> Self {
        Reason {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// The state the window shows.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub signed_in: bool,
    /// Why the session ended, when it did.
    pub reason: Option<Reason>,
    pub method: Option<SignInMethod>,
    pub rc_server: String,
    pub ringcx_server: String,
    pub identity: Option<Identity>,
    /// Unix milliseconds.
    #[ts(type = "number | null")]
    pub ringcx_expires_at: Option<u64>,
    #[ts(type = "number | null")]
    pub ringcx_renews_at: Option<u64>,
    #[ts(type = "number | null")]
    pub rc_expires_at: Option<u64>,
    /// How many times the RingCX token was renewed in this session.
    #[ts(type = "number")]
    pub renewals: u64,
    /// True when the session is saved in the keychain and survives a restart.
    pub stored: bool,
    /// Why it is not saved, when saving (or reading) the keychain failed.
    pub storage_error: Option<Reason>,
}

impl Status {
    /// The state before sign-in or after sign-out.
    pub fn signed_out(hosts: &Hosts, reason: Option<Reason>) -> Self {
        Status {
            signed_in: false,
            reason,
            method: None,
            rc_server: hosts.rc.to_string(),
            ringcx_server: hosts.ringcx.to_string(),
            identity: None,
            ringcx_expires_at: None,
            ringcx_renews_at: None,
            rc_expires_at: None,
            renewals: 0,
            stored: false,
            storage_error: None,
        }
    }

    /// Signed out because of `e`. A keychain problem is not a reason to
    /// sign in again: it is a note about storage.
    pub fn signed_out_by(hosts: &Hosts, e: &Error) -> Self {
        let mut s = Status::signed_out(hosts, None);
        if e.is_keychain() {
            s.storage_error = Some(Reason::from(e));
        } else {
            s.reason = Some(Reason::from(e));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_out_status_has_no_identity_and_sorts_reasons() {
        let hosts = Hosts::default_preset();
        let s = Status::signed_out(&hosts, None);
        assert!(!s.signed_in && s.identity.is_none() && s.ringcx_expires_at.is_none());
        let locked = Status::signed_out_by(&hosts, &Error::KeychainLocked);
        assert!(locked.reason.is_none());
        assert_eq!(
            locked.storage_error.unwrap().code,
            ErrorCode::KeychainLocked
        );
        let ended = Status::signed_out_by(&hosts, &Error::SessionEnded { reason: None });
        assert_eq!(ended.reason.unwrap().code, ErrorCode::SessionEnded);
        assert!(ended.storage_error.is_none());
    }

    #[test]
    fn the_wire_is_camel_case() {
        let json =
            serde_json::to_value(Status::signed_out(&Hosts::default_preset(), None)).unwrap();
        for key in [
            "signedIn",
            "rcServer",
            "ringcxRenewsAt",
            "storageError",
            "identity",
        ] {
            assert!(json.get(key).is_some(), "{key} missing in {json}");
        }
        let r = Reason::from(&Error::NotSignedIn);
        assert_eq!(serde_json::to_value(&r).unwrap()["code"], "not_signed_in");
    }

    #[test]
    fn the_current_agent_is_the_chosen_one() {
        let details: UserDetails = serde_json::from_str(
            r#"{"agentDetails":[{"agentId":1},{"agentId":2,"firstName":"B"}]}"#,
        )
        .unwrap();
        let id = Identity {
            details,
            agent_id: Some(2),
        };
        assert_eq!(id.current_agent().unwrap().display_name(), "B");
        let none = Identity {
            agent_id: Some(9),
            ..id
        };
        assert!(none.current_agent().is_none());
    }
}
