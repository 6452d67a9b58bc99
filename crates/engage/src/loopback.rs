//! The one-shot loopback listener the browser returns to (RFC 8252).
//!
//! Bound to 127.0.0.1 only, on the fixed port the redirect URI names. It
//! answers the browser with a small page and hands back the code once, after
//! checking `state`.

use std::time::Duration;

use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::redirect::CALLBACK_PATH;
use crate::Error;

/// How long a sign-in may wait for the browser.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// A bound listener, ready before the browser opens so a busy port is
/// reported before the user is sent anywhere.
pub struct Listener {
    listener: TcpListener,
    port: u16,
}

/// Binds 127.0.0.1:`port`.
pub async fn bind(port: u16) -> Result<Listener, Error> {
    match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => Ok(Listener { listener, port }),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(Error::PortInUse { port }),
        Err(_) => Err(Error::PortInUse { port }),
    }
}

/// What the browser brought back.
enum Callback {
    Code(SecretString),
    Denied(Option<String>),
    StateMismatch,
    Other,
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
        loop {
            let accepted = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::SignInCancelled),
                _ = tokio::time::sleep_until(deadline) => return Err(Error::SignInTimedOut { after: timeout }),
                a = self.listener.accept() => a,
            };
            let Ok((stream, _)) = accepted else { continue };
            match handle(stream, state).await {
                Callback::Code(code) => return Ok(code),
                Callback::Denied(description) => return Err(Error::AccessDenied { description }),
                Callback::StateMismatch => return Err(Error::StateMismatch),
                Callback::Other => continue,
            }
        }
    }
}

async fn handle(mut stream: TcpStream, state: &str) -> Callback {
    let Some(target) = read_request_target(&mut stream).await else {
        return Callback::Other;
    };
    let Ok(url) = url::Url::parse(&format!("http://localhost{target}")) else {
        respond(
            &mut stream,
            400,
            "Bad request",
            "Engage Desk did not understand this address.",
        )
        .await;
        return Callback::Other;
    };
    if url.path() != CALLBACK_PATH {
        respond(
            &mut stream,
            404,
            "Not found",
            "Nothing here. Return to Engage Desk.",
        )
        .await;
        return Callback::Other;
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
            "This answer does not belong to the sign-in Engage Desk started. Start again from Engage Desk.",
        )
        .await;
        return Callback::StateMismatch;
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
        return Callback::Denied(description);
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
            Callback::Code(SecretString::from(code))
        }
        None => {
            respond(
                &mut stream,
                400,
                "No code",
                "RingCentral sent no sign-in code. Start again from Engage Desk.",
            )
            .await;
            Callback::Other
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
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .ok()??;
    let head = String::from_utf8_lossy(&buf);
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

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    async fn listener() -> (Listener, u16) {
        // Port 0 is not a user port; tests bind any free one.
        let l = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = l.local_addr().unwrap().port();
        (Listener { listener: l, port }, port)
    }

    #[tokio::test]
    async fn returns_the_code_after_ignoring_other_paths() {
        let (l, port) = listener().await;
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move { l.wait("s1", &cancel, SIGN_IN_TIMEOUT).await });
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let page = get(port, "/callback?code=abc&state=s1&expires_in=60").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("close this tab"));
        assert_eq!(waiter.await.unwrap().unwrap().expose_secret(), "abc");
    }

    #[tokio::test]
    async fn state_mismatch_and_denial_are_errors() {
        let (l, port) = listener().await;
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move { l.wait("good", &cancel, SIGN_IN_TIMEOUT).await });
        get(port, "/callback?code=abc&state=evil").await;
        assert_eq!(waiter.await.unwrap().unwrap_err().code(), "state_mismatch");

        let (l, port) = listener().await;
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move { l.wait("s", &cancel, SIGN_IN_TIMEOUT).await });
        let page = get(
            port,
            "/callback?error=access_denied&error_description=User%20denied&state=s",
        )
        .await;
        assert!(page.contains("not completed"));
        let e = waiter.await.unwrap().unwrap_err();
        assert_eq!(e.code(), "access_denied");
        assert!(e.to_string().contains("User denied"), "{e}");
    }

    #[tokio::test]
    async fn cancel_and_timeout() {
        let (l, _) = listener().await;
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        let waiter = tokio::spawn(async move { l.wait("s", &c2, SIGN_IN_TIMEOUT).await });
        cancel.cancel();
        assert_eq!(
            waiter.await.unwrap().unwrap_err().code(),
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
    async fn a_busy_port_is_named() {
        let held = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = held.local_addr().unwrap().port();
        let e = bind(port).await.err().unwrap();
        assert_eq!(e.code(), "port_in_use");
        assert!(e.to_string().contains(&port.to_string()));
    }
}
