//! The storage layer: the id dictionary, §2.7 names and translations, the
//! fact tables' column layouts (one column list each), ingest, and the
//! immutable snapshot lifecycle. It answers "what is stored"; the executor
//! decides what to read.

mod batch;
mod batch_list;
pub(crate) mod column;
mod contacts;
mod derive;
mod dict;
mod export;
pub(crate) mod fact;
mod ingest;
mod intervals;
mod names;
mod snapshot;
mod summary;
mod time_sort;

pub use batch::BatchInfo;
pub(crate) use batch::{BatchData, Row};
pub(crate) use column::{NumCol, BLOCK};
pub(crate) use contacts::Contacts;
pub(crate) use derive::enum_of;
pub(crate) use dict::NONE;
pub use export::StoredBatch;
pub(crate) use fact::Fact;
pub(crate) use ingest::PARALLEL_MIN_BYTES;
pub(crate) use intervals::Intervals;
pub(crate) use snapshot::cell;
pub(crate) use snapshot::Prepared;
pub use snapshot::Snapshot;
