//! The embedding API: an [`Engine`] that loads batches while queries run,
//! each query reading one consistent [`Snapshot`].

use crate::error::{Error, ErrorKind, Result};
use crate::load::Format;
use crate::model::Millis;
use crate::plan::Query;
use crate::render::{materialize, sort_and_page, QueryResult, Rows};
use crate::schema::Endpoint;
use crate::schema::Table;
use crate::store::{BatchInfo, Snapshot};
use std::sync::{Arc, Mutex, RwLock};

mod request;
pub use request::Request;

/// Where "now" comes from (SPEC §3: injectable).
pub type Clock = Arc<dyn Fn() -> Millis + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// An in-memory RAI engine. `Send + Sync`: share it behind an `Arc`.
pub struct Engine {
    current: RwLock<Arc<Snapshot>>,
    writer: Mutex<()>,
    clock: Clock,
    default_language: Option<String>,
}

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
        Engine {
            current: RwLock::new(Arc::new(Snapshot::default())),
            writer: Mutex::new(()),
            clock: system_clock(),
            default_language: None,
        }
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
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Serialises writers; readers never wait for it.
    fn write_lock(&self) -> Result<std::sync::MutexGuard<'_, ()>> {
        self.writer
            .lock()
            .map_err(|_| Error::new(ErrorKind::Internal, "writer lock poisoned"))
    }

    fn publish(&self, next: Snapshot) {
        let mut g = match self.current.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        *g = Arc::new(next);
    }

    /// Loads one atomic batch into `table`.
    pub fn load(&self, table: Table, format: Format, input: &[u8]) -> Result<BatchInfo> {
        self.load_reader(table, format, input)
    }

    /// Loads one atomic batch from a stream (CSV and JSON Lines are read
    /// incrementally, so a large file need not fit in memory twice).
    pub fn load_reader(&self, table: Table, format: Format, input: impl std::io::Read) -> Result<BatchInfo> {
        let _w = self.write_lock()?;
        let (next, info) = self.snapshot().with_batch(table, format, input)?;
        self.publish(next);
        Ok(info)
    }

    /// Loads a data directory (SPEC §11): every `<table>.jsonl`, `.json`
    /// and `.csv` in §2's table order; a missing file is an empty table.
    /// A data error names the file: `contacts.jsonl: line 3: …`.
    pub fn load_dir(&self, dir: &std::path::Path) -> Result<Vec<BatchInfo>> {
        let mut out = Vec::new();
        for table in Table::ALL {
            for format in [Format::JsonLines, Format::Json, Format::Csv] {
                let file = format!("{}.{}", table.name(), format.extension());
                let path = dir.join(&file);
                let reader = match std::fs::File::open(&path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::data(format!("{file}: {e}"))),
                };
                let info = self
                    .load_reader(table, format, reader)
                    .map_err(|e| Error::new(e.kind(), format!("{file}: {e}")))?;
                out.push(info);
            }
        }
        Ok(out)
    }

    /// Retracts an appended batch.
    pub fn retract(&self, batch: u64) -> Result<()> {
        let _w = self.write_lock()?;
        let next = self.snapshot().without_batch(batch)?;
        self.publish(next);
        Ok(())
    }

    /// Retention: drops the rows of `table` whose time key is before `before`.
    pub fn retain_before(&self, table: Table, before: Millis) -> Result<()> {
        let _w = self.write_lock()?;
        let next = self.snapshot().without_before(table, before)?;
        self.publish(next);
        Ok(())
    }

    /// Answers `endpoint` for a raw query string, at the engine's clock.
    pub fn query(&self, endpoint: Endpoint, raw_query: &str) -> Result<QueryResult> {
        self.query_at(endpoint, raw_query, self.now())
    }

    /// Answers `endpoint` for a raw query string at instant `now`.
    pub fn query_at(&self, endpoint: Endpoint, raw_query: &str, now: Millis) -> Result<QueryResult> {
        let q = Query::parse(endpoint, raw_query, self.default_language.as_deref())?;
        Ok(self.run(&q, now))
    }

    /// Runs a parsed query on the current snapshot.
    pub fn run(&self, q: &Query, now: Millis) -> QueryResult {
        run_on(&self.snapshot(), q, now)
    }
}

/// Runs a parsed query on one snapshot.
pub fn run_on(snap: &Snapshot, q: &Query, now: Millis) -> QueryResult {
    if q.decl.aggregated {
        let groups = crate::exec::run(snap, q, now);
        finish(&groups, q)
    } else {
        let rows = crate::exec::rows::run(snap, q, now);
        finish(&rows, q)
    }
}

fn finish(rows: &dyn Rows, q: &Query) -> QueryResult {
    let page = sort_and_page(rows, q);
    materialize(rows, &page, q)
}
