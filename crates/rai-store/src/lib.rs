//! # rai-store
//!
//! rai's durable store: a directory that holds everything an engine holds.
//! Every write (a loaded batch, an upsert, a retraction, retention) is
//! appended to a write-ahead log and, by default, synced before the caller
//! hears back; recovery replays the log into a fresh engine. The core stays
//! free of file I/O: this crate plugs into it through
//! [`rai_core::Journal`].
//!
//! ```no_run
//! use rai_store::OpenStore;
//! let engine = rai_core::Engine::open("/var/lib/rai")?;
//! # Ok::<(), rai_core::Error>(())
//! ```
//!
//! Layout of a store directory:
//!
//! - `wal/<first sequence number>.log`: the log segments (see [`record`]);
//! - `manifest.json`: the last checkpoint — its files and the log position
//!   they cover (see [`checkpoint`]);
//! - `<table>/day=YYYY-MM-DD/b<batch>-p<position>.parquet`: the rows of a
//!   batch on one UTC day of the table's time key (translations: no day);
//!   `agentStates/current-p<position>.parquet`, `users/…`: the current rows.

pub mod checkpoint;
pub mod messages;
pub mod parquet_rows;
pub mod record;
pub mod recover;
pub mod wal;

pub use recover::Recovery;
pub use wal::{Durability, Wal};

use rai_core::{Engine, Error, Result};
use record::Record;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a store is opened.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Options {
    /// When acknowledged writes are on disk.
    pub durability: Durability,
    /// Truncate a corrupt log at the first bad record instead of refusing.
    pub repair: bool,
}

impl Options {
    /// Options with `durability`, no repair.
    pub fn new(durability: Durability) -> Options {
        Options {
            durability,
            repair: false,
        }
    }

    /// Sets `repair`.
    pub fn with_repair(mut self, repair: bool) -> Options {
        self.repair = repair;
        self
    }
}

/// Applies one logged write to `engine` (recovery).
fn replay(engine: &Engine, seq: u64, rec: &Record) -> Result<()> {
    let res = match rec {
        Record::Load { table, format, bytes } => engine.replay_load(*table, *format, bytes).map(|_| ()),
        Record::Retract(batch) => engine.retract(*batch),
        Record::Retain(table, before) => engine.retain_before(*table, *before),
    };
    res.map_err(|e| Error::internal(messages::replay_failed(seq, e)))
}

/// An open store: its directory and last checkpoint.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    manifest: Mutex<checkpoint::Manifest>,
    /// What recovery found.
    pub recovery: Recovery,
}

/// Opens (or creates) the store in `dir` for `engine`: restores the last
/// checkpoint into it, replays the log after it, then attaches the log so
/// that every later write is durable before it is acknowledged. `engine`
/// must be empty and have no journal yet.
pub fn open(dir: &Path, options: Options, engine: &Engine) -> Result<Store> {
    let wal_dir = dir.join("wal");
    std::fs::create_dir_all(&wal_dir).map_err(|e| Error::internal(messages::io(&wal_dir, e)))?;
    wal::sync_dir(dir)?;
    let manifest = checkpoint::read_manifest(dir)?;
    // Files of a checkpoint cut short by a crash (not in the manifest) go.
    checkpoint::collect_garbage(dir, &manifest)?;
    checkpoint::restore(dir, &manifest, engine)?;
    let rec = recover::recover(&wal_dir, manifest.position + 1, options.repair, |seq, r| {
        replay(engine, seq, r)
    })?;
    let log = Wal::open(&wal_dir, rec.next_seq.max(1), rec.last.clone(), options.durability)?;
    engine.attach_journal(log)?;
    Ok(Store {
        dir: dir.to_path_buf(),
        manifest: Mutex::new(manifest),
        recovery: rec,
    })
}

impl Store {
    /// Writes a checkpoint of `engine`'s published state (nothing when no
    /// write came since the last one). Queries and writes go on meanwhile.
    pub fn checkpoint(&self, engine: &Engine) -> Result<checkpoint::Report> {
        self.checkpoint_until(engine, checkpoint::Until::Done)
    }

    #[doc(hidden)]
    pub fn checkpoint_until(&self, engine: &Engine, until: checkpoint::Until) -> Result<checkpoint::Report> {
        let mut m = self
            .manifest
            .lock()
            .map_err(|_| Error::internal(messages::LOG_FAILED))?;
        let started = std::time::Instant::now();
        let (next, report) = checkpoint::checkpoint(&self.dir, engine, &m, until)?;
        metrics::histogram!("rai_checkpoint_seconds").record(started.elapsed().as_secs_f64());
        if until == checkpoint::Until::Done {
            *m = next;
        }
        Ok(report)
    }

    /// Checkpoints `engine` every `every` in a background thread (while
    /// the store is alive); failures go to stderr and are retried.
    pub fn checkpoint_every(self: &Arc<Self>, engine: Arc<Engine>, every: Duration) -> Result<()> {
        let store = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("rai-checkpoint".into())
            .spawn(move || loop {
                std::thread::sleep(every);
                let Some(store) = store.upgrade() else { return };
                if let Err(e) = store.checkpoint(&engine) {
                    eprintln!("rai-store: checkpoint failed (the log keeps every write): {e}");
                }
            })
            .map(|_| ())
            .map_err(|e| Error::internal(messages::io(&self.dir, e)))
    }
}

/// Loads a Parquet input of `table` into `engine` as one batch, validated
/// as JSON Lines are (see [`parquet_rows::to_json_lines`]): what `--data`,
/// `POST` with `application/vnd.apache.parquet` and the Python package's
/// `load` do with Parquet.
pub fn load_parquet(engine: &Engine, table: rai_core::Table, bytes: Vec<u8>) -> Result<rai_core::BatchInfo> {
    let lines = parquet_rows::to_json_lines(bytes)?;
    engine.load(table, rai_core::Format::JsonLines, &lines)
}

/// `Engine::open(dir)`: an engine on the system clock over a durable store
/// (synced writes, no repair). Recovery notes go to stderr.
pub trait OpenStore: Sized {
    /// Opens the store in `dir`.
    fn open(dir: impl AsRef<Path>) -> Result<Self>;
}

impl OpenStore for Engine {
    fn open(dir: impl AsRef<Path>) -> Result<Engine> {
        let engine = Engine::new();
        let rec = open(dir.as_ref(), Options::default(), &engine)?.recovery;
        for note in rec.notes {
            eprintln!("rai-store: {note}");
        }
        Ok(engine)
    }
}
