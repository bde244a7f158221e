//! An aggregating plan split between this engine and another backend (a
//! cluster scanning files): the other side scans the batches it holds and
//! returns one partial state per group and aggregate; this engine scans the
//! rest, merges both with the aggregates' own merge, and finishes the
//! answer — zero-fill, derived metrics, names, sorting, paging — with the
//! same code as a local query, so the bytes are the same.
//!
//! [`describe`] says what the other side must compute, from the same
//! [`super::physical::prepare`] the local scan uses: name patterns and id
//! patterns come out as the sets of ids they select (the dictionaries stay
//! here), contact-type rules as the type names, so no rule is restated
//! elsewhere.

use super::physical::{prepare, Physical};
use crate::error::{Error, Result};
use crate::messages;
use crate::model::{Guid, Millis, Pattern, TimeCategory};
use crate::plan::{LogicalPlan, Predicate};
use crate::schema::{ColumnId, Input, Op, Table, CHANNELS, TYPES, TYPE_CHANNEL};
use crate::store::{Contacts, Fact, Intervals, Snapshot, NONE};
use chrono_tz::Tz;

/// What the other side computes for a split plan: over the rows of `table`
/// whose `time_key` lies in `[start, end)` and that pass every filter,
/// grouped by the bucket and the keys, one state per aggregate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RemoteScan {
    /// The fact table.
    pub table: Table,
    /// The time key (a timestamp column, stored or derived).
    pub time_key: ColumnId,
    /// Inclusive start.
    pub start: Millis,
    /// Exclusive end (None: unbounded).
    pub end: Option<Millis>,
    /// The contact types kept (None: every row).
    pub types: Option<Vec<&'static str>>,
    /// Per id column: the ids kept (an absent id is never kept).
    pub ids: Vec<(ColumnId, Vec<Guid>)>,
    /// Boolean columns that must hold the value.
    pub flags: Vec<(ColumnId, bool)>,
    /// Patterns on the row id column: a row is kept when, for every list,
    /// one of its patterns matches the id's 32 hex digits.
    pub row_patterns: Vec<(ColumnId, Vec<Pattern>)>,
    /// The bucket key: category and zone ([`crate::Bucketer`] numbers the
    /// buckets; Null and All put every row in bucket 0).
    pub bucket: (TimeCategory, Tz),
    /// Whether the contact type is a group key (channel and type are both
    /// read from it).
    pub by_type: bool,
    /// The id columns that are group keys, in [`PartialRow::ids`] order.
    pub id_keys: Vec<ColumnId>,
    /// The aggregates, in [`PartialRow::states`] order (the plan's).
    pub aggregates: Vec<RemoteAgg>,
}

/// One aggregate the other side computes: `op` of `input` over the rows
/// where the boolean column `when` holds (all rows when None).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteAgg {
    /// Count, Sum or Max.
    pub op: Op,
    /// Rows, a number or timestamp column, or `now − timestamp` clamped at 0.
    pub input: Input,
    /// The row condition.
    pub when: Option<ColumnId>,
    /// Counts only: count the rows whose input is at most this.
    pub at_most: Option<i64>,
    /// Whether the input is a timestamp (an absent one is [`Millis::MIN`]).
    pub time: bool,
}

/// One group's partial states, as the other side computed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartialRow {
    /// The bucket ([`crate::Bucketer::bucket`] of the time key).
    pub bucket: i64,
    /// The contact type's name, when [`RemoteScan::by_type`].
    pub ctype: Option<String>,
    /// The group's ids, one per [`RemoteScan::id_keys`] (None: absent).
    pub ids: Vec<Option<Guid>>,
    /// One state per aggregate (None: no row met its condition).
    pub states: Vec<Option<i64>>,
}

/// Whether `plan` can be split: it aggregates contacts or agent intervals
/// into groups with counts, sums and maxima only.
pub fn splittable(plan: &LogicalPlan) -> bool {
    matches!(plan.table, Table::Contacts | Table::AgentIntervals)
        && plan.group_by.is_some()
        && !plan.per_row()
        && plan
            .aggregates
            .iter()
            .all(|a| matches!(a.op, Op::Count | Op::Sum | Op::Max))
}

fn not_splittable(plan: &LogicalPlan) -> Error {
    Error::internal(messages::cannot_run(("split", plan.table)))
}

/// What the other side must compute for `plan` on `snap`.
pub fn describe(snap: &Snapshot, plan: &LogicalPlan) -> Result<RemoteScan> {
    match plan.table {
        _ if !splittable(plan) => Err(not_splittable(plan)),
        Table::Contacts => describe_for::<Contacts>(snap, plan),
        _ => describe_for::<Intervals>(snap, plan),
    }
}

fn describe_for<F: Fact + Default>(snap: &Snapshot, plan: &LogicalPlan) -> Result<RemoteScan> {
    let keys = plan.group_by.as_deref().unwrap_or(&[]);
    let names = super::names::NameView::new(snap, plan.language.as_deref());
    let phys: Physical<'_> = prepare::<F>(snap, plan, &names, keys)?;
    let ids = F::CODE_COLUMNS
        .iter()
        .zip(&phys.masks)
        .filter_map(|(&col, mask)| {
            let mask = mask.as_ref()?;
            let kept = (0..mask.len() as u32)
                .filter(|&c| c != NONE && mask[c as usize])
                .filter_map(|c| snap.ids.guid(c))
                .collect();
            Some((col, kept))
        })
        .collect();
    let types = (F::TYPE_COLUMNS.is_some() && phys.types.iter().any(|ok| !ok)).then(|| {
        TYPES
            .iter()
            .zip(phys.types)
            .filter_map(|(&t, ok)| ok.then_some(t))
            .collect()
    });
    let flags = plan
        .predicates
        .iter()
        .filter_map(|p| match *p {
            Predicate::Is { column, value } => Some((column, value)),
            _ => None,
        })
        .collect();
    let row_id = F::ROW_ID;
    let row_patterns = match row_id {
        Some(col) => phys.row_patterns.iter().map(|ps| (col, ps.to_vec())).collect(),
        None => Vec::new(),
    };
    let aggregates = phys
        .metrics
        .iter()
        .zip(&plan.aggregates)
        .map(|(m, a)| RemoteAgg {
            op: m.op,
            input: m.input,
            when: a.when,
            at_most: m.at_most,
            time: m.time,
        })
        .collect();
    Ok(RemoteScan {
        table: plan.table,
        time_key: phys.time_key,
        start: phys.lo,
        end: (phys.hi != Millis::MAX).then_some(phys.hi),
        types,
        ids,
        flags,
        row_patterns,
        bucket: (phys.bucketer.category(), plan_zone(plan)),
        by_type: phys.type_mode != 0,
        id_keys: F::CODE_COLUMNS
            .iter()
            .zip(phys.dims_on)
            .filter_map(|(&c, on)| on.then_some(c))
            .collect(),
        aggregates,
    })
}

fn plan_zone(plan: &LogicalPlan) -> Tz {
    plan.group_by
        .iter()
        .flatten()
        .find_map(|k| match *k {
            crate::plan::GroupKey::Bucket { zone, .. } => Some(zone),
            _ => None,
        })
        .unwrap_or(Tz::UTC)
}

/// The packed key of a partial row, in the layout the local scan builds.
pub(super) fn key_of<F: Fact>(snap: &Snapshot, phys: &Physical<'_>, row: &PartialRow) -> Result<super::GKey> {
    let bad = |what: &dyn std::fmt::Debug| Error::internal(messages::cannot_run(format!("partial row {what:?}")));
    let t = match (&row.ctype, phys.type_mode) {
        (_, 0) => 0,
        (Some(name), mode) => {
            let ty = TYPES.iter().position(|t| t == name).ok_or_else(|| bad(name))?;
            let ch = TYPE_CHANNEL[ty] as u32;
            debug_assert!((ch as usize) < CHANNELS.len());
            match mode {
                1 => (ch << 4) + 1,
                2 => ty as u32 + 1,
                _ => ((ch << 4) | ty as u32) + 1,
            }
        }
        (None, _) => return Err(bad(&row.ctype)),
    };
    let mut d = [0u32; 3];
    let mut given = row.ids.iter();
    for (slot, on) in phys.dims_on.iter().enumerate() {
        if *on {
            d[slot] = match given.next().ok_or_else(|| bad(&row.ids))? {
                None => NONE,
                Some(g) => snap.ids.get(*g).ok_or_else(|| bad(g))?,
            };
        }
    }
    Ok(super::GKey {
        bucket: row.bucket,
        t,
        d,
        row: 0,
    })
}
