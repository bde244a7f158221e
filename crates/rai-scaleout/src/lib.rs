//! # rai-scaleout
//!
//! rai's aggregating endpoints on an Apache DataFusion Ballista cluster,
//! with answers identical to the byte to the local engine's.
//!
//! The split: the cluster scans, filters and pre-aggregates the store's
//! checkpoint files (Parquet by table and UTC day); rai's core resolves
//! names and patterns to id sets before (the coordinator holds the small
//! dictionaries), and after, merges the partial states with its own scan of
//! the rows no checkpoint holds yet, and finishes: zero-fill, derived
//! metrics, names, locale sort, paging, JSON/XML — the same code as a local
//! query. The cluster runs two stateless functions of rai's
//! ([`udf`]: the bucket of an instant, the `*`/`?` match), registered on
//! the scheduler and every executor ([`process`]).

pub mod cluster;
pub mod files;
pub mod lower;
pub mod messages;
pub mod process;
pub mod udf;

pub use cluster::{session_state, Cluster};
pub use process::{local_cluster, run_executor, run_scheduler, ExecutorOptions};
