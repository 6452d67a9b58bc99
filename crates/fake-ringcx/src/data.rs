//! The RingCX account behind the fake RingCentral user: agents, accounts,
//! agent groups, and the `AccessTokenUserDetails` body.
//!
//! Choices where the reference is silent:
//! - One RingCentral user (id 222222, as in the documented example) owns
//!   every token. Agent k lives in account k; all agents are the same person
//!   (same name and email), as when one user is an agent in several accounts.
//!   Agent 1 is a SUPERVISOR, the others AGENT. Agent 0 has no agent group
//!   (`null`, as in the example).
//! - Account ids are "333333", "333334", …; the main account is "333333".
//! - Each account has five agent groups; the first account's start with the
//!   documented "Platform Team" (1111) and "Dev Support" (2222).
//! - `permissions` is empty unless `includePermissions=true`.

use serde_json::{json, Value};

use crate::config::Config;
use crate::names::person;

/// The RingCentral user id every token belongs to.
pub(crate) const RC_USER_ID: &str = "222222";
/// The RingCentral account, as the users list's `rcAccountId` names it.
pub(crate) const RC_ACCOUNT_ID: &str = "37439510";
pub(crate) const MAIN_ACCOUNT_ID: u64 = 333_333;

const ACCOUNT_NAMES: [&str; 4] = [
    "RingForce",
    "RingForce Support",
    "RingForce Sales",
    "RingForce Collections",
];
const GROUP_NAMES: [&str; 5] = [
    "Platform Team",
    "Dev Support",
    "Sales",
    "Billing",
    "Default Group",
];

pub(crate) fn account_id(k: usize) -> String {
    (MAIN_ACCOUNT_ID + k as u64).to_string()
}

fn account_name(k: usize) -> String {
    ACCOUNT_NAMES
        .get(k)
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("RingForce {}", k + 1))
}

/// How many accounts exist: one per agent, and at least the main one.
pub(crate) fn account_count(cfg: &Config) -> usize {
    cfg.agents.max(1)
}

fn group_id(account: usize, j: usize) -> u64 {
    if account == 0 {
        1111 * (j as u64 + 1)
    } else {
        (account as u64 + 1) * 10_000 + j as u64 + 1
    }
}

pub(crate) fn agent_details(cfg: &Config) -> Vec<Value> {
    let me = person(0, cfg.non_ascii_names);
    (0..cfg.agents)
        .map(|k| {
            json!({
                "agentId": 111_111 + k as u64,
                "firstName": me.first,
                "lastName": me.last,
                "email": me.email(None),
                "username": me.email(None),
                "agentType": if k == 1 { "SUPERVISOR" } else { "AGENT" },
                "rcUserId": RC_USER_ID.parse::<u64>().unwrap_or(0),
                "accountId": account_id(k),
                "accountName": account_name(k),
                "agentGroupId": if k == 0 { Value::Null } else { json!(group_id(k, 0)) },
                "allowLoginControl": true,
                "allowLoginUpdates": true,
            })
        })
        .collect()
}

/// The body of every RingCX login/exchange/refresh answer.
pub(crate) fn user_details(cfg: &Config, access: &str, refresh: Option<&str>) -> Value {
    let me = person(0, cfg.non_ascii_names);
    let mut details = json!({
        "accessToken": access,
        "refreshToken": refresh,
        "tokenType": "Bearer",
        "mainAccountId": MAIN_ACCOUNT_ID.to_string(),
        "agentDetails": agent_details(cfg),
        "adminId": 1111,
        "adminUrl": "/voice/admin/",
        "agentUrl": "/voice/agent/",
        "ssoLogin": true,
        "platformId": "c01",
        "rcUser": {
            "firstName": me.first,
            "lastName": me.last,
            "email": me.email(None),
        },
    });
    if cfg.opaque_ringcx_tokens {
        details["expiresIn"] = json!(cfg.ringcx_access_ttl.as_secs().max(1));
    }
    details
}

pub(crate) fn accounts(cfg: &Config) -> Vec<Value> {
    (0..account_count(cfg))
        .map(|k| {
            json!({
                "accountId": account_id(k),
                "accountName": account_name(k),
                "mainAccountId": MAIN_ACCOUNT_ID.to_string(),
                "mainAccountName": account_name(0),
                "archivedAccount": false,
                "enableInbound": true,
                "enableOutbound": k != 1,
                "enableChat": k == 0,
                "rcAccountAccess": "ENABLED",
                "primaryTimezone": 58,
            })
        })
        .collect()
}

/// Index of an account id, with `~` meaning the caller's own (the first) account.
pub(crate) fn account_index(cfg: &Config, id: &str) -> Option<usize> {
    if id == "~" {
        return Some(0);
    }
    (0..account_count(cfg)).find(|&k| account_id(k) == id)
}

pub(crate) fn agent_groups(account: usize, include_permissions: bool) -> Vec<Value> {
    GROUP_NAMES
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let permissions: Vec<&str> = if include_permissions {
                vec!["CREATE", "READ", "UPDATE", "DELETE", "REPORT"]
            } else {
                vec![]
            };
            json!({
                "permissions": permissions,
                "agentGroupId": group_id(account, j),
                "groupName": name,
                "isDefault": j + 1 == GROUP_NAMES.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_follow_the_config() {
        let mut cfg = Config::default();
        let a = agent_details(&cfg);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0]["firstName"], "John");
        assert!(a[0]["agentGroupId"].is_null());
        assert_eq!(a[0]["accountId"], "333333");
        cfg.agents = 3;
        cfg.non_ascii_names = true;
        let a = agent_details(&cfg);
        assert_eq!(a[1]["agentType"], "SUPERVISOR");
        assert_eq!(a[2]["accountId"], "333335");
        assert_eq!(a[2]["agentGroupId"], 30001);
        assert_eq!(a[0]["firstName"], "Zoë");
        cfg.agents = 0;
        assert!(agent_details(&cfg).is_empty());
        assert_eq!(accounts(&cfg).len(), 1);
    }

    #[test]
    fn details_carry_tokens() {
        let d = user_details(&Config::default(), "a", None);
        assert_eq!(d["accessToken"], "a");
        assert!(d["refreshToken"].is_null());
        assert_eq!(d["mainAccountId"], "333333");
        assert_eq!(
            user_details(&Config::default(), "a", Some("r"))["refreshToken"],
            "r"
        );
    }

    #[test]
    fn accounts_and_groups() {
        let cfg = Config {
            agents: 2,
            ..Config::default()
        };
        assert_eq!(accounts(&cfg).len(), 2);
        assert_eq!(account_index(&cfg, "~"), Some(0));
        assert_eq!(account_index(&cfg, "333334"), Some(1));
        assert_eq!(account_index(&cfg, "999"), None);
        let g = agent_groups(0, false);
        assert_eq!(g[0]["agentGroupId"], 1111);
        assert_eq!(g[1]["groupName"], "Dev Support");
        assert!(g[0]["permissions"].as_array().unwrap().is_empty());
        assert_eq!(agent_groups(1, true)[0]["permissions"][1], "READ");
        assert_eq!(account_name(9), "RingForce 10");
    }
}
