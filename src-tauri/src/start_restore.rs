//! The session restore begun at launch, while WebKit is still starting (a
//! few hundred milliseconds in which the keychain read and the renewal's
//! round trip cost the user nothing). The window's first
//! `restore_session`, asked as soon as its script runs, waits for it (a
//! reload's `start_up` takes it if it has come) instead of reading the
//! keychain again, so a reason the restore found (a revoked session,
//! changed servers) still reaches the page; later asks (Retry, another
//! profile) restore afresh, and so does a first ask for another profile
//! than the one restored.

use std::future::Future;
use std::sync::Mutex;

use engage::session::Status;
use tauri::async_runtime::JoinHandle;

type Answer = Result<Status, engage::Error>;

/// The launch restore's task, and the profile it restores.
#[derive(Default)]
pub struct StartRestore(Mutex<Option<(String, JoinHandle<Answer>)>>);

impl StartRestore {
    /// Starts `restore` of `profile` now; its answer waits for
    /// [`StartRestore::take`] or [`StartRestore::take_finished`].
    pub fn begin(&self, profile: String, restore: impl Future<Output = Answer> + Send + 'static) {
        let task = tauri::async_runtime::spawn(restore);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((profile, task));
    }

    /// The launch restore's answer for `profile`, once (waiting for it if it
    /// is still under way); `None` when none was begun, it was taken, it
    /// restored another profile, or its task failed: the caller restores.
    pub async fn take(&self, profile: &str) -> Option<Answer> {
        let (restored, task) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        if restored != profile {
            return None;
        }
        task.await.ok()
    }

    /// The launch restore's answer for `profile` if it has already come,
    /// without waiting; else `None`, and a restore still under way stays
    /// for [`StartRestore::take`].
    pub async fn take_finished(&self, profile: &str) -> Option<Answer> {
        let under_way = matches!(
            &*self.0.lock().unwrap_or_else(|e| e.into_inner()),
            Some((restored, task)) if restored == profile && !task.inner().is_finished()
        );
        // A finished task stays finished, so `take` will not wait.
        if under_way {
            return None;
        }
        self.take(profile).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> Status {
        let hosts = engage::hosts::Hosts::parse(
            "https://platform.ringcentral.com",
            "https://ringcx.ringcentral.com",
        )
        .unwrap();
        Status::signed_out(&hosts, None)
    }

    #[test]
    fn the_first_ask_takes_the_launch_answer_and_later_ones_restore_afresh() {
        tauri::async_runtime::block_on(async {
            let start = StartRestore::default();
            assert!(start.take("default").await.is_none(), "nothing was begun");
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            start.begin("default".into(), async move {
                // Still under way when the window asks.
                rx.await.ok();
                Err(engage::Error::KeychainLocked)
            });
            let asked = tauri::async_runtime::spawn(async move {
                let answer = start.take("default").await;
                (answer, start.take("default").await.is_none())
            });
            tx.send(()).unwrap();
            let (answer, then_none) = asked.await.unwrap();
            assert!(matches!(answer, Some(Err(engage::Error::KeychainLocked))));
            assert!(then_none, "a second ask restores afresh");
        });
    }

    #[test]
    fn a_finished_launch_restore_is_handed_over_whole() {
        tauri::async_runtime::block_on(async {
            let start = StartRestore::default();
            let expected = status();
            start.begin("default".into(), std::future::ready(Ok(expected.clone())));
            let got = start.take("default").await.unwrap().unwrap();
            assert_eq!(got, expected);
        });
    }

    #[test]
    fn only_a_finished_launch_restore_is_taken_without_waiting() {
        tauri::async_runtime::block_on(async {
            let start = StartRestore::default();
            assert!(start.take_finished("default").await.is_none());
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            let expected = status();
            let answer = expected.clone();
            start.begin("default".into(), async move {
                rx.await.ok();
                Ok(answer)
            });
            assert!(start.take_finished("default").await.is_none(), "under way");
            tx.send(()).unwrap();
            // Still there for the waiting ask; finished now, so taken.
            let finished = async {
                loop {
                    if let Some(got) = start.take_finished("default").await {
                        break got;
                    }
                    tokio::task::yield_now().await;
                }
            };
            let got = tokio::time::timeout(std::time::Duration::from_secs(10), finished)
                .await
                .expect("the finished restore is taken");
            assert_eq!(got.unwrap(), expected);
            assert!(start.take("default").await.is_none(), "taken once");
            start.begin("default".into(), std::future::ready(Ok(status())));
            assert!(start.take_finished("Sandbox").await.is_none());
            assert!(
                start.take("default").await.is_none(),
                "another profile's is dropped"
            );
        });
    }

    #[test]
    fn an_answer_for_another_profile_is_not_handed_over() {
        tauri::async_runtime::block_on(async {
            let start = StartRestore::default();
            start.begin("default".into(), std::future::ready(Ok(status())));
            assert!(start.take("Sandbox").await.is_none());
            assert!(start.take("default").await.is_none(), "it is gone");
        });
    }
}
