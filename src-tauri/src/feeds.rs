//! What the window follows as it changes: the session's status, the
//! console's longest rate-limit wait, an update found at start-up. Each is
//! a feed the window reads with a long poll (`commands::feeds`); why not
//! Tauri's events is in `engage::feed`.

use std::sync::Arc;

use engage::console::Wait;
use engage::feed::Feed;
use engage::session::Status;
use engage::Desk;
use tokio::sync::watch;

use crate::updates::UpdateInfo;

pub struct Feeds {
    pub session: Arc<Feed<Status>>,
    pub console_wait: Arc<Feed<Option<Wait>>>,
    pub update: Feed<Option<UpdateInfo>>,
}

impl Feeds {
    /// Feeds that start from what the desk holds now and follow its every
    /// change for as long as the app runs.
    pub fn follow(desk: &Desk) -> Self {
        Feeds {
            session: forward(desk.subscribe()),
            console_wait: forward(desk.subscribe_console_waits()),
            update: Feed::new(None),
        }
    }
}

/// A feed of what `changes` holds, kept current by a task.
fn forward<T: Clone + Send + Sync + 'static>(mut changes: watch::Receiver<T>) -> Arc<Feed<T>> {
    let feed = Arc::new(Feed::new(changes.borrow_and_update().clone()));
    let to = feed.clone();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let value = changes.borrow_and_update().clone();
            to.publish(value);
        }
    });
    feed
}
