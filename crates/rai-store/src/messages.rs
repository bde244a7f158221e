//! Every text the durable store shows a user or an operator.

use std::path::Path;

/// An I/O error on a store file.
pub fn io(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}
/// A log record that fails its checksum or its sequence with more log after it.
pub fn corrupt(path: &Path, offset: u64, why: &str) -> String {
    format!(
        "{}: corrupt log record at offset {offset} ({why}); the log after it cannot be trusted. \
         Pass --repair to truncate the log there (the writes from there on are lost)",
        path.display()
    )
}
/// A torn last record, dropped at recovery.
pub fn torn(path: &Path, offset: u64, bytes: u64) -> String {
    format!(
        "{}: dropped a torn last record at offset {offset} ({bytes} bytes): a write cut short by a crash, never acknowledged",
        path.display()
    )
}
/// A corrupt record truncated away by --repair.
pub fn repaired(path: &Path, offset: u64, dropped_segments: usize) -> String {
    format!(
        "{}: --repair truncated the log at offset {offset} and removed {dropped_segments} later segment(s)",
        path.display()
    )
}
/// A logged write that the engine refused on replay (a bug or a changed engine).
pub fn replay_failed(seq: u64, e: impl std::fmt::Display) -> String {
    format!("log record {seq} could not be replayed: {e}")
}
/// A write too large for one log record.
pub fn too_large(bytes: usize) -> String {
    format!("A batch of {bytes} bytes is too large for the write-ahead log (at most 4 GiB per batch): split it")
}
/// A checkpoint file without an expected column (or with one of another type).
pub fn missing_column(name: &str) -> String {
    format!("checkpoint file lacks column '{name}' of the expected type")
}
/// A manifest that does not parse.
pub fn bad_manifest(e: impl std::fmt::Display) -> String {
    format!("the checkpoint manifest does not read: {e}")
}
/// A Parquet input that does not read.
pub fn bad_parquet(e: impl std::fmt::Display) -> String {
    format!("invalid Parquet: {e}")
}
/// A Parquet column of a type a table column cannot take.
pub fn unsupported_type(column: &str, ty: impl std::fmt::Display) -> String {
    format!("column {column}: unsupported Parquet type {ty}")
}
/// A record whose payload does not decode.
pub const BAD_PAYLOAD: &str = "unknown record payload";
/// Checksum mismatch.
pub const BAD_CHECKSUM: &str = "checksum mismatch";
/// A record out of sequence.
pub const BAD_SEQUENCE: &str = "sequence number out of order";
/// Writes after a failed sync.
pub const LOG_FAILED: &str = "the write-ahead log failed earlier; writes are refused until a restart";
