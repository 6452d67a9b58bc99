//! The user list as a table the window pages through. Search and sort run
//! here, in Rust, over the whole list; the window only ever receives the
//! few dozen rows it shows, so 100k users cost it what 100 do.
//!
//! The table keeps the response's bytes and one compact entry per user:
//! the columns' text in one shared buffer and where the user's object lies
//! in the bytes. The details view parses that one object again when it is
//! asked for, so no user is held twice (a parsed user with every field
//! costs about five times its JSON).

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::model::User;
use crate::packed::Packed;

/// The most rows one page may carry: a tall window shows about 60.
pub const MAX_PAGE: usize = 500;

/// The columns the window can sort by. `Tree` is the server's order, parents
/// before their children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SortKey {
    #[default]
    Tree,
    Name,
    UserName,
    Enabled,
    Roles,
    RcUserId,
    Created,
}

/// What the window asks for: a search, an order and a window of rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Query {
    pub text: String,
    pub sort: SortKey,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
}

/// One row as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    #[ts(type = "number")]
    pub user_id: i64,
    pub name: String,
    pub user_name: String,
    pub enabled: bool,
    pub roles: String,
    pub rc_user_id: String,
    pub created: String,
    pub depth: usize,
    pub parent_path: String,
}

/// A window of rows, with the counts the window shows as "N of M".
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub total: usize,
    pub matched: usize,
    pub offset: usize,
    pub rows: Vec<Row>,
    /// False while only the list's first rows are read: the counts are of
    /// those.
    pub complete: bool,
}

/// The body is not a list of users (or one past what the table indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAUserList;

/// The search and sort that produced `order`; scrolling reuses it.
#[derive(PartialEq, Eq)]
struct ViewKey {
    text: String,
    sort: SortKey,
    descending: bool,
}

/// The text columns of an entry, in the order their ends are kept.
#[derive(Clone, Copy)]
enum Col {
    Name,
    UserName,
    Roles,
    RcUserId,
    Created,
    ParentPath,
    /// Lower-cased name and user name: search and sort keys.
    NameFold,
    UserNameFold,
}

const COLS: usize = 8;

/// One user: 56 bytes beside its text and its JSON.
#[derive(Clone)]
struct Entry {
    user_id: i64,
    /// Where the user's object lies in the body.
    span: (u32, u32),
    /// Where the text of this entry starts in `text`, then each column's end.
    start: u32,
    ends: [u32; COLS],
    enabled: bool,
    depth: u16,
}

/// The fields a row needs, borrowed from the body where no escape forces a
/// copy; everything else in the object is skipped unparsed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    #[serde(deserialize_with = "crate::model::int")]
    user_id: i64,
    #[serde(default, borrow)]
    user_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    first_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    last_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    full_name: Option<Cow<'a, str>>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default, borrow)]
    parent_path: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "crate::model::opt_string")]
    rc_user_id: Option<String>,
    #[serde(default, deserialize_with = "crate::model::date")]
    creation_date: Option<String>,
    #[serde(default, deserialize_with = "crate::model::roles")]
    roles: Vec<String>,
    #[serde(default, borrow, deserialize_with = "crate::model::null_as_empty")]
    children: Vec<&'a RawValue>,
}

pub struct UserTable {
    /// The response, packed: only the details view reads it again.
    body: Packed,
    entries: Vec<Entry>,
    text: String,
    view: Mutex<Option<(ViewKey, Arc<Vec<u32>>)>>,
}

impl std::fmt::Debug for UserTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserTable")
            .field("users", &self.entries.len())
            .finish()
    }
}

/// "First Last", the full name, or the user name: what the list calls a user.
pub fn display_name(user: &User) -> String {
    name_of(
        user.user_id,
        user.full_name.as_deref(),
        user.first_name.as_deref(),
        user.last_name.as_deref(),
        user.user_name.as_deref(),
    )
}

fn name_of(
    user_id: i64,
    full: Option<&str>,
    first: Option<&str>,
    last: Option<&str>,
    user_name: Option<&str>,
) -> String {
    if let Some(full) = full.filter(|s| !s.trim().is_empty()) {
        return full.trim().to_string();
    }
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        name
    } else if let Some(u) = user_name.filter(|s| !s.is_empty()) {
        u.to_string()
    } else {
        format!("User {user_id}")
    }
}

/// Depth in the tree, from `parentPath` ("/1/5/" is depth 2).
fn depth_of(parent_path: &str) -> usize {
    parent_path.split('/').filter(|s| !s.is_empty()).count()
}

/// The table as it is read: entries and their text, before the body joins.
#[derive(Default)]
struct Built {
    entries: Vec<Entry>,
    text: String,
}

impl Built {
    /// Adds one listed object, then its children after it, as `flatten`
    /// would.
    fn add(&mut self, body: &[u8], raw: &RawValue) -> Result<(), NotAUserList> {
        let mut stack = vec![raw];
        while let Some(raw) = stack.pop() {
            let listed: Listed = serde_json::from_str(raw.get()).map_err(|_| NotAUserList)?;
            let at = raw.get().as_ptr() as usize - body.as_ptr() as usize;
            let span = (at as u32, (at + raw.get().len()) as u32);
            self.entries
                .push(UserTable::entry(&mut self.text, span, &listed)?);
            stack.extend(listed.children.iter().rev());
        }
        Ok(())
    }

    fn into_table(mut self, body: Packed) -> UserTable {
        self.text.shrink_to_fit();
        self.entries.shrink_to_fit();
        UserTable {
            body,
            entries: self.entries,
            text: self.text,
            view: Mutex::new(None),
        }
    }

    /// A table of what is read so far, with only the bytes its rows lie in.
    fn snapshot(&self, body: &[u8]) -> UserTable {
        let end = self.entries.iter().map(|e| e.span.1).max().unwrap_or(0);
        Built {
            entries: self.entries.clone(),
            text: self.text.clone(),
        }
        .into_table(Packed::new(&body[..end as usize]))
    }
}

/// Reads the top-level list one object at a time, so the first rows exist
/// before the last object is read.
struct Walk<'b, F> {
    body: &'b [u8],
    built: &'b mut Built,
    first: usize,
    early: Option<F>,
}

impl<'de, F: FnOnce(UserTable)> serde::de::Visitor<'de> for Walk<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of users")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        if let Some(n) = seq.size_hint() {
            self.built.entries.reserve(n);
        }
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            self.built
                .add(self.body, raw)
                .map_err(|_| serde::de::Error::custom("not a user"))?;
            if self.built.entries.len() >= self.first {
                if let Some(early) = self.early.take() {
                    early(self.built.snapshot(self.body));
                }
            }
        }
        Ok(())
    }
}

impl UserTable {
    /// Builds the table from the users response: a flat list, or a tree
    /// (from a server that ignores `flatten`), flattened parents first. The
    /// bytes are kept for the details view.
    pub fn parse(body: Vec<u8>) -> Result<Self, NotAUserList> {
        Self::parse_first(body, usize::MAX, |_| {})
    }

    /// Like [`UserTable::parse`], and as soon as `first` rows are read,
    /// hands `early` a table of just those (once; not at all for a shorter
    /// list), so a window can show its first screen while the rest is read.
    pub fn parse_first(
        body: Vec<u8>,
        first: usize,
        early: impl FnOnce(UserTable),
    ) -> Result<Self, NotAUserList> {
        u32::try_from(body.len()).map_err(|_| NotAUserList)?;
        let mut built = Built::default();
        // The body is packed on a second thread while this one reads the
        // rest, so the whole list is in no later than before; it starts once
        // the first rows are handed over, so they are not slowed.
        let (read, packed) = std::thread::scope(|s| {
            let (go, first_rows_out) = std::sync::mpsc::channel::<()>();
            if first == usize::MAX {
                // No early rows to wait for: pack from the start.
                let _ = go.send(());
            }
            let bytes = &body;
            // Without a thread to spare, the body is packed after the read.
            let packer = std::thread::Builder::new()
                .spawn_scoped(s, move || {
                    // An error here is the read ending before any early rows.
                    let _ = first_rows_out.recv();
                    Packed::new(bytes)
                })
                .ok();
            let mut de = serde_json::Deserializer::from_slice(&body);
            let walk = Walk {
                body: &body,
                built: &mut built,
                first,
                early: Some(move |table| {
                    early(table);
                    let _ = go.send(());
                }),
            };
            let read = serde::Deserializer::deserialize_seq(&mut de, walk)
                .and_then(|()| de.end())
                .map_err(|_| NotAUserList);
            let packed = match packer {
                Some(packer) => packer
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => Packed::new(bytes),
            };
            (read, packed)
        });
        read?;
        Ok(built.into_table(packed))
    }

    fn entry(text: &mut String, span: (u32, u32), u: &Listed) -> Result<Entry, NotAUserList> {
        let start = text.len();
        let name = name_of(
            u.user_id,
            u.full_name.as_deref(),
            u.first_name.as_deref(),
            u.last_name.as_deref(),
            u.user_name.as_deref(),
        );
        let user_name = u.user_name.as_deref().unwrap_or_default();
        let parent_path = u.parent_path.as_deref().unwrap_or_default();
        let mut ends = [0u32; COLS];
        let mut put = |col: Col, s: &str| -> Result<(), NotAUserList> {
            text.push_str(s);
            ends[col as usize] = u32::try_from(text.len()).map_err(|_| NotAUserList)?;
            Ok(())
        };
        put(Col::Name, &name)?;
        put(Col::UserName, user_name)?;
        put(Col::Roles, &u.roles.join(", "))?;
        put(Col::RcUserId, u.rc_user_id.as_deref().unwrap_or_default())?;
        put(Col::Created, u.creation_date.as_deref().unwrap_or_default())?;
        put(Col::ParentPath, parent_path)?;
        // A fold equal to its column (most user names) is kept empty.
        let fold = |s: &str| {
            Some(s.to_lowercase())
                .filter(|f| f != s)
                .unwrap_or_default()
        };
        put(Col::NameFold, &fold(&name))?;
        put(Col::UserNameFold, &fold(user_name))?;
        Ok(Entry {
            user_id: u.user_id,
            span,
            start: start as u32,
            ends,
            enabled: u.enabled.unwrap_or(true),
            depth: depth_of(parent_path).min(u16::MAX as usize) as u16,
        })
    }

    fn col(&self, e: &Entry, col: Col) -> &str {
        let i = col as usize;
        let from = if i == 0 { e.start } else { e.ends[i - 1] };
        let text = &self.text[from as usize..e.ends[i] as usize];
        match col {
            Col::NameFold if text.is_empty() => self.col(e, Col::Name),
            Col::UserNameFold if text.is_empty() => self.col(e, Col::UserName),
            _ => text,
        }
    }

    fn row(&self, e: &Entry) -> Row {
        Row {
            user_id: e.user_id,
            name: self.col(e, Col::Name).to_string(),
            user_name: self.col(e, Col::UserName).to_string(),
            enabled: e.enabled,
            roles: self.col(e, Col::Roles).to_string(),
            rc_user_id: self.col(e, Col::RcUserId).to_string(),
            created: self.col(e, Col::Created).to_string(),
            depth: e.depth as usize,
            parent_path: self.col(e, Col::ParentPath).to_string(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One window of the searched and sorted list. The order is kept, so
    /// scrolling through the same search costs only the slice.
    pub fn page(&self, query: &Query) -> Page {
        let order = self.order(query);
        let limit = query.limit.clamp(1, MAX_PAGE);
        let offset = query.offset.min(order.len());
        let end = (offset + limit).min(order.len());
        Page {
            total: self.entries.len(),
            matched: order.len(),
            offset,
            rows: order[offset..end]
                .iter()
                .map(|&i| self.row(&self.entries[i as usize]))
                .collect(),
            complete: true,
        }
    }

    /// The user with every field RingCX sent, for the details view: read
    /// again from the response (without its children, which are rows of
    /// their own).
    pub fn user(&self, user_id: i64) -> Option<User> {
        let e = self.entries.iter().find(|e| e.user_id == user_id)?;
        let bytes = self.body.read(e.span.0 as usize..e.span.1 as usize)?;
        let mut user: User = serde_json::from_slice(&bytes).ok()?;
        user.children.clear();
        Some(user)
    }

    fn matches(&self, e: &Entry, text: &str) -> bool {
        self.col(e, Col::NameFold).contains(text)
            || self.col(e, Col::UserNameFold).contains(text)
            // Only digits can match an id: no number is formatted for other text.
            || (text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                && e.user_id.to_string().contains(text))
    }

    fn order(&self, query: &Query) -> Arc<Vec<u32>> {
        let key = ViewKey {
            text: query.text.trim().to_lowercase(),
            sort: query.sort,
            descending: query.descending,
        };
        let mut view = self.view.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, order)) = view.as_ref() {
            if *k == key {
                return order.clone();
            }
        }
        let mut order: Vec<u32> = (0..self.entries.len() as u32)
            .filter(|&i| key.text.is_empty() || self.matches(&self.entries[i as usize], &key.text))
            .collect();
        self.sort(&mut order, key.sort, key.descending);
        let order = Arc::new(order);
        *view = Some((key, order.clone()));
        order
    }

    // Stable sorts, so equal keys keep the tree order both ways; empty
    // values go last both ways.
    fn sort(&self, order: &mut [u32], by: SortKey, descending: bool) {
        use std::cmp::Ordering;
        let entry = |i: &u32| &self.entries[*i as usize];
        let col = |i: &u32, c: Col| self.col(entry(i), c);
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        // Compares (is it empty, the value): the emptiness never flips.
        let text = |x: &str, y: &str| x.is_empty().cmp(&y.is_empty()).then_with(|| dir(x.cmp(y)));
        let by_col = |c: Col| move |a: &u32, b: &u32| text(col(a, c), col(b, c));
        match by {
            SortKey::Tree => {
                if descending {
                    order.reverse();
                }
            }
            SortKey::Name => order.sort_by(by_col(Col::NameFold)),
            SortKey::UserName => order.sort_by(by_col(Col::UserNameFold)),
            SortKey::Enabled => {
                order.sort_by(|a, b| dir((!entry(a).enabled).cmp(&!entry(b).enabled)))
            }
            SortKey::Roles => order.sort_by(by_col(Col::Roles)),
            // Numeric ids sort as numbers: shorter first, then digit by digit.
            SortKey::RcUserId => order.sort_by(|a, b| {
                let (x, y) = (col(a, Col::RcUserId), col(b, Col::RcUserId));
                x.is_empty()
                    .cmp(&y.is_empty())
                    .then_with(|| dir(x.len().cmp(&y.len()).then_with(|| x.cmp(y))))
            }),
            SortKey::Created => order.sort_by(by_col(Col::Created)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"[
      {"userId": 1, "firstName": "Zoë", "lastName": "Łukasiewicz", "userName": "zoe@x.com", "enabled": true, "parentPath": "/", "roles": ["SUPER_USER"], "rcUserId": 90, "creationDate": "2024-03-01T00:00:00Z", "teamLead": true},
      {"userId": 2, "fullName": "adam brown", "userName": "adam@x.com", "enabled": false, "parentPath": "/1/", "roles": [], "creationDate": "2023-01-01T00:00:00Z"},
      {"userId": 17, "firstName": "Carla", "userName": "carla@x.com", "parentPath": "/1/", "rcUserId": "100"},
      {"userId": 4, "userName": "bob@x.com", "enabled": true}
    ]"#;

    fn table() -> UserTable {
        UserTable::parse(LIST.as_bytes().to_vec()).unwrap()
    }

    fn ids(page: &Page) -> Vec<i64> {
        page.rows.iter().map(|r| r.user_id).collect()
    }

    fn query(text: &str, sort: SortKey, descending: bool) -> Query {
        Query {
            text: text.into(),
            sort,
            descending,
            offset: 0,
            limit: 50,
        }
    }

    #[test]
    fn rows_carry_what_the_list_shows() {
        let t = table();
        let p = t.page(&query("", SortKey::Tree, false));
        assert_eq!((p.total, p.matched), (4, 4));
        assert_eq!(ids(&p), [1, 2, 17, 4]);
        let zoe = &p.rows[0];
        assert_eq!(zoe.name, "Zoë Łukasiewicz");
        assert_eq!(zoe.user_name, "zoe@x.com");
        assert_eq!(zoe.roles, "SUPER_USER");
        assert_eq!(zoe.rc_user_id, "90");
        assert_eq!(zoe.created, "2024-03-01T00:00:00Z");
        assert_eq!((zoe.depth, zoe.parent_path.as_str()), (0, "/"));
        assert_eq!(p.rows[1].name, "adam brown");
        assert!(!p.rows[1].enabled);
        assert_eq!(p.rows[1].depth, 1);
        assert!(p.rows[2].enabled, "no `enabled` reads as enabled");
        assert_eq!(p.rows[3].name, "bob@x.com");
        assert_eq!(p.rows[3].created, "");
    }

    #[test]
    fn search_matches_name_user_name_and_id_ignoring_case() {
        let t = table();
        assert_eq!(ids(&t.page(&query("łUKA", SortKey::Tree, false))), [1]);
        assert_eq!(ids(&t.page(&query("BOB@", SortKey::Tree, false))), [4]);
        assert_eq!(ids(&t.page(&query(" 17 ", SortKey::Tree, false))), [17]);
        assert_eq!(ids(&t.page(&query("1", SortKey::Tree, false))), [1, 17]);
        let none = t.page(&query("nobody", SortKey::Tree, false));
        assert_eq!((none.matched, none.total, none.rows.len()), (0, 4, 0));
    }

    #[test]
    fn sorts_by_every_column_both_ways() {
        let t = table();
        let by = |k, d| ids(&t.page(&query("", k, d)));
        assert_eq!(by(SortKey::Name, false), [2, 4, 17, 1]);
        assert_eq!(by(SortKey::Name, true), [1, 17, 4, 2]);
        assert_eq!(by(SortKey::UserName, true), [1, 17, 4, 2]);
        assert_eq!(
            by(SortKey::Enabled, true),
            [2, 1, 17, 4],
            "ties keep tree order"
        );
        assert_eq!(
            by(SortKey::Roles, true),
            [1, 2, 17, 4],
            "empty roles last, in tree order"
        );
        assert_eq!(by(SortKey::RcUserId, true), [17, 1, 2, 4], "empty ids last");
        assert_eq!(by(SortKey::Tree, true), [4, 17, 2, 1]);
        assert_eq!(by(SortKey::UserName, false), [2, 4, 17, 1]);
        assert_eq!(by(SortKey::Enabled, false), [1, 17, 4, 2]);
        assert_eq!(by(SortKey::Roles, false), [1, 2, 17, 4], "empty roles last");
        assert_eq!(by(SortKey::RcUserId, false), [1, 17, 2, 4]);
        assert_eq!(by(SortKey::Created, false), [2, 1, 17, 4]);
        assert_eq!(
            by(SortKey::Created, true),
            [1, 2, 17, 4],
            "empty dates last"
        );
    }

    #[test]
    fn pages_are_windows_of_the_same_order() {
        let t = table();
        let mut q = query("", SortKey::Name, false);
        q.offset = 1;
        q.limit = 2;
        let p = t.page(&q);
        assert_eq!((p.offset, ids(&p)), (1, vec![4, 17]));
        q.offset = 99;
        let past = t.page(&q);
        assert_eq!((past.offset, past.rows.len(), past.matched), (4, 0, 4));
        q.offset = 0;
        q.limit = 0;
        assert_eq!(t.page(&q).rows.len(), 1, "a zero limit still shows a row");
    }

    #[test]
    fn details_are_read_again_with_every_field_the_server_sent() {
        let t = table();
        let zoe = serde_json::to_value(t.user(1).unwrap()).unwrap();
        assert_eq!(zoe["teamLead"], true);
        assert_eq!(zoe["firstName"], "Zoë");
        assert_eq!(zoe["rcUserId"], "90", "named fields normalised as before");
        assert!(t.user(999).is_none());
        assert_eq!(format!("{t:?}"), "UserTable { users: 4 }");
    }

    #[test]
    fn a_tree_is_flattened_parents_first_and_details_leave_children_out() {
        let tree = r#"[{"userId": 1, "userName": "root", "children": [
            {"userId": 2, "userName": "a", "children": [{"userId": 3, "userName": "a1", "children": null}]},
            {"userId": 4, "userName": "b"}]},
          {"userId": 5, "userName": "other"}]"#;
        let t = UserTable::parse(tree.as_bytes().to_vec()).unwrap();
        assert_eq!(
            ids(&t.page(&query("", SortKey::Tree, false))),
            [1, 2, 3, 4, 5]
        );
        let root = serde_json::to_value(t.user(1).unwrap()).unwrap();
        assert_eq!(root["userName"], "root");
        assert!(root.get("children").is_none(), "{root}");
        assert_eq!(t.user(3).unwrap().user_name.as_deref(), Some("a1"));
    }

    #[test]
    fn escaped_text_and_ids_as_strings_read_like_plain_ones() {
        let t = UserTable::parse(
            br#"[{"userId": "7", "fullName": "Ann \"A\" \u00c5berg", "userName": "ann\/x", "roles": [{"roleType": "USER"}],
                  "creationDate": {"millis": 1700000000000}}]"#
                .to_vec(),
        )
        .unwrap();
        let row = &t.page(&query("åberg", SortKey::Tree, false)).rows[0];
        assert_eq!(row.user_id, 7);
        assert_eq!(row.name, "Ann \"A\" Åberg");
        assert_eq!(row.user_name, "ann/x");
        assert_eq!(row.roles, "USER");
        assert_eq!(row.created, "2023-11-14T22:13:20Z");
    }

    #[test]
    fn what_is_not_a_user_list_is_refused() {
        for body in [
            &b"{}"[..],
            b"[1, 2]",
            b"[{\"userName\": \"no id\"}]",
            b"<html>",
            b"[{\"userId\": 1}",
        ] {
            assert!(
                UserTable::parse(body.to_vec()).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(UserTable::parse(b"[]".to_vec()).unwrap().is_empty());
    }

    #[test]
    fn a_fold_equal_to_its_column_is_kept_once() {
        let t = UserTable::parse(
            br#"[{"userId": 1, "firstName": "ann", "userName": "a@x.com"},
                 {"userId": 2, "firstName": "Bob", "userName": "B@X.com"}]"#
                .to_vec(),
        )
        .unwrap();
        // "ann" and "a@x.com" once; "Bob" and "B@X.com" with their folds.
        assert_eq!(t.text.len(), "anna@x.comBobB@X.combobb@x.com".len());
        assert_eq!(ids(&t.page(&query("ANN", SortKey::Name, false))), [1]);
        assert_eq!(ids(&t.page(&query("b@x", SortKey::Name, false))), [2]);
        assert_eq!(ids(&t.page(&query("", SortKey::Name, true))), [2, 1]);
        assert_eq!(ids(&t.page(&query("", SortKey::UserName, false))), [1, 2]);
    }

    #[test]
    fn a_hundred_thousand_users_search_and_sort() {
        let mut body = String::from("[");
        for i in 0..100_000 {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!(
                r#"{{"userId": {i}, "firstName": "User{}", "userName": "u{i}@x.com"}}"#,
                100_000 - i
            ));
        }
        body.push(']');
        let len = body.len();
        let t = UserTable::parse(body.into_bytes()).unwrap();
        assert_eq!(t.len(), 100_000);
        assert!(!t.is_empty());
        // The body is kept packed, and every user reads back from it,
        // wherever its bytes fall among the packed blocks.
        assert!(
            t.body.packed_len() * 2 < len,
            "{} of {len}",
            t.body.packed_len()
        );
        for id in [0, 1_000, 54_321, 99_999] {
            let user = t.user(id).expect("every user reads back");
            assert_eq!(user.user_id, id);
            assert_eq!(
                user.user_name.as_deref(),
                Some(format!("u{id}@x.com").as_str())
            );
        }
        let p = t.page(&query("user99999", SortKey::Name, false));
        assert_eq!(ids(&p), [1]);
        let mut q = query("", SortKey::Name, true);
        q.limit = 10_000;
        let p = t.page(&q);
        assert_eq!(p.rows.len(), MAX_PAGE);
        assert_eq!(p.rows[0].name, "User99999");
    }

    #[test]
    fn the_first_rows_come_early_and_the_whole_table_after() {
        let mut early = None;
        let whole =
            UserTable::parse_first(LIST.as_bytes().to_vec(), 2, |t| early = Some(t)).unwrap();
        let early = early.expect("a list longer than two hands its first two early");
        let first = early.page(&query("", SortKey::Tree, false));
        assert_eq!((first.total, ids(&first)), (2, vec![1, 2]));
        assert_eq!(
            first.rows,
            whole.page(&query("", SortKey::Tree, false)).rows[..2]
        );
        // The early table keeps only the bytes its rows lie in, and reads
        // their details from them.
        assert!(early.body.len() < whole.body.len());
        assert_eq!(early.user(2), whole.user(2));
        assert_eq!(early.user(4), None);
        assert_eq!(
            ids(&whole.page(&query("", SortKey::Tree, false))),
            [1, 2, 17, 4]
        );

        // A tree counts its children: the first rows are parents first.
        let tree = r#"[{"userId": 1, "children": [{"userId": 2}, {"userId": 3}]}, {"userId": 4}]"#;
        let mut early = None;
        UserTable::parse_first(tree.as_bytes().to_vec(), 2, |t| early = Some(t)).unwrap();
        assert_eq!(
            ids(&early.unwrap().page(&query("", SortKey::Tree, false))),
            [1, 2, 3]
        );
    }

    #[test]
    fn a_short_list_has_no_early_table_and_a_bad_tail_fails_the_whole() {
        let mut called = false;
        let t = UserTable::parse_first(LIST.as_bytes().to_vec(), 5, |_| called = true).unwrap();
        assert_eq!((called, t.len()), (false, 4));

        let bad_tail = r#"[{"userId": 1}, {"userId": 2}, {"userName": "no id"}]"#;
        let mut early = None;
        let whole = UserTable::parse_first(bad_tail.as_bytes().to_vec(), 1, |t| early = Some(t));
        assert_eq!(whole.unwrap_err(), NotAUserList);
        assert_eq!(
            early.map(|t| t.len()),
            Some(1),
            "the first rows came before the fault"
        );
        for cut in [r#"[{"userId": 1}, {"userId": 2}"#, r#"[{"userId": 1}] []"#] {
            assert!(
                UserTable::parse_first(cut.as_bytes().to_vec(), 1, |_| {}).is_err(),
                "{cut}"
            );
        }
    }

    #[test]
    fn display_name_falls_back_in_order() {
        let u = |v| serde_json::from_value::<User>(v).unwrap();
        assert_eq!(display_name(&u(serde_json::json!({"userId": 3}))), "User 3");
        assert_eq!(
            display_name(&u(
                serde_json::json!({"userId": 3, "fullName": "  ", "lastName": "Li"})
            )),
            "Li"
        );
    }
}
