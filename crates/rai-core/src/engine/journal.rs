//! The hook a durable layer plugs into: every write that will be applied is
//! handed to a [`Journal`] before anyone can see it, and published only
//! once the journal says it is durable. rai-core itself does no file I/O;
//! the durable store implements this trait outside the core.

use crate::error::Result;
use crate::load::Format;
use crate::model::Millis;
use crate::schema::Table;

/// One write, as a journal records it: enough to replay it exactly (the
/// engine assigns batch ids in write order, so a replay from the same
/// starting point assigns the same ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Write<'a> {
    /// A batch loaded into `table` from `bytes` in `format` (upserts are
    /// one-row JSON Lines batches).
    Load {
        /// The table.
        table: Table,
        /// The input format.
        format: Format,
        /// The input, as received.
        bytes: &'a [u8],
    },
    /// A batch retracted.
    Retract {
        /// The batch id.
        batch: u64,
    },
    /// Retention: the rows of `table` whose time key is before `before` dropped.
    Retain {
        /// The table.
        table: Table,
        /// The instant.
        before: Millis,
    },
}

/// The durable side of an engine.
///
/// The engine calls [`Journal::append`] under its writer lock, in the
/// order writes are applied, only for writes that validated; then, without
/// the lock, [`Journal::commit`] for that write's position, so concurrent
/// writers can share one sync; then it publishes the write and returns to
/// the caller. If `append` or `commit` fails, the write is not published and
/// the caller gets the error; after an `Internal` error (what reached the
/// log is in doubt until a restart recovers it) the engine refuses further
/// writes. `append` may refuse a write it did not start to record with
/// another kind (a batch too large for a record): only that write fails.
pub trait Journal: Send + Sync {
    /// Records `write`; returns its position (increasing).
    fn append(&self, write: &Write<'_>) -> Result<u64>;
    /// Returns once the write at `position`, and every one before it, is as
    /// durable as the journal promises.
    fn commit(&self, position: u64) -> Result<()>;
}
