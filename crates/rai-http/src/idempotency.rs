//! `Idempotency-Key` on `POST` (a batch): a retried request with the same
//! key and the same body gets the first request's batch id (and
//! `Idempotent-Replayed: true`) instead of loading the batch twice; the
//! same key with another body is a 422. Requests with one key run one at a
//! time (a `OnceCell` per key): the first that succeeds sets the id, later
//! ones get it; a failed load sets nothing, so a retry under its key loads. Keys live in memory, at most [`CAPACITY`] of
//! them, the oldest forgotten first, for [`TTL`]; a restart forgets them.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Keys remembered at most.
pub const CAPACITY: usize = 10_000;
/// How long a key is remembered.
pub const TTL: Duration = Duration::from_secs(24 * 3600);
/// The longest key accepted.
pub const MAX_KEY_BYTES: usize = 255;

/// A key's first request: its fingerprint and, once loaded, its batch id.
struct Entry {
    fingerprint: u64,
    at: Instant,
    batch: Arc<OnceCell<u64>>,
}

/// The remembered keys.
#[derive(Default)]
pub struct Keys {
    inner: Mutex<(HashMap<String, Entry>, VecDeque<String>)>,
}

/// A request's fingerprint: table, media type and body.
pub fn fingerprint(table: &str, media: &str, body: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (table, media, body).hash(&mut h);
    h.finish()
}

impl Keys {
    /// The cell of `key` for a request with `fingerprint` (a new one for a
    /// new key); `None` when the key was used with another request.
    pub fn cell(&self, key: &str, fingerprint: u64) -> Option<Arc<OnceCell<u64>>> {
        let Ok(mut guard) = self.inner.lock() else {
            return Some(Arc::new(OnceCell::new()));
        };
        let (map, order) = &mut *guard;
        let now = Instant::now();
        // Forget expired keys and the oldest beyond the capacity.
        while let Some(oldest) = order.front() {
            let stale = map.get(oldest).is_none_or(|e| now.duration_since(e.at) > TTL);
            if !stale && map.len() < CAPACITY {
                break;
            }
            if let Some(k) = order.pop_front() {
                map.remove(&k);
            }
        }
        match map.get(key) {
            Some(e) if e.fingerprint != fingerprint => None,
            Some(e) => Some(e.batch.clone()),
            None => {
                let batch = Arc::new(OnceCell::new());
                map.insert(
                    key.to_string(),
                    Entry {
                        fingerprint,
                        at: now,
                        batch: batch.clone(),
                    },
                );
                order.push_back(key.to_string());
                Some(batch)
            }
        }
    }
}
