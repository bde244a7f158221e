//! Plans without group keys (agentStatus, agentStatusHistory): one result
//! row per stored row of a kept-rows table, each output field an
//! expression over the row and its user's `users` row. The state-log
//! executor ([`super::spans`]) reads its rows through the same set.

use super::names::NameView;
use super::output::{Rows, Val};
use crate::error::{Error, Result};
use crate::load::Cell;
use crate::model::{guid_hex, Millis};
use crate::plan::{Expr, LogicalPlan, Predicate};
use crate::schema::{ColKind, ColumnId, Table};
use crate::store::{cell, enum_of, Row, Snapshot};
use std::cmp::Ordering;

/// The rows of a row plan.
pub(crate) struct RowSet<'s> {
    snap: &'s Snapshot,
    plan: &'s LogicalPlan,
    names: NameView<'s>,
    now: Millis,
    rows: Vec<(&'s Row, Option<&'s Row>)>,
    /// (column, enum index) of the plan's reduction rule.
    reduced_when: Option<(ColumnId, u8)>,
}

fn cell_val(col: ColumnId, c: &Cell) -> Val<'_> {
    match c {
        Cell::Absent => Val::Absent,
        Cell::Guid(g) => Val::Guid(*g),
        Cell::Text(t) => Val::Text(t),
        Cell::Ts(t) => Val::Ts(*t),
        Cell::Int(i) => Val::Int(*i),
        Cell::Bool(b) => Val::Text(if *b { "true" } else { "false" }),
        Cell::Enum(e) => match col.input_kind() {
            Some(ColKind::Enum(values)) => values.get(*e as usize).map_or(Val::Absent, |v| Val::Text(v)),
            _ => Val::Absent,
        },
    }
}

/// Whether an expression can be evaluated on a stored row.
fn row_expr(e: &Expr) -> bool {
    match e {
        Expr::Bucket | Expr::Aggregate(_) | Expr::Linear(_) | Expr::Quotient { .. } | Expr::Percentile { .. } => false,
        Expr::WhenPositive { expr, .. } | Expr::UnlessReduced(expr) => row_expr(expr),
        _ => true,
    }
}

impl<'s> RowSet<'s> {
    /// A set over `rows` (each with its user's `users` row).
    pub(super) fn new(
        snap: &'s Snapshot,
        plan: &'s LogicalPlan,
        now: Millis,
        rows: Vec<(&'s Row, Option<&'s Row>)>,
    ) -> Result<RowSet<'s>> {
        let reduced_when = match plan.reduction {
            Some(r) => match r.column.input_kind() {
                Some(ColKind::Enum(values)) => values.iter().position(|v| *v == r.value).map(|i| (r.column, i as u8)),
                _ => return Err(unsupported(&r)),
            },
            None => None,
        };
        Ok(RowSet {
            snap,
            plan,
            names: NameView::new(snap, plan.language.as_deref()),
            now,
            rows,
            reduced_when,
        })
    }

    /// The cell of `col` in row `i`: a users column reads the row's user.
    fn cell(&self, i: usize, col: ColumnId) -> &'s Cell {
        let (row, user) = self.rows[i];
        if col.table() == Table::Users && self.plan.table != Table::Users {
            user.map_or(&Cell::Absent, |u| cell(u, col))
        } else {
            cell(row, col)
        }
    }

    /// The value of column `col` in row `i` (a derived enum by its definition).
    fn column(&self, i: usize, col: ColumnId) -> Val<'s> {
        if col.definition().is_some() {
            return enum_of(&self.rows[i].0.cells[..], col).map_or(Val::Absent, Val::Text);
        }
        cell_val(col, self.cell(i, col))
    }

    fn reduced(&self, i: usize) -> bool {
        self.reduced_when
            .is_some_and(|(col, v)| self.cell(i, col).enum_index() == Some(v))
    }

    /// The value of expression `e` in row `i`.
    fn eval(&self, i: usize, e: &'s Expr) -> Val<'s> {
        let names = &self.names;
        match e {
            Expr::Column(col) => self.column(i, *col),
            Expr::Name { id, kind, fallback } => self
                .cell(i, *id)
                .guid()
                .and_then(|g| self.snap.ids.get(g))
                .and_then(|code| names.get(*kind, code))
                .or_else(|| {
                    let text = self.cell(i, (*fallback)?).text()?;
                    Some(names.translate(*kind, text))
                })
                .map_or(Val::Absent, Val::Text),
            Expr::Translated { column, kind } => self
                .cell(i, *column)
                .text()
                .map_or(Val::Absent, |s| Val::Text(names.translate(*kind, s))),
            Expr::Since(col) => self
                .cell(i, *col)
                .ts()
                .map_or(Val::Absent, |ts| Val::Int(self.now.saturating_sub(ts).max(0))),
            Expr::WhenPositive { counter, expr } => {
                if self.cell(i, *counter).int() <= 0 {
                    Val::Absent
                } else {
                    self.eval(i, expr)
                }
            }
            Expr::UnlessReduced(expr) => {
                if self.reduced(i) {
                    Val::Absent
                } else {
                    self.eval(i, expr)
                }
            }
            Expr::Bucket | Expr::Aggregate(_) | Expr::Linear(_) | Expr::Quotient { .. } | Expr::Percentile { .. } => {
                Val::Absent
            }
        }
    }

    /// Which rows every predicate of the plan accepts: id lists, then
    /// patterns over field values (each distinct value matched once per
    /// filter, since rows repeat values).
    pub(super) fn accepted(&self) -> Result<Vec<bool>> {
        let mut keep = vec![true; self.rows.len()];
        let mut matches: Vec<(&'s Expr, &'s [crate::model::Pattern])> = Vec::new();
        for p in &self.plan.predicates {
            match p {
                Predicate::IdIn { column, ids } => {
                    for (i, k) in keep.iter_mut().enumerate() {
                        *k = *k && self.cell(i, *column).guid().is_some_and(|g| ids.contains(&g));
                    }
                }
                Predicate::Matches { expr, patterns } if row_expr(expr) => matches.push((expr, patterns)),
                other => return Err(unsupported(other)),
            }
        }
        let mut seen: Vec<ahash::AHashMap<Val<'_>, bool>> = vec![ahash::AHashMap::new(); matches.len()];
        for (i, k) in keep.iter_mut().enumerate() {
            if !*k {
                continue;
            }
            *k = matches.iter().zip(seen.iter_mut()).all(|((expr, pats), seen)| {
                let v = self.eval(i, expr);
                *seen.entry(v).or_insert_with(|| {
                    let buf;
                    let text: Option<&str> = match v {
                        Val::Text(s) => Some(s),
                        Val::Guid(g) => {
                            buf = guid_hex(g);
                            std::str::from_utf8(&buf).ok()
                        }
                        _ => None,
                    };
                    text.is_some_and(|s| pats.iter().any(|p| p.matches(s)))
                })
            });
        }
        Ok(keep)
    }
}

fn unsupported(what: &dyn std::fmt::Debug) -> Error {
    Error::internal(crate::messages::cannot_run(what))
}

/// The `users` row of a stored row's user, if the table has a userId.
pub(super) fn user_row<'s>(snap: &'s Snapshot, table: Table, r: &Row) -> Option<&'s Row> {
    let g = cell(r, table.user_id()?).guid()?;
    snap.users.get(&g).map(|a| &**a)
}

/// Runs a row plan.
pub(crate) fn run<'s>(snap: &'s Snapshot, plan: &'s LogicalPlan, now: Millis) -> Result<RowSet<'s>> {
    if let Some(f) = plan.output.iter().find(|f| !row_expr(&f.expr)) {
        return Err(unsupported(f));
    }
    let table = plan.table;
    let key = plan.time.key;
    let hi = plan.time.end.unwrap_or(Millis::MAX);
    let in_range = |r: &Row| cell(r, key).ts().is_some_and(|t| t >= plan.time.start && t < hi);
    let stored: Box<dyn Iterator<Item = &'s Row>> = match table {
        Table::AgentStates => Box::new(snap.states.values().map(|r| &**r)),
        _ => Box::new(snap.events()),
    };
    let rows = stored
        .filter(|r| in_range(r))
        .map(|r| (r, user_row(snap, table, r)))
        .collect();
    let mut set = RowSet::new(snap, plan, now, rows)?;
    let mut keep = set.accepted()?.into_iter();
    set.rows.retain(|_| keep.next().unwrap_or(false));
    Ok(set)
}

impl Rows for RowSet<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn value(&self, i: usize, field: usize) -> Val<'_> {
        match self.plan.output.get(field) {
            Some(f) => self.eval(i, &f.expr),
            None => Val::Absent,
        }
    }

    /// Rows kept by userId tie by userId; appended rows by ingestion order.
    fn tie(&self, a: usize, b: usize) -> Ordering {
        let (ra, rb) = (self.rows[a].0, self.rows[b].0);
        if let (true, Some(u)) = (self.plan.table.is_upsert(), self.plan.table.user_id()) {
            cell(ra, u).guid().cmp(&cell(rb, u).guid())
        } else {
            ra.seq.cmp(&rb.seq)
        }
    }

    fn label(&self, _bucket: i64, _out: &mut String) {}
}
