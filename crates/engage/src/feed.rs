//! A value that changes, read by long polls: the reader says which version
//! it has seen and is answered when there is another one, or after a minute
//! with the same one.
//!
//! The window learns of session changes, rate-limit waits and updates this
//! way. Tauri's events reach a page by evaluating a script in it, and the
//! first script evaluated makes WebKit start a JavaScript engine in the
//! app's own process to read its result back (2–3 MiB the app never needs
//! otherwise); an answer to a call does not.

use serde::Serialize;
use tokio::sync::watch;
use ts_rs::TS;

/// A value and its version: versions only grow, one per change.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Change<T> {
    pub version: u64,
    pub value: T,
}

/// How long one long poll waits before it answers with what it has.
pub const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug)]
pub struct Feed<T> {
    tx: watch::Sender<Change<T>>,
}

impl<T: Clone> Feed<T> {
    /// A feed at version 0 with `value`.
    pub fn new(value: T) -> Self {
        Feed {
            tx: watch::channel(Change { version: 0, value }).0,
        }
    }

    /// Makes `value` the current one, with the next version.
    pub fn publish(&self, value: T) {
        self.tx.send_modify(|c| {
            c.version += 1;
            c.value = value;
        });
    }

    /// The current value, at once.
    pub fn current(&self) -> Change<T> {
        self.tx.borrow().clone()
    }

    /// The first value other than version `seen`: the current one at once
    /// if it is another (newer, or from before the reader's page was
    /// reloaded), else the next one published, or the current one again
    /// after [`LONGEST_WAIT`], so no wait outlives a page that went away.
    /// Without `seen`, the current one, so a reader learns where to start.
    pub async fn after(&self, seen: Option<u64>) -> Change<T> {
        let Some(seen) = seen else {
            return self.current();
        };
        let mut rx = self.tx.subscribe();
        let other = tokio::time::timeout(LONGEST_WAIT, rx.wait_for(|c| c.version != seen)).await;
        match other {
            Ok(Ok(change)) => change.clone(),
            // Out of time; or a dropped sender, which `self` holds.
            _ => self.current(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reader_gets_what_is_newer_than_it_has_seen() {
        let feed = Feed::new("signed out");
        let start = feed.after(None).await;
        assert_eq!(
            start,
            Change {
                version: 0,
                value: "signed out"
            }
        );
        assert_eq!(feed.current(), start);

        // Nothing newer yet: the read waits for the next change.
        let mut waiting = Box::pin(feed.after(Some(start.version)));
        assert!(futures::poll!(waiting.as_mut()).is_pending());
        feed.publish("signed in");
        assert_eq!(
            waiting.await,
            Change {
                version: 1,
                value: "signed in"
            }
        );

        // Changes made between two reads are not lost: the latest is given
        // at once to a reader behind it.
        feed.publish("renewed");
        feed.publish("signed out");
        assert_eq!(
            feed.after(Some(1)).await,
            Change {
                version: 3,
                value: "signed out"
            }
        );
        assert!(futures::poll!(Box::pin(feed.after(Some(3)))).is_pending());
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_ends_with_the_current_value_after_the_longest_wait() {
        let feed = Feed::new(7);
        let mut waiting = Box::pin(feed.after(Some(0)));
        assert!(futures::poll!(waiting.as_mut()).is_pending());
        tokio::time::advance(LONGEST_WAIT).await;
        assert_eq!(
            waiting.await,
            Change {
                version: 0,
                value: 7
            }
        );
        // A version this feed never had (a reader from before a restart)
        // gets the current one at once.
        assert_eq!(
            feed.after(Some(9)).await,
            Change {
                version: 0,
                value: 7
            }
        );
    }

    #[test]
    fn a_change_serializes_in_camel_case_with_its_version() {
        let feed = Feed::new(Some(5));
        feed.publish(None);
        assert_eq!(
            serde_json::to_value(feed.current()).unwrap(),
            serde_json::json!({ "version": 1, "value": null })
        );
    }
}
