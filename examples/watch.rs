//! Event-stream load: S screens watch Q distinct queries of a running
//! `rai serve` (as the wallboard does, `Accept: text/event-stream`); once a
//! second for N seconds a contact is POSTed that changes every answer.
//! Prints, per POST, the time from its 201 to each screen's event (p50,
//! p99, max), events lost, and — given the server's pid — the server's CPU
//! per second of wall time while the screens watch.
//!
//! ```sh
//! rai serve --port 8080 &
//! cargo run --release --example watch -- 127.0.0.1:8080 1000 10 20 $(pgrep -n rai)
//! cargo run --release --example watch -- 127.0.0.1:8080 1000 10 20 $(pgrep -n rai) '&queueName=Load*'
//! ```
//! (the first watches today's whole answer, ~300 KB per event on the demo
//! data; the second one queue's rows, ~1 KB)
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The server's user + system CPU time so far (Linux `/proc`, 100 Hz ticks).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Now (ms since the epoch) + `offset_ms`.
fn now_plus(offset_ms: i64) -> rai_core::Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
        + offset_ms
}

/// 00:00 UTC of today + `days` (the POSTed contacts arrive now).
fn midnight(days: i64) -> String {
    let today = now_plus(0).div_euclid(rai_core::DAY_MS);
    rai_core::timestamp_string((today + days) * rai_core::DAY_MS)
}

/// One screen: watches `target`, records when each event arrives.
async fn screen(addr: String, target: String, arrivals: Arc<Mutex<Vec<Instant>>>) -> std::io::Result<()> {
    let mut s = TcpStream::connect(&addr).await?;
    s.set_nodelay(true)?;
    s.write_all(format!("GET {target} HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n\r\n").as_bytes())
        .await?;
    let mut buf = vec![0u8; 1 << 16];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let at = Instant::now();
        // Each event starts with its `id:` line; keep a few bytes for a split one.
        tail.extend_from_slice(&buf[..n]);
        let found = tail.windows(5).filter(|w| w == b"\nid: ").count();
        if found > 0 {
            let mut a = arrivals.lock().unwrap_or_else(|p| p.into_inner());
            a.extend(std::iter::repeat_n(at, found));
        }
        let keep = tail.len().saturating_sub(4);
        tail.drain(..keep);
    }
}

async fn post(addr: &str, body: &str) -> std::io::Result<bool> {
    let mut s = TcpStream::connect(addr).await?;
    s.set_nodelay(true)?;
    let req = format!(
        "POST /RI/rai/contacts HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).await?;
    Ok(&head[9..12] == b"201")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr = args.first().cloned().unwrap_or_else(|| "127.0.0.1:8080".into());
    let screens: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let queries: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10).max(1);
    let seconds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
    let pid: Option<u32> = args.get(4).and_then(|a| a.parse().ok());
    // Appended to every query, e.g. `&queueName=Load*` for small answers.
    let extra = args.get(5).cloned().unwrap_or_default();
    // Completed segments of today by queue: no clock in the answer, so an
    // event follows a write only. Distinct limits, one answer each.
    let (start, end) = (midnight(0), midnight(1));
    let targets: Vec<String> = (0..queries)
        .map(|q| {
            format!(
                "/RI/rai/contactHistory?startTime={start}&endTime={end}&limit={}{extra}",
                10_000 + q
            )
        })
        .collect();
    let arrivals: Vec<Arc<Mutex<Vec<Instant>>>> = (0..screens).map(|_| Arc::default()).collect();
    for (i, a) in arrivals.iter().enumerate() {
        tokio::spawn(screen(addr.clone(), targets[i % queries].clone(), a.clone()));
    }
    // Every screen has its first event.
    let wait = Instant::now();
    while arrivals.iter().any(|a| a.lock().map_or(true, |v| v.is_empty())) {
        if wait.elapsed() > Duration::from_secs(60) {
            eprintln!("not every screen got its first answer in 60 s");
            std::process::exit(1);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{screens} screens on {queries} queries connected in {:.1?}",
        wait.elapsed()
    );
    let cpu0 = pid.and_then(cpu_seconds);
    let wall0 = Instant::now();
    let mut acked = Vec::new();
    for round in 0..seconds {
        let at = Instant::now();
        let line = format!(
            r#"{{"contactId":"{:016X}{:016X}","type":"CallIn","channel":"Phone","queueId":"249CEA29B6494EF1B1D16D23FE70E702","queueName":"Load test","arrivalTime":"{}","disconnectTime":"{}","changeTimestamp":"{}"}}"#,
            std::process::id(),
            round,
            rai_core::timestamp_string(now_plus(-30_000)),
            rai_core::timestamp_string(now_plus(-1_000)),
            rai_core::timestamp_string(now_plus(-1_000))
        );
        match post(&addr, &line).await {
            Ok(true) => acked.push(Instant::now()),
            _ => {
                eprintln!("POST {round} failed");
                std::process::exit(1);
            }
        }
        tokio::time::sleep(Duration::from_secs(1).saturating_sub(at.elapsed())).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = pid.and_then(cpu_seconds).zip(cpu0).map(|(b, a)| b - a);
    let mut latencies = Vec::new();
    let mut missing = 0;
    for a in &arrivals {
        let got = a.lock().map(|v| v.clone()).unwrap_or_default();
        for (round, ack) in acked.iter().enumerate() {
            // Event 0 is the first answer; event k follows POST k-1.
            match got.get(round + 1) {
                Some(t) => latencies.push(t.saturating_duration_since(*ack)),
                None => missing += 1,
            }
        }
    }
    latencies.sort();
    println!(
        "{} POSTs, {} events: 201 → event p50 {:.1?}, p99 {:.1?}, max {:.1?}; {missing} events missing",
        acked.len(),
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
    if let Some(cpu) = cpu {
        println!(
            "server CPU {cpu:.2} s over {wall:.1} s: {:.1}% of one core for {screens} screens",
            100.0 * cpu / wall
        );
    }
}
