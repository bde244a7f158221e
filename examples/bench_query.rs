//! Times queries repeatedly on a data directory (a profiling aid):
//! `cargo run --release --example bench_query -- DIR N ENDPOINT QUERY [ENDPOINT QUERY …]`.
use rai_core::{Endpoint, Engine};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 || args.len().is_multiple_of(2) {
        eprintln!("usage: bench_query DIR N ENDPOINT QUERY [ENDPOINT QUERY …]");
        std::process::exit(2);
    }
    let engine = Engine::new();
    // Time the computation, not the result cache.
    engine.set_cache_bytes(0);
    let t = Instant::now();
    if let Err(e) = engine.load_dir(std::path::Path::new(&args[1])) {
        eprintln!("{e}");
        std::process::exit(3);
    }
    let rss = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ");
    eprintln!("load: {:?} ({rss})", t.elapsed());
    // Bytes per stored row, by table and column.
    let snap = engine.snapshot();
    let rows: std::collections::HashMap<&str, usize> =
        snap.row_counts().into_iter().map(|(t, n)| (t.name(), n)).collect();
    let mut total = 0;
    for (table, column, bytes) in snap.memory() {
        total += bytes;
        let per_row = rows.get(table).filter(|&&n| n > 0).map(|&n| bytes as f64 / n as f64);
        eprintln!(
            "memory {table}.{column}: {:.1} MB{}",
            bytes as f64 / 1e6,
            per_row.map_or(String::new(), |b| format!(", {b:.1} B/row"))
        );
    }
    eprintln!("memory total: {:.1} MB", total as f64 / 1e6);
    let n: usize = args[2].parse().unwrap_or(20);
    for pair in args[3..].chunks(2) {
        let Some(ep) = Endpoint::from_name(&pair[0]) else {
            eprintln!("unknown endpoint {}", pair[0]);
            std::process::exit(2);
        };
        let mut times = Vec::new();
        for _ in 0..n {
            let t = Instant::now();
            match engine.query(ep, &pair[1]) {
                Ok(r) => {
                    let _ = r.to_json();
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        eprintln!(
            "{} median {:.2} ms, min {:.2} ms",
            pair[0],
            times[times.len() / 2],
            times[0]
        );
    }
}
