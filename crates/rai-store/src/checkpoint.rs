//! Checkpoints: the engine's published state written out as Parquet files,
//! one per table and UTC day of its time key, in a Hive layout
//! (`contacts/day=2026-01-01/p1234.parquet`: that day's rows as of log
//! position 1234, of every batch, each row with its batch id), plus one
//! file per upsert table of its current rows, listed by a manifest that
//! says which files, which batches in each, and which log position make up
//! the state.
//!
//! Steps, each safe to crash after:
//!
//! 1. write the day files that changed since the last checkpoint — a day
//!    where a new batch has rows, or where a retracted batch or one cut by
//!    retention had rows (its old file, read back, minus those batches,
//!    plus the new rows) — each synced, under names no earlier manifest
//!    uses: nothing the current manifest lists is touched, and a day that
//!    did not change is not rewritten;
//! 2. write `manifest.json.tmp`, sync it, rename it to `manifest.json`,
//!    sync the directory: from here on recovery uses the new checkpoint;
//! 3. delete the files the new manifest no longer lists, and the log
//!    segments it covers entirely.
//!
//! A crash before step 2 leaves the old manifest and the whole log (new
//! files are orphans, deleted at the next open); after it, the log still
//! holds everything past the new position.

use crate::messages;
use crate::parquet_rows;
use crate::wal::{segments, sync_dir};
use rai_core::{timestamp_string, Cell, Engine, Error, Result, Table, DAY_MS};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The manifest file.
pub const MANIFEST: &str = "manifest.json";

/// One checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The table.
    pub table: String,
    /// The UTC day of its rows' time key (None: the table has none, or an
    /// upsert table's current rows).
    pub day: Option<String>,
    /// The batches with rows in it: (id, rows).
    pub batches: Vec<(u64, usize)>,
    /// Path relative to the store directory.
    pub path: String,
}

/// What a checkpoint is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// The log position the files cover: records after it replay on top.
    pub position: u64,
    /// The id the next batch gets.
    pub next_batch: u64,
    /// The ids of upsert batches.
    pub upsert_batches: Vec<u64>,
    /// The files.
    pub files: Vec<FileEntry>,
}

/// Where a checkpoint stopped (tests crash it between steps).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Every step.
    Done,
    /// After the files, before the manifest.
    Files,
    /// After the manifest, before deleting what it no longer lists.
    Manifest,
}

/// What a checkpoint did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The position it covers.
    pub position: u64,
    /// Files written.
    pub written: usize,
    /// Files kept from the previous checkpoint.
    pub kept: usize,
    /// Files and log segments deleted.
    pub deleted: usize,
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::internal(messages::io(path, e))
}

/// Reads the manifest of `dir` (an empty one when there is none).
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| io(&path, messages::bad_manifest(e))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
            version: 1,
            ..Manifest::default()
        }),
        Err(e) => Err(io(&path, e)),
    }
}

fn write_manifest(dir: &Path, m: &Manifest) -> Result<()> {
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    let bytes = serde_json::to_vec_pretty(m).map_err(|e| io(&tmp, e))?;
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, dir.join(MANIFEST)).map_err(|e| io(&tmp, e))?;
    sync_dir(dir)
}

/// The UTC day of a row by its table's time key (None: the table has none).
fn day_of(table: Table, cells: &[Cell]) -> Option<String> {
    let t = table
        .time_key()?
        .input_index()
        .and_then(|i| cells.get(i))
        .and_then(Cell::ts)?;
    Some(timestamp_string(t.div_euclid(DAY_MS) * DAY_MS)[..10].to_string())
}

/// A row of a file: (batch, row in batch, cells).
type FileRow = (u64, u32, Vec<Cell>);

/// Writes `rows` as the file of (`table`, `day`) as of `position`.
fn write_file(dir: &Path, table: Table, day: Option<&str>, position: u64, rows: &[FileRow]) -> Result<FileEntry> {
    let folder = match day {
        Some(d) => format!("{}/day={d}", table.name()),
        None => table.name().to_string(),
    };
    let name = format!("{folder}/p{position}.parquet");
    let path = dir.join(&name);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let refs: Vec<(u64, u32, &[Cell])> = rows.iter().map(|(b, r, c)| (*b, *r, c.as_slice())).collect();
    parquet_rows::write(&path, table, &refs)?;
    sync_dir(parent)?;
    let mut batches: BTreeMap<u64, usize> = BTreeMap::new();
    rows.iter().for_each(|r| *batches.entry(r.0).or_default() += 1);
    Ok(FileEntry {
        table: table.name().into(),
        day: day.map(str::to_string),
        batches: batches.into_iter().collect(),
        path: name,
    })
}

/// Writes a checkpoint of `engine`'s published state into `dir`, on top
/// of the manifest `previous`; returns the new manifest and what it did.
pub fn checkpoint(dir: &Path, engine: &Engine, previous: &Manifest, until: Until) -> Result<(Manifest, Report)> {
    let (snap, position) = engine.published();
    if position == previous.position && previous.version != 0 {
        return Ok((previous.clone(), Report::default()));
    }
    let mut report = Report {
        position,
        ..Report::default()
    };
    // Rows per batch in the previous checkpoint (appended tables).
    let mut before: BTreeMap<u64, usize> = BTreeMap::new();
    for f in previous.files.iter().filter(|f| !is_upsert_file(f)) {
        f.batches.iter().for_each(|&(b, n)| *before.entry(b).or_default() += n);
    }
    let live = snap.stored_batches();
    let unchanged: BTreeSet<u64> = live
        .iter()
        .filter(|b| before.get(&b.id) == Some(&b.rows))
        .map(|b| b.id)
        .collect();
    // Batches whose old rows go: retracted, or cut by retention.
    let gone: BTreeSet<u64> = before.keys().filter(|b| !unchanged.contains(b)).copied().collect();
    // New rows by (table, day): batches new or changed since.
    let mut fresh: BTreeMap<(Table, Option<String>), Vec<FileRow>> = BTreeMap::new();
    // In stored order with each row's ingestion position: a restore then
    // finds a batch's rows time-sorted across its day files and sorts nothing.
    for b in live.iter().filter(|b| !unchanged.contains(&b.id)) {
        snap.batch_rows_stored(b.id, &mut |position, cells| {
            fresh
                .entry((b.table, day_of(b.table, cells)))
                .or_default()
                .push((b.id, position, cells.to_vec()));
            Ok(())
        })?;
    }
    let mut touched: BTreeSet<(Table, Option<String>)> = fresh.keys().cloned().collect();
    for f in previous.files.iter().filter(|f| !is_upsert_file(f)) {
        if f.batches.iter().any(|(b, _)| gone.contains(b)) {
            if let Some(t) = Table::from_name(&f.table) {
                touched.insert((t, f.day.clone()));
            }
        }
    }
    let mut files = Vec::new();
    for f in previous.files.iter().filter(|f| !is_upsert_file(f)) {
        let key = Table::from_name(&f.table).map(|t| (t, f.day.clone()));
        if key.as_ref().is_some_and(|k| !touched.contains(k)) {
            files.push(f.clone());
            report.kept += 1;
        }
    }
    for (table, day) in touched {
        let mut rows: Vec<FileRow> = Vec::new();
        if let Some(old) = previous
            .files
            .iter()
            .find(|f| f.table == table.name() && f.day == day && !is_upsert_file(f))
        {
            rows = parquet_rows::read(&dir.join(&old.path), table)?;
            rows.retain(|r| !gone.contains(&r.0));
        }
        rows.extend(fresh.remove(&(table, day.clone())).unwrap_or_default());
        if !rows.is_empty() {
            files.push(write_file(dir, table, day.as_deref(), position, &rows)?);
            report.written += 1;
        }
    }
    // Upsert tables: their current rows, each with the batch that brought it.
    for table in [Table::AgentStates, Table::Users] {
        let mut rows: Vec<FileRow> = Vec::new();
        snap.upserted_rows(table, &mut |id, cells| {
            rows.push((id, rows.len() as u32, cells.to_vec()));
            Ok(())
        })?;
        if !rows.is_empty() {
            let mut entry = write_file(dir, table, None, position, &rows)?;
            entry.day = None;
            files.push(entry);
            report.written += 1;
        }
    }
    let manifest = Manifest {
        version: 1,
        position,
        next_batch: snap.next_batch_id(),
        upsert_batches: snap.upsert_batch_ids(),
        files,
    };
    if until == Until::Files {
        return Ok((manifest, report));
    }
    write_manifest(dir, &manifest)?;
    if until == Until::Manifest {
        return Ok((manifest, report));
    }
    report.deleted = collect_garbage(dir, &manifest)?;
    Ok((manifest, report))
}

/// Whether a file holds an upsert table's current rows.
fn is_upsert_file(f: &FileEntry) -> bool {
    Table::from_name(&f.table).is_some_and(Table::is_upsert)
}

/// Deletes the checkpoint files `manifest` does not list and the log
/// segments it covers entirely; returns how many.
pub fn collect_garbage(dir: &Path, manifest: &Manifest) -> Result<usize> {
    let listed: BTreeSet<PathBuf> = manifest.files.iter().map(|f| dir.join(&f.path)).collect();
    let mut deleted = 0;
    for table in Table::ALL {
        let root = dir.join(table.name());
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "parquet") && !listed.contains(&p) {
                    std::fs::remove_file(&p).map_err(|e| io(&p, e))?;
                    deleted += 1;
                }
            }
        }
    }
    // A segment is covered when the next one starts at or before position + 1.
    let wal = dir.join("wal");
    let segs = segments(&wal)?;
    for pair in segs.windows(2) {
        if pair[1].0 <= manifest.position + 1 {
            std::fs::remove_file(&pair[0].1).map_err(|e| io(&pair[0].1, e))?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// Restores the checkpoint `manifest` of `dir` into an empty `engine`:
/// the fact tables' day files streamed into columns on every core (one
/// part per file), the other files read whole; batches under their ids.
pub fn restore(dir: &Path, manifest: &Manifest, engine: &Engine) -> Result<()> {
    for table in [Table::Contacts, Table::AgentIntervals] {
        // Day order: each batch's rows then come in their stored order.
        let mut entries: Vec<&FileEntry> = manifest.files.iter().filter(|f| f.table == table.name()).collect();
        entries.sort_by(|a, b| a.day.cmp(&b.day));
        let files: Vec<PathBuf> = entries.iter().map(|f| dir.join(&f.path)).collect();
        if !files.is_empty() {
            let counts: Vec<(String, Vec<(u64, usize)>)> = (entries.iter())
                .map(|f| (dir.join(&f.path).display().to_string(), f.batches.clone()))
                .collect();
            engine.restore_fact_parts(table, &counts, |i, f| parquet_rows::read_with(&files[i], table, f))?;
        }
    }
    let read: Vec<(Table, Vec<FileRow>)> = manifest
        .files
        .par_iter()
        .filter(|f| f.table != Table::Contacts.name() && f.table != Table::AgentIntervals.name())
        .map(|f| {
            let path = dir.join(&f.path);
            let table = Table::from_name(&f.table).ok_or_else(|| io(&path, messages::missing_column("table")))?;
            Ok((table, parquet_rows::read(&path, table)?))
        })
        .collect::<Result<_>>()?;
    // Batch id → its table and rows (row in batch, cells).
    type Rows = Vec<(u32, Vec<Cell>)>;
    let mut batches: BTreeMap<u64, (Table, Rows)> = BTreeMap::new();
    for (table, rows) in read {
        for (batch, row, cells) in rows {
            batches.entry(batch).or_insert((table, Vec::new())).1.push((row, cells));
        }
    }
    for (id, (table, mut rows)) in batches {
        rows.sort_unstable_by_key(|r| r.0);
        engine.restore_batch(table, id, |sink| {
            for (i, (_, cells)) in rows.iter().enumerate() {
                sink.row(i + 1, cells)?;
            }
            Ok(rows.len())
        })?;
    }
    engine.restore_finish(manifest.next_batch, &manifest.upsert_batches, manifest.position)
}
