//! Crash trials: `rai serve --store` as a child process, concurrent writers
//! (POSTed batches and retractions over loopback), checkpoints every
//! second, SIGKILL at a random moment, a restart on the same store. After each restart: every
//! acknowledged batch is there whole, every acknowledged retraction holds,
//! no batch is there in part, and the answers equal a reference engine fed
//! exactly the batches that survived. `RAI_CRASH_TRIALS` sets the number of
//! trials (20 by default; 200 for a long run).

use rai_core::{Endpoint, Engine, Format, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const USER: &str = "AC083B34470B4164A6A5968DD031B5E5";
/// Rows per batch: a batch is there whole or not at all.
const ROWS: u64 = 5;

/// One HTTP request over a fresh connection: (status, body), or None when
/// the server went away.
fn request(addr: &str, method: &str, target: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// Starts `rai serve --store DIR` on a free port; returns it once ready.
fn start(store: &std::path::Path) -> (Child, String) {
    let args = ["--now", "2030-01-01T00:00:00Z", "--checkpoint-secs", "1", "--store"];
    let mut args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    args.push(store.as_os_str());
    let (mut child, addr) = crate::spawn_serve(&args);
    let deadline = Instant::now() + Duration::from_secs(60);
    while request(&addr, "GET", "/readyz", "").map(|r| r.0) != Some(200) {
        assert!(Instant::now() < deadline, "not ready within 60 s");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("rai serve --store exited during recovery: {status}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (child, addr)
}

/// 2029-01-01T00:00:00Z: the batches' rows follow it a millisecond apart.
const BASE: i64 = 1_861_920_000_000;

/// The rows of batch `n`: status events of one session, at instants no
/// other row has (so every answer's order is total).
fn batch(n: u64) -> String {
    (0..ROWS)
        .map(|r| {
            let at = rai_core::timestamp_string(BASE + (n * ROWS + r) as i64);
            format!(r#"{{"sessionId":"{n:032X}","userId":"{USER}","userStatus":"Ready","changeTimestamp":"{at}"}}"#)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every page of an answer, concatenated (rows as JSON values).
fn all_pages(get: impl Fn(u64) -> String) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for page in 0.. {
        let rows: Vec<serde_json::Value> = serde_json::from_str(&get(page * 10_000)).expect("json");
        if rows.is_empty() {
            break;
        }
        out.extend(rows);
    }
    out
}

/// The batches in the store: session → rows.
fn sessions(addr: &str) -> BTreeMap<u64, u64> {
    let rows = all_pages(|offset| {
        let target = format!("/RI/rai/agentStatusHistory?startTime=2000-01-01&limit=10000&offset={offset}");
        let (status, body) = request(addr, "GET", &target, "").expect("history");
        assert_eq!(status, 200, "{body}");
        body
    });
    let mut out = BTreeMap::new();
    for r in rows {
        let s = u64::from_str_radix(r["sessionId"].as_str().unwrap_or(""), 16).expect("session");
        *out.entry(s).or_insert(0) += 1;
    }
    out
}

#[derive(Default)]
struct Ledger {
    /// Acknowledged loads: session → batch id.
    acked: BTreeMap<u64, u64>,
    /// Sent, not acknowledged.
    in_flight: BTreeSet<u64>,
    /// Acknowledged retractions (sessions).
    retracted: BTreeSet<u64>,
    /// Retractions sent, not acknowledged.
    retracting: BTreeSet<u64>,
}

fn writer(addr: String, first: u64, ledger: Arc<Mutex<Ledger>>, retracts: bool) {
    for i in 0..200u64 {
        let n = first + i;
        ledger.lock().unwrap().in_flight.insert(n);
        match request(&addr, "POST", "/RI/rai/agentStatusEvents", &batch(n)) {
            Some((201, id)) => {
                let mut l = ledger.lock().unwrap();
                l.in_flight.remove(&n);
                l.acked.insert(n, id.trim().parse().expect("batch id"));
            }
            Some((status, body)) => panic!("POST answered {status}: {body}"),
            None => return,
        }
        if retracts && i % 3 == 2 {
            let (victim, id) = {
                let l = ledger.lock().unwrap();
                match l.acked.iter().find(|(s, _)| **s >= first && !l.retracted.contains(s)) {
                    Some((s, id)) => (*s, *id),
                    None => continue,
                }
            };
            ledger.lock().unwrap().retracting.insert(victim);
            match request(&addr, "DELETE", &format!("/RI/rai/batches/{id}"), "") {
                Some((204, _)) => {
                    let mut l = ledger.lock().unwrap();
                    l.retracting.remove(&victim);
                    l.retracted.insert(victim);
                }
                Some((status, body)) => panic!("DELETE answered {status}: {body}"),
                None => return,
            }
        }
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let trials: u64 = std::env::var("RAI_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let store = crate::temp_dir("crash-store");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next_session = 1u64;
    for trial in 0..trials {
        let (mut child, addr) = start(&store);
        // What the store holds now must be what survived before.
        check(&addr, &ledger.lock().unwrap(), trial);
        let writers: Vec<_> = (0..4u64)
            .map(|w| {
                let (addr, ledger) = (addr.clone(), ledger.clone());
                let first = next_session + w * 10_000;
                std::thread::spawn(move || writer(addr, first, ledger, w == 0))
            })
            .collect();
        next_session += 4 * 10_000;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Every fourth trial runs past a checkpoint (one a second), so that
        // kills also land during and after checkpoints.
        let extra = if trial % 4 == 3 { 1_000 } else { 0 };
        std::thread::sleep(Duration::from_millis(30 + extra + seed % 250));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        for w in writers {
            w.join().expect("writer");
        }
    }
    let (mut child, addr) = start(&store);
    check(&addr, &ledger.lock().unwrap(), trials);
    let _ = child.kill();
    let _ = child.wait();
    let l = ledger.lock().unwrap();
    eprintln!(
        "crash trials: {trials}, batches acknowledged {}, retractions acknowledged {}",
        l.acked.len(),
        l.retracted.len()
    );
    assert!(l.acked.len() as u64 > trials, "too few writes: {}", l.acked.len());
}

/// The restarted store against the ledger, and against a reference engine
/// fed the batches that survived.
fn check(addr: &str, l: &Ledger, trial: u64) {
    let have = sessions(addr);
    for (s, rows) in &have {
        assert_eq!(*rows, ROWS, "trial {trial}: batch {s} is there in part");
        assert!(
            l.acked.contains_key(s) || l.in_flight.contains(s),
            "trial {trial}: batch {s} was never sent"
        );
        assert!(!l.retracted.contains(s), "trial {trial}: retracted batch {s} is back");
    }
    for s in l.acked.keys() {
        if !l.retracted.contains(s) && !l.retracting.contains(s) {
            assert!(have.contains_key(s), "trial {trial}: acknowledged batch {s} is lost");
        }
    }
    let reference = Engine::new();
    for s in have.keys() {
        reference
            .load(Table::AgentStatusEvents, Format::JsonLines, batch(*s).as_bytes())
            .expect("reference");
    }
    let now = rai_core::parse_timestamp("2030-01-01T00:00:00Z").expect("now");
    for (ep, q) in [
        (Endpoint::AgentStatusHistory, "startTime=2000-01-01&limit=10000"),
        (
            Endpoint::AgentStatusTime,
            "startTime=2028-12-31&timeCategory=hour&limit=10000",
        ),
    ] {
        let want = all_pages(|offset| {
            reference
                .query_at(ep, &format!("{q}&offset={offset}"), now)
                .map(|r| r.to_json())
                .expect("reference query")
        });
        let got = all_pages(|offset| {
            let target = format!("/RI/rai/{}?{q}&offset={offset}", ep.name());
            request(addr, "GET", &target, "").expect("query").1
        });
        assert_eq!(got, want, "trial {trial}: {}", ep.name());
    }
}
