//! Server-sent events over real sockets on 127.0.0.1: the first event is
//! the GET body, a write that changes the answer sends a new one, an
//! unchanged answer sends none, `Last-Event-ID` skips what a client has,
//! many watchers of one query share its computation, a stalled client is
//! dropped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rai_core::Engine;
use rai_http::Config;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::*;

/// One event as a client sees it (data lines joined by `\n`).
#[derive(Debug, Clone, PartialEq)]
struct Event {
    id: Option<String>,
    kind: Option<String>,
    data: String,
}

/// A client of one event stream: the response head read, the chunked body
/// decoded as it arrives.
struct Stream {
    socket: TcpStream,
    raw: Vec<u8>,
    text: String,
    status: u16,
    head: String,
}

impl Stream {
    fn open(addr: SocketAddr, target: &str, last_event_id: Option<&str>) -> Stream {
        let socket = TcpStream::connect(addr).expect("connect");
        Stream::send(socket, target, last_event_id)
    }

    fn send(mut socket: TcpStream, target: &str, last_event_id: Option<&str>) -> Stream {
        let mut head = format!("GET {target} HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n");
        if let Some(id) = last_event_id {
            head.push_str(&format!("Last-Event-ID: {id}\r\n"));
        }
        head.push_str("\r\n");
        socket.write_all(head.as_bytes()).expect("write");
        let mut s = Stream {
            socket,
            raw: Vec::new(),
            text: String::new(),
            status: 0,
            head: String::new(),
        };
        s.read_head();
        s
    }

    fn read_head(&mut self) {
        self.socket
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        while !self.raw.windows(4).any(|w| w == b"\r\n\r\n") {
            assert!(self.fill(), "the response head");
        }
        let end = self.raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0);
        self.head = String::from_utf8_lossy(&self.raw[..end]).into_owned();
        self.raw.drain(..end + 4);
        self.status = self
            .head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
    }

    /// Reads more bytes; false at the end of the stream (or a read error).
    fn fill(&mut self) -> bool {
        let mut buf = [0u8; 65536];
        loop {
            match self.socket.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => {
                    self.raw.extend_from_slice(&buf[..n]);
                    return true;
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    /// Moves whole chunks of the body into `text`.
    fn decode(&mut self) {
        loop {
            let Some(eol) = self.raw.windows(2).position(|w| w == b"\r\n") else {
                return;
            };
            let size = usize::from_str_radix(std::str::from_utf8(&self.raw[..eol]).unwrap_or("").trim(), 16)
                .expect("a chunk size");
            if self.raw.len() < eol + 2 + size + 2 {
                return;
            }
            let chunk = self.raw[eol + 2..eol + 2 + size].to_vec();
            self.raw.drain(..eol + 2 + size + 2);
            self.text.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }

    /// The next event within `wait` (comments and `retry` alone skipped).
    fn next(&mut self, wait: Duration) -> Option<Event> {
        let until = Instant::now() + wait;
        loop {
            self.decode();
            while let Some(end) = self.text.find("\n\n") {
                let block: String = self.text.drain(..end + 2).collect();
                let mut e = Event {
                    id: None,
                    kind: None,
                    data: String::new(),
                };
                let mut data = Vec::new();
                for line in block.lines() {
                    match line.split_once(": ").unwrap_or((line, "")) {
                        ("id", v) => e.id = Some(v.to_string()),
                        ("event", v) => e.kind = Some(v.to_string()),
                        ("data", v) => data.push(v.to_string()),
                        ("data:", _) => data.push(String::new()),
                        _ => {}
                    }
                }
                if !data.is_empty() {
                    e.data = data.join("\n");
                    return Some(e);
                }
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.socket.set_read_timeout(Some(left)).expect("timeout");
            if !self.fill() {
                return None;
            }
        }
    }
}

/// POSTs one status event (`Ready` at `at`) for `user`; the status code.
fn post_ready(addr: SocketAddr, user: &str, at: &str) -> u16 {
    let line = format!(r#"{{"sessionId":"{user}","userId":"{user}","userStatus":"Ready","changeTimestamp":"{at}"}}"#);
    request(
        addr,
        "POST",
        "/RI/rai/agentStatusEvents",
        &[("Content-Type", "application/x-ndjson")],
        line.as_bytes(),
    )
    .status
}

/// A counter of `/metrics`, if it is there.
fn metric(addr: SocketAddr, name: &str) -> Option<u64> {
    get(addr, "/metrics", None)
        .body
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

const HISTORY: &str = "/RI/rai/agentStatusHistory?startTime=2019-01-01&limit=5";

#[test]
fn events_follow_the_answer_as_writes_change_it() {
    let addr = start(example_engine(), Config::default());
    let mut s = Stream::open(addr, HISTORY, None);
    assert_eq!(s.status, 200, "{}", s.head);
    assert!(s.head.to_ascii_lowercase().contains("content-type: text/event-stream"));
    let first = s.next(Duration::from_secs(5)).expect("the first event");
    let get1 = get(addr, HISTORY, None);
    assert_eq!(first.data, get1.body, "the first event is the GET body");
    let etag = get1.header("etag").expect("etag").trim_matches('"').to_string();
    assert_eq!(first.id.as_deref(), Some(etag.as_str()), "the id is the ETag");

    // A write that changes the answer: a new event within a second.
    let posted = Instant::now();
    assert_eq!(
        post_ready(addr, "11111111111111111111111111111111", "2019-01-01T00:00:00Z"),
        201
    );
    let second = s.next(Duration::from_secs(1)).expect("an event within 1 s of the 201");
    assert!(posted.elapsed() < Duration::from_secs(1));
    let get2 = get(addr, HISTORY, None);
    assert_eq!(second.data, get2.body);
    assert_ne!(second.id, first.id);

    // A write that leaves the answer as it was: no event.
    assert_eq!(
        post_ready(addr, "22222222222222222222222222222222", "2030-01-01T00:00:00Z"),
        201
    );
    assert_eq!(get(addr, HISTORY, None).body, get2.body, "the page is unchanged");
    assert_eq!(
        s.next(Duration::from_millis(1500)),
        None,
        "an unchanged answer sends nothing"
    );

    // Reconnecting with the last id: nothing until the answer changes.
    let last = second.id.clone().expect("an id");
    let mut again = Stream::open(addr, HISTORY, Some(&last));
    assert_eq!(again.status, 200);
    assert_eq!(
        again.next(Duration::from_millis(800)),
        None,
        "the client has this answer"
    );
    let mut stale = Stream::open(addr, HISTORY, Some(first.id.as_deref().unwrap_or("")));
    assert_eq!(
        stale.next(Duration::from_secs(5)).map(|e| e.data),
        Some(get2.body.clone())
    );
    assert_eq!(
        post_ready(addr, "33333333333333333333333333333333", "2019-01-01T00:00:01Z"),
        201
    );
    let third = again.next(Duration::from_secs(1)).expect("the change");
    assert_eq!(third.data, get(addr, HISTORY, None).body);
    assert_eq!(s.next(Duration::from_secs(1)).map(|e| e.data), Some(third.data));
}

#[test]
fn a_refused_query_is_answered_as_a_get() {
    let addr = start(example_engine(), Config::default());
    let s = Stream::open(addr, "/RI/rai/agentStatusHistory?limit=5", None);
    assert_eq!(s.status, 400);
    let r = request(
        addr,
        "GET",
        "/RI/rai/agentStatusHistory?limit=5",
        &[("Accept", "text/event-stream")],
        b"",
    );
    assert_eq!((r.status, r.body.as_str()), (400, "Missing parameter: 'startTime'"));
    // `q=0` refuses the stream: a plain answer.
    let r = request(
        addr,
        "GET",
        HISTORY,
        &[("Accept", "text/event-stream;q=0, application/json")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with('['), "{}", r.body);
}

/// The answers the feeds computed so far.
fn computed(addr: SocketAddr) -> u64 {
    metric(addr, "rai_stream_answers_computed_total").expect("rai_stream_answers_computed_total")
}

#[test]
fn a_thousand_watchers_of_ten_queries_share_ten_computations() {
    let engine = example_engine();
    // No result cache: only the feeds can share the work.
    engine.set_cache_bytes(0);
    let config = Config {
        max_connections: 1100,
        ..Config::default()
    };
    let addr = start(engine.clone(), config);
    let targets: Vec<String> = (1..=10)
        .map(|n| format!("/RI/rai/agentStatusHistory?startTime=2019-01-01&limit={n}"))
        .collect();
    let before = computed(addr);
    let mut streams: Vec<(usize, Stream)> = (0..1000)
        .map(|i| (i % 10, Stream::open(addr, &targets[i % 10], None)))
        .collect();
    let bodies: Vec<String> = targets.iter().map(|t| get(addr, t, None).body).collect();
    for (q, s) in &mut streams {
        assert_eq!(s.status, 200);
        let e = s.next(Duration::from_secs(10)).expect("a first event");
        assert_eq!(e.data, bodies[*q]);
    }
    let first = computed(addr) - before;
    assert!(first <= 10, "10 distinct queries computed {first} times");
    // One write: each query once more, every watcher one new event.
    assert_eq!(
        post_ready(addr, "11111111111111111111111111111111", "2019-01-01T00:00:00Z"),
        201
    );
    for (_, s) in &mut streams {
        assert!(
            s.next(Duration::from_secs(10)).is_some(),
            "the change reaches every watcher"
        );
    }
    let second = computed(addr) - before - first;
    assert!(second <= 10, "one snapshot, 10 queries: computed {second} times");
}

#[test]
fn a_stalled_client_is_dropped() {
    let engine = Arc::new(Engine::new());
    let csv = contacts_csv(5_000, 0);
    engine
        .load(rai_core::Table::Contacts, rai_core::Format::Csv, csv.as_bytes())
        .expect("load");
    let config = Config {
        stream_stall_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let addr = start(engine, config);
    // Megabytes per event: a client that reads nothing fills the socket.
    let target = "/RI/rai/contactHistory?startTime=2026-01-01&endTime=2026-01-02&showDetails=true&limit=10000";
    let mut stalled = Stream::open(addr, target, None);
    assert_eq!(stalled.status, 200);
    let mut seen = 0;
    for n in 5_000..5_040 {
        // Each batch moves the first page (its rows sort first).
        let r = request(
            addr,
            "POST",
            "/RI/rai/contacts",
            &[("Content-Type", "text/csv")],
            contacts_csv(1, n)
                .replace("2026-01-01T12:00:00Z", "2026-01-01T23:59:00Z")
                .as_bytes(),
        );
        assert_eq!(r.status, 201);
        std::thread::sleep(Duration::from_millis(200));
        seen = metric(addr, "rai_stream_dropped_total").unwrap_or(0);
        if seen > 0 {
            break;
        }
    }
    assert!(seen >= 1, "the stalled client was not dropped");
    // Its connection is closed: reading gets what was sent, then the end
    // at once (not a finished answer on a connection left open).
    stalled
        .socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buf = vec![0u8; 1 << 20];
    let ended = loop {
        match stalled.socket.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break true,
            Err(e) => panic!("the connection is still open: {e}"),
        }
    };
    assert!(ended);
}
