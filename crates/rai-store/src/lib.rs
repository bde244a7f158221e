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
//! - `wal/<first sequence number>.log`: the log segments (see [`record`]).

pub mod messages;
pub mod record;
pub mod recover;
pub mod wal;

pub use recover::Recovery;
pub use wal::{Durability, Wal};

use rai_core::{Engine, Error, Result};
use record::Record;
use std::path::Path;

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
        Record::Load { table, format, bytes } => engine.load(*table, *format, bytes).map(|_| ()),
        Record::Retract(batch) => engine.retract(*batch),
        Record::Retain(table, before) => engine.retain_before(*table, *before),
    };
    res.map_err(|e| Error::internal(messages::replay_failed(seq, e)))
}

/// Opens (or creates) the store in `dir` for `engine`: replays the log into
/// it, then attaches the log so that every later write is durable before it
/// is acknowledged. `engine` must be empty and have no journal yet.
pub fn open(dir: &Path, options: Options, engine: &Engine) -> Result<Recovery> {
    let wal_dir = dir.join("wal");
    std::fs::create_dir_all(&wal_dir).map_err(|e| Error::internal(messages::io(&wal_dir, e)))?;
    wal::sync_dir(dir)?;
    let rec = recover::recover(&wal_dir, 1, options.repair, |seq, r| replay(engine, seq, r))?;
    let log = Wal::open(&wal_dir, rec.next_seq.max(1), rec.last.clone(), options.durability)?;
    engine.attach_journal(log)?;
    Ok(rec)
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
        let rec = open(dir.as_ref(), Options::default(), &engine)?;
        for note in rec.notes {
            eprintln!("rai-store: {note}");
        }
        Ok(engine)
    }
}
