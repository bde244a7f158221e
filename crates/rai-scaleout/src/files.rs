//! Which checkpoint files a cluster query reads, and which batches it
//! counts. The manifest lists every file with the batches (and their rows)
//! in it; the snapshot says which batches exist now and with how many rows.
//! A batch is counted by the cluster only when the snapshot holds it with
//! exactly the rows the manifest's files hold: a batch retracted since the
//! checkpoint is left out of the files' rows, one cut by retention or not
//! yet checkpointed is scanned by the coordinator. So every acknowledged
//! row is counted once, and a retracted one never.

use rai_core::split::RemoteScan;
use rai_core::{Result, Snapshot, DAY_MS};
use rai_store::checkpoint::read_manifest;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The files of one cluster query.
#[derive(Debug, Default)]
pub struct Plan {
    /// Absolute paths of the files read.
    pub paths: Vec<PathBuf>,
    /// The batches the cluster counts.
    pub held: BTreeSet<u64>,
    /// Batches with rows in the files read that the cluster must leave out.
    pub excluded: Vec<u64>,
}

/// Whether the file of UTC day `day` (`2026-01-01`) can hold rows of the
/// scan: only when the scan's time key is the one files are split by.
fn day_in_range(day: Option<&str>, scan: &RemoteScan) -> bool {
    let Some(start) = day.and_then(|d| rai_core::parse_timestamp(&format!("{d}T00:00:00Z"))) else {
        return true;
    };
    if scan.table.time_key() != Some(scan.time_key) {
        return true; // another time key (contactStatistic's): every day
    }
    start + DAY_MS > scan.start && scan.end.is_none_or(|end| start < end)
}

/// The files and batches of `scan` on `snap`, from the manifest in `store`.
pub fn plan(store: &Path, snap: &Snapshot, scan: &RemoteScan) -> Result<Plan> {
    let manifest = read_manifest(store)?;
    let table = scan.table.name();
    let live: HashMap<u64, usize> = snap
        .stored_batches()
        .into_iter()
        .filter(|b| b.table == scan.table)
        .map(|b| (b.id, b.rows))
        .collect();
    let mut in_files: HashMap<u64, usize> = HashMap::new();
    for f in manifest.files.iter().filter(|f| f.table == table) {
        for &(id, rows) in &f.batches {
            *in_files.entry(id).or_default() += rows;
        }
    }
    let held: BTreeSet<u64> = in_files
        .iter()
        .filter(|(id, rows)| live.get(id) == Some(rows))
        .map(|(id, _)| *id)
        .collect();
    let mut out = Plan::default();
    let mut excluded = BTreeSet::new();
    for f in manifest.files.iter().filter(|f| f.table == table) {
        if !day_in_range(f.day.as_deref(), scan) || !f.batches.iter().any(|(id, _)| held.contains(id)) {
            continue;
        }
        out.paths.push(store.join(&f.path));
        excluded.extend(f.batches.iter().map(|(id, _)| *id).filter(|id| !held.contains(id)));
    }
    out.held = held;
    out.excluded = excluded.into_iter().collect();
    Ok(out)
}
