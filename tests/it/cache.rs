//! The result cache never changes an answer: an engine with the cache and
//! one without it get the same writes (loads, retractions, retention) and
//! the same moving clock, and every query answers the same on both — the
//! clock-dependent endpoints (contactStatistic, agentStatus, open ranges,
//! fills to now, time in state) included.

use proptest::prelude::*;
use rai::gen::{generate_tables, GenOptions};
use rai_core::{Endpoint, Engine, Format, Table};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

const START: i64 = 1_798_761_600_000; // 2027-01-01T00:00:00Z
const NOW: i64 = START + 3 * 86_400_000 + 40_000_000;

/// Every table of a small generated data set, each cut into batches of JSON lines.
fn batches() -> &'static Vec<(Table, Vec<u8>)> {
    static B: OnceLock<Vec<(Table, Vec<u8>)>> = OnceLock::new();
    B.get_or_init(|| {
        let opts = GenOptions {
            start: START,
            days: 4,
            contacts: 3_000,
            seed: 7,
            format: Format::JsonLines,
            now: Some(NOW),
        };
        let mut out = Vec::new();
        for g in generate_tables(&opts) {
            out.extend(g.batches(3).into_iter().map(|b| (g.table, b)));
        }
        out
    })
}

/// Queries over every endpoint; some read the clock.
const QUERIES: [(Endpoint, &str); 12] = [
    (
        Endpoint::ContactHistory,
        "startTime=2027-01-01&endTime=2027-01-05&timeCategory=day&limit=20",
    ),
    (
        Endpoint::ContactHistory,
        "startTime=2027-01-02&endTime=2027-01-03&timeCategory=hour&showQueue=true",
    ),
    (
        Endpoint::ContactStatistic,
        "startTime=2027-01-04&timeCategory=quarterHour",
    ),
    (
        Endpoint::ContactStatistic,
        "startTime=2027-01-01&fill=zero&timeCategory=hour",
    ),
    (Endpoint::AgentStatistic, "startTime=2027-01-01&timeCategory=day"),
    (
        Endpoint::AgentStatistic,
        "startTime=2027-01-03&timeCategory=hour&fill=zero",
    ),
    (
        Endpoint::AgentHistory,
        "startTime=2027-01-01&endTime=2027-01-05&timeCategory=day&limit=50",
    ),
    (Endpoint::AgentStatus, "startTime=2027-01-01&limit=20"),
    (Endpoint::AgentStatusHistory, "startTime=2027-01-01&limit=30"),
    (Endpoint::AgentStatusTime, "startTime=2027-01-04&timeCategory=hour"),
    (
        Endpoint::AgentStatusTime,
        "startTime=2027-01-01&endTime=2027-01-04T10:00:00Z&timeCategory=day",
    ),
    (
        Endpoint::ContactHistory,
        "startTime=2027-01-01&endTime=2027-01-05&sort=nope",
    ),
];

#[derive(Debug, Clone)]
enum Op {
    Load(usize),
    Retract(u64),
    Retain(usize, i64),
    Query(usize),
    Tick(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let n = batches().len();
    prop_oneof![
        3 => (0..n).prop_map(Op::Load),
        1 => (1..12u64).prop_map(Op::Retract),
        1 => (0..Table::ALL.len(), 0..4 * 86_400_000i64).prop_map(|(t, d)| Op::Retain(t, START + d)),
        8 => (0..QUERIES.len()).prop_map(Op::Query),
        3 => prop_oneof![Just(0i64), Just(1), Just(900_000), Just(86_400_000)].prop_map(Op::Tick),
    ]
}

/// Runs `ops` on a cached and an uncached engine; returns the cache hits.
fn compare(ops: &[Op], budget: usize) -> Result<u64, TestCaseError> {
    let clock = Arc::new(AtomicI64::new(NOW));
    let make = |bytes: usize| {
        let c = clock.clone();
        let e = Engine::new().with_clock(Arc::new(move || c.load(Ordering::Relaxed)));
        e.set_cache_bytes(bytes);
        e
    };
    let (cached, plain) = (make(budget), make(0));
    for op in ops {
        match *op {
            Op::Load(i) => {
                let (table, body) = &batches()[i];
                let a = cached.load(*table, Format::JsonLines, body).map(|b| b.id);
                let b = plain.load(*table, Format::JsonLines, body).map(|b| b.id);
                prop_assert_eq!(a.is_ok(), b.is_ok());
            }
            Op::Retract(id) => {
                prop_assert_eq!(cached.retract(id).is_ok(), plain.retract(id).is_ok());
            }
            Op::Retain(t, before) => {
                let table = Table::ALL[t];
                prop_assert_eq!(
                    cached.retain_before(table, before).is_ok(),
                    plain.retain_before(table, before).is_ok()
                );
            }
            Op::Tick(ms) => {
                clock.fetch_add(ms, Ordering::Relaxed);
            }
            Op::Query(q) => {
                let (endpoint, query) = QUERIES[q];
                let a = cached.query(endpoint, query).map(|r| (r.total(), r.to_json()));
                let b = plain.query(endpoint, query).map(|r| (r.total(), r.to_json()));
                prop_assert_eq!(a, b, "{} {}", endpoint.name(), query);
            }
        }
    }
    prop_assert_eq!(plain.cache_stats().hits, 0);
    Ok(cached.cache_stats().hits)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn cached_answers_equal_uncached_ones(ops in prop::collection::vec(op(), 1..40)) {
        compare(&ops, rai_core::DEFAULT_CACHE_BYTES)?;
    }

    /// A budget of a few answers: eviction runs all the time.
    #[test]
    fn a_tiny_cache_evicts_and_stays_right(ops in prop::collection::vec(op(), 1..40)) {
        compare(&ops, 64 * 1024)?;
    }
}

/// The cache is used: a repeated query without a write or a tick is a hit,
/// also for a clock-dependent one at the same millisecond; a write or a
/// moved clock (for a clock-dependent one) is a miss.
#[test]
fn repeats_hit_and_writes_or_a_moved_clock_miss() {
    let ops: Vec<Op> = (0..batches().len()).map(Op::Load).collect();
    let mut all = ops.clone();
    for q in 0..QUERIES.len() {
        all.extend([Op::Query(q), Op::Query(q)]);
    }
    // 11 of the 12 queries are answered (one is an error, never kept).
    assert_eq!(compare(&all, rai_core::DEFAULT_CACHE_BYTES).ok(), Some(11));

    let clock = Arc::new(AtomicI64::new(NOW));
    let c = clock.clone();
    let e = Engine::new().with_clock(Arc::new(move || c.load(Ordering::Relaxed)));
    for (table, body) in batches() {
        e.load(*table, Format::JsonLines, body).expect("load");
    }
    let hits = |e: &Engine| e.cache_stats().hits;
    let (history, statistic) = (QUERIES[0], QUERIES[2]);
    for (endpoint, q) in [history, statistic, history, statistic] {
        e.query(endpoint, q).expect("query");
    }
    assert_eq!(hits(&e), 2);
    clock.fetch_add(1, Ordering::Relaxed);
    e.query(history.0, history.1).expect("query");
    e.query(statistic.0, statistic.1).expect("query");
    assert_eq!(
        hits(&e),
        3,
        "contactHistory does not read the clock; contactStatistic does"
    );
    e.retract(1).expect("retract");
    e.query(history.0, history.1).expect("query");
    assert_eq!(hits(&e), 3, "a write starts a new generation");
    assert!(e.cache_stats().bytes > 0 && e.cache_stats().entries >= 1);
    e.set_cache_bytes(0);
    assert_eq!(e.cache_stats().entries, 0);
}
