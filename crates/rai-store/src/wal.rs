//! The write-ahead log: numbered segment files `wal/<first seq>.log`,
//! records appended whole with one `write` each, synced by group commit.
//!
//! Group commit: [`Wal::commit`] for position p returns at once when a sync
//! already covered p; else the caller takes the sync lock, notes the last
//! position written so far, syncs the file and records that position as
//! synced. Writers that appended meanwhile wait on the same lock and find
//! themselves covered, so N concurrent writers cost about one sync, and the
//! sync never blocks appends (it runs outside the append lock).

use crate::messages;
use crate::record;
use rai_core::{Error, Journal, Result, Write};
use std::fs::{File, OpenOptions};
use std::io::{IoSlice, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// A segment is closed and a new one started past this size.
pub const SEGMENT_BYTES: u64 = 64 << 20;

/// When an acknowledged write is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Durability {
    /// Synced before the write is acknowledged: survives a crash of the
    /// process or of the machine.
    #[default]
    Sync,
    /// Written before it is acknowledged, synced at most a second later:
    /// survives a crash of the process; a machine crash loses up to the
    /// last second.
    Interval,
    /// Written before it is acknowledged, synced when the OS decides:
    /// survives a crash of the process; a machine crash may lose any
    /// amount not yet written back.
    Off,
}

impl Durability {
    /// The mode named `sync`, `interval` or `off`.
    pub fn from_name(name: &str) -> Option<Durability> {
        match name {
            "sync" => Some(Durability::Sync),
            "interval" => Some(Durability::Interval),
            "off" => Some(Durability::Off),
            _ => None,
        }
    }
}

/// The file name of the segment whose first record is `seq`.
pub fn segment_name(seq: u64) -> String {
    format!("{seq:020}.log")
}

/// The segments of `dir`, by first sequence number.
pub fn segments(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::internal(messages::io(dir, e)))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::internal(messages::io(dir, e)))?.path();
        let seq = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".log"))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(seq) = seq {
            out.push((seq, path));
        }
    }
    out.sort();
    Ok(out)
}

/// Syncs a directory, so that a file created or renamed in it stays.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::internal(messages::io(dir, e)))
}

struct Tail {
    file: File,
    path: PathBuf,
    bytes: u64,
    next_seq: u64,
}

/// The log, open for appending.
pub struct Wal {
    dir: PathBuf,
    tail: Mutex<Tail>,
    /// The last position known to be synced (also the sync lock).
    synced: Mutex<u64>,
    durability: Durability,
    failed: AtomicBool,
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::internal(messages::io(path, e))
}

impl Wal {
    /// Opens `dir` for appending after recovery: `next_seq` is the next
    /// record's number; `last` is the last segment and its good length
    /// (None: start a new segment).
    pub fn open(dir: &Path, next_seq: u64, last: Option<(PathBuf, u64)>, durability: Durability) -> Result<Arc<Wal>> {
        let (file, path, bytes) = match last {
            Some((path, len)) if len < SEGMENT_BYTES => {
                let file = OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .map_err(|e| io_err(&path, e))?;
                (file, path, len)
            }
            _ => {
                let path = dir.join(segment_name(next_seq));
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .map_err(|e| io_err(&path, e))?;
                sync_dir(dir)?;
                (file, path, 0)
            }
        };
        let wal = Arc::new(Wal {
            dir: dir.to_path_buf(),
            tail: Mutex::new(Tail {
                file,
                path,
                bytes,
                next_seq,
            }),
            synced: Mutex::new(next_seq.saturating_sub(1)),
            durability,
            failed: AtomicBool::new(false),
        });
        if durability == Durability::Interval {
            let weak = Arc::downgrade(&wal);
            std::thread::Builder::new()
                .name("rai-wal-sync".into())
                .spawn(move || interval_syncs(weak))
                .map_err(|e| Error::internal(messages::io(dir, e)))?;
        }
        Ok(wal)
    }

    fn fail(&self, e: Error) -> Error {
        self.failed.store(true, Ordering::SeqCst);
        e
    }

    /// Syncs everything written so far; returns the last position covered.
    fn sync_now(&self) -> Result<u64> {
        let (file, path, written) = {
            let t = self.tail.lock().map_err(|_| Error::internal(messages::LOG_FAILED))?;
            let file = t.file.try_clone().map_err(|e| io_err(&t.path, e))?;
            (file, t.path.clone(), t.next_seq - 1)
        };
        let started = std::time::Instant::now();
        file.sync_data().map_err(|e| io_err(&path, e))?;
        // Exported by `rai serve` at /metrics (a no-op without a recorder).
        metrics::histogram!("rai_log_sync_seconds").record(started.elapsed().as_secs_f64());
        Ok(written)
    }

    /// Closes the current segment (synced) and starts the next one.
    fn roll(&self, t: &mut Tail) -> Result<()> {
        t.file.sync_data().map_err(|e| io_err(&t.path, e))?;
        let path = self.dir.join(segment_name(t.next_seq));
        t.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        t.path = path;
        t.bytes = 0;
        sync_dir(&self.dir)
    }
}

/// Writes `pieces` in order, as few system calls as the file takes them in
/// (a cut-short write goes on where it stopped).
fn write_pieces(file: &mut File, pieces: &[&[u8]]) -> std::io::Result<()> {
    let mut slices: Vec<IoSlice<'_>> = pieces
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| IoSlice::new(p))
        .collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match file.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `Interval` mode's syncer: once a second while the log is open.
fn interval_syncs(wal: Weak<Wal>) {
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let Some(wal) = wal.upgrade() else { return };
        if wal.failed.load(Ordering::SeqCst) {
            return;
        }
        let synced = wal.synced.lock();
        if let Ok(mut synced) = synced {
            match wal.sync_now() {
                Ok(p) => *synced = p,
                Err(_) => wal.failed.store(true, Ordering::SeqCst),
            }
        }
    }
}

impl Journal for Wal {
    fn append(&self, write: &Write<'_>) -> Result<u64> {
        if self.failed.load(Ordering::SeqCst) {
            return Err(Error::internal(messages::LOG_FAILED));
        }
        let mut t = self.tail.lock().map_err(|_| Error::internal(messages::LOG_FAILED))?;
        if t.bytes >= SEGMENT_BYTES {
            if let Err(e) = self.roll(&mut t) {
                return Err(self.fail(e));
            }
        }
        let seq = t.next_seq;
        let rec = record::pieces(seq, write);
        let len = record::HEADER + rec.payload_len();
        if rec.payload_len() > record::MAX_PAYLOAD {
            // Refused before anything is written: the log stays whole.
            return Err(Error::new(rai_core::ErrorKind::LimitExceeded, messages::too_large(len)));
        }
        if let Err(e) = write_pieces(&mut t.file, &rec.slices()) {
            let path = t.path.clone();
            return Err(self.fail(io_err(&path, e)));
        }
        t.next_seq += 1;
        t.bytes += len as u64;
        Ok(seq)
    }

    fn commit(&self, position: u64) -> Result<()> {
        if self.durability != Durability::Sync {
            return Ok(());
        }
        let mut synced = self.synced.lock().map_err(|_| Error::internal(messages::LOG_FAILED))?;
        if *synced >= position {
            return Ok(());
        }
        if self.failed.load(Ordering::SeqCst) {
            return Err(Error::internal(messages::LOG_FAILED));
        }
        match self.sync_now() {
            Ok(p) => {
                *synced = p;
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }
}
