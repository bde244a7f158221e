//! Times one query repeatedly on a data directory (a profiling aid):
//! `cargo run --release --example bench_query -- DIR ENDPOINT QUERY [N]`.
use rai_core::{Endpoint, Engine};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: bench_query DIR ENDPOINT QUERY [N]");
        std::process::exit(2);
    }
    let engine = Engine::new();
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
    let Some(ep) = Endpoint::from_name(&args[2]) else {
        eprintln!("unknown endpoint");
        std::process::exit(2);
    };
    let n: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(20);
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        match engine.query(ep, &args[3]) {
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
    eprintln!("median {:.2} ms, min {:.2} ms", times[times.len() / 2], times[0]);
}
