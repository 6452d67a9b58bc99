//! The user list, kept for the session that loaded it: a sign-out or a new
//! session during a load must not revive it, and no other session reads it.
//!
//! A long list shows its first screen before the rest is read: the load
//! answers with the first rows, and the rest of the list replaces them when
//! it is read. A search, another order or a row past the first ones waits
//! for the whole list, so no answer is ever of a part of it unless it says
//! so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use serde::Serialize;
use tokio::sync::{oneshot, watch};

use crate::session::Session;
use crate::users::{Page, Query, SortKey, UserTable};
use crate::Error;

use super::{guard, Desk};

/// How many rows a load shows before the rest is read: more than the
/// first request of the tallest window asks for.
pub const FIRST_ROWS: usize = 250;

/// What a load tells the window.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UsersLoaded {
    pub total: usize,
    /// False when only the first rows are read; asking whether the list is
    /// settled answers when the rest is.
    pub complete: bool,
}

/// Where the loaded list is kept, shared with the task that reads the rest.
#[derive(Default)]
pub(super) struct Slot {
    loaded: Mutex<Option<Loaded>>,
    /// The number of the last load that ended, read whole or failed.
    ended: watch::Sender<u64>,
    loads: AtomicU64,
}

struct Loaded {
    owner: Weak<Session>,
    load: u64,
    table: Arc<UserTable>,
    /// `None` while the rest is read; then whether it was.
    rest: Option<Result<(), Error>>,
}

impl Slot {
    pub(super) fn clear(&self) {
        *guard(&self.loaded) = None;
    }

    /// The rest of load `load` is read (or is not a list): it replaces the
    /// first rows, unless another load or a sign-out came since.
    fn finish(&self, load: u64, whole: Result<UserTable, Error>) {
        if let Some(l) = guard(&self.loaded).as_mut().filter(|l| l.load == load) {
            l.rest = Some(whole.map(|table| l.table = Arc::new(table)));
        }
        self.ended.send_modify(|n| *n = (*n).max(load));
    }
}

/// Whether the first rows answer `query` as the whole list would.
fn first_rows_answer(query: &Query, read: usize) -> bool {
    query.text.trim().is_empty()
        && query.sort == SortKey::Tree
        && !query.descending
        && query.offset.saturating_add(query.limit.max(1)) <= read
}

impl Desk {
    /// Loads the account's users (flattened) and keeps them for paging. A
    /// list longer than [`FIRST_ROWS`] answers once its first rows are read
    /// (`complete: false`); the rest is read behind it.
    pub async fn load_users(&self, active_only: bool) -> Result<UsersLoaded, Error> {
        let session = self.session().await?;
        let (first_tx, first_rx) = oneshot::channel();
        let reader = session.clone();
        let mut whole = tokio::spawn(async move {
            let early = move |t| drop(first_tx.send(t));
            reader
                .user_table_first(active_only, FIRST_ROWS, early)
                .await
        });
        let joined =
            |r: Result<Result<UserTable, Error>, _>| r.unwrap_or(Err(Error::UsersNotLoaded));
        // The whole list is read only after its first rows are handed over,
        // so `biased` makes a long list always answer with its first rows.
        let (table, complete) = tokio::select! {
            biased;
            Ok(first) = first_rx => (first, false),
            r = &mut whole => (joined(r)?, true),
        };
        let total = table.len();
        let load = self.users.loads.fetch_add(1, Ordering::Relaxed) + 1;
        {
            let current = self.current.read().await;
            match current.as_ref() {
                Some(i) if Arc::ptr_eq(&i.session, &session) && i.session.status().signed_in => {
                    *guard(&self.users.loaded) = Some(Loaded {
                        owner: Arc::downgrade(&session),
                        load,
                        table: Arc::new(table),
                        rest: complete.then_some(Ok(())),
                    });
                }
                _ => return Err(Error::NotSignedIn),
            }
        }
        if !complete {
            let slot = self.users.clone();
            tokio::spawn(async move { slot.finish(load, joined(whole.await)) });
        }
        Ok(UsersLoaded { total, complete })
    }

    /// The loaded list, if the session that loaded it is current and
    /// signed in; the whole of it unless `first_will_do` says its first rows
    /// answer, when the rest is still read.
    async fn user_list(
        &self,
        first_will_do: impl Fn(usize) -> bool,
    ) -> Result<(Arc<UserTable>, bool), Error> {
        let session = self.session().await?;
        let mut ended = self.users.ended.subscribe();
        loop {
            let load = {
                let users = guard(&self.users.loaded);
                match users.as_ref() {
                    Some(l) if l.owner.upgrade().is_some_and(|o| Arc::ptr_eq(&o, &session)) => {
                        match &l.rest {
                            Some(Ok(())) => return Ok((l.table.clone(), true)),
                            Some(Err(e)) => return Err(e.clone()),
                            None if first_will_do(l.table.len()) => {
                                return Ok((l.table.clone(), false))
                            }
                            None => l.load,
                        }
                    }
                    _ => return Err(Error::UsersNotLoaded),
                }
            };
            if ended.wait_for(|&n| n >= load).await.is_err() {
                return Err(Error::UsersNotLoaded);
            }
        }
    }

    /// Waits until the whole of the loaded list is read.
    pub async fn users_settled(&self) -> Result<UsersLoaded, Error> {
        let (table, _) = self.user_list(|_| false).await?;
        Ok(UsersLoaded {
            total: table.len(),
            complete: true,
        })
    }

    /// One window of the loaded list, searched and sorted. A new order over
    /// 100k users takes a few ms, so it runs off the async workers.
    pub async fn users_page(&self, query: Query) -> Result<Page, Error> {
        let (table, complete) = self
            .user_list(|read| first_rows_answer(&query, read))
            .await?;
        let mut page = tokio::task::spawn_blocking(move || table.page(&query))
            .await
            .map_err(|_| Error::UsersNotLoaded)?;
        page.complete = complete;
        Ok(page)
    }

    /// Every field of one user, as RingCX sent it. The first rows answer for
    /// their own users; another waits for the whole list.
    pub async fn user_details(&self, user_id: i64) -> Result<serde_json::Value, Error> {
        let (table, whole) = self.user_list(|_| true).await?;
        let user = match table.user(user_id) {
            Some(user) => Some(user),
            None if !whole => self.user_list(|_| false).await?.0.user(user_id),
            None => None,
        }
        .ok_or(Error::UserNotFound)?;
        serde_json::to_value(&user).map_err(|_| Error::UserNotFound)
    }
}
