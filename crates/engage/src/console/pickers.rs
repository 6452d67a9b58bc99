//! Ids the session cannot know but a list call can: which call lists
//! them, and which fields name each one.

use serde::Serialize;
use serde_json::Value;

/// Where the choices for one path parameter come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picker {
    pub param: &'static str,
    /// A GET of the catalogue; its own placeholders come from the form.
    pub list: &'static str,
    /// The field holding the id in each listed item.
    pub id: &'static str,
    /// The fields that name an item, joined with spaces.
    pub label: &'static [&'static str],
}

/// The account's admin path, joined at compile time.
macro_rules! admin {
    ($tail:literal) => {
        concat!("/voice/api/v1/admin/accounts/{accountId}", $tail)
    };
}

pub const PICKERS: [Picker; 6] = [
    Picker {
        param: "agentGroupId",
        list: admin!("/agentGroups"),
        id: "agentGroupId",
        label: &["groupName"],
    },
    Picker {
        param: "agentId",
        list: admin!("/agentGroups/{agentGroupId}/agents"),
        id: "agentId",
        label: &["firstName", "lastName"],
    },
    Picker {
        param: "gateGroupId",
        // The spec has no plain list of gate groups.
        list: admin!("/gateGroups/withChildren"),
        id: "gateGroupId",
        label: &["groupName"],
    },
    Picker {
        param: "gateId",
        list: admin!("/gateGroups/{gateGroupId}/gates"),
        id: "gateId",
        label: &["gateName"],
    },
    Picker {
        param: "dialGroupId",
        list: admin!("/dialGroups"),
        id: "dialGroupId",
        label: &["dialGroupName"],
    },
    Picker {
        param: "campaignId",
        list: admin!("/dialGroups/{dialGroupId}/campaigns"),
        id: "campaignId",
        label: &["campaignName"],
    },
];

/// The picker for a path parameter, if it has one.
pub fn picker(param: &str) -> Option<&'static Picker> {
    PICKERS.iter().find(|p| p.param == param)
}

/// One choice: the id, and what names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The choices in a list answer (an array of objects); items without an
/// id are skipped.
pub fn choices(picker: &Picker, body: &Value) -> Vec<Choice> {
    body.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let value = text(&item[picker.id])?;
            let label = picker
                .label
                .iter()
                .filter_map(|f| text(&item[*f]))
                .collect::<Vec<_>>()
                .join(" ");
            Some(Choice { value, label })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use serde_json::json;

    #[test]
    fn every_list_is_a_get_of_the_catalogue() {
        for p in PICKERS {
            let op = Catalogue::get().find("GET", p.list);
            assert!(op.is_some(), "GET {} is not in the catalogue", p.list);
        }
        assert_eq!(picker("gateId").unwrap().id, "gateId");
        assert!(picker("leadId").is_none());
    }

    #[test]
    fn choices_name_each_id_and_skip_items_without_one() {
        let body = json!([
            {"agentId": 7, "firstName": "Ada", "lastName": "Lovelace"},
            {"agentId": "8", "firstName": "Grace"},
            {"firstName": "no id"},
        ]);
        let got = choices(picker("agentId").unwrap(), &body);
        assert_eq!(
            got,
            [
                Choice {
                    value: "7".into(),
                    label: "Ada Lovelace".into()
                },
                Choice {
                    value: "8".into(),
                    label: "Grace".into()
                },
            ]
        );
        assert!(choices(picker("agentId").unwrap(), &json!({"not": "a list"})).is_empty());
    }
}
