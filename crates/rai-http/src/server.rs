//! The accept loop, with the connection hygiene axum's `serve` leaves out:
//! a header-read timeout (a client that never finishes its request header,
//! or sits idle on a kept-alive connection, is closed), a cap on open
//! connections (the one over it gets a 503 and is closed), and a graceful
//! stop that stops accepting, lets in-flight requests finish and closes idle
//! connections, within a deadline even when clients stall. Each
//! connection's first request head is checked first ([`first_head`]), so a
//! malformed one gets a 400 with a text.

use crate::first_head;
use crate::respond;
use axum::http::StatusCode;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rai_core::messages;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt;

/// Closes the connection a request came on (a request extension): an
/// event stream whose client stopped reading is cut this way, since hyper
/// would otherwise wait on the socket for ever.
#[derive(Clone, Default)]
pub struct Closer(Arc<Notify>);

impl Closer {
    /// Closes the connection now (in-flight answers on it are cut).
    pub fn close(&self) {
        self.0.notify_one();
    }
}

/// Connection limits of the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Hygiene {
    /// A request header (or the next one on a kept-alive connection) must
    /// arrive within this.
    pub header_read_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// A stop waits this long for in-flight requests, then closes the rest.
    pub shutdown_grace: Duration,
    /// Whether heads refused before routing count in `/metrics`.
    pub metrics: bool,
}

/// Serves `app` on `listener` until `shutdown` completes, then drains (see
/// the module doc); `on_stop` runs when accepting stops (the server marks
/// itself not ready there).
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Hygiene,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_stop: impl FnOnce(),
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let mut stream = stream;
                let busy = StatusCode::SERVICE_UNAVAILABLE;
                respond::write_text_and_close(&mut stream, busy, messages::TOO_MANY_CONNECTIONS).await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (builder, app, watcher) = (builder.clone(), app.clone(), graceful.watcher());
        tokio::spawn(async move {
            // A malformed first head is answered with a text here; hyper
            // serves the rest.
            if let Some(stream) = first_head::screen(stream, limits.header_read_timeout, limits.metrics).await {
                let closer = Closer::default();
                let app = app.map_request({
                    let closer = closer.clone();
                    move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                        req.extensions_mut().insert(closer.clone());
                        req
                    }
                });
                let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
                tokio::select! {
                    _ = watcher.watch(conn) => {},
                    () = closer.0.notified() => {},
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    on_stop();
    let _ = tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await;
    Ok(())
}
