//! The coordinator's side: a connection to a Ballista scheduler, and the
//! [`rai_core::Backend`] that answers the aggregating endpoints through it.
//!
//! Per query: rai's core says what to compute ([`rai_core::split::describe`]);
//! the store's manifest says which Parquet files hold which batches; a batch
//! is counted by the cluster only when the snapshot holds it with exactly
//! the rows the files hold (a batch retracted, cut by retention or written
//! after the checkpoint is scanned here instead, or left out); the cluster
//! runs the SQL ([`crate::lower`]) over the files of the days the time range
//! touches; rai's core merges the partial states with its own scan of the
//! other batches and finishes the answer.

use crate::files::{self, Plan as FilePlan};
use crate::{lower, messages, udf};
use ballista::prelude::SessionContextExt;
use datafusion::arrow::array::{Array, Int64Array, RecordBatch, StringArray};
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::execution::{FunctionRegistry, SessionStateBuilder};
use datafusion::prelude::SessionContext;
use rai_core::split::{self, PartialRow};
use rai_core::{parse_guid, Deadline, Error, ErrorKind, LogicalPlan, Millis, QueryResult, Result, Snapshot};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the cluster queries shipped (read by tests and `examples/scaleout.rs`).
#[derive(Debug, Default)]
pub struct Counters {
    /// Queries answered through the cluster.
    pub queries: AtomicU64,
    /// Partial-state rows received.
    pub partial_rows: AtomicU64,
    /// Bytes of partial states received (Arrow memory).
    pub partial_bytes: AtomicU64,
    /// Files scanned.
    pub files: AtomicU64,
}

/// A Ballista cluster reading one store's checkpoint files.
pub struct Cluster {
    runtime: tokio::runtime::Runtime,
    ctx: SessionContext,
    store: PathBuf,
    next_table: AtomicU64,
    timeout: Duration,
    /// What the cluster queries shipped.
    pub counters: Counters,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("store", &self.store).finish()
    }
}

fn unavailable(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Unavailable, messages::cluster_failed(e))
}

/// A session with rai's functions (the client's, a scheduler's or an executor's).
pub fn session_state() -> datafusion::execution::SessionState {
    let mut state = SessionStateBuilder::new().with_default_features().build();
    for f in udf::functions() {
        let _ = state.register_udf(f);
    }
    state
}

impl Cluster {
    /// Connects to the scheduler at `url` (`df://host:port`) for the store
    /// in `store`; a cluster query that takes longer than `timeout` fails
    /// with [`ErrorKind::Unavailable`].
    pub fn connect(url: &str, store: &Path, timeout: Duration) -> Result<Cluster> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("rai-scaleout")
            .enable_all()
            .build()
            .map_err(unavailable)?;
        let ctx = runtime
            .block_on(SessionContext::remote_with_state(url, session_state()))
            .map_err(unavailable)?;
        // Ballista's session upgrade replaces the scalar functions: add ours after it.
        for f in udf::functions() {
            ctx.register_udf((*f).clone());
        }
        let store = std::fs::canonicalize(store).map_err(|e| unavailable(messages::io(store, e)))?;
        Ok(Cluster {
            runtime,
            ctx,
            store,
            next_table: AtomicU64::new(0),
            timeout,
            counters: Counters::default(),
        })
    }

    /// The answer to `plan` (a [`split::splittable`] one) on `snap`: the
    /// checkpointed batches through the cluster, the rest here.
    pub fn answer(&self, snap: &Snapshot, plan: &LogicalPlan, now: Millis, deadline: Deadline) -> Result<QueryResult> {
        let scan = split::describe(snap, plan)?;
        // A checkpoint may delete the files of the one before it while the
        // cluster reads them: then once more with the new manifest.
        let mut tries = 0;
        let (files, rows) = loop {
            let files = files::plan(&self.store, snap, &scan)?;
            match self.partials(&scan, &files, now) {
                Ok(rows) => break (files, rows),
                Err(_) if tries == 0 => tries += 1,
                Err(e) => return Err(e),
            }
        };
        self.counters.queries.fetch_add(1, Ordering::Relaxed);
        let held = |b: u64| files.held.contains(&b);
        split::run(snap, plan, now, deadline, &held, &rows)
    }

    fn partials(&self, scan: &split::RemoteScan, files: &FilePlan, now: Millis) -> Result<Vec<PartialRow>> {
        if files.paths.is_empty() {
            return Ok(Vec::new());
        }
        let name = format!("rai_t{}", self.next_table.fetch_add(1, Ordering::Relaxed));
        let sql = lower::sql(scan, &name, now, &files.excluded);
        let urls = files
            .paths
            .iter()
            .map(|p| ListingTableUrl::parse(p.to_string_lossy()))
            .collect::<datafusion::common::Result<Vec<_>>>()
            .map_err(unavailable)?;
        let options = ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
        let config = ListingTableConfig::new_with_multi_paths(urls)
            .with_listing_options(options)
            .with_schema(rai_store::parquet_rows::schema(scan.table));
        let table = ListingTable::try_new(config).map_err(unavailable)?;
        self.ctx.register_table(&name, Arc::new(table)).map_err(unavailable)?;
        let ctx = self.ctx.clone();
        let run = async move { ctx.sql(&sql).await?.collect().await };
        let (tx, rx) = std::sync::mpsc::channel();
        let timeout = self.timeout;
        self.runtime.spawn(async move {
            let _ = tx.send(tokio::time::timeout(timeout, run).await);
        });
        let answer = rx.recv().map_err(unavailable);
        let _ = self.ctx.deregister_table(&name);
        let batches = match answer? {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => return Err(unavailable(e)),
            Err(_) => return Err(unavailable(messages::timed_out(timeout))),
        };
        self.counters
            .files
            .fetch_add(files.paths.len() as u64, Ordering::Relaxed);
        let mut rows = Vec::new();
        for b in &batches {
            self.counters
                .partial_bytes
                .fetch_add(b.get_array_memory_size() as u64, Ordering::Relaxed);
            read_rows(b, scan, &mut rows)?;
        }
        self.counters
            .partial_rows
            .fetch_add(rows.len() as u64, Ordering::Relaxed);
        Ok(rows)
    }
}

/// The partial rows of one result batch (columns as [`lower::sql`] names them).
fn read_rows(b: &RecordBatch, scan: &split::RemoteScan, out: &mut Vec<PartialRow>) -> Result<()> {
    let bad = |what: &str| unavailable(messages::bad_partials(what));
    let int = |name: &str| -> Result<&Int64Array> {
        b.column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
            .ok_or_else(|| bad(name))
    };
    let text = |name: &str| -> Result<&StringArray> {
        b.column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<StringArray>())
            .ok_or_else(|| bad(name))
    };
    let bucket = int("b")?;
    let ctype = if scan.by_type { Some(text("ct")?) } else { None };
    let keys = (0..scan.id_keys.len())
        .map(|i| text(&format!("k{i}")))
        .collect::<Result<Vec<_>>>()?;
    let states = (0..scan.aggregates.len())
        .map(|i| int(&format!("s{i}")))
        .collect::<Result<Vec<_>>>()?;
    for r in 0..b.num_rows() {
        let ids = keys
            .iter()
            .map(|k| match k.is_null(r) {
                true => Ok(None),
                false => parse_guid(k.value(r)).map(Some).ok_or_else(|| bad(k.value(r))),
            })
            .collect::<Result<Vec<_>>>()?;
        out.push(PartialRow {
            bucket: bucket.value(r),
            ctype: ctype.filter(|c| !c.is_null(r)).map(|c| c.value(r).to_string()),
            ids,
            states: states.iter().map(|s| (!s.is_null(r)).then(|| s.value(r))).collect(),
        });
    }
    Ok(())
}

/// Answers the aggregating endpoints through the cluster; the rest here.
impl rai_core::Backend for Cluster {
    fn execute(
        &self,
        snap: &Arc<Snapshot>,
        plan: &LogicalPlan,
        now: Millis,
        deadline: Deadline,
    ) -> Option<Result<QueryResult>> {
        split::splittable(plan).then(|| self.answer(snap, plan, now, deadline))
    }
}
