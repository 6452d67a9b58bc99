//! `GET /voice/api/v1/admin/users`, written straight to a JSON string so
//! that 100 000 users take milliseconds, not seconds, even in debug builds.
//!
//! Choices where the reference is silent:
//! - One root user (userId 1, `rootUser: true`, parentPath "/"); user i's
//!   parent is (i-1)/8, giving a tree eight wide and a few levels deep.
//!   parentPath lists the ancestors' ids, e.g. "/1/3/".
//! - About one user in ten is disabled, and only users without children
//!   are, so `activeOnly=true` simply drops them from the tree.
//! - `flatten=true` lists users in userId order with `children: []`.
//! - The documented type variance is reproduced: `roles` is a list of
//!   strings for some users and of `{roleType, description}` objects for
//!   others; `creationDate` rotates between an ISO string
//!   ("2021-03-04T05:06:07.000+0000"), a Joda-style object (`millis`,
//!   `year`, …, as the spec's DateTime), a java Instant object
//!   (`epochSecond`, `nano`) and epoch milliseconds. `regionalSettings` is
//!   sometimes null.

use crate::names::person;

const FANOUT: usize = 8;
const BASE_EPOCH: i64 = 1_614_834_367; // 2021-03-04T05:06:07Z

pub(crate) fn is_enabled(i: usize, n: usize) -> bool {
    !(is_leaf(i, n) && i % 10 == 7)
}

fn is_leaf(i: usize, n: usize) -> bool {
    FANOUT * i + 1 >= n
}

fn children(i: usize, n: usize) -> std::ops::Range<usize> {
    let first = (FANOUT * i + 1).min(n);
    first..(first + FANOUT).min(n)
}

/// The whole response body.
pub(crate) fn render(n: usize, non_ascii: bool, active_only: bool, flatten: bool) -> Vec<u8> {
    let mut out = String::with_capacity(n * 520 + 2);
    out.push('[');
    let mut first = true;
    let keep = |i: usize| !active_only || is_enabled(i, n);
    if flatten {
        for i in (0..n).filter(|&i| keep(i)) {
            if !first {
                out.push(',');
            }
            first = false;
            write_user(&mut out, i, n, non_ascii, None);
        }
    } else if n > 0 {
        write_user(&mut out, 0, n, non_ascii, Some(&keep));
    }
    out.push(']');
    out.into_bytes()
}

/// `tree` is `Some(filter)` to nest children, `None` for the flat list.
fn write_user(
    out: &mut String,
    i: usize,
    n: usize,
    non_ascii: bool,
    tree: Option<&dyn Fn(usize) -> bool>,
) {
    let p = person(i, non_ascii);
    let id = i + 1;
    out.push_str("{\"userId\":");
    out.push_str(&id.to_string());
    out.push_str(",\"userName\":");
    push_json_str(out, &p.email(Some(id)));
    out.push_str(",\"firstName\":");
    push_json_str(out, p.first);
    out.push_str(",\"lastName\":");
    push_json_str(out, p.last);
    out.push_str(",\"fullName\":");
    push_json_str(out, &p.full());
    out.push_str(",\"enabled\":");
    out.push_str(if is_enabled(i, n) { "true" } else { "false" });
    out.push_str(",\"rootUser\":");
    out.push_str(if i == 0 { "true" } else { "false" });
    out.push_str(",\"parentPath\":\"");
    push_parent_path(out, i);
    out.push_str("\",\"rcAccountId\":\"");
    out.push_str(crate::data::RC_ACCOUNT_ID);
    out.push_str("\",\"rcUserId\":");
    // Past i32 on purpose: rcUserId is int64 in the spec.
    out.push_str(&(62_264_425_000u64 + i as u64).to_string());
    out.push_str(",\"userManagedByRC\":");
    out.push_str(if i % 6 == 5 { "false" } else { "true" });
    out.push_str(",\"creationDate\":");
    push_creation_date(out, i);
    out.push_str(",\"regionalSettings\":");
    out.push_str(if i % 11 == 5 {
        "null"
    } else {
        r#"{"formattingLocale":"en-US","greetingLanguage":"en-US","homeCountry":1,"homeCountryCode":"US","language":"en-US","timeFormat":"12h","timezone":58}"#
    });
    out.push_str(",\"roles\":");
    out.push_str(roles(i));
    out.push_str(",\"children\":[");
    if let Some(keep) = tree {
        let mut first = true;
        for c in children(i, n).filter(|&c| keep(c)) {
            if !first {
                out.push(',');
            }
            first = false;
            write_user(out, c, n, non_ascii, Some(keep));
        }
    }
    out.push_str("]}");
}

fn roles(i: usize) -> &'static str {
    if i == 0 {
        return r#"[{"roleType":"SUPER_USER","description":"Authenticated Super User"}]"#;
    }
    match i % 3 {
        0 => r#"["USER","MANAGE_USERS"]"#,
        1 => r#"[{"roleType":"USER","description":"Authenticated User"}]"#,
        _ => r#"["USER"]"#,
    }
}

fn push_parent_path(out: &mut String, i: usize) {
    let mut ancestors = Vec::new();
    let mut at = i;
    while at > 0 {
        at = (at - 1) / FANOUT;
        ancestors.push(at + 1);
    }
    out.push('/');
    for a in ancestors.iter().rev() {
        out.push_str(&a.to_string());
        out.push('/');
    }
}

fn push_creation_date(out: &mut String, i: usize) {
    let secs = BASE_EPOCH + i as i64 * 3571;
    let millis = secs * 1000;
    let t =
        time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    let text = match i % 4 {
        0 => format!("\"{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000+0000\""),
        1 => format!(
            "{{\"millis\":{millis},\"year\":{y},\"monthOfYear\":{mo},\"dayOfMonth\":{d},\"hourOfDay\":{h},\
             \"minuteOfHour\":{mi},\"secondOfMinute\":{s},\"millisOfSecond\":0,\
             \"zone\":{{\"fixed\":true,\"id\":\"UTC\"}},\"afterNow\":false,\"beforeNow\":true,\"equalNow\":false}}"
        ),
        2 => format!("{{\"epochSecond\":{secs},\"nano\":0}}"),
        _ => millis.to_string(),
    };
    out.push_str(&text);
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(n: usize, active: bool, flat: bool) -> Vec<Value> {
        serde_json::from_slice::<Value>(&render(n, true, active, flat))
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    fn count(users: &[Value]) -> usize {
        users
            .iter()
            .map(|u| 1 + count(u["children"].as_array().unwrap()))
            .sum()
    }

    #[test]
    fn tree_flat_and_active_counts_agree() {
        let n = 100;
        let disabled = (0..n).filter(|&i| !is_enabled(i, n)).count();
        assert!((5..=15).contains(&disabled), "{disabled}");
        let tree = parse(n, false, false);
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0]["rootUser"], true);
        assert_eq!(count(&tree), n);
        assert_eq!(parse(n, false, true).len(), n);
        assert_eq!(parse(n, true, true).len(), n - disabled);
        assert_eq!(count(&parse(n, true, false)), n - disabled);
        assert!(render(0, false, false, false) == b"[]");
    }

    #[test]
    fn paths_dates_and_variance() {
        let flat = parse(80, false, true);
        assert_eq!(flat[0]["parentPath"], "/");
        assert_eq!(flat[9]["parentPath"], "/1/2/");
        assert_eq!(flat[0]["creationDate"], "2021-03-04T05:06:07.000+0000");
        assert!(flat[1]["creationDate"]["millis"].is_i64());
        assert!(flat[2]["creationDate"]["epochSecond"].is_i64());
        assert!(flat[3]["creationDate"].is_i64());
        assert!(flat[3]["roles"][0].is_string());
        assert!(flat[4]["roles"][0].is_object());
        assert!(flat[5]["regionalSettings"].is_null());
        assert_eq!(flat[0]["firstName"], "Zoë");
    }

    #[test]
    fn dates_and_escaping() {
        let mut date = String::new();
        push_creation_date(&mut date, 0);
        assert_eq!(date, "\"2021-03-04T05:06:07.000+0000\"");
        let mut s = String::new();
        push_json_str(&mut s, "a\"b\\c\u{1}é");
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "a\"b\\c\u{1}é");
    }

    #[test]
    fn large_trees_render_fast() {
        let t = std::time::Instant::now();
        let body = render(100_000, true, false, false);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t.elapsed()
        );
        assert!(body.len() > 1_000_000);
    }
}
