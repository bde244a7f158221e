//! The embedding API: an [`Engine`] that loads batches while queries run,
//! each query reading one consistent [`Snapshot`].

use crate::error::{Error, Result};
use crate::exec::Deadline;
use crate::load::Format;
use crate::messages;
use crate::model::{guid_string, parse_guid, Millis};
use crate::plan::{lower, LogicalPlan, Query};
use crate::render::QueryResult;
use crate::schema::{Endpoint, Table};
use crate::store::{BatchInfo, Prepared, Snapshot};
use std::io::Seek;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

mod admission;
mod cache;
mod journal;
mod request;
use admission::Admission;
use cache::ResultCache;
pub use cache::{CacheStats, DEFAULT_CACHE_BYTES};
pub use journal::{Journal, Write};
pub use request::Request;

/// Where "now" comes from (SPEC §3: injectable).
pub type Clock = Arc<dyn Fn() -> Millis + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// The newest applied state: what the next write builds on. With a
/// journal it can be ahead of the published snapshot while its writes are
/// being made durable.
struct Head {
    snapshot: Arc<Snapshot>,
    /// The position of the last write applied.
    position: u64,
    /// A journal failed: the head may hold writes that were never
    /// acknowledged, so no further write is taken.
    failed: bool,
}

/// The published state: the snapshot, the log position of its last
/// write, and its generation (one more at every publish: the result cache's
/// key).
#[derive(Clone)]
struct Published {
    snapshot: Arc<Snapshot>,
    position: u64,
    generation: u64,
}

/// An in-memory RAI engine. `Send + Sync`: share it behind an `Arc`.
pub struct Engine {
    current: RwLock<Published>,
    cache: ResultCache,
    writer: Mutex<Head>,
    journal: OnceLock<Arc<dyn Journal>>,
    clock: Clock,
    default_language: Option<String>,
    listeners: RwLock<Vec<PublishListener>>,
    backend: OnceLock<Arc<dyn Backend>>,
    /// Writers read their batches one per core at a time, first come first served.
    readers: Admission,
}

/// Another place to run plans (a cluster): asked first for every query;
/// `None` lets the engine run the plan itself. It answers from the same
/// snapshot, so an answer it gives is cached like a local one.
pub trait Backend: Send + Sync {
    /// The answer to `plan` on `snap` at instant `now`, or None.
    fn execute(
        &self,
        snap: &Arc<Snapshot>,
        plan: &LogicalPlan,
        now: Millis,
        deadline: Deadline,
    ) -> Option<Result<QueryResult>>;
}

/// Called with the new generation after each publish (see [`Engine::on_publish`]).
type PublishListener = Box<dyn Fn(u64) + Send + Sync>;

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("default_language", &self.default_language)
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An empty engine on the system clock.
    pub fn new() -> Engine {
        let empty = Arc::new(Snapshot::default());
        Engine {
            current: RwLock::new(Published {
                snapshot: empty.clone(),
                position: 0,
                generation: 0,
            }),
            cache: ResultCache::new(DEFAULT_CACHE_BYTES),
            writer: Mutex::new(Head {
                snapshot: empty,
                position: 0,
                failed: false,
            }),
            journal: OnceLock::new(),
            clock: system_clock(),
            default_language: None,
            listeners: RwLock::new(Vec::new()),
            backend: OnceLock::new(),
            readers: Admission::new(rayon::current_num_threads()),
        }
    }

    /// Routes queries through `backend` first (once; a second call is an error).
    pub fn set_backend(&self, backend: Arc<dyn Backend>) -> Result<()> {
        self.backend
            .set(backend)
            .map_err(|_| Error::internal(messages::BACKEND_SET))
    }

    /// Replaces the clock (tests pin it).
    pub fn with_clock(mut self, clock: Clock) -> Engine {
        self.clock = clock;
        self
    }

    /// Pins the clock at `now`.
    pub fn with_fixed_now(self, now: Millis) -> Engine {
        self.with_clock(Arc::new(move || now))
    }

    /// Sets the language used when a query names none (SPEC §7).
    pub fn with_default_language(mut self, language: Option<&str>) -> Engine {
        self.default_language = language.map(|l| l.to_ascii_lowercase());
        self
    }

    /// The language used when a query names none.
    pub fn default_language(&self) -> Option<&str> {
        self.default_language.as_deref()
    }

    /// The engine's current time.
    pub fn now(&self) -> Millis {
        (self.clock)()
    }

    /// The current snapshot (readers keep it as long as they like).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current_state().snapshot
    }

    fn current_state(&self) -> Published {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Sets the result cache's budget in bytes (0 turns it off; default
    /// [`DEFAULT_CACHE_BYTES`]). Answers are kept until the next write, or,
    /// when they read the clock, for the millisecond they read.
    pub fn set_cache_bytes(&self, bytes: usize) {
        self.cache.set_budget(bytes);
    }

    /// The result cache's counters.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Attaches the journal every later write goes through (once; a durable
    /// store does this after replaying its log into the engine).
    pub fn attach_journal(&self, journal: Arc<dyn Journal>) -> Result<()> {
        self.journal
            .set(journal)
            .map_err(|_| Error::internal(messages::journal_attached()))
    }

    /// Publishes `next` (the state after the write at `position`) unless a
    /// later write is already published: writes made durable together may
    /// finish in any order, and the newest state includes the others.
    fn publish(&self, next: Arc<Snapshot>, position: u64) {
        self.install(next, position, true);
    }

    /// Makes `next` the published state (unless `only_newer` and a later
    /// write is already published), then tells the publish listeners.
    fn install(&self, next: Arc<Snapshot>, position: u64, only_newer: bool) {
        let generation = {
            let mut g = match self.current.write() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            if only_newer && position <= g.position {
                return;
            }
            *g = Published {
                snapshot: next,
                position,
                generation: g.generation + 1,
            };
            g.generation
        };
        let listeners = match self.listeners.read() {
            Ok(l) => l,
            Err(p) => p.into_inner(),
        };
        for listener in listeners.iter() {
            listener(generation);
        }
    }

    /// Calls `listener` with the new generation after every publish, on the
    /// writer's thread once readers can see the new state: a live query
    /// recomputes then instead of polling. Keep it short (send a message).
    pub fn on_publish(&self, listener: impl Fn(u64) + Send + Sync + 'static) {
        match self.listeners.write() {
            Ok(mut l) => l.push(Box::new(listener)),
            Err(p) => p.into_inner().push(Box::new(listener)),
        }
    }

    /// The published state's generation: one more at every publish (a
    /// write, a retraction, retention, a restore).
    pub fn generation(&self) -> u64 {
        self.current_state().generation
    }

    /// Applies one write: `apply` builds the next state from the newest
    /// one (its error rejects the write: nothing is recorded); the journal,
    /// if any, records it and makes it durable; then it is published.
    fn write<T>(&self, record: Write<'_>, apply: impl FnOnce(&Snapshot) -> Result<(Snapshot, T)>) -> Result<T> {
        let journal = self.journal.get();
        let (next, position, out) = {
            let mut head = self
                .writer
                .lock()
                .map_err(|_| Error::internal(messages::writer_poisoned()))?;
            if head.failed {
                return Err(Error::internal(messages::journal_failed()));
            }
            let (next, out) = apply(&head.snapshot)?;
            let position = match journal {
                Some(j) => match j.append(&record) {
                    Ok(p) => p,
                    Err(e) => {
                        // A refusal (too large, …) wrote nothing; a failure may have.
                        head.failed |= e.kind() == crate::error::ErrorKind::Internal;
                        return Err(e);
                    }
                },
                None => head.position + 1,
            };
            let next = Arc::new(next);
            head.snapshot = next.clone();
            head.position = position;
            (next, position, out)
        };
        if let Some(j) = journal {
            if let Err(e) = j.commit(position) {
                if let Ok(mut head) = self.writer.lock() {
                    head.failed = true;
                }
                return Err(e);
            }
        }
        self.publish(next, position);
        Ok(out)
    }

    /// Restores one batch from a checkpoint: `feed` hands its rows (as
    /// [`Snapshot::batch_rows`] or [`Snapshot::upserted_rows`] gave them)
    /// to the sink, and the batch keeps `id`. Only while recovering: before
    /// any other write and before a journal is attached; ids in increasing
    /// order.
    pub fn restore_batch(
        &self,
        table: Table,
        id: u64,
        feed: impl FnOnce(&mut dyn crate::load::RowSink) -> Result<usize>,
    ) -> Result<()> {
        self.restoring(|snap| Ok(snap.with_restored(table, id, feed)?.0))
    }

    /// Applies one restore step to the newest state (no journal, nothing
    /// published until [`Engine::restore_finish`]).
    fn restoring(&self, step: impl FnOnce(&Snapshot) -> Result<Snapshot>) -> Result<()> {
        if self.journal.get().is_some() {
            return Err(Error::internal(messages::journal_attached()));
        }
        let mut head = self
            .writer
            .lock()
            .map_err(|_| Error::internal(messages::writer_poisoned()))?;
        head.snapshot = Arc::new(step(&head.snapshot)?);
        Ok(())
    }

    /// Restores the batches of fact table `table` (contacts or
    /// agentIntervals) from a checkpoint read in parts on every core:
    /// `counts[i]` names part `i` (for errors) and lists its rows per
    /// batch (batch id, rows), and
    /// `read(i, f)` hands `f` each row of part `i` with its batch id and its
    /// place in the batch (a batch may spread over parts; a part's rows of
    /// a batch come in the batch's stored order). A part with other rows
    /// than it lists is an error. Only while recovering, as
    /// [`Engine::restore_batch`].
    pub fn restore_fact_parts(
        &self,
        table: Table,
        counts: &[(String, Vec<(u64, usize)>)],
        read: impl Fn(usize, &mut crate::load::TakeRestoredRow<'_>) -> Result<()> + Sync,
    ) -> Result<()> {
        self.restoring(|snap| snap.with_restored_parts(table, counts, read))
    }

    /// Ends a restore: the next batch id and the upsert batch ids of the
    /// checkpoint, and the log position its state covers (the log's later
    /// records replay after it). Publishes the restored state.
    pub fn restore_finish(&self, next_batch: u64, upsert_batches: &[u64], position: u64) -> Result<()> {
        if self.journal.get().is_some() {
            return Err(Error::internal(messages::journal_attached()));
        }
        let next = {
            let mut head = self
                .writer
                .lock()
                .map_err(|_| Error::internal(messages::writer_poisoned()))?;
            head.snapshot = Arc::new(head.snapshot.with_counters(next_batch, upsert_batches));
            head.position = position;
            head.snapshot.clone()
        };
        self.install(next, position, false);
        Ok(())
    }

    /// The published snapshot and the log position of its last write (what
    /// a checkpoint writes out).
    pub fn published(&self) -> (Arc<Snapshot>, u64) {
        let p = self.current_state();
        (p.snapshot, p.position)
    }

    /// Loads one atomic batch into `table`. A batch without rows is
    /// refused (`InvalidData`, nothing is written), so that a mistaken
    /// empty upload never becomes a batch.
    pub fn load(&self, table: Table, format: Format, input: &[u8]) -> Result<BatchInfo> {
        self.load_checked(table, format, input, false)
    }

    /// Recovery's [`Engine::load`]: a logged batch is replayed even without
    /// rows (logs written before empty batches were refused hold some), so
    /// that every later batch keeps its id.
    #[doc(hidden)]
    pub fn replay_load(&self, table: Table, format: Format, input: &[u8]) -> Result<BatchInfo> {
        self.load_checked(table, format, input, true)
    }

    fn load_checked(&self, table: Table, format: Format, input: &[u8], allow_empty: bool) -> Result<BatchInfo> {
        let record = Write::Load {
            table,
            format,
            bytes: input,
        };
        let rows = move |(snap, info): (Snapshot, BatchInfo)| non_empty(snap, info, allow_empty);
        // Fact tables are read before the writer lock: concurrent writers parse
        // in parallel, one per core in arrival order (a pool thread never waits:
        // the reader holding the gate may need the pool).
        let admitted = rayon::current_thread_index().is_none().then(|| self.readers.enter());
        let prepared = Snapshot::prepare(table, format, input);
        drop(admitted);
        match prepared? {
            Some(prepared) => self.add_prepared(record, prepared, allow_empty),
            None => self.write(record, |snap| snap.with_batch(table, format, input).and_then(rows)),
        }
    }

    /// Loads one atomic batch from a stream (without a journal, CSV and JSON
    /// Lines are read incrementally, so a large file need not fit in memory
    /// twice; a journal records the bytes, so they are read whole first).
    /// A batch without rows is refused, as by [`Engine::load`].
    pub fn load_reader(&self, table: Table, format: Format, mut input: impl std::io::Read) -> Result<BatchInfo> {
        if self.journal.get().is_some() {
            let mut bytes = Vec::new();
            input
                .read_to_end(&mut bytes)
                .map_err(|e| Error::data(messages::read_failed(e)))?;
            return self.load(table, format, &bytes);
        }
        self.write(
            Write::Load {
                table,
                format,
                bytes: &[],
            },
            |snap| {
                snap.with_batch(table, format, input)
                    .and_then(|(snap, info)| non_empty(snap, info, false))
            },
        )
    }

    /// Loads a data directory (SPEC §11): every `<table>.jsonl`, `.json`
    /// and `.csv` in §2's table order; a missing file, or one without rows,
    /// is an empty table (no batch).
    /// A data error names the file: `contacts.jsonl: line 3: …`.
    pub fn load_dir(&self, dir: &std::path::Path) -> Result<Vec<BatchInfo>> {
        let mut files = Vec::new();
        for table in Table::ALL {
            for format in [Format::JsonLines, Format::Json, Format::Csv] {
                let name = format!("{}.{}", table.name(), format.extension());
                match std::fs::File::open(dir.join(&name)) {
                    Ok(file) => files.push((table, format, name, file)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::data(messages::in_file(&name, e))),
                }
            }
        }
        // The large fact-table files are read in blocks side by side (the
        // seal of one overlaps the reading of the next), apart from any
        // snapshot; then every file is added in table order, so batch ids
        // and the id dictionary come out as one file after another would.
        let in_blocks = self.journal.get().is_none() && rayon::current_thread_index().is_none();
        let prepared: Vec<Option<Result<Option<Prepared>>>> = std::thread::scope(|s| {
            let reading: Vec<_> = (files.iter_mut())
                .map(|(table, format, _, file)| {
                    let (table, format) = (*table, *format);
                    (in_blocks && large_fact(table, file)).then(|| {
                        s.spawn(move || {
                            let _admitted = self.readers.enter();
                            Snapshot::prepare_blocks(table, format, file)
                        })
                    })
                })
                .collect();
            (reading.into_iter())
                .map(|r| {
                    r.map(|r| {
                        r.join()
                            .unwrap_or_else(|_| Err(Error::internal(messages::reader_panicked())))
                    })
                })
                .collect()
        });
        let mut out = Vec::new();
        for ((table, format, name, mut file), prepared) in files.into_iter().zip(prepared) {
            let info = match prepared {
                Some(Ok(Some(prepared))) => {
                    // Without a journal the record's bytes are not kept.
                    let record = Write::Load {
                        table,
                        format,
                        bytes: &[],
                    };
                    self.add_prepared(record, prepared, false)
                }
                Some(Ok(None)) => (file.rewind())
                    .map_err(|e| Error::data(messages::read_failed(e)))
                    .and_then(|()| self.load_reader(table, format, file)),
                Some(Err(e)) => Err(e),
                // A journal records a large file's bytes: it is read whole first.
                None if large_fact(table, &file) => read_whole(file)
                    .map_err(|e| Error::data(messages::read_failed(e)))
                    .and_then(|bytes| self.load(table, format, &bytes)),
                None => self.load_reader(table, format, file),
            };
            match info {
                Ok(info) => out.push(info),
                // A file without rows is an empty table, as a missing one is.
                Err(e) if e.message() == messages::EMPTY_BATCH => {}
                Err(e) => {
                    let message = messages::in_file(&name, &e);
                    return Err(e.with_message(message));
                }
            }
        }
        Ok(out)
    }

    /// Adds a fact batch read apart from any snapshot, journalled as
    /// `record` (refused without rows unless `allow_empty`).
    fn add_prepared(&self, record: Write<'_>, prepared: Prepared, allow_empty: bool) -> Result<BatchInfo> {
        self.write(record, |snap| {
            let (snap, info) = snap.with_prepared(prepared)?;
            non_empty(snap, info, allow_empty)
        })
    }

    /// Retracts an appended batch.
    pub fn retract(&self, batch: u64) -> Result<()> {
        self.write(Write::Retract { batch }, |snap| Ok((snap.without_batch(batch)?, ())))
    }

    /// Retention: drops the rows of `table` whose time key is before `before`.
    pub fn retain_before(&self, table: Table, before: Millis) -> Result<()> {
        self.write(Write::Retain { table, before }, |snap| {
            Ok((snap.without_before(table, before)?, ()))
        })
    }

    /// Upserts one row of agentStates or users, given as a JSON object. When
    /// `user_id` is given (the row is addressed to a user, as in
    /// `PUT …/users/<userId>`), the object's userId may be omitted; if
    /// present it must be the same id.
    pub fn upsert(&self, table: Table, user_id: Option<&str>, json: &[u8]) -> Result<BatchInfo> {
        if !table.is_upsert() {
            return Err(Error::query(messages::not_upsert_table(table.name())));
        }
        let path_user = match user_id {
            Some(id) => Some(parse_guid(id).ok_or_else(|| Error::query(messages::invalid_guid(id)))?),
            None => None,
        };
        let mut obj = match serde_json::from_slice::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => return Err(Error::data_at(1, None, None, messages::expected_object(1))),
            Err(e) => {
                let line = e.line().max(1);
                return Err(Error::data_at(line, None, None, messages::invalid_json(line, e)));
            }
        };
        if let (Some(user), Some(path)) = (path_user, user_id) {
            match obj.get("userId") {
                None | Some(serde_json::Value::Null) => {
                    obj.insert("userId".into(), serde_json::Value::String(guid_string(user)));
                }
                Some(serde_json::Value::String(s)) if parse_guid(s) == Some(user) => {}
                Some(other) => {
                    let shown = other.as_str().map_or_else(|| other.to_string(), str::to_string);
                    return Err(Error::data_at(
                        1,
                        Some("userId"),
                        Some(&shown),
                        messages::user_id_differs(&shown, path),
                    ));
                }
            }
        }
        // One object on one line, as JSON Lines wants.
        let line = serde_json::Value::Object(obj).to_string();
        self.load(table, Format::JsonLines, line.as_bytes())
    }

    /// The logical plan of a raw query string for `endpoint` (what `rai explain` prints).
    pub fn plan(&self, endpoint: Endpoint, raw_query: &str) -> Result<LogicalPlan> {
        let q = Query::parse(endpoint, raw_query, self.default_language.as_deref())?;
        Ok(lower(&q))
    }

    /// Answers `endpoint` for a raw query string, at the engine's clock.
    pub fn query(&self, endpoint: Endpoint, raw_query: &str) -> Result<QueryResult> {
        self.query_at(endpoint, raw_query, self.now())
    }

    /// Answers `endpoint` for a raw query string at instant `now`.
    pub fn query_at(&self, endpoint: Endpoint, raw_query: &str, now: Millis) -> Result<QueryResult> {
        self.answer(endpoint, raw_query, now, Deadline::NONE)
    }

    /// The answer to `endpoint` for a raw query string if the result cache
    /// holds it for the current snapshot at the engine's clock (nothing is
    /// computed: an adapter answers a hit without a worker thread).
    pub fn cached(&self, endpoint: Endpoint, raw_query: &str) -> Option<QueryResult> {
        let state = self.current_state();
        self.cache.get(state.generation, endpoint, raw_query, self.now())
    }

    /// The answer from the result cache, or computed on the current
    /// snapshot and offered to it.
    fn answer(&self, endpoint: Endpoint, raw_query: &str, now: Millis, deadline: Deadline) -> Result<QueryResult> {
        let state = self.current_state();
        if let Some(hit) = self.cache.get(state.generation, endpoint, raw_query, now) {
            return Ok(hit);
        }
        let plan = self.plan(endpoint, raw_query)?;
        let answer = self.run(&state.snapshot, &plan, now, deadline)?;
        let horizon = plan.clock_horizon();
        self.cache
            .put(state.generation, endpoint, raw_query, horizon, now, &answer);
        Ok(answer)
    }

    /// Runs a logical plan on the current snapshot at instant `now`.
    pub fn execute(&self, plan: &LogicalPlan, now: Millis) -> Result<QueryResult> {
        self.run(&self.snapshot(), plan, now, Deadline::NONE)
    }

    /// Runs `plan` through the backend when it takes it, else here.
    fn run(&self, snap: &Arc<Snapshot>, plan: &LogicalPlan, now: Millis, deadline: Deadline) -> Result<QueryResult> {
        if let Some(answer) = self.backend.get().and_then(|b| b.execute(snap, plan, now, deadline)) {
            return answer;
        }
        crate::exec::execute(snap, plan, now, deadline)
    }

    /// [`Engine::query`] that stops once `deadline` passes, with an
    /// [`crate::ErrorKind::Cancelled`] error: the work ends with the wait.
    pub fn query_until(&self, endpoint: Endpoint, raw_query: &str, deadline: Deadline) -> Result<QueryResult> {
        self.answer(endpoint, raw_query, self.now(), deadline)
    }
}

/// Whether `file` is a fact table's and large enough to be read on every core.
fn large_fact(table: Table, file: &std::fs::File) -> bool {
    matches!(table, Table::Contacts | Table::AgentIntervals)
        && file
            .metadata()
            .is_ok_and(|m| m.len() >= crate::store::PARALLEL_MIN_BYTES as u64)
}

/// A file's bytes, read on every core in pieces of 4 MiB. Reading one
/// large file on one thread costs what a second thread could halve: the
/// kernel's copy into fresh memory (half a second for 380 MB here, a
/// quarter on two threads). A file that changed size meanwhile is read
/// again from the start, in one pass.
fn read_whole(mut file: std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek};
    #[cfg(unix)]
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt;
        const PIECE: usize = 4 << 20;
        // A length that does not fit memory's addresses is read in one pass
        // (and fails there, as any read of it would).
        if let Ok(len) = usize::try_from(file.metadata()?.len()) {
            let mut bytes = vec![0u8; len];
            let read = (bytes.par_chunks_mut(PIECE).enumerate())
                .try_for_each(|(i, piece)| file.read_exact_at(piece, (i * PIECE) as u64));
            let mut probe = [0u8; 1];
            if read.is_ok() && file.read_at(&mut probe, len as u64)? == 0 {
                return Ok(bytes);
            }
        }
    }
    let mut bytes = Vec::new();
    file.rewind()?;
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Refuses a batch without rows unless `allow_empty`.
fn non_empty(snap: Snapshot, info: BatchInfo, allow_empty: bool) -> Result<(Snapshot, BatchInfo)> {
    if info.rows == 0 && !allow_empty {
        return Err(Error::data_at(1, None, None, messages::EMPTY_BATCH));
    }
    Ok((snap, info))
}

/// Runs a logical plan on one snapshot.
pub fn run_on(snap: &Snapshot, plan: &LogicalPlan, now: Millis) -> Result<QueryResult> {
    crate::exec::execute(snap, plan, now, Deadline::NONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const USER: &str = "AC083B34470B4164A6A5968DD031B5E5";

    /// A file of several pieces and a ragged end reads back byte for byte.
    #[test]
    fn a_large_file_reads_back_whole() {
        let path = std::env::temp_dir().join(format!("rai-read-whole-{}", std::process::id()));
        let bytes: Vec<u8> = (0..(9 << 20) + 3u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let read = std::fs::write(&path, &bytes).and_then(|()| read_whole(std::fs::File::open(&path)?));
        let _ = std::fs::remove_file(&path);
        assert!(read.is_ok_and(|r| r == bytes));
    }

    /// Every stored row of every batch, in stored order, with its position.
    fn stored_rows(e: &Engine) -> String {
        let snap = e.snapshot();
        let mut out = String::new();
        for b in snap.stored_batches() {
            let dump = snap.batch_rows_stored(b.id, &mut |at, cells| {
                out.push_str(&format!("\n{} {at} {cells:?}", b.id));
                Ok(())
            });
            out.push_str(&format!("{dump:?}"));
        }
        out
    }

    /// `load_dir` of a directory holding only `file` with `body`, and the
    /// batch read in one pass from a stream: the snapshot (or error) each makes.
    fn dir_and_one_pass(file: &str, format: Format, body: &[u8]) -> (String, String) {
        let dir = std::env::temp_dir().join(format!("rai-blocks-{}-{file}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let shown = |e: &Engine, r: Result<()>| match r {
            Ok(()) => format!("{}{}", names(e), stored_rows(e)),
            Err(e) => e.to_string(),
        };
        let by_dir = Engine::new();
        let got = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join(file), body))
            .map_err(|e| Error::data(e.to_string()))
            .and_then(|()| by_dir.load_dir(&dir).map(drop));
        let _ = std::fs::remove_dir_all(&dir);
        let one_pass = Engine::new();
        let want = one_pass
            .load_reader(Table::Contacts, format, body)
            .map(drop)
            .map_err(|e| {
                let message = messages::in_file(file, &e);
                e.with_message(message)
            });
        (shown(&by_dir, got), shown(&one_pass, want))
    }

    /// A large fact file is read in blocks (here of 32 bytes, so every
    /// record ends one and quoted fields span them): it makes the snapshot
    /// one pass makes, byte order mark, quoted commas and quotes, a field
    /// over two lines and a CRLF included; a bad row in a late block and a
    /// stray quote (which cannot be cut) are read again in one pass, and
    /// the error is the one pass's.
    #[test]
    fn a_file_read_in_blocks_is_the_batch_read_in_one_pass() {
        let head = "\u{feff}contactId,type,channel,arrivalTime,changeTimestamp,userId,userName,handlingDuration\n";
        let row = |i: u32, name: &str, handling: &str| {
            format!(
                "{i:032X},CallIn,Phone,2026-01-0{}T10:00:00Z,2026-01-01T10:00:00Z,{:032X},{name},{handling}\n",
                1 + i % 7,
                i % 5
            )
        };
        let names = [
            "\"Sigurdsson, J\"",
            "Plain",
            "\"Two\nlines\"",
            "\"Say \"\"hi\"\"\"",
            "",
            "\"Ängel\"",
        ];
        let handling = ["7", "7\r"];
        let rows: Vec<String> = (0..60u32)
            .map(|i| row(i, names[i as usize % names.len()], handling[i as usize % 2]))
            .collect();
        let good = format!("{head}{}", rows.concat());
        let in_blocks = |format, body: &str| {
            Snapshot::prepare_blocks(Table::Contacts, format, body.as_bytes()).map(|p| p.is_some())
        };
        assert!(matches!(in_blocks(Format::Csv, &good), Ok(true)));
        let (got, want) = dir_and_one_pass("contacts.csv", Format::Csv, good.as_bytes());
        assert!(got.contains("Sigurdsson, J") && got.contains("Say \\\"hi\\\""), "{got}");
        assert_eq!(got, want);
        let bad = format!(
            "{head}{}{}{}",
            rows[..50].concat(),
            row(99, "x", "-1"),
            rows[50..].concat()
        );
        let (got, want) = dir_and_one_pass("contacts.csv", Format::Csv, bad.as_bytes());
        assert!(got.starts_with("contacts.csv: line "), "{got}");
        assert_eq!(got, want);
        let stray = format!("{head}{}{}", rows.concat(), row(98, "ab\"c", "7"));
        assert!(matches!(in_blocks(Format::Csv, &stray), Ok(false)));
        let (got, want) = dir_and_one_pass("contacts.csv", Format::Csv, stray.as_bytes());
        assert!(got.contains("ab\\\"c"), "{got}");
        assert_eq!(got, want);
        let lines: String = (0..40u32)
            .map(|i| format!("{{\"contactId\":\"{i:032X}\",\"type\":\"CallIn\",\"channel\":\"Phone\",\"arrivalTime\":\"2026-01-01T10:00:00Z\",\"changeTimestamp\":\"2026-01-01T10:00:00Z\"}}\n"))
            .collect();
        assert!(matches!(in_blocks(Format::JsonLines, &lines), Ok(true)));
        let (got, want) = dir_and_one_pass("contacts.jsonl", Format::JsonLines, lines.as_bytes());
        assert_eq!(got.lines().count(), 41, "{got}");
        assert_eq!(got, want);
    }

    /// The large fact files of a directory are read side by side, yet added
    /// in table order: batch ids, the id dictionary (ids first seen in the
    /// intervals come after the contacts'), rows and names are those of
    /// the files loaded one after another.
    #[test]
    fn files_read_side_by_side_are_added_in_table_order() {
        let contacts: String =
            std::iter::once("contactId,type,channel,arrivalTime,changeTimestamp,userId,userName\n".to_string())
                .chain((0..30u32).map(|i| {
                    format!(
                        "{i:032X},CallIn,Phone,2026-01-01T10:00:00Z,2026-01-01T10:0{}:00Z,{:032X},\"C, {i}\"\n",
                        i % 10,
                        100 + i % 4
                    )
                }))
                .collect();
        let intervals: String = std::iter::once("intervalStart,userId,userName,changeTimestamp\n".to_string())
            .chain((0..30u32).map(|i| {
                format!(
                    "2026-01-01T10:15:00Z,{:032X},\"I, {i}\",2026-01-01T11:0{}:00Z\n",
                    107 - i % 8,
                    i % 10
                )
            }))
            .collect();
        let translations = "language,field,value,text\nfi,queueName,Sales,Myynti\n";
        let files = [
            ("contacts.csv", Table::Contacts, contacts.as_str()),
            ("agentIntervals.csv", Table::AgentIntervals, intervals.as_str()),
            ("translations.csv", Table::Translations, translations),
        ];
        let dir = std::env::temp_dir().join(format!("rai-side-by-side-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let written = std::fs::create_dir_all(&dir).and_then(|()| {
            files
                .iter()
                .try_for_each(|(name, _, body)| std::fs::write(dir.join(name), body))
        });
        assert!(written.is_ok());
        let by_dir = Engine::new();
        let infos = by_dir.load_dir(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let one_by_one = Engine::new();
        for (_, table, body) in files {
            assert!(one_by_one.load_reader(table, Format::Csv, body.as_bytes()).is_ok());
        }
        let got: Vec<(u64, Table, usize)> =
            infos.map_or_else(|_| Vec::new(), |v| v.iter().map(|i| (i.id, i.table, i.rows)).collect());
        assert_eq!(
            got,
            [
                (1, Table::Contacts, 30),
                (2, Table::AgentIntervals, 30),
                (3, Table::Translations, 1)
            ]
        );
        let shown = |e: &Engine| {
            let snap = e.snapshot();
            let ids: Vec<_> = (0..snap.ids.len() as u32).map(|c| snap.ids.guid(c)).collect();
            format!("{ids:?}\n{}{}", names(e), stored_rows(e))
        };
        assert_eq!(shown(&by_dir), shown(&one_by_one));
    }

    fn names(e: &Engine) -> String {
        e.query_at(Endpoint::AgentStatus, "startTime=2019-01-01", 0)
            .map(|r| r.to_json())
            .unwrap_or_else(|e| e.to_string())
    }

    /// A journal that records positions and fails the commit of position 3.
    struct Flaky(Mutex<Vec<u64>>);
    impl Journal for Flaky {
        fn append(&self, _w: &Write<'_>) -> Result<u64> {
            let mut v = self.0.lock().map_err(|_| Error::internal("poisoned"))?;
            let p = v.len() as u64 + 1;
            v.push(p);
            Ok(p)
        }
        fn commit(&self, position: u64) -> Result<()> {
            if position == 3 {
                Err(Error::internal("disk gone"))
            } else {
                Ok(())
            }
        }
    }

    /// A write is published only after its commit; a failed commit is not
    /// applied, and no write is taken after it.
    #[test]
    fn a_failed_commit_is_never_applied() {
        let e = Engine::new();
        let journal = Arc::new(Flaky(Mutex::new(Vec::new())));
        assert!(e.attach_journal(journal.clone()).is_ok());
        assert!(e.attach_journal(journal.clone()).is_err());
        let t = |id: &str| format!(r#"[{{"language":"fi","field":"queueName","value":"{id}","text":"x"}}]"#);
        assert!(e.load(Table::Translations, Format::Json, t("a").as_bytes()).is_ok());
        // Refused by the engine: nothing reaches the journal.
        assert!(e.retract(99).is_err());
        assert!(e.load(Table::Translations, Format::Json, t("b").as_bytes()).is_ok());
        let before = e.snapshot().row_counts();
        let failed = e.load(Table::Translations, Format::Json, t("c").as_bytes());
        assert_eq!(failed.map(|_| ()).map_err(|e| e.to_string()), Err("disk gone".into()));
        assert_eq!(e.snapshot().row_counts(), before);
        let after = e.load(Table::Translations, Format::Json, t("d").as_bytes());
        assert_eq!(after.map(|_| ()).map_err(|e| e.kind()), Err(ErrorKind::Internal));
        assert_eq!(journal.0.lock().map(|v| v.len()).unwrap_or(0), 3);
    }

    #[test]
    fn upsert_fills_and_checks_the_addressed_user() {
        let e = Engine::new();
        let state = br#"{"userStatus":"Ready","availability":"Free","changeTimestamp":"2019-01-01T08:00:00Z"}"#;
        assert!(e.upsert(Table::AgentStates, Some(USER), state).is_ok());
        assert!(names(&e).starts_with(r#"[{"userId":"AC083B34470B4164A6A5968DD031B5E5","userStatus":"Ready""#));
        let other = br#"{"userId":"6BE639E35B75440C840881F04D260EF8","userStatus":"Ready","availability":"Free","changeTimestamp":"2019-01-01T09:00:00Z"}"#;
        let err = e.upsert(Table::AgentStates, Some(USER), other).map(|_| ());
        assert_eq!(
            err.map_err(|e| (e.kind(), e.to_string())),
            Err((
                ErrorKind::InvalidData,
                "line 1: userId: '6BE639E35B75440C840881F04D260EF8' differs from the path's 'AC083B34470B4164A6A5968DD031B5E5'".into()
            ))
        );
        let err = |t, u, b: &[u8]| e.upsert(t, u, b).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err(Table::Contacts, None, b"{}"),
            Err("Not an upsert table: 'contacts'".into())
        );
        assert_eq!(err(Table::Users, Some("x"), b"{}"), Err("Invalid GUID: 'x'".into()));
        assert_eq!(
            err(Table::Users, None, b"[1]"),
            Err("line 1: expected a JSON object".into())
        );
        // An object over several lines is one row.
        let multi = b"{\n\"userId\": \"AC083B34470B4164A6A5968DD031B5E5\",\n\"userName\": \"Ada\",\n\"changeTimestamp\": \"2019-01-01\"}";
        assert_eq!(err(Table::Users, None, multi), Ok(()));
        assert!(names(&e).contains(r#""userName":"Ada""#));
    }
}
