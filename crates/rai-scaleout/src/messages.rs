//! Every text this crate shows a user.

use std::path::Path;
use std::time::Duration;

/// The cluster failed a query (HTTP 503).
pub fn cluster_failed(e: impl std::fmt::Display) -> String {
    format!("the cluster did not answer: {e}")
}

/// A cluster query ran past its time.
pub fn timed_out(after: Duration) -> String {
    format!("no answer within {} ms", after.as_millis())
}

/// A partial-state column is missing or of the wrong type.
pub fn bad_partials(what: &str) -> String {
    format!("unexpected partial states ({what})")
}

/// A file or directory failed.
pub fn io(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

/// A scheduler or executor could not start.
pub fn start_failed(what: &str, e: impl std::fmt::Display) -> String {
    format!("the {what} did not start: {e}")
}
