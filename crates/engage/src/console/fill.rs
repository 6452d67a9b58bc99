//! Turns an operation's path template into a checked API path: each
//! `{name}` from the form's values, else from the session, each value
//! encoded as exactly one segment, and the result checked like any path a
//! user types (so an id of `..` or `a/b` cannot reach another operation).

use std::collections::BTreeMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::api_path::ApiPath;
use crate::Error;

/// Everything but unreserved characters is encoded in a value: `/`, `%`,
/// `?`, `#`, `;` and `\` included.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b';')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// The ids the signed-in session knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionIds {
    /// The chosen agent's RingCX sub-account (`agentDetails[].accountId`).
    pub account_id: Option<String>,
    /// `mainAccountId` from the exchange.
    pub main_account_id: Option<String>,
    /// RingCentral's account id (`GET /restapi/v1.0/account/~`).
    pub rc_account_id: Option<String>,
}

impl SessionIds {
    /// The session's value for a placeholder, where it has one.
    pub fn value(&self, name: &str) -> Option<&str> {
        match name {
            "accountId" | "subAccountId" | "subaccountId" => self.account_id.as_deref(),
            "mainAccountId" => self.main_account_id.as_deref(),
            "rcAccountId" => self.rc_account_id.as_deref(),
            _ => None,
        }
        .filter(|v| !v.is_empty())
    }
}

/// Fills `template` (e.g. `/voice/api/v1/admin/accounts/{accountId}/agentGroups`).
pub fn fill(
    template: &str,
    values: &BTreeMap<String, String>,
    session: &SessionIds,
) -> Result<ApiPath, Error> {
    let mut out = String::with_capacity(template.len() + 16);
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let value = values
                    .get(name)
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .or_else(|| session.value(name))
                    .ok_or_else(|| Error::MissingPathParam {
                        name: name.to_string(),
                    })?;
                out.extend(utf8_percent_encode(value, SEGMENT));
            }
            None => out.push_str(segment),
        }
    }
    ApiPath::parse(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: &str = "/voice/api/v1/admin/accounts/{accountId}/agentGroups/{agentGroupId}";

    fn session() -> SessionIds {
        SessionIds {
            account_id: Some("29210001".into()),
            main_account_id: Some("29210000".into()),
            rc_account_id: Some("37439510".into()),
        }
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_session_fills_its_ids_and_the_form_the_rest() {
        let p = fill(GROUPS, &values(&[("agentGroupId", "77")]), &session()).unwrap();
        assert_eq!(
            p.to_string(),
            "/voice/api/v1/admin/accounts/29210001/agentGroups/77"
        );
        // The form's value wins over the session's.
        let p = fill(
            GROUPS,
            &values(&[("accountId", "5"), ("agentGroupId", "7")]),
            &session(),
        )
        .unwrap();
        assert_eq!(
            p.to_string(),
            "/voice/api/v1/admin/accounts/5/agentGroups/7"
        );
        let s = session();
        assert_eq!(s.value("subaccountId"), Some("29210001"));
        assert_eq!(s.value("mainAccountId"), Some("29210000"));
        assert_eq!(s.value("rcAccountId"), Some("37439510"));
        assert_eq!(s.value("agentId"), None);
    }

    #[test]
    fn a_missing_value_is_named() {
        let e = fill(GROUPS, &values(&[("agentGroupId", "  ")]), &session()).unwrap_err();
        assert_eq!(e.code().as_str(), "missing_path_param");
        assert!(e.to_string().contains("agentGroupId"), "{e}");
        let e = fill(
            GROUPS,
            &values(&[("agentGroupId", "1")]),
            &SessionIds::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("accountId"), "{e}");
    }

    #[test]
    fn a_value_is_one_segment_whatever_it_holds() {
        for evil in [
            "..",
            ".",
            "../../../api/auth/login",
            "a/b",
            "%2e%2e",
            "..;",
            "..\\x",
            "x?y",
            "x#y",
        ] {
            let r = fill(GROUPS, &values(&[("agentGroupId", evil)]), &session());
            match r {
                // Whatever got through stays inside the agent group's segment.
                Ok(p) => assert!(
                    p.to_string()
                        .starts_with("/voice/api/v1/admin/accounts/29210001/agentGroups/")
                        && p.to_string().matches('/').count() == 7,
                    "{evil:?} became {p}"
                ),
                Err(e) => assert_eq!(e.code().as_str(), "invalid_api_path", "{evil:?}"),
            }
        }
        let p = fill(GROUPS, &values(&[("agentGroupId", "a b")]), &session()).unwrap();
        let hosts =
            crate::hosts::Hosts::parse("https://rc.example.com", "https://cx.example.com").unwrap();
        let url = hosts.api_url(&p);
        assert!(url.as_str().ends_with("/agentGroups/a%20b"), "{url}");
    }
}
