//! RingCX answers, parsed leniently: unknown fields are ignored, nullable
//! fields stay optional, ids come as numbers or strings, and the shapes of
//! `roles` and `creationDate` vary between the docs and the spec.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// One RingCX agent of the signed-in RingCentral user.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    #[serde(deserialize_with = "int")]
    #[ts(type = "number")]
    pub agent_id: i64,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub agent_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub rc_user_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub account_id: Option<String>,
    #[serde(default)]
    pub account_name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub agent_group_id: Option<String>,
    #[serde(default)]
    pub allow_login_control: Option<bool>,
    #[serde(default)]
    pub allow_login_updates: Option<bool>,
}

impl Agent {
    /// "First Last", or the user name when the names are missing.
    pub fn display_name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            self.username
                .clone()
                .unwrap_or_else(|| format!("Agent {}", self.agent_id))
        } else {
            name
        }
    }
}

/// The RingCentral user as RingCX reports it (sometimes present).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RcUser {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `AccessTokenUserDetails` without its tokens: what the exchange, the
/// refresh and `GET /api/auth/login` return about the user.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UserDetails {
    #[serde(default, deserialize_with = "opt_string")]
    pub main_account_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub agent_details: Vec<Agent>,
    #[serde(default, deserialize_with = "opt_string")]
    pub admin_id: Option<String>,
    #[serde(default)]
    pub admin_url: Option<String>,
    #[serde(default)]
    pub agent_url: Option<String>,
    #[serde(default)]
    pub sso_login: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    pub platform_id: Option<String>,
    #[serde(default)]
    pub rc_user: Option<RcUser>,
}

/// The token part of `AccessTokenUserDetails`. Kept out of `UserDetails` so
/// the profile can never carry a token by accident.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenPart {
    pub access_token: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Seconds, where a server states the lifetime of an opaque token.
    /// Read leniently: a lifetime of another shape is ignored, not an error.
    #[serde(default, alias = "expires_in")]
    pub expires_in: Option<serde_json::Value>,
}

/// One RingCX user from `GET /voice/api/v1/admin/users`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(deserialize_with = "int")]
    pub user_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_user: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_path: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub rc_account_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub rc_user_id: Option<String>,
    #[serde(
        default,
        rename = "userManagedByRC",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_managed_by_rc: Option<bool>,
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_date: Option<String>,
    #[serde(default, deserialize_with = "roles")]
    pub roles: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub children: Vec<User>,
    /// Every field this model does not name, kept so the details view shows
    /// all that RingCX sent (the named ones are normalised: ids as strings,
    /// dates as ISO 8601, roles as names).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom("id out of range")),
        Value::String(s) => s.trim().parse().map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}

pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

pub(crate) fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Roles are strings in the docs and `{roleType, description}` in the spec.
pub(crate) fn roles<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(v.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|r| match r {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => o
                        .get("roleType")
                        .or_else(|| o.get("role"))
                        .or_else(|| o.get("name"))
                        .and_then(|x| x.as_str())
                        .map(str::to_string),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default())
}

/// `creationDate` is a string in the docs and an object in the spec; both
/// become one display string (ISO 8601 where the object allows it).
pub(crate) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => n.as_i64().and_then(|ms| crate::clock::iso_utc(ms / 1000)),
        Value::Object(o) => {
            let secs = o
                .get("epochSecond")
                .or_else(|| o.get("seconds"))
                .and_then(|x| x.as_i64())
                .or_else(|| {
                    // Joda's `{"millis": …}` (the spec's shape, which the
                    // fake sends), `iMillis` in older serializers, `time`.
                    ["millis", "iMillis", "time"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(|x| x.as_i64()))
                        .map(|ms| ms.div_euclid(1000))
                });
            secs.and_then(crate::clock::iso_utc)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../fake-ringcx/spec/rc-auth-response.json");

    #[test]
    fn parses_the_documented_exchange_response() {
        let d: UserDetails = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(d.main_account_id.as_deref(), Some("333333"));
        assert_eq!(d.admin_id.as_deref(), Some("1111"));
        assert_eq!(d.sso_login, Some(true));
        let a = &d.agent_details[0];
        assert_eq!(a.agent_id, 111111);
        assert_eq!(a.rc_user_id.as_deref(), Some("222222"));
        assert_eq!(a.account_id.as_deref(), Some("333333"));
        assert_eq!(a.agent_group_id, None);
        assert_eq!(a.display_name(), "John Wang");
        let t: TokenPart = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(t.refresh_token.as_deref(), Some("<rcRingCXRefreshToken>"));
    }

    #[test]
    fn tolerates_nulls_unknown_fields_and_string_ids() {
        let d: UserDetails = serde_json::from_str(
            r#"{"agentDetails":null,"mainAccountId":42,"somethingNew":{"x":1},"adminId":null}"#,
        )
        .unwrap();
        assert!(d.agent_details.is_empty());
        assert_eq!(d.main_account_id.as_deref(), Some("42"));
        let a: Agent = serde_json::from_str(r#"{"agentId":"17","accountId":99}"#).unwrap();
        assert_eq!(a.agent_id, 17);
        assert_eq!(a.account_id.as_deref(), Some("99"));
        assert_eq!(a.display_name(), "Agent 17");
    }

    #[test]
    fn roles_and_dates_in_both_shapes() {
        let u: User = serde_json::from_str(
            r#"{"userId":1,"roles":["MANAGE_USERS",{"roleType":"SUPER_USER","description":"x"}],"creationDate":"2021-03-04T05:06:07.000+0000"}"#,
        )
        .unwrap();
        assert_eq!(u.roles, vec!["MANAGE_USERS", "SUPER_USER"]);
        assert_eq!(
            u.creation_date.as_deref(),
            Some("2021-03-04T05:06:07.000+0000")
        );
        let u: User = serde_json::from_str(
            r#"{"userId":2,"roles":null,"creationDate":{"epochSecond":1614834367,"nano":0}}"#,
        )
        .unwrap();
        assert!(u.roles.is_empty());
        assert_eq!(u.creation_date.as_deref(), Some("2021-03-04T05:06:07Z"));
        for joda in [
            r#"{"userId":3,"creationDate":{"millis":1614834367000,"chronology":{"zone":{"fixed":true,"id":"UTC"}}}}"#,
            r#"{"userId":3,"creationDate":{"iMillis":1614834367123}}"#,
        ] {
            let u: User = serde_json::from_str(joda).unwrap();
            assert_eq!(
                u.creation_date.as_deref(),
                Some("2021-03-04T05:06:07Z"),
                "{joda}"
            );
        }
    }
}
