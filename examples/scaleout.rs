//! The local engine against a Ballista cluster on this machine, on the
//! aggregating benchmark queries (benches/peers/QUERIES.md's Q1–Q3, Q5–Q8;
//! Q4's detail rows stay local):
//! `cargo run --release --example scaleout -- DATA_DIR STORE_DIR EXECUTORS [RUNS]`.
//! The first run loads DATA_DIR into the store STORE_DIR and checkpoints it;
//! later runs recover the store. Prints, per query, the local and cluster
//! times (best of RUNS, cache off) and the partial states shipped.
use rai_core::{Deadline, Endpoint, Engine};
use rai_scaleout::Cluster;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const QUERIES: [(&str, Endpoint, &str); 7] = [
    ("Q1", Endpoint::ContactHistory, "startTime=2026-02-01T00:00:00.000Z&endTime=2026-03-01T00:00:00.000Z&timeCategory=day"),
    ("Q2", Endpoint::ContactHistory, "startTime=2026-02-02T00:00:00.000Z&endTime=2026-02-09T00:00:00.000Z&timeCategory=hour&showChannel=false&showChannelType=false&showUser=true&queueName=Sales*"),
    ("Q3", Endpoint::ContactHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&channelType=Phone&showChannel=false&showChannelType=false"),
    ("Q5", Endpoint::AgentHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&timeCategory=week&showProfile=true"),
    ("Q6", Endpoint::ContactStatistic, "startTime=2026-03-14T22:00:00.000Z&endTime=2026-03-15T22:00:00.000Z&timeZone=Europe/Helsinki&timeCategory=quarterHour&showChannel=false&showChannelType=false"),
    ("Q7", Endpoint::ContactHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&channelType=Phone&showChannel=false&showChannelType=false&sort=queueName,LOCALE-fi&limit=10000"),
    ("Q8", Endpoint::ContactHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&timeCategory=day&limit=10000"),
];

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("{e}");
    std::process::exit(1)
}

fn best(runs: usize, mut f: impl FnMut() -> String) -> (Duration, String) {
    let mut out = (Duration::MAX, String::new());
    for _ in 0..runs {
        let t = Instant::now();
        let body = f();
        out = (out.0.min(t.elapsed()), body);
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        fail("usage: scaleout DATA_DIR STORE_DIR EXECUTORS [RUNS]");
    }
    let (data, dir) = (Path::new(&args[1]), Path::new(&args[2]));
    let executors: usize = args[3].parse().unwrap_or_else(|e| fail(e));
    let runs: usize = args.get(4).and_then(|r| r.parse().ok()).unwrap_or(3);
    let engine = Engine::new().with_fixed_now(1_774_000_000_000);
    engine.set_cache_bytes(0);
    let fresh = !dir.join("manifest.json").exists();
    let t = Instant::now();
    let store =
        rai_store::open(dir, rai_store::Options::new(rai_store::Durability::Off), &engine).unwrap_or_else(|e| fail(e));
    if fresh {
        engine.load_dir(data).unwrap_or_else(|e| fail(e));
        store.checkpoint(&engine).unwrap_or_else(|e| fail(e));
    }
    eprintln!(
        "store ready in {:.1?} ({})",
        t.elapsed(),
        if fresh { "loaded, checkpointed" } else { "recovered" }
    );
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| fail(e));
    let (url, _) = rt
        .block_on(rai_scaleout::local_cluster(executors, 2))
        .unwrap_or_else(|e| fail(e));
    let cluster = Cluster::connect(&url, dir, Duration::from_secs(600)).unwrap_or_else(|e| fail(e));
    let snap = engine.snapshot();
    println!("query | local ms | cluster ms ({executors} executors) | ratio | partial rows | partial KB");
    for (name, ep, q) in QUERIES {
        let plan = engine.plan(ep, q).unwrap_or_else(|e| fail(e));
        let (local, lbody) = best(runs, || {
            engine
                .execute(&plan, engine.now())
                .map_or_else(|e| e.to_string(), |r| r.to_json())
        });
        let (rows0, bytes0) = (
            cluster.counters.partial_rows.load(Ordering::Relaxed),
            cluster.counters.partial_bytes.load(Ordering::Relaxed),
        );
        let (remote, rbody) = best(runs, || {
            cluster
                .answer(&snap, &plan, engine.now(), Deadline::NONE)
                .map_or_else(|e| e.to_string(), |r| r.to_json())
        });
        assert_eq!(lbody, rbody, "{name}: the cluster's answer differs");
        let rows = (cluster.counters.partial_rows.load(Ordering::Relaxed) - rows0) / runs as u64;
        let kb = (cluster.counters.partial_bytes.load(Ordering::Relaxed) - bytes0) as f64 / runs as f64 / 1e3;
        println!(
            "{name} | {:.1} | {:.1} | {:.1}× | {rows} | {kb:.0}",
            local.as_secs_f64() * 1e3,
            remote.as_secs_f64() * 1e3,
            remote.as_secs_f64() / local.as_secs_f64()
        );
    }
}
