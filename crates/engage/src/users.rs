//! The user list as a table the window pages through. Search and sort run
//! here, in Rust, over the whole list; the window only ever receives the
//! few dozen rows it shows, so 100k users cost it what 100 do.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::model::User;

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
}

/// The search and sort that produced `order`; scrolling reuses it.
#[derive(PartialEq, Eq)]
struct ViewKey {
    text: String,
    sort: SortKey,
    descending: bool,
}

pub struct UserTable {
    rows: Vec<Row>,
    users: Vec<User>,
    /// Lower-cased name, user name and id, joined, so a search is one scan.
    haystacks: Vec<String>,
    /// Lower-cased sort keys for the text columns.
    folded: Vec<(String, String)>,
    view: Mutex<Option<(ViewKey, Arc<Vec<u32>>)>>,
}

impl std::fmt::Debug for UserTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserTable")
            .field("users", &self.users.len())
            .finish()
    }
}

/// "First Last", the full name, or the user name: what the list calls a user.
pub fn display_name(user: &User) -> String {
    if let Some(full) = user.full_name.as_deref().filter(|s| !s.trim().is_empty()) {
        return full.trim().to_string();
    }
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        name
    } else if let Some(u) = user.user_name.as_deref().filter(|s| !s.is_empty()) {
        u.to_string()
    } else {
        format!("User {}", user.user_id)
    }
}

impl UserTable {
    /// Builds the table from a flattened list, keeping its order as `Tree`.
    pub fn new(users: Vec<User>) -> Self {
        let rows: Vec<Row> = users
            .iter()
            .map(|u| Row {
                user_id: u.user_id,
                name: display_name(u),
                user_name: u.user_name.clone().unwrap_or_default(),
                enabled: u.enabled.unwrap_or(true),
                roles: u.roles.join(", "),
                rc_user_id: u.rc_user_id.clone().unwrap_or_default(),
                created: u.creation_date.clone().unwrap_or_default(),
                depth: u.depth(),
                parent_path: u.parent_path.clone().unwrap_or_default(),
            })
            .collect();
        let haystacks = rows
            .iter()
            .map(|r| format!("{}\u{1f}{}\u{1f}{}", r.name, r.user_name, r.user_id).to_lowercase())
            .collect();
        let folded = rows
            .iter()
            .map(|r| (r.name.to_lowercase(), r.user_name.to_lowercase()))
            .collect();
        UserTable {
            rows,
            users,
            haystacks,
            folded,
            view: Mutex::new(None),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// One window of the searched and sorted list. The order is kept, so
    /// scrolling through the same search costs only the slice.
    pub fn page(&self, query: &Query) -> Page {
        let order = self.order(query);
        let limit = query.limit.clamp(1, MAX_PAGE);
        let offset = query.offset.min(order.len());
        let end = (offset + limit).min(order.len());
        Page {
            total: self.rows.len(),
            matched: order.len(),
            offset,
            rows: order[offset..end]
                .iter()
                .map(|&i| self.rows[i as usize].clone())
                .collect(),
        }
    }

    /// The user with every field RingCX sent, for the details view.
    pub fn user(&self, user_id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.user_id == user_id)
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
        let mut order: Vec<u32> = (0..self.rows.len() as u32)
            .filter(|&i| key.text.is_empty() || self.haystacks[i as usize].contains(&key.text))
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
        let row = |i: &u32| &self.rows[*i as usize];
        let fold = |i: &u32| &self.folded[*i as usize];
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        // Compares (is it empty, the value): the emptiness never flips.
        let text = |x: &str, y: &str| x.is_empty().cmp(&y.is_empty()).then_with(|| dir(x.cmp(y)));
        match by {
            SortKey::Tree => {
                if descending {
                    order.reverse();
                }
            }
            SortKey::Name => order.sort_by(|a, b| text(&fold(a).0, &fold(b).0)),
            SortKey::UserName => order.sort_by(|a, b| text(&fold(a).1, &fold(b).1)),
            SortKey::Enabled => order.sort_by(|a, b| dir((!row(a).enabled).cmp(&!row(b).enabled))),
            SortKey::Roles => order.sort_by(|a, b| text(&row(a).roles, &row(b).roles)),
            // Numeric ids sort as numbers: shorter first, then digit by digit.
            SortKey::RcUserId => order.sort_by(|a, b| {
                let (x, y) = (&row(a).rc_user_id, &row(b).rc_user_id);
                x.is_empty()
                    .cmp(&y.is_empty())
                    .then_with(|| dir(x.len().cmp(&y.len()).then_with(|| x.cmp(y))))
            }),
            SortKey::Created => order.sort_by(|a, b| text(&row(a).created, &row(b).created)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> UserTable {
        let users: Vec<User> = serde_json::from_str(
            r#"[
              {"userId": 1, "firstName": "Zoë", "lastName": "Łukasiewicz", "userName": "zoe@x.com", "enabled": true, "parentPath": "/", "roles": ["SUPER_USER"], "rcUserId": 90, "creationDate": "2024-03-01T00:00:00Z", "teamLead": true},
              {"userId": 2, "fullName": "adam brown", "userName": "adam@x.com", "enabled": false, "parentPath": "/1/", "roles": [], "creationDate": "2023-01-01T00:00:00Z"},
              {"userId": 17, "firstName": "Carla", "userName": "carla@x.com", "parentPath": "/1/", "rcUserId": "100"},
              {"userId": 4, "userName": "bob@x.com", "enabled": true}
            ]"#,
        )
        .unwrap();
        UserTable::new(users)
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
        assert_eq!(zoe.roles, "SUPER_USER");
        assert_eq!(zoe.rc_user_id, "90");
        assert_eq!(zoe.depth, 0);
        assert_eq!(p.rows[1].name, "adam brown");
        assert!(!p.rows[1].enabled);
        assert_eq!(p.rows[1].depth, 1);
        assert_eq!(p.rows[3].name, "bob@x.com");
    }

    #[test]
    fn search_matches_name_user_name_and_id_ignoring_case() {
        let t = table();
        assert_eq!(ids(&t.page(&query("łUKA", SortKey::Tree, false))), [1]);
        assert_eq!(ids(&t.page(&query("BOB@", SortKey::Tree, false))), [4]);
        assert_eq!(ids(&t.page(&query(" 17 ", SortKey::Tree, false))), [17]);
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
    fn details_keep_every_field_the_server_sent() {
        let t = table();
        let zoe = serde_json::to_value(t.user(1).unwrap()).unwrap();
        assert_eq!(zoe["teamLead"], true);
        assert_eq!(zoe["firstName"], "Zoë");
        assert!(t.user(999).is_none());
        assert_eq!(format!("{t:?}"), "UserTable { users: 4 }");
    }

    #[test]
    fn a_hundred_thousand_users_search_and_sort() {
        let users: Vec<User> = (0..100_000)
            .map(|i| {
                serde_json::from_value(serde_json::json!({
                    "userId": i, "firstName": format!("User{}", 100_000 - i), "userName": format!("u{i}@x.com")
                }))
                .unwrap()
            })
            .collect();
        let t = UserTable::new(users);
        assert_eq!(t.len(), 100_000);
        assert!(!t.is_empty());
        let p = t.page(&query("user99999", SortKey::Name, false));
        assert_eq!(ids(&p), [1]);
        let mut q = query("", SortKey::Name, true);
        q.limit = 10_000;
        let p = t.page(&q);
        assert_eq!(p.rows.len(), MAX_PAGE);
        assert_eq!(p.rows[0].name, "User99999");
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
