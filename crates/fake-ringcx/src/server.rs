//! The accept loop. axum's own `serve` cannot drop a single connection on
//! purpose, so connections are served here with hyper directly: each one
//! gets a `Conn` handle in its request extensions that the Reset fault uses
//! to end it with a TCP RST instead of a response, and the `Service` its
//! listener plays. Over HTTPS the TLS handshake runs in the connection's
//! own task, so a slow client never holds up the accept loop.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

#[derive(Default)]
struct ConnCtl {
    reset: AtomicBool,
    notify: Notify,
}

/// A handle on the connection a request came in on.
#[derive(Clone)]
pub(crate) struct Conn(Arc<ConnCtl>);

impl Conn {
    /// Ends the connection at once, without a response.
    pub fn reset(&self) {
        self.0.reset.store(true, Ordering::SeqCst);
        // notify_one keeps a permit, so a reset before the task waits is not lost.
        self.0.notify.notify_one();
    }
}

/// The socket, which turns its close into a RST when the connection was reset.
struct ResetIo {
    inner: TcpStream,
    ctl: Arc<ConnCtl>,
}

impl Drop for ResetIo {
    fn drop(&mut self) {
        if self.ctl.reset.load(Ordering::SeqCst) {
            // SO_LINGER 0: close() discards and sends RST instead of FIN.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for ResetIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResetIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Which service a listener plays. The plain fake plays both on one
/// address (their paths do not overlap); over HTTPS each has its own host,
/// as the real ones do, and a path of the other service is not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Both,
    RingCentral,
    RingCx,
}

impl Service {
    /// Whether a request for `path` belongs on this listener.
    pub fn serves(self, path: &str) -> bool {
        let rc = path.starts_with("/restapi/");
        let cx = path.starts_with("/api/")
            || path.starts_with("/voice/")
            || path.starts_with("/platform/");
        match self {
            Service::Both => true,
            Service::RingCentral => rc || !cx,
            Service::RingCx => cx || !rc,
        }
    }
}

/// A bound socket and what it serves.
pub(crate) struct Listener {
    pub tcp: TcpListener,
    pub service: Service,
    pub tls: Option<TlsAcceptor>,
}

/// Serves until `shutdown`'s sender is dropped; open connections end then too.
pub(crate) async fn serve(listener: Listener, router: Router, shutdown: watch::Receiver<()>) {
    let Listener {
        tcp: listener,
        service: role,
        tls,
    } = listener;
    loop {
        let mut stop = shutdown.clone();
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stop.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: do not spin.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let ctl = Arc::new(ConnCtl::default());
        let conn = Conn(ctl.clone());
        let io = ResetIo {
            inner: stream,
            ctl: ctl.clone(),
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(conn.clone());
            req.extensions_mut().insert(role);
            router.clone().oneshot(req)
        });
        let mut stop = shutdown.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let http = async move {
                let http1 = hyper::server::conn::http1::Builder::new();
                match tls {
                    None => {
                        let _ = http1.serve_connection(TokioIo::new(io), service).await;
                    }
                    Some(tls) => match tls.accept(io).await {
                        Ok(io) => {
                            let _ = http1.serve_connection(TokioIo::new(io), service).await;
                        }
                        // A client that does not trust the CA ends here.
                        Err(e) => tracing::debug!("TLS handshake failed: {e}"),
                    },
                }
            };
            tokio::select! {
                _ = http => {}
                _ = ctl.notify.notified() => {}
                _ = stop.changed() => {}
            }
        });
    }
}
