//! The session restore begun at launch, while WebKit is still starting (a
//! few hundred milliseconds in which the keychain read and the renewal's
//! round trip cost the user nothing). The window's first `restore_session`
//! takes its answer instead of reading the keychain again, so a reason the
//! restore found (a revoked session, changed servers) still reaches the
//! page; later asks (Retry, another profile) restore afresh.

use std::future::Future;
use std::sync::Mutex;

use engage::session::Status;
use tauri::async_runtime::JoinHandle;

type Answer = Result<Status, engage::Error>;

#[derive(Default)]
pub struct StartRestore(Mutex<Option<JoinHandle<Answer>>>);

impl StartRestore {
    /// Starts `restore` now; its answer waits for [`StartRestore::take`].
    pub fn begin(&self, restore: impl Future<Output = Answer> + Send + 'static) {
        let task = tauri::async_runtime::spawn(restore);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
    }

    /// The launch restore's answer, once (waiting for it if it is still
    /// under way); `None` when none was begun, it was taken, or its task
    /// failed, and the caller restores itself.
    pub async fn take(&self) -> Option<Answer> {
        let task = self.0.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        task.await.ok()
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
            assert!(start.take().await.is_none(), "nothing was begun");
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            start.begin(async move {
                // Still under way when the window asks.
                rx.await.ok();
                Err(engage::Error::KeychainLocked)
            });
            let asked = tauri::async_runtime::spawn(async move {
                let answer = start.take().await;
                (answer, start.take().await.is_none())
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
            start.begin(std::future::ready(Ok(expected.clone())));
            let got = start.take().await.unwrap().unwrap();
            assert_eq!(got, expected);
        });
    }
}
