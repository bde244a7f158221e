//! Plans without group keys (agentStatus, agentStatusHistory): one result
//! row per stored row of a kept-rows table, each output field an
//! expression over the row and its user's `users` row.

use super::names::NameView;
use super::output::{Rows, Val};
use crate::error::{Error, Result};
use crate::load::Cell;
use crate::model::{guid_hex, Guid, Millis};
use crate::plan::{Expr, LogicalPlan, Predicate};
use crate::schema::{ColKind, ColumnId, Table};
use crate::store::{cell, Row, Snapshot};
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
    /// The cell of `col` in row `i`: a users column reads the row's user.
    fn cell(&self, i: usize, col: ColumnId) -> &'s Cell {
        let (row, user) = self.rows[i];
        if col.table() == Table::Users && self.plan.table != Table::Users {
            user.map_or(&Cell::Absent, |u| cell(u, col))
        } else {
            cell(row, col)
        }
    }

    fn reduced(&self, i: usize) -> bool {
        self.reduced_when
            .is_some_and(|(col, v)| self.cell(i, col).enum_index() == Some(v))
    }

    fn eval(&self, i: usize, e: &'s Expr) -> Val<'s> {
        let names = &self.names;
        match e {
            Expr::Column(col) => cell_val(*col, self.cell(i, *col)),
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
}

/// Runs a row plan.
pub(crate) fn run<'s>(snap: &'s Snapshot, plan: &'s LogicalPlan, now: Millis) -> Result<RowSet<'s>> {
    let unsupported = |what: &dyn std::fmt::Debug| Error::internal(crate::messages::cannot_run(what));
    if let Some(f) = plan.output.iter().find(|f| !row_expr(&f.expr)) {
        return Err(unsupported(f));
    }
    let table = plan.table;
    let key = plan.time.key;
    let hi = plan.time.end.unwrap_or(Millis::MAX);
    let in_range = |r: &Row| cell(r, key).ts().is_some_and(|t| t >= plan.time.start && t < hi);
    let user_col = table.user_id();
    let user_row = |r: &Row| -> Option<&'s Row> {
        let g = cell(r, user_col?).guid()?;
        snap.users.get(&g).map(|a| &**a)
    };
    let stored: Box<dyn Iterator<Item = &'s Row>> = match table {
        Table::AgentStates => Box::new(snap.states.values().map(|r| &**r)),
        _ => Box::new(snap.events()),
    };
    let rows = stored.filter(|r| in_range(r)).map(|r| (r, user_row(r))).collect();
    let reduced_when = match plan.reduction {
        Some(r) => match r.column.input_kind() {
            Some(ColKind::Enum(values)) => values.iter().position(|v| *v == r.value).map(|i| (r.column, i as u8)),
            _ => return Err(unsupported(&r)),
        },
        None => None,
    };
    let mut set = RowSet {
        snap,
        plan,
        names: NameView::new(snap, plan.language.as_deref()),
        now,
        rows,
        reduced_when,
    };
    // Id lists first (cheap), then patterns over field values.
    let mut matches: Vec<(&'s Expr, &'s [crate::model::Pattern])> = Vec::new();
    for p in &plan.predicates {
        match p {
            Predicate::IdIn { column, ids } => {
                let has = |g: Option<Guid>| g.is_some_and(|g| ids.contains(&g));
                let keep: Vec<bool> = (0..set.rows.len()).map(|i| has(set.cell(i, *column).guid())).collect();
                let mut it = keep.into_iter();
                set.rows.retain(|_| it.next().unwrap_or(false));
            }
            Predicate::Matches { expr, patterns } if row_expr(expr) => matches.push((expr, patterns)),
            other => return Err(unsupported(other)),
        }
    }
    if !matches.is_empty() {
        // Each distinct value is matched once per filter (rows repeat values).
        let mut seen: Vec<ahash::AHashMap<Val<'_>, bool>> = vec![ahash::AHashMap::new(); matches.len()];
        let keep: Vec<bool> = (0..set.rows.len())
            .map(|i| {
                matches.iter().zip(seen.iter_mut()).all(|((expr, pats), seen)| {
                    let v = set.eval(i, expr);
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
                })
            })
            .collect();
        let mut it = keep.into_iter();
        set.rows.retain(|_| it.next().unwrap_or(false));
    }
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
