//! What the fake pretends to be: one RingCentral app registration, one
//! RingCentral user and the RingCX agents and users behind it.
//!
//! Every knob here mirrors a setting a real account or app can have, so a
//! test can reproduce a situation a customer meets (no refresh tokens, a
//! client-side app without a secret, an agent without MANAGE_USERS, …).

use std::time::Duration;

/// How the fake behaves. Change it while running with `FakeServer::set_config`.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The one registered RingCentral client id.
    pub client_id: String,
    /// `None` is a "client-side web app": token calls carry `client_id` in the
    /// form and no Basic auth. `Some` requires `Basic base64(client_id:secret)`
    /// on token and revoke calls.
    pub client_secret: Option<String>,
    /// `Some` checks redirect URIs exactly, as RingCentral does; `None` accepts any.
    pub redirect_uris: Option<Vec<String>>,
    /// The user says "no" on the consent page.
    pub deny_authorize: bool,
    /// The app setting "Issue refresh tokens" (off by default in real apps).
    pub issue_rc_refresh_tokens: bool,
    pub rc_access_ttl: Duration,
    pub rc_refresh_ttl: Duration,
    pub auth_code_ttl: Duration,
    pub ringcx_access_ttl: Duration,
    /// RingCX allows this many token exchanges per RingCentral user per rolling minute.
    pub exchange_limit_per_minute: u32,
    /// Assertions the jwt-bearer grant accepts.
    pub jwt_credentials: Vec<String>,
    /// How many RingCX agents (`agentDetails`) the RingCentral user has; 0 = none.
    pub agents: usize,
    /// How many users the admin/users tree holds.
    pub users: usize,
    /// Use names with diacritics and non-Latin scripts.
    pub non_ascii_names: bool,
    /// The agent has MANAGE_USERS (or SUPER_USER); `false` gives 403 on admin/users.
    pub manage_users: bool,
    /// RingCX access tokens are opaque (no JWT, no `exp`); the answer then
    /// states their lifetime as `expiresIn` seconds instead.
    pub opaque_ringcx_tokens: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            client_id: "fake-client-id".into(),
            client_secret: None,
            redirect_uris: None,
            deny_authorize: false,
            issue_rc_refresh_tokens: true,
            rc_access_ttl: Duration::from_secs(3600),
            rc_refresh_ttl: Duration::from_secs(604_800),
            auth_code_ttl: Duration::from_secs(60),
            ringcx_access_ttl: Duration::from_secs(300),
            exchange_limit_per_minute: 5,
            jwt_credentials: vec!["fake-jwt-credential".into()],
            agents: 1,
            users: 20,
            non_ascii_names: false,
            manage_users: true,
            opaque_ringcx_tokens: false,
        }
    }
}

impl Config {
    /// Sample data for `make demo`: several agents to choose from, a user tree
    /// worth scrolling, international names, and RingCX tokens that do not
    /// expire during a short demo (renewal still happens, just less often).
    pub fn demo() -> Self {
        Self {
            agents: 3,
            users: 300,
            non_ascii_names: true,
            ringcx_access_ttl: Duration::from_secs(1800),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_matches_the_documented_real_limits() {
        let c = Config::default();
        assert_eq!(c.client_id, "fake-client-id");
        assert_eq!(c.client_secret, None);
        assert!(c.issue_rc_refresh_tokens);
        assert_eq!(c.rc_access_ttl, Duration::from_secs(3600));
        assert_eq!(c.rc_refresh_ttl, Duration::from_secs(604_800));
        assert_eq!(c.auth_code_ttl, Duration::from_secs(60));
        assert_eq!(c.ringcx_access_ttl, Duration::from_secs(300));
        assert_eq!(c.exchange_limit_per_minute, 5);
        assert_eq!(c.jwt_credentials, vec!["fake-jwt-credential".to_string()]);
        assert_eq!((c.agents, c.users), (1, 20));
        assert!(c.manage_users && !c.non_ascii_names && !c.deny_authorize);
    }

    #[test]
    fn demo_has_several_agents_and_international_names() {
        let c = Config::demo();
        assert_eq!((c.agents, c.users), (3, 300));
        assert!(c.non_ascii_names);
        assert!(c.ringcx_access_ttl > Config::default().ringcx_access_ttl);
    }
}
