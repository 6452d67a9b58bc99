//! The one-shot loopback listener the browser returns to (RFC 8252).
//!
//! The redirect URI names `localhost`, which a browser may resolve to
//! 127.0.0.1 or to ::1, so the listener binds the port on both. Connections
//! are served concurrently (a browser's idle preconnect socket must not hold
//! up the real callback), at most `MAX_CONNECTIONS` at a time, each given
//! `READ_TIMEOUT` to send its request. Only a callback that carries this
//! sign-in's `state` ends the wait (RFC 9700 4.7): a stale tab or another
//! local process gets an error page and is ignored.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::redirect::CALLBACK_PATH;
use crate::Error;

/// How long a sign-in may wait for the browser.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// Connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 16;

/// How long a connection may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The bound sockets, ready before the browser opens so a busy port is
/// reported before the user is sent anywhere.
pub struct Listener {
    listeners: Vec<TcpListener>,
    port: u16,
}

/// Binds `port` on 127.0.0.1 and, where this machine has IPv6, on ::1.
pub async fn bind(port: u16) -> Result<Listener, Error> {
    let v4 = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|_| Error::PortInUse { port })?;
    let mut listeners = vec![v4];
    match TcpListener::bind(("::1", port)).await {
        Ok(v6) => listeners.push(v6),
        // Another program on [::1]:port would get the code of a browser
        // that resolves localhost to ::1.
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            return Err(Error::PortInUse { port })
        }
        // No IPv6 loopback here: browsers then resolve localhost to
        // 127.0.0.1 alone.
        Err(e) => tracing::debug!(kind = ?e.kind(), "no IPv6 loopback listener"),
    }
    Ok(Listener { listeners, port })
}

/// What the browser brought back, with this sign-in's `state`.
enum Callback {
    Code(SecretString),
    Denied(Option<String>),
}

impl Listener {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for the browser's redirect and returns the authorization code.
    pub async fn wait(
        self,
        state: &str,
        cancel: &CancellationToken,
        timeout: Duration,
    ) -> Result<SecretString, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let (tx, mut rx) = mpsc::channel(1);
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let state: Arc<str> = state.into();
        // Dropped on return: every accept loop and connection ends with it.
        let mut accepting = JoinSet::new();
        for listener in self.listeners {
            accepting.spawn(accept(listener, state.clone(), tx.clone(), slots.clone()));
        }
        drop(tx);
        let callback = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::SignInCancelled),
            _ = tokio::time::sleep_until(deadline) => return Err(Error::SignInTimedOut { after: timeout }),
            c = rx.recv() => c,
        };
        match callback {
            Some(Callback::Code(code)) => Ok(code),
            Some(Callback::Denied(description)) => Err(Error::AccessDenied { description }),
            // Accept loops never end by themselves; this is not reached.
            None => Err(Error::SignInTimedOut { after: timeout }),
        }
    }
}

/// Accepts connections on one socket and serves each in its own task.
async fn accept(
    listener: TcpListener,
    state: Arc<str>,
    found: mpsc::Sender<Callback>,
    slots: Arc<Semaphore>,
) {
    let mut serving = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: do not spin.
                tracing::debug!(kind = ?e.kind(), "loopback accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // dropped: closed at once
        };
        let (state, found) = (state.clone(), found.clone());
        serving.spawn(async move {
            let callback = handle(stream, &state).await;
            drop(slot);
            if let Some(callback) = callback {
                let _ = found.send(callback).await;
            }
        });
        // Reap finished connections so the set does not grow.
        while serving.try_join_next().is_some() {}
    }
}

/// Answers one request; `Some` only for a callback with this sign-in's state.
async fn handle(mut stream: TcpStream, state: &str) -> Option<Callback> {
    let target = read_request_target(&mut stream).await?;
    let Ok(url) = url::Url::parse(&format!("http://localhost{target}")) else {
        respond(
            &mut stream,
            400,
            "Bad request",
            "Engage Desk did not understand this address.",
        )
        .await;
        return None;
    };
    if url.path() != CALLBACK_PATH {
        respond(
            &mut stream,
            404,
            "Not found",
            "Nothing here. Return to Engage Desk.",
        )
        .await;
        return None;
    }
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    if get("state").as_deref() != Some(state) {
        respond(
            &mut stream,
            400,
            "Sign-in not recognised",
            "This answer does not belong to the sign-in Engage Desk is waiting for (perhaps an old tab). If you are signing in, finish it in the tab Engage Desk opened last.",
        )
        .await;
        return None;
    }
    if let Some(error) = get("error") {
        let description = get("error_description")
            .or(Some(error))
            .map(|d| d.chars().take(200).collect());
        respond(
            &mut stream,
            200,
            "Sign-in declined",
            "The sign-in was not completed. You can close this tab and try again from Engage Desk.",
        )
        .await;
        return Some(Callback::Denied(description));
    }
    match get("code").filter(|c| !c.is_empty()) {
        Some(code) => {
            respond(
                &mut stream,
                200,
                "Signed in",
                "You are signed in to RingCentral. You can close this tab and return to Engage Desk.",
            )
            .await;
            Some(Callback::Code(SecretString::from(code)))
        }
        None => {
            respond(
                &mut stream,
                400,
                "No code",
                "RingCentral sent no sign-in code. Start again from Engage Desk.",
            )
            .await;
            None
        }
    }
}

/// Reads the request head (bounded) and returns the target of a GET.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(READ_TIMEOUT, read).await.ok()??;
    request_target(&buf)
}

/// The target of a GET request head (`/callback?code=…`), or `None` for
/// anything else.
pub fn request_target(head: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(head);
    let mut parts = head.lines().next()?.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_string()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Engage Desk</title>\
         <style>body{{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32em;padding:0 1em;color:#1b2330}}\
         @media(prefers-color-scheme:dark){{body{{background:#14181f;color:#e6eaf0}}}}</style></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    async fn get_from(addr: &str, port: u16, target: &str) -> String {
        let mut s = TcpStream::connect((addr, port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    async fn get(port: u16, target: &str) -> String {
        get_from("127.0.0.1", port, target).await
    }

    /// A listener on a free port, bound as the sign-in binds it.
    async fn listener() -> (Listener, u16) {
        loop {
            let port = std::net::TcpListener::bind(("127.0.0.1", 0))
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            // The port may be taken on ::1 by something else: pick another.
            if let Ok(l) = bind(port).await {
                return (l, port);
            }
        }
    }

    type Waiter = tokio::task::JoinHandle<Result<SecretString, Error>>;

    fn wait(l: Listener, state: &'static str) -> Waiter {
        tokio::spawn(async move {
            l.wait(state, &CancellationToken::new(), SIGN_IN_TIMEOUT)
                .await
        })
    }

    /// The waiter's result, or a failure when it is still waiting long
    /// after it should have answered (an upper bound, never a pause).
    async fn result(waiter: Waiter) -> Result<SecretString, Error> {
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("the listener was still waiting")
            .unwrap()
    }

    #[tokio::test]
    async fn returns_the_code_after_ignoring_other_paths() {
        let (l, port) = listener().await;
        let waiter = wait(l, "s1");
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let page = get(port, "/callback?code=abc&state=s1&expires_in=60").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("close this tab"));
        assert_eq!(result(waiter).await.unwrap().expose_secret(), "abc");
    }

    #[tokio::test]
    async fn a_wrong_or_missing_state_is_answered_and_ignored() {
        let (l, port) = listener().await;
        let waiter = wait(l, "good");
        for stale in [
            "/callback?code=abc&state=evil",
            "/callback?code=abc",
            "/callback?error=access_denied&state=old",
        ] {
            let page = get(port, stale).await;
            assert!(page.starts_with("HTTP/1.1 400"), "{page}");
            assert!(page.contains("does not belong"), "{page}");
        }
        assert!(!waiter.is_finished(), "a stale answer ended the sign-in");
        get(port, "/callback?code=real&state=good").await;
        assert_eq!(result(waiter).await.unwrap().expose_secret(), "real");
    }

    #[tokio::test]
    async fn a_denial_with_the_right_state_ends_the_sign_in() {
        let (l, port) = listener().await;
        let waiter = wait(l, "s");
        let page = get(
            port,
            "/callback?error=access_denied&error_description=User%20denied&state=s",
        )
        .await;
        assert!(page.contains("not completed"));
        let e = result(waiter).await.unwrap_err();
        assert_eq!(e.code(), "access_denied");
        assert!(e.to_string().contains("User denied"), "{e}");
    }

    #[tokio::test]
    async fn idle_connections_do_not_hold_up_the_callback() {
        let (l, port) = listener().await;
        let waiter = wait(l, "s");
        // A browser's preconnect sockets (and a local process) that send
        // nothing: the real callback is served beside them.
        let mut idle = Vec::new();
        for _ in 0..4 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        let page = get(port, "/callback?code=abc&state=s").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert_eq!(result(waiter).await.unwrap().expose_secret(), "abc");
        drop(idle);
    }

    #[tokio::test]
    async fn a_browser_that_resolves_localhost_to_ipv6_gets_through() {
        let (l, port) = listener().await;
        let waiter = wait(l, "s");
        let page = get_from("::1", port, "/callback?code=v6&state=s").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert_eq!(result(waiter).await.unwrap().expose_secret(), "v6");
    }

    #[tokio::test]
    async fn cancel_and_timeout() {
        let (l, _) = listener().await;
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        let waiter = tokio::spawn(async move { l.wait("s", &c2, SIGN_IN_TIMEOUT).await });
        cancel.cancel();
        assert_eq!(
            result(waiter).await.unwrap_err().code(),
            "sign_in_cancelled"
        );

        let (l, _) = listener().await;
        let e = l
            .wait("s", &CancellationToken::new(), Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "sign_in_timed_out");
    }

    #[tokio::test]
    async fn a_busy_port_is_named_on_either_address() {
        let held = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = held.local_addr().unwrap().port();
        let e = bind(port).await.err().unwrap();
        assert_eq!(e.code(), "port_in_use");
        assert!(e.to_string().contains(&port.to_string()));

        let held = TcpListener::bind(("::1", 0)).await.unwrap();
        let port = held.local_addr().unwrap().port();
        assert_eq!(bind(port).await.err().unwrap().code(), "port_in_use");
    }
}
