//! # rai-core
//!
//! The query core of rai: an in-memory, columnar engine that answers the six
//! endpoints of the contact-center Restful Analytics Interface exactly as
//! `SPEC.md` says (and, beyond it, agentStatusTime and the opt-in metrics of
//! `docs/beyond-rai-v1.md`). It knows nothing of HTTP, FFI or the command line.
//!
//! ```
//! use rai_core::{Endpoint, Engine, Format, Table};
//!
//! let engine = Engine::new().with_fixed_now(0);
//! engine.load(Table::Contacts, Format::JsonLines, br#"{"contactId":"6BE639E35B75440C840881F04D260EF8","channel":"Phone","type":"CallIn","queueId":"249CEA29B6494EF1B1D16D23FE70E702","queueName":"Sales","arrivalTime":"2019-01-01T13:05:00Z","connectTime":"2019-01-01T13:05:10Z","disconnectTime":"2019-01-01T13:09:00Z","waitingDuration":10000,"changeTimestamp":"2019-01-01T13:09:00Z"}"#)?;
//! let res = engine.query(
//!     Endpoint::ContactHistory,
//!     "startTime=2019-01-01T13:00:00Z&endTime=2019-01-01T14:00:00Z&showChannel=false&showChannelType=false",
//! )?;
//! assert_eq!(res.total(), 1);
//! assert!(res.to_json().starts_with(r#"[{"queueId":"249CEA29B6494EF1B1D16D23FE70E702","queueName":"Sales","countOfArrivedContacts":1,"#));
//!
//! // The same query as a logical plan: inspect it, print it, run it.
//! let plan = engine.plan(
//!     Endpoint::ContactHistory,
//!     "startTime=2019-01-01T13:00:00Z&endTime=2019-01-01T14:00:00Z&showChannel=false&showChannelType=false",
//! )?;
//! assert_eq!(plan.table, Table::Contacts);
//! assert!(plan.to_json().contains(r#""key": "contacts.arrivalTime""#));
//! assert_eq!(engine.execute(&plan, 0)?.to_json(), res.to_json());
//! # Ok::<(), rai_core::Error>(())
//! ```

mod engine;
mod error;
mod exec;
mod load;
pub mod messages;
mod model;
mod plan;
mod render;
mod schema;
mod store;

pub use engine::{
    run_on, system_clock, Backend, CacheStats, Clock, Engine, Journal, Request, Write, DEFAULT_CACHE_BYTES,
};
pub use error::{Error, ErrorKind, Result};
pub use exec::Deadline;
pub use load::{read_batch, read_batch_from, Cell, Format, InputRow, RowSink, TakeRestoredRow};
pub use model::{
    guid_hex, guid_string, offset_ms, parse_guid, parse_language, parse_locale, parse_timestamp, parse_zone,
    round_up_quarter, timestamp_string, write_timestamp, zone_names, Bucketer, Collation, Guid, Millis, Pattern,
    TimeCategory, DAY_MS, QUARTER_HOUR_MS,
};
pub use plan::{retention_before, Expr, GroupKey, LogicalPlan, OutputField, Predicate, SortKey, TimeRange};
pub use render::{QueryResult, Rendered, Representation, Value};
pub use schema::{
    Agg, Col, ColKind, ColumnId, ContactCol, ContactDerived, Definition, Endpoint, EndpointDecl, EventCol, Field, Flag,
    IdParam, Input, IntervalCol, IntervalDerived, Kind, NameKind, Op, Param, PercentileMetric, Reduction, StateCol,
    Table, Term, ThresholdMetric, TranslationCol, UserCol, DEFAULT_INCLUDE, DEFAULT_LIMIT, FILL_VALUES, MAX_FILL_ROWS,
    MAX_LIMIT, MAX_NUMBER, MAX_PERCENTILES, MAX_STATE_PARTS, MAX_THRESHOLDS, MAX_THRESHOLD_SECS,
};
pub use store::{BatchInfo, Snapshot, StoredBatch};

/// Plans split between this engine and a cluster: what the cluster
/// computes ([`split::describe`]), and the answer from its partial states
/// merged with a scan of the batches it does not hold ([`split::run`]).
pub mod split {
    pub use crate::exec::split::{describe, splittable, PartialRow, RemoteAgg, RemoteScan};
    use crate::{Deadline, LogicalPlan, Millis, QueryResult, Result, Snapshot};

    /// The answer to `plan` on `snap`: the batches for which `held` is true
    /// are counted by `rows` (partial states computed elsewhere from
    /// [`describe`]), the others are scanned here.
    pub fn run(
        snap: &Snapshot,
        plan: &LogicalPlan,
        now: Millis,
        deadline: Deadline,
        held: &dyn Fn(u64) -> bool,
        rows: &[PartialRow],
    ) -> Result<QueryResult> {
        let remote = crate::exec::Remote { holds: held, rows };
        crate::exec::execute_with(snap, plan, now, deadline, Some(&remote))
    }
}

/// SPEC §2 column lists and value sets.
pub mod tables {
    pub use crate::schema::table::*;
}
