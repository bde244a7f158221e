//! Durable ingest load: C concurrent clients POST N-row contact batches to a
//! running `rai serve` for S seconds over keep-alive connections; prints
//! acknowledged rows/s and latency percentiles. Each client sends its next
//! batch as soon as the last is answered, or, given an offered rate R
//! (rows/s, all clients together), on a fixed schedule: then a request's
//! latency counts from the time it was due, so a stall counts against
//! every request it holds back, not only the one it caught.
//!
//! ```sh
//! rai serve --no-demo --store /tmp/rai-store --port 8080 --durability sync &
//! cargo run --release --example ingest -- 127.0.0.1:8080 64 1000 10
//! cargo run --release --example ingest -- 127.0.0.1:8080 64 1000 10 200000
//! ```
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn body(client: usize, rows: usize) -> String {
    let mut out =
        String::from("contactId,channel,type,queueId,arrivalTime,disconnectTime,waitingDuration,changeTimestamp\n");
    for r in 0..rows {
        let m = r % 60;
        out.push_str(&format!(
            "{client:08X}{r:024X},Phone,CallIn,249CEA29B6494EF1B1D16D23FE70E702,2026-01-05T10:{m:02}:00Z,2026-01-05T10:{m:02}:30Z,{r},2026-01-05T11:00:00Z\n"
        ));
    }
    out
}

/// One client: POSTs until `stop`, returns each request's start (since
/// `start`) and latency. Given `every`, the k-th request is due at
/// `first + k * every` and timed from then.
fn client(
    addr: &str,
    body: &str,
    stop: Instant,
    start: Instant,
    schedule: Option<(Instant, Duration)>,
) -> std::io::Result<Vec<(Duration, Duration)>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut lat = Vec::new();
    let request = format!(
        "POST /RI/rai/contacts HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    for k in 0u32.. {
        let t = match schedule {
            Some((first, every)) => first + every * k,
            None => Instant::now(),
        };
        if t >= stop {
            break;
        }
        if let Some(wait) = t.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        stream.write_all(request.as_bytes())?;
        // Status line, headers, then the body of Content-Length bytes.
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if !line.starts_with("HTTP/1.1 201") {
            return Err(std::io::Error::other(format!("POST answered {line}")));
        }
        let mut len = 0usize;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut rest = vec![0u8; len];
        reader.read_exact(&mut rest)?;
        lat.push((t - start, t.elapsed()));
    }
    Ok(lat)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).cloned().unwrap_or_else(|| "127.0.0.1:8080".into());
    let num = |i: usize, d: u64| args.get(i).and_then(|v| v.parse().ok()).unwrap_or(d);
    let (clients, rows, secs, rate) = (num(2, 64) as usize, num(3, 1000) as usize, num(4, 10), num(5, 0));
    let stop = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    // Offered: each client sends one batch per `every`, the clients staggered.
    let every = (rate > 0).then(|| Duration::from_secs_f64((clients * rows) as f64 / rate as f64));
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, body) = (addr.clone(), body(c, rows));
            let schedule = every.map(|e| (start + e * c as u32 / clients as u32, e));
            std::thread::spawn(move || client(&addr, &body, stop, start, schedule))
        })
        .collect();
    let mut all: Vec<(Duration, Duration)> = Vec::new();
    for h in handles {
        match h.join() {
            Ok(Ok(l)) => all.extend(l),
            Ok(Err(e)) => {
                eprintln!("client: {e}");
                std::process::exit(1);
            }
            Err(_) => std::process::exit(1),
        }
    }
    let took = start.elapsed().as_secs_f64();
    if std::env::var_os("INGEST_TIMELINE").is_some() {
        timeline(&all);
    }
    let mut lat: Vec<Duration> = all.iter().map(|&(_, l)| l).collect();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let offered = if rate > 0 {
        format!(" offered={rate}")
    } else {
        String::new()
    };
    println!(
        "clients={clients} rows/batch={rows}{offered} batches={} rows/s={:.0} p50={:.1}ms p99={:.1}ms",
        lat.len(),
        (lat.len() * rows) as f64 / took,
        pct(0.5),
        pct(0.99)
    );
}

/// Per 500 ms of start time: requests, p50, p99 and the slowest.
fn timeline(all: &[(Duration, Duration)]) {
    let mut by: std::collections::BTreeMap<u128, Vec<f64>> = Default::default();
    for &(at, l) in all {
        by.entry(at.as_millis() / 500)
            .or_default()
            .push(l.as_secs_f64() * 1000.0);
    }
    for (k, mut v) in by {
        v.sort_by(f64::total_cmp);
        let p = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
        println!(
            "{:>5} ms n={:>5} p50={:>6.1} p99={:>6.1} max={:>6.1}",
            k * 500,
            v.len(),
            p(0.5),
            p(0.99),
            p(1.0)
        );
    }
}
