//! The user list, kept for the session that loaded it: a sign-out or a new
//! session during a load must not revive it, and no other session reads it.

use std::sync::Arc;

use serde::Serialize;

use crate::users::{Page, Query, UserTable};
use crate::Error;

use super::{guard, Desk};

/// What a load tells the window.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UsersLoaded {
    pub total: usize,
}

impl Desk {
    /// Loads the account's users (flattened) and keeps them for paging.
    pub async fn load_users(&self, active_only: bool) -> Result<UsersLoaded, Error> {
        let session = self.session().await?;
        let table = session.user_table(active_only).await?;
        let total = table.len();
        let current = self.current.read().await;
        match current.as_ref() {
            Some(i) if Arc::ptr_eq(&i.session, &session) && i.session.status().signed_in => {
                *guard(&self.users) = Some((Arc::downgrade(&session), Arc::new(table)));
                Ok(UsersLoaded { total })
            }
            _ => Err(Error::NotSignedIn),
        }
    }

    /// The loaded list, if the session that loaded it is current and
    /// signed in.
    async fn user_list(&self) -> Result<Arc<UserTable>, Error> {
        let session = self.session().await?;
        let users = guard(&self.users);
        match users.as_ref() {
            Some((owner, table)) if owner.upgrade().is_some_and(|o| Arc::ptr_eq(&o, &session)) => {
                Ok(table.clone())
            }
            _ => Err(Error::UsersNotLoaded),
        }
    }

    /// One window of the loaded list, searched and sorted. A new order over
    /// 100k users takes a few ms, so it runs off the async workers.
    pub async fn users_page(&self, query: Query) -> Result<Page, Error> {
        let table = self.user_list().await?;
        tokio::task::spawn_blocking(move || table.page(&query))
            .await
            .map_err(|_| Error::UsersNotLoaded)
    }

    /// Every field of one user, as RingCX sent it.
    pub async fn user_details(&self, user_id: i64) -> Result<serde_json::Value, Error> {
        let table = self.user_list().await?;
        let user = table.user(user_id).ok_or(Error::UserNotFound)?;
        serde_json::to_value(&user).map_err(|_| Error::UserNotFound)
    }
}
