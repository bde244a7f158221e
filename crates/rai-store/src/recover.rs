//! Recovery: the log's records read back in order and handed to a replay
//! function. What a crash can leave is told apart from what it cannot:
//!
//! - a **torn last record** — the final segment ends inside a record, or
//!   its final record fails its checksum, and no good record follows — is
//!   a write cut short, never acknowledged: it is dropped (the file is
//!   truncated there) and reported;
//! - anything else that does not read — a bad record with good records
//!   after it, a gap in the sequence, a bad record in an earlier segment —
//!   is corruption: recovery refuses, naming the file and offset, unless
//!   `repair` is set, which truncates the log there and drops what follows.

use crate::messages;
use crate::record::{self, Read, Record};
use crate::wal::segments;
use rai_core::{Error, Result};
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

/// What recovery found.
#[derive(Debug, Default)]
pub struct Recovery {
    /// Records replayed.
    pub records: u64,
    /// The next sequence number.
    pub next_seq: u64,
    /// The last segment and its good length (where appends continue).
    pub last: Option<(PathBuf, u64)>,
    /// Notes for the operator (a dropped torn record, a repair).
    pub notes: Vec<String>,
}

/// Whether a good record with a later sequence number starts anywhere in
/// `rest` (then what failed before it is not a torn tail). Offsets whose
/// sequence field is implausible are skipped before any checksum.
fn good_record_follows(rest: &[u8], after_seq: u64) -> bool {
    let max_seq = after_seq + 1 + (rest.len() / record::HEADER) as u64;
    (1..rest.len().saturating_sub(record::HEADER - 1)).any(|at| {
        let Some(seq) = rest
            .get(at + 8..at + 16)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
        else {
            return false;
        };
        seq > after_seq && seq <= max_seq && matches!(record::decode(&rest[at..]), Read::Good(s, ..) if s == seq)
    })
}

fn truncate(path: &Path, len: u64) -> Result<()> {
    OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| {
            f.set_len(len)?;
            f.sync_all()
        })
        .map_err(|e| Error::internal(messages::io(path, e)))
}

/// Reads the log in `dir` from sequence number `from` on (earlier records
/// are covered by a checkpoint) and calls `replay` for each record in order.
pub fn recover(
    dir: &Path,
    from: u64,
    repair: bool,
    mut replay: impl FnMut(u64, &Record) -> Result<()>,
) -> Result<Recovery> {
    let segs = segments(dir)?;
    let mut out = Recovery {
        next_seq: from,
        ..Recovery::default()
    };
    let mut expected: Option<u64> = None;
    for (i, (_, path)) in segs.iter().enumerate() {
        let last_segment = i + 1 == segs.len();
        let buf = std::fs::read(path).map_err(|e| Error::internal(messages::io(path, e)))?;
        let mut at = 0usize;
        let mut bad: Option<&str> = None;
        while at < buf.len() {
            match record::decode(&buf[at..]) {
                Read::Good(seq, rec, len) => {
                    if expected.is_some_and(|e| e != seq) {
                        bad = Some(messages::BAD_SEQUENCE);
                        break;
                    }
                    expected = Some(seq + 1);
                    if seq >= from {
                        replay(seq, &rec)?;
                        out.records += 1;
                    }
                    out.next_seq = out.next_seq.max(seq + 1);
                    at += len;
                }
                Read::Short | Read::BadChecksum(_)
                    if last_segment && !good_record_follows(&buf[at..], expected.unwrap_or(0).saturating_sub(1)) =>
                {
                    out.notes.push(messages::torn(path, at as u64, (buf.len() - at) as u64));
                    truncate(path, at as u64)?;
                    break;
                }
                Read::Short | Read::BadChecksum(_) => {
                    bad = Some(messages::BAD_CHECKSUM);
                    break;
                }
                Read::BadPayload => {
                    bad = Some(messages::BAD_PAYLOAD);
                    break;
                }
            }
        }
        if let Some(why) = bad {
            if !repair {
                return Err(Error::internal(messages::corrupt(path, at as u64, why)));
            }
            truncate(path, at as u64)?;
            let later = &segs[i + 1..];
            for (_, p) in later {
                std::fs::remove_file(p).map_err(|e| Error::internal(messages::io(p, e)))?;
            }
            out.notes.push(messages::repaired(path, at as u64, later.len()));
            out.last = Some((path.clone(), at as u64));
            return Ok(out);
        }
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        out.last = Some((path.clone(), len));
    }
    Ok(out)
}
