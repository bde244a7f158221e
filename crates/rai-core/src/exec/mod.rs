//! The columnar backend: runs a [`LogicalPlan`] against one snapshot and
//! nothing else (it never looks at the endpoint). Aggregating plans scan a
//! fact table ([`groups`]) or, over the status log, sum the time in each
//! state ([`spans`]); plans without group keys return one row per stored
//! row ([`rows`]). Both are then sorted, paged and materialised by
//! [`output`].

mod deadline;
mod dense;
mod groups;
mod kernel;
mod metric;
mod names;
mod output;
mod physical;
mod rows;
mod scan;
mod sketch;
mod spans;
pub mod split;

use crate::error::{Error, Result};
use crate::messages;
use crate::model::Millis;
use crate::plan::LogicalPlan;
use crate::render::QueryResult;
use crate::schema::Table;
use crate::store::{Contacts, Intervals, Snapshot};
pub use deadline::Deadline;

/// A packed group key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct GKey {
    bucket: i64,
    /// Channel/type component: 0 absent; else (channel << 4 | type) + 1 style codes.
    t: u32,
    /// Code-column ids in the table's key-slot order.
    d: [u32; 3],
    /// Detail rows: (batch index << 32 | row) + 1; else 0.
    row: u64,
}

/// The other side of a split plan ([`split`]): which batches it counted,
/// and its partial states.
pub(crate) struct Remote<'a> {
    pub(crate) holds: &'a dyn Fn(u64) -> bool,
    pub(crate) rows: &'a [split::PartialRow],
}

/// Runs `plan` on `snap` at instant `now`, stopping once `deadline` passes.
pub(crate) fn execute(snap: &Snapshot, plan: &LogicalPlan, now: Millis, deadline: Deadline) -> Result<QueryResult> {
    execute_with(snap, plan, now, deadline, None)
}

/// [`execute`] of a plan whose batches `remote.holds` were aggregated
/// elsewhere into `remote.rows` (aggregating plans over fact tables only).
pub(crate) fn execute_with(
    snap: &Snapshot,
    plan: &LogicalPlan,
    now: Millis,
    deadline: Deadline,
    remote: Option<&Remote<'_>>,
) -> Result<QueryResult> {
    deadline.check()?;
    if remote.is_some() && !split::splittable(plan) {
        return Err(Error::internal(messages::cannot_run(("split", plan.table))));
    }
    match (&plan.group_by, plan.table) {
        (Some(keys), Table::Contacts) => {
            let groups = groups::run::<Contacts>(snap, plan, keys, now, deadline, remote)?;
            deadline.check()?;
            Ok(output::finish(&groups, plan))
        }
        (Some(keys), Table::AgentIntervals) => {
            let groups = groups::run::<Intervals>(snap, plan, keys, now, deadline, remote)?;
            deadline.check()?;
            Ok(output::finish(&groups, plan))
        }
        (Some(keys), Table::AgentStatusEvents) => {
            let spans = spans::run(snap, plan, keys, now, deadline)?;
            deadline.check()?;
            Ok(output::finish(&spans, plan))
        }
        (None, Table::AgentStates | Table::AgentStatusEvents) => {
            let rows = rows::run(snap, plan, now)?;
            deadline.check()?;
            Ok(output::finish(&rows, plan))
        }
        (keys, table) => Err(Error::internal(messages::cannot_run((table, keys)))),
    }
}
