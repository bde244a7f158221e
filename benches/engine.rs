//! Criterion benches on `rai gen` data: the canonical queries Q1–Q8 of
//! `benches/peers/QUERIES.md` (fully rendered JSON), loading throughput per
//! format, and rendering. Names follow `area/op/variant`.
//!
//! `RAI_BENCH_CONTACTS` sets the number of contact segments (default 1M).

// A bench that cannot set up must stop loudly; criterion_main! makes an undocumented main.
#![allow(clippy::panic, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rai::gen::{generate, GenOptions};
use rai_core::{parse_timestamp, Endpoint, Engine, Format, Representation, Table};
use std::path::PathBuf;
use std::time::Duration;

/// The canonical queries (QUERIES.md), as rai requests.
pub const QUERIES: &[(&str, Endpoint, &str)] = &[
    ("Q1", Endpoint::ContactHistory, "startTime=2026-02-01T00:00:00.000Z&endTime=2026-03-01T00:00:00.000Z&timeCategory=day"),
    ("Q2", Endpoint::ContactHistory, "startTime=2026-02-02T00:00:00.000Z&endTime=2026-02-09T00:00:00.000Z&timeCategory=hour&showChannel=false&showChannelType=false&showUser=true&queueName=Sales*"),
    ("Q3", Endpoint::ContactHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&channelType=Phone&showChannel=false&showChannelType=false"),
    ("Q4", Endpoint::ContactHistory, "startTime=2026-02-01T00:00:00.000Z&endTime=2026-03-01T00:00:00.000Z&showDetails=true&userName=a*&sort=-handlingDuration&offset=100&limit=100"),
    ("Q5", Endpoint::AgentHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&timeCategory=week&showProfile=true"),
    ("Q6", Endpoint::ContactStatistic, "startTime=2026-03-14T22:00:00.000Z&endTime=2026-03-15T22:00:00.000Z&timeZone=Europe/Helsinki&timeCategory=quarterHour&showChannel=false&showChannelType=false"),
    ("Q7", Endpoint::ContactHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&channelType=Phone&showChannel=false&showChannelType=false&sort=queueName,LOCALE-fi&limit=10000"),
    ("Q8", Endpoint::ContactHistory, "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&timeCategory=day&limit=10000"),
];

fn data_dir(contacts: u64, format: Format) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{contacts}-{}", format.extension()));
    let marker = dir.join(".complete");
    if !marker.exists() {
        let opts = GenOptions {
            start: parse_timestamp("2026-01-01").unwrap_or(0),
            days: 90,
            contacts,
            seed: 1,
            format,
            now: parse_timestamp("2026-03-31T12:00:00Z"),
        };
        if let Err(e) = generate(&dir, &opts) {
            panic!("rai gen: {e}");
        }
        let _ = std::fs::write(&marker, b"");
    }
    dir
}

fn contacts() -> u64 {
    std::env::var("RAI_BENCH_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn queries(c: &mut Criterion) {
    let n = contacts();
    let engine = Engine::new().with_fixed_now(parse_timestamp("2026-03-15T12:00:00Z").unwrap_or(0));
    if let Err(e) = engine.load_dir(&data_dir(n, Format::Csv)) {
        panic!("load: {e}");
    }
    // Every iteration computes (a cached answer would time a hash lookup);
    // `query_cached/` times the hits.
    engine.set_cache_bytes(0);
    let mut g = c.benchmark_group(format!("query/{n}"));
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for (id, endpoint, q) in QUERIES {
        g.bench_function(*id, |b| {
            b.iter(|| match engine.query(*endpoint, q) {
                Ok(r) => r.to_json().len(),
                Err(e) => panic!("{id}: {e}"),
            })
        });
    }
    g.finish();
    engine.set_cache_bytes(rai_core::DEFAULT_CACHE_BYTES);
    let mut g = c.benchmark_group(format!("query_cached/{n}"));
    g.sample_size(20).measurement_time(Duration::from_secs(2));
    for (id, endpoint, q) in QUERIES {
        g.bench_function(*id, |b| {
            b.iter(|| match engine.query(*endpoint, q) {
                Ok(r) => r.rendered(rai_core::Representation::Json).body.len(),
                Err(e) => panic!("{id}: {e}"),
            })
        });
    }
    g.finish();
}

fn loading(c: &mut Criterion) {
    let n = 100_000;
    let mut g = c.benchmark_group("load/contacts");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for format in [Format::Csv, Format::JsonLines] {
        let path = data_dir(n, format).join(format!("contacts.{}", format.extension()));
        let bytes = std::fs::read(&path).unwrap_or_default();
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format.extension(), |b| {
            b.iter(|| {
                let e = Engine::new();
                e.load(Table::Contacts, format, &bytes).map(|i| i.rows).unwrap_or(0)
            })
        });
    }
    // A JSON array made from the JSON Lines file.
    let lines = std::fs::read_to_string(data_dir(n, Format::JsonLines).join("contacts.jsonl")).unwrap_or_default();
    let array = format!("[{}]", lines.trim_end().replace('\n', ",\n"));
    g.throughput(Throughput::Bytes(array.len() as u64));
    g.bench_function("json", |b| {
        b.iter(|| {
            let e = Engine::new();
            e.load(Table::Contacts, Format::Json, array.as_bytes())
                .map(|i| i.rows)
                .unwrap_or(0)
        })
    });
    g.finish();
}

fn rendering(c: &mut Criterion) {
    let engine = Engine::new();
    if let Err(e) = engine.load_dir(&data_dir(100_000, Format::Csv)) {
        panic!("load: {e}");
    }
    let q = "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&timeCategory=day&limit=10000";
    let res = match engine.query(Endpoint::ContactHistory, q) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let mut g = c.benchmark_group("render/10000rows");
    g.sample_size(20);
    g.bench_function("json", |b| b.iter(|| res.render(Representation::Json).len()));
    g.bench_function("xml", |b| b.iter(|| res.render(Representation::Xml).len()));
    g.finish();
}

criterion_group!(benches, queries, loading, rendering);
criterion_main!(benches);
