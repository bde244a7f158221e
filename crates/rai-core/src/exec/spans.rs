//! Aggregating plans over a state log (agentStatusTime): the rows of each
//! user, in time order, are changes — a row carries only what changed (a
//! new userStatus, or a new handling status), so the state it begins is
//! every field's latest value within the row's session (a new session
//! starts from nothing). A state lasts from its row's time to the user's
//! next row's (the last one: to the end of the range, which never passes
//! now); it is clipped to the plan's time range, cut at bucket boundaries,
//! and each piece adds its milliseconds ([`Op::StateTime`]) to the group of
//! its bucket and its state's key values.
//!
//! Why not the fact-table scan: a state's length depends on the user's
//! next row, which may lie outside the range or fail a filter, so spans are
//! computed over the whole log first and filtered after — a filter such as
//! `userStatus=Pause` keeps the Pause states, each as long as it lasted.

use super::names::NameView;
use super::output::{Rows, Val};
use super::rows::{user_row, RowSet};
use crate::error::{Error, Result};
use crate::load::Cell;
use crate::messages;
use crate::model::{Bucketer, Guid, Millis, TimeCategory};
use crate::plan::{Expr, GroupKey, LogicalPlan};
use crate::schema::{ColumnId, Input, NameKind, Op, Table, MAX_FILL_ROWS, MAX_STATE_PARTS};
use crate::store::{cell, enum_of, Row, Snapshot};
use ahash::AHashMap;
use std::cmp::Ordering;

/// The most key columns a state-log plan groups by.
const MAX_KEYS: usize = 4;

/// A group: its bucket and the values of its key columns.
type Key = (i64, [KeyVal; MAX_KEYS]);

/// The value of a key column: an id or an enum value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyVal {
    Absent,
    Guid(Guid),
    Enum(&'static str),
}

/// What an output field reads.
enum Out {
    Bucket,
    Key(usize),
    KeyName(usize, NameKind),
    /// Aggregate number n: milliseconds in state.
    Time(usize),
    /// Aggregate number n: the greatest timestamp.
    Latest(usize),
}

/// The groups of a state-log plan.
pub(crate) struct Spans<'s> {
    names: NameView<'s>,
    snap: &'s Snapshot,
    bucketer: Bucketer,
    keys: Vec<Key>,
    /// Row-major: one state per aggregate of the plan.
    acc: Vec<i64>,
    width: usize,
    out: Vec<Out>,
}

fn unsupported(what: &dyn std::fmt::Debug) -> Error {
    Error::internal(messages::cannot_run(what))
}

/// Runs a state-log plan: `keys` are its group keys.
pub(crate) fn run<'s>(
    snap: &'s Snapshot,
    plan: &'s LogicalPlan,
    keys: &[GroupKey],
    now: Millis,
    deadline: super::Deadline,
) -> Result<Spans<'s>> {
    let table = plan.table;
    let time_col = plan.time.key;
    let user_col = table.user_id().ok_or_else(|| unsupported(&table))?;
    // Group keys: at most one bucket, then up to MAX_KEYS columns.
    let (mut category, mut zone) = (TimeCategory::Null, chrono_tz::Tz::UTC);
    let mut columns: Vec<ColumnId> = Vec::new();
    for k in keys {
        match *k {
            GroupKey::Bucket {
                category: c, zone: z, ..
            } => (category, zone) = (c, z),
            GroupKey::Column(col) if columns.len() < MAX_KEYS => columns.push(col),
            ref other => return Err(unsupported(other)),
        }
    }
    // Aggregates: time in state from the range's time column; maxima of timestamps.
    let mut latest: Vec<Option<ColumnId>> = Vec::with_capacity(plan.aggregates.len());
    for a in &plan.aggregates {
        latest.push(match (a.op, a.input, a.when) {
            (Op::StateTime, Input::Column(col), None) if col == time_col => None,
            (Op::Max, Input::Column(col), None) if col.table() == table => Some(col),
            _ => return Err(unsupported(a)),
        });
    }
    let out = plan
        .output
        .iter()
        .map(|f| {
            match f.expr {
                Expr::Bucket => Some(Out::Bucket),
                Expr::Column(col) => columns.iter().position(|c| *c == col).map(Out::Key),
                Expr::Name {
                    id,
                    kind,
                    fallback: None,
                } => columns.iter().position(|c| *c == id).map(|k| Out::KeyName(k, kind)),
                Expr::Aggregate(n) => latest
                    .get(n)
                    .map(|l| if l.is_some() { Out::Latest(n) } else { Out::Time(n) }),
                _ => None,
            }
            .ok_or_else(|| unsupported(f))
        })
        .collect::<Result<Vec<Out>>>()?;

    let lo = plan.time.start;
    let hi = plan.time.end.unwrap_or(Millis::MAX).min(now);
    let bucketer = Bucketer::with_range(category, zone, lo, hi);
    let width = plan.aggregates.len();
    let mut spans = Spans {
        names: NameView::new(snap, plan.language.as_deref()),
        snap,
        bucketer,
        keys: Vec::new(),
        acc: Vec::new(),
        width,
        out,
    };
    if hi <= lo {
        return Ok(spans);
    }

    // The log in (user, time, ingestion) order, up to the end of the range.
    let session_col = table.session_id();
    let mut log: Vec<(Guid, Millis, u64, &'s Row)> = snap
        .events()
        .filter_map(|r| {
            let t = cell(r, time_col).ts().filter(|&t| t < hi)?;
            Some((cell(r, user_col).guid()?, t, r.seq, r))
        })
        .collect();
    log.sort_unstable_by_key(|&(user, t, seq, _)| (user, t, seq));
    // Each state (its row's changes over the session's latest values) and
    // its part within the range.
    let mut states: Vec<Row> = Vec::new();
    let mut parts: Vec<(Millis, Millis)> = Vec::new();
    let mut latest_values: Vec<Cell> = Vec::new();
    let mut session: Option<(Guid, Option<Guid>)> = None;
    for (i, &(user, t, seq, row)) in log.iter().enumerate() {
        let this = (user, session_col.and_then(|c| cell(row, c).guid()));
        if session != Some(this) {
            latest_values = vec![Cell::Absent; row.cells.len()];
            session = Some(this);
        }
        for (to, from) in latest_values.iter_mut().zip(row.cells.iter()) {
            if !matches!(from, Cell::Absent) {
                *to = from.clone();
            }
        }
        let next = log.get(i + 1).filter(|n| n.0 == user).map_or(hi, |n| n.1);
        let (a, b) = (t.max(lo), next.min(hi));
        if a < b {
            states.push(Row {
                cells: latest_values.clone().into_boxed_slice(),
                seq,
            });
            parts.push((a, b));
        }
    }
    let with_users = states.iter().map(|r| (r, user_row(snap, table, r))).collect();
    let set = RowSet::new(snap, plan, now, with_users)?;
    let accepted = set.accepted()?;

    let init: Vec<i64> = latest
        .iter()
        .map(|l| if l.is_some() { Millis::MIN } else { 0 })
        .collect();
    let mut index = GroupIndex::default();
    let mut parts_cut = 0usize;
    for (i, state) in states.iter().enumerate().filter(|&(i, _)| accepted[i]) {
        let user = user_row(snap, table, state);
        let mut key = [KeyVal::Absent; MAX_KEYS];
        for (slot, &col) in key.iter_mut().zip(&columns) {
            *slot = key_val(state, user, col);
        }
        let combo = index.combo(key);
        let (a, b) = parts[i];
        let mut t = a;
        while t < b {
            // A long state cut at every quarter hour of centuries is long
            // work: the deadline is checked every 4096 cuts, and more rows
            // than a fill may make, or more parts than MAX_STATE_PARTS
            // (many long states that sum into few rows), is a 400.
            parts_cut += 1;
            if parts_cut.is_multiple_of(4096) {
                deadline.check()?;
                if parts_cut > MAX_STATE_PARTS {
                    return Err(Error::query(messages::state_parts_too_many(MAX_STATE_PARTS)));
                }
            }
            let (bucket, end) = (spans.bucketer.bucket(t), spans.bucketer.bucket_end(t, b));
            let g = index.group(&mut spans, bucket, (combo, key), &init);
            if spans.keys.len() > MAX_FILL_ROWS {
                return Err(Error::query(messages::buckets_too_many(MAX_FILL_ROWS)));
            }
            let acc = &mut spans.acc[g * width..(g + 1) * width];
            for (n, l) in latest.iter().enumerate() {
                acc[n] = match l {
                    None => acc[n].saturating_add(end - t),
                    Some(col) => acc[n].max(cell(state, *col).ts().unwrap_or(Millis::MIN)),
                };
            }
            t = end;
        }
    }
    if plan.fill && category != TimeCategory::Null {
        fill_zero(&mut index, &mut spans, lo, hi, &init)?;
    }
    Ok(spans)
}

/// The value of key column `col` in a state (a users column: of its user).
fn key_val(state: &Row, user: Option<&Row>, col: ColumnId) -> KeyVal {
    if col.is_enum() {
        return enum_of(&state.cells[..], col).map_or(KeyVal::Absent, KeyVal::Enum);
    }
    let row = if col.table() == Table::Users { user } else { Some(state) };
    row.and_then(|r| cell(r, col).guid())
        .map_or(KeyVal::Absent, KeyVal::Guid)
}

/// The groups by (bucket, key combination). Each combination is numbered
/// once per state, so a cut hashes 12 bytes instead of the whole key (a
/// state of a year cut by quarter hours is 35,040 lookups).
#[derive(Default)]
struct GroupIndex {
    combos: AHashMap<[KeyVal; MAX_KEYS], u32>,
    groups: AHashMap<(i64, u32), usize>,
}

impl GroupIndex {
    /// The number of a key combination.
    fn combo(&mut self, key: [KeyVal; MAX_KEYS]) -> u32 {
        let next = self.combos.len() as u32;
        *self.combos.entry(key).or_insert(next)
    }

    /// The group of `bucket` × the numbered `combo`, added (with initial
    /// states) when new.
    fn group(&mut self, spans: &mut Spans<'_>, bucket: i64, combo: (u32, [KeyVal; MAX_KEYS]), init: &[i64]) -> usize {
        *self.groups.entry((bucket, combo.0)).or_insert_with(|| {
            spans.keys.push((bucket, combo.1));
            spans.acc.extend_from_slice(init);
            spans.keys.len() - 1
        })
    }
}

/// `fill=zero`: every bucket of `[lo, hi)` for every key combination present.
fn fill_zero(index: &mut GroupIndex, spans: &mut Spans<'_>, lo: Millis, hi: Millis, init: &[i64]) -> Result<()> {
    let mut combos: Vec<[KeyVal; MAX_KEYS]> = spans.keys.iter().map(|k| k.1).collect();
    combos.sort_unstable();
    combos.dedup();
    if combos.is_empty() {
        return Ok(());
    }
    let too_large = || Error::query(messages::fill_too_large(MAX_FILL_ROWS));
    let buckets = spans
        .bucketer
        .buckets_in(lo, hi, MAX_FILL_ROWS / combos.len())
        .ok_or_else(too_large)?;
    if combos.len().saturating_mul(buckets.len()) > MAX_FILL_ROWS {
        return Err(too_large());
    }
    for combo in combos {
        let id = index.combo(combo);
        for &b in &buckets {
            index.group(spans, b, (id, combo), init);
        }
    }
    Ok(())
}

impl Rows for Spans<'_> {
    fn len(&self) -> usize {
        self.keys.len()
    }

    fn value(&self, row: usize, field: usize) -> Val<'_> {
        let Some(&(bucket, ref key)) = self.keys.get(row) else {
            return Val::Absent;
        };
        let state = |n: usize| self.acc.get(row * self.width + n).copied();
        match self.out.get(field) {
            Some(Out::Bucket) => Val::Bucket(bucket),
            Some(Out::Key(k)) => match key[*k] {
                KeyVal::Absent => Val::Absent,
                KeyVal::Guid(g) => Val::Guid(g),
                KeyVal::Enum(v) => Val::Text(v),
            },
            Some(Out::KeyName(k, kind)) => match key[*k] {
                KeyVal::Guid(g) => self
                    .snap
                    .ids
                    .get(g)
                    .and_then(|code| self.names.get(*kind, code))
                    .map_or(Val::Absent, Val::Text),
                _ => Val::Absent,
            },
            Some(Out::Time(n)) => state(*n).map_or(Val::Absent, Val::Int),
            Some(Out::Latest(n)) => state(*n).filter(|&t| t != Millis::MIN).map_or(Val::Absent, Val::Ts),
            None => Val::Absent,
        }
    }

    /// The group key: bucket (chronologically), then the key values
    /// (absent first, ids and enum values in binary order).
    fn tie(&self, a: usize, b: usize) -> Ordering {
        self.keys[a].cmp(&self.keys[b])
    }

    fn label(&self, bucket: i64, out: &mut String) {
        self.bucketer.write_label(out, bucket);
    }
}
