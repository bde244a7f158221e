//! Live queries: one feed per distinct query (endpoint + raw query string)
//! however many clients watch it. A feed computes its answer once, then
//! again after every publish of a new snapshot (and, when the answer reads
//! the clock, every `interval`), and hands it to its watchers through a
//! `watch` channel that keeps only the latest answer: memory does not grow
//! with the watchers or with a slow one. A feed ends when its last watcher
//! leaves.

use axum::body::Bytes;
use rai_core::{Deadline, Endpoint, Engine, Representation};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// A feed's latest answer, framed once as a server-sent event for every
/// watcher (a watcher hands the same bytes on: no copy per client).
#[derive(Debug, Clone)]
pub struct Answer {
    /// Equal answers, equal tags: a watcher sends only a changed one. For
    /// a body, its entity tag (the event's `id`).
    pub tag: u64,
    /// The event: `id` = the tag, `data` = the JSON body line by line (a
    /// client joins the lines back into the body); for an error, an
    /// `error` event without an id, its text as data.
    pub event: Bytes,
    /// The error computing it gave (a deadline passed, say); the stream
    /// goes on and the next publish retries.
    pub error: Option<rai_core::Error>,
}

impl Answer {
    /// The answer for a computation's outcome.
    pub fn of(outcome: rai_core::Result<rai_core::Rendered>) -> Answer {
        match outcome {
            Ok(r) => Answer {
                tag: r.tag,
                event: frame(&format!("id: {:016x}\n", r.tag), &r.body),
                error: None,
            },
            Err(e) => {
                use std::hash::Hasher;
                // Fixed keys: the tag of a text does not vary by process.
                let mut h = std::collections::hash_map::DefaultHasher::new();
                h.write(e.message().as_bytes());
                Answer {
                    tag: h.finish(),
                    event: frame("event: error\n", e.message()),
                    error: Some(e),
                }
            }
        }
    }
}

/// One event: the `head` fields, then `data` line by line, then a blank line.
fn frame(head: &str, data: &str) -> Bytes {
    let mut out = String::with_capacity(head.len() + data.len() + data.len() / 32 + 16);
    out.push_str(head);
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// What a watcher receives: `None` until the first answer is computed.
pub type Watch = watch::Receiver<Option<Answer>>;

/// Counters of the live feeds (served in `/metrics`).
#[derive(Debug, Default)]
pub struct Stats {
    /// Answers computed by feeds (one per distinct query per snapshot, plus
    /// clock ticks of clock-dependent ones).
    pub computed: AtomicU64,
    /// Events sent to watchers.
    pub events: AtomicU64,
    /// Watchers connected now.
    pub watchers: AtomicU64,
    /// Watchers dropped because they did not read an event in time.
    pub dropped: AtomicU64,
}

type Key = (Endpoint, String);

/// Every live feed of one engine.
pub struct Hub {
    engine: Arc<Engine>,
    feeds: Mutex<HashMap<Key, watch::Sender<Option<Answer>>>>,
    publishes: watch::Sender<u64>,
    stop: watch::Sender<bool>,
    interval: Duration,
    timeout: Duration,
    /// The counters.
    pub stats: Stats,
}

impl Hub {
    /// A hub over `engine`: clock-dependent answers are recomputed every
    /// `interval`; each computation stops after `timeout`.
    pub fn new(engine: Arc<Engine>, interval: Duration, timeout: Duration) -> Arc<Hub> {
        let (publishes, _) = watch::channel(engine.generation());
        let hub = Arc::new(Hub {
            engine: engine.clone(),
            feeds: Mutex::default(),
            publishes,
            stop: watch::channel(false).0,
            interval,
            timeout,
            stats: Stats::default(),
        });
        let weak = Arc::downgrade(&hub);
        engine.on_publish(move |generation| {
            if let Some(hub) = weak.upgrade() {
                hub.publishes.send_replace(generation);
            }
        });
        hub
    }

    /// Watches the answer to `raw` on `ep`, starting its feed unless one
    /// runs; a query the engine refuses is its error (nothing starts).
    pub fn watch(self: &Arc<Self>, ep: Endpoint, raw: &str) -> rai_core::Result<Watch> {
        let plan = self.engine.plan(ep, raw)?;
        let key = (ep, raw.to_string());
        let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = feeds.get(&key) {
            return Ok(tx.subscribe());
        }
        let (tx, rx) = watch::channel(None);
        feeds.insert(key.clone(), tx.clone());
        drop(feeds);
        let hub = self.clone();
        tokio::spawn(async move { hub.feed(key, plan.clock_horizon(), tx).await });
        Ok(rx)
    }

    /// Resolves when the server stops (watchers end their streams).
    pub fn stopped(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Ends every stream (the server is stopping).
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// One feed: compute, hand on if changed, wait for a publish or a
    /// clock tick, until the last watcher leaves.
    async fn feed(self: Arc<Self>, key: Key, horizon: Option<rai_core::Millis>, tx: watch::Sender<Option<Answer>>) {
        let mut publishes = self.publishes.subscribe();
        loop {
            publishes.borrow_and_update();
            let answer = self.compute(&key).await;
            self.stats.computed.fetch_add(1, Ordering::Relaxed);
            tx.send_if_modified(|current| {
                let changed = current.as_ref().is_none_or(|c| c.tag != answer.tag);
                if changed {
                    *current = Some(answer);
                }
                changed
            });
            // An answer reads the clock until its horizon has passed.
            let ticking = horizon.is_some_and(|h| h > self.engine.now());
            tokio::select! {
                changed = publishes.changed() => if changed.is_err() { break },
                () = tokio::time::sleep(self.interval), if ticking => {},
                () = tx.closed() => {},
            }
            // The last watcher left: end, unless one arrived meanwhile.
            let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
            if tx.receiver_count() == 0 {
                feeds.remove(&key);
                break;
            }
        }
    }

    /// The answer now, computed on a blocking thread within the timeout.
    async fn compute(&self, key: &Key) -> Answer {
        let (engine, (ep, raw)) = (self.engine.clone(), key.clone());
        let deadline = Deadline::after(self.timeout);
        let run = tokio::task::spawn_blocking(move || {
            Answer::of(
                engine
                    .query_until(ep, &raw, deadline)
                    .map(|r| r.rendered(Representation::Json)),
            )
        });
        run.await
            .unwrap_or_else(|_| Answer::of(Err(rai_core::Error::internal(rai_core::messages::INTERNAL))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_joins_back_into_the_body() {
        let body = "{\n  \"a\": 1\n}\n".to_string();
        let a = Answer::of(Ok(rai_core::Rendered {
            body: Arc::new(body.clone()),
            tag: 0xabc,
        }));
        let text = std::str::from_utf8(&a.event).unwrap_or("");
        assert!(text.starts_with("id: 0000000000000abc\n"), "{text}");
        assert!(text.ends_with("\n\n"));
        let data: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
        assert_eq!(data.join("\n"), body);
        let e = Answer::of(Err(rai_core::Error::internal("went wrong")));
        assert_eq!(
            std::str::from_utf8(&e.event).unwrap_or(""),
            "event: error\ndata: went wrong\n\n"
        );
        assert_ne!(e.tag, 0);
    }
}
