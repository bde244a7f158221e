//! The result cache: answers kept by (snapshot generation, endpoint, query
//! string as sent, clock value the answer read), bounded in bytes.
//!
//! Why here: every adapter (HTTP, C, Python, the CLI) asks the engine, so
//! one cache serves them all, and the engine alone knows when a snapshot is
//! published — each publish starts a new generation, and an entry of an
//! older one is never answered (the whole cache is dropped when a newer
//! generation first stores). An answer that reads the clock
//! ([`crate::LogicalPlan::clock_horizon`]) is kept with the clock value it
//! read, to the millisecond (SPEC's durations are milliseconds), and is
//! answered again only at the same value: durations to now are never stale.
//! A clock-free answer (contactHistory, agentIntervals, a range that ended)
//! is answered until the next write.
//!
//! A hit costs one hash lookup under a mutex; nothing is parsed. The query
//! string is the key as sent: the same query written another way (another
//! parameter order, other escapes) is another entry, never a wrong one.
//! Eviction drops the least recently used entries down to 3/4 of the
//! budget, so its sort is paid once per many inserts.

use crate::model::Millis;
use crate::render::QueryResult;
use crate::schema::Endpoint;
use ahash::AHashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The default budget: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 << 20;

struct Entry {
    answer: QueryResult,
    /// For an answer that reads the clock: its horizon and the value it
    /// read, `min(now, horizon)`.
    clock: Option<(Millis, Millis)>,
    bytes: usize,
    used: u64,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    /// Per endpoint, by query string.
    maps: Vec<AHashMap<Box<str>, Entry>>,
    bytes: usize,
    tick: u64,
}

/// Counters of the cache (`/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Answers served from the cache.
    pub hits: u64,
    /// Answers computed (and offered to the cache).
    pub misses: u64,
    /// Entries held.
    pub entries: usize,
    /// Bytes held (estimated: the page and its rendered bodies).
    pub bytes: usize,
    /// The budget.
    pub budget: usize,
}

/// A bounded cache of answers.
pub(crate) struct ResultCache {
    budget: AtomicUsize,
    entries: Mutex<Entries>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResultCache {
    pub(crate) fn new(budget: usize) -> ResultCache {
        ResultCache {
            budget: AtomicUsize::new(budget),
            entries: Mutex::new(Entries {
                maps: Endpoint::ALL.iter().map(|_| AHashMap::new()).collect(),
                ..Entries::default()
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the budget (0 turns the cache off) and drops what is over it.
    pub(crate) fn set_budget(&self, bytes: usize) {
        self.budget.store(bytes, Ordering::Relaxed);
        let mut e = self.lock();
        evict(&mut e, bytes, bytes);
    }

    /// The answer to `query` on `endpoint` in `generation` at `now`, if kept.
    pub(crate) fn get(&self, generation: u64, endpoint: Endpoint, query: &str, now: Millis) -> Option<QueryResult> {
        if self.budget.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let mut e = self.lock();
        if e.generation != generation {
            return None;
        }
        e.tick += 1;
        let tick = e.tick;
        let entry = e.maps.get_mut(endpoint as usize)?.get_mut(query)?;
        if entry.clock.is_some_and(|(horizon, read)| now.min(horizon) != read) {
            return None;
        }
        entry.used = tick;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(entry.answer.clone())
    }

    /// Keeps `answer` (computed on `generation` at `now`; `horizon` as
    /// [`crate::LogicalPlan::clock_horizon`] says).
    pub(crate) fn put(
        &self,
        generation: u64,
        endpoint: Endpoint,
        query: &str,
        horizon: Option<Millis>,
        now: Millis,
        answer: &QueryResult,
    ) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        let budget = self.budget.load(Ordering::Relaxed);
        // The page, and as much again for the body its readers render.
        let bytes = 2 * answer.heap_bytes() + query.len() + 64;
        if bytes > budget / 8 {
            return;
        }
        let mut e = self.lock();
        if generation < e.generation {
            return;
        }
        if generation > e.generation {
            e.maps.iter_mut().for_each(|m| m.clear());
            e.bytes = 0;
            e.generation = generation;
        }
        e.tick += 1;
        let entry = Entry {
            answer: answer.clone(),
            clock: horizon.map(|h| (h, now.min(h))),
            bytes,
            used: e.tick,
        };
        let Some(map) = e.maps.get_mut(endpoint as usize) else {
            return;
        };
        let old = map.insert(query.into(), entry).map_or(0, |o| o.bytes);
        e.bytes = e.bytes + bytes - old;
        if e.bytes > budget {
            evict(&mut e, budget - budget / 4, budget);
        }
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let e = self.lock();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: e.maps.iter().map(|m| m.len()).sum(),
            bytes: e.bytes,
            budget: self.budget.load(Ordering::Relaxed),
        }
    }
}

/// Drops the least recently used entries until at most `target` bytes are
/// held (when more than `budget` are).
fn evict(e: &mut Entries, target: usize, budget: usize) {
    if e.bytes <= budget {
        return;
    }
    let mut by_use: Vec<(u64, usize, Box<str>)> = e
        .maps
        .iter()
        .enumerate()
        .flat_map(|(m, map)| map.iter().map(move |(k, v)| (v.used, m, k.clone())))
        .collect();
    by_use.sort_unstable_by_key(|x| x.0);
    for (_, m, k) in by_use {
        if e.bytes <= target {
            break;
        }
        if let Some(old) = e.maps.get_mut(m).and_then(|map| map.remove(&k)) {
            e.bytes -= old.bytes;
        }
    }
}
