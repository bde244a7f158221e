//! Server-sent events: `GET /RI/rai/<endpoint>?…` with `Accept:
//! text/event-stream` answers with a stream that carries the JSON answer at
//! once and again each time it changes (see [`crate::live`]). Each event's
//! `id` is the answer's entity tag, so a client reconnecting with
//! `Last-Event-ID` is not sent the answer it already has. A watcher holds
//! at most [`BUFFERED_EVENTS`] events; a client that leaves one unread for
//! the stall timeout is disconnected, so memory never grows with it.

use crate::live::{Hub, Watch};
use crate::respond::{error, text};
use crate::server::Closer;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rai_core::{messages, Endpoint};
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// The media type of the stream.
pub const EVENT_STREAM: &str = "text/event-stream";

/// Events a watcher holds for its client at most.
pub const BUFFERED_EVENTS: usize = 2;

/// A comment line is sent after this long without an event (proxies keep
/// the connection; a vanished client is noticed).
const HEARTBEAT: Duration = Duration::from_secs(15);

/// How long a client waits before reconnecting (the `retry` field, ms).
const RETRY_MS: u32 = 2000;

/// Whether an `Accept` header asks for the event stream (it lists
/// `text/event-stream` with a q above 0, as `EventSource` sends it).
pub fn wanted(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.split_once('=')
                    .is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case("q") && v.trim().parse() == Ok(0.0f32))
            });
            media.eq_ignore_ascii_case(EVENT_STREAM) && !refused
        })
    })
}

/// How the server's streams behave.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The first answer must be computed within this (503 after).
    pub first_answer: Duration,
    /// A client that leaves an event unread this long is disconnected.
    pub stall: Duration,
}

/// The stream's response: the query's error (as a plain GET would answer
/// it) when it has no first answer, else 200 and the events.
pub async fn respond(
    hub: &Arc<Hub>,
    ep: Endpoint,
    raw: &str,
    headers: &HeaderMap,
    closer: Option<Closer>,
    limits: Limits,
) -> Response {
    let mut watch = match hub.watch(ep, raw) {
        Ok(w) => w,
        Err(e) => return error(e),
    };
    let first = {
        let waited = tokio::time::timeout(limits.first_answer, watch.wait_for(Option::is_some)).await;
        match waited {
            Ok(Ok(answer)) => answer.clone(),
            _ => None,
        }
    };
    let Some(first) = first else {
        return text(StatusCode::SERVICE_UNAVAILABLE, messages::TIMED_OUT);
    };
    if let Some(e) = first.error {
        return error(e);
    }
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok());
    let (tx, rx) = mpsc::channel(BUFFERED_EVENTS);
    tokio::spawn(watcher(hub.clone(), watch, tx, last_seen, closer, limits.stall));
    let mut r = (StatusCode::OK, Body::new(EventBody(rx))).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies that buffer answers (nginx) must pass events on at once.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    r
}

/// One client's watcher: sends each changed answer, a heartbeat when idle,
/// and ends when the client leaves, stalls, or the server stops.
async fn watcher(
    hub: Arc<Hub>,
    mut watch: Watch,
    tx: mpsc::Sender<Bytes>,
    mut last_sent: Option<u64>,
    closer: Option<Closer>,
    stall: Duration,
) {
    hub.stats.watchers.fetch_add(1, Ordering::Relaxed);
    let mut stopped = hub.stopped();
    let out = Outlet {
        hub: &hub,
        tx: &tx,
        closer,
        stall,
    };
    let mut open = out.send(Bytes::from(format!("retry: {RETRY_MS}\n\n"))).await;
    while open && !*stopped.borrow() {
        let current = watch.borrow_and_update().clone();
        if let Some(answer) = current.filter(|a| last_sent != Some(a.tag)) {
            last_sent = Some(answer.tag);
            if !out.send(answer.event).await {
                break;
            }
            hub.stats.events.fetch_add(1, Ordering::Relaxed);
        }
        tokio::select! {
            changed = watch.changed() => open = changed.is_ok(),
            () = tokio::time::sleep(HEARTBEAT) => open = out.send(Bytes::from_static(b": keep-alive\n\n")).await,
            _ = stopped.changed() => open = false,
            () = tx.closed() => open = false,
        }
    }
    hub.stats.watchers.fetch_sub(1, Ordering::Relaxed);
}

/// Where a watcher's events go: the client's bounded buffer.
struct Outlet<'a> {
    hub: &'a Hub,
    tx: &'a mpsc::Sender<Bytes>,
    closer: Option<Closer>,
    stall: Duration,
}

impl Outlet<'_> {
    /// Hands `frame` on; false when the client left or stalled (then its
    /// connection is closed: hyper would wait on the socket for ever).
    async fn send(&self, frame: Bytes) -> bool {
        match self.tx.send_timeout(frame, self.stall).await {
            Ok(()) => true,
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => {
                self.hub.stats.dropped.fetch_add(1, Ordering::Relaxed);
                if let Some(c) = &self.closer {
                    c.close();
                }
                false
            }
            Err(mpsc::error::SendTimeoutError::Closed(_)) => false,
        }
    }
}

/// The response body: the events a watcher hands on, as they come.
struct EventBody(mpsc::Receiver<Bytes>);

impl http_body::Body for EventBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|f| f.map(|b| Ok(http_body::Frame::data(b))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_asks_for_the_stream() {
        assert!(wanted(Some("text/event-stream")));
        assert!(wanted(Some("application/json, Text/Event-Stream;q=0.5")));
        assert!(!wanted(Some("text/event-stream;q=0")));
        assert!(!wanted(Some("application/json")));
        assert!(!wanted(Some("*/*")));
        assert!(!wanted(None));
    }
}
