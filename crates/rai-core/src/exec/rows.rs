//! The row endpoints (agentStatus, agentStatusHistory): one output row per
//! stored row, fields resolved through the same declaration.

use crate::exec::NameView;
use crate::load::Cell;
use crate::model::{Guid, Millis};
use crate::plan::Query;
use crate::render::{Rows, Val};
use crate::schema::{ColKind, Table, ACTIVE_COUNTERS};
use crate::schema::{Endpoint, IdParam, Src};
use crate::store::{Row, Snapshot};
use std::cmp::Ordering;

/// The only fields a LoggedOut user's agentStatus row shows (SPEC §7).
pub const LOGGED_OUT_FIELDS: &[&str] = &[
    "userId",
    "userName",
    "reportingGroupid",
    "reportingGroupName",
    "userStatus",
    "availability",
    "changeTimestamp",
];

/// Rows of agentStatus or agentStatusHistory.
pub(crate) struct RowSet<'s> {
    snap: &'s Snapshot,
    q: &'s Query,
    names: NameView<'s>,
    now: Millis,
    rows: Vec<(&'s Row, Option<&'s Row>)>,
    /// Per field: visible for LoggedOut rows; the counter column of an active-contact field.
    logged_out_ok: Vec<bool>,
    positive_of: Vec<Option<usize>>,
    logged_out_value: Option<u8>,
    user_status_col: usize,
}

fn col(table: Table, name: &str) -> usize {
    table.col(name).unwrap_or(0)
}

fn cell_val(table: Table, ci: usize, cell: &Cell) -> Val<'_> {
    match cell {
        Cell::Absent => Val::Absent,
        Cell::Guid(g) => Val::Guid(*g),
        Cell::Text(t) => Val::Text(t),
        Cell::Ts(t) => Val::Ts(*t),
        Cell::Int(i) => Val::Int(*i),
        Cell::Bool(b) => Val::Text(if *b { "true" } else { "false" }),
        Cell::Enum(e) => match table.columns()[ci].kind {
            ColKind::Enum(values) => values.get(*e as usize).map_or(Val::Absent, |v| Val::Text(v)),
            _ => Val::Absent,
        },
    }
}

impl<'s> RowSet<'s> {
    fn table(&self) -> Table {
        self.q.decl.table
    }

    /// The value before the agentStatus presence rules.
    fn raw(&self, i: usize, field: usize) -> Val<'s> {
        let (row, user) = self.rows[i];
        let t = self.table();
        let names = &self.names;
        let id_code = |cells: &[Cell], c: &str, table: Table| -> Option<u32> {
            cells[col(table, c)].guid().and_then(|g| self.snap.ids.get(g))
        };
        match self.q.decl.fields[field].src {
            Src::Cell(c) => {
                let ci = col(t, c);
                cell_val(t, ci, &row.cells[ci])
            }
            Src::UserCell(c) => user.map_or(Val::Absent, |u| {
                let ci = col(Table::Users, c);
                cell_val(Table::Users, ci, &u.cells[ci])
            }),
            Src::CellName(c, kind, fallback) => id_code(&row.cells, c, t)
                .and_then(|code| names.get(kind, code))
                .or_else(|| {
                    let text = row.cells[col(t, fallback?)].text()?;
                    Some(names.translate(kind, text))
                })
                .map_or(Val::Absent, Val::Text),
            Src::UserCellName(c, kind) => user
                .and_then(|u| id_code(&u.cells, c, Table::Users))
                .and_then(|code| names.get(kind, code))
                .map_or(Val::Absent, Val::Text),
            Src::CellTranslated(c, kind) => row.cells[col(t, c)]
                .text()
                .map_or(Val::Absent, |s| Val::Text(names.translate(kind, s))),
            Src::CellSince(c) => row.cells[col(t, c)]
                .ts()
                .map_or(Val::Absent, |ts| Val::Int(self.now.saturating_sub(ts).max(0))),
            _ => Val::Absent,
        }
    }
}

/// Runs a row-endpoint query.
pub(crate) fn run<'s>(snap: &'s Snapshot, q: &'s Query, now: Millis) -> RowSet<'s> {
    let table = q.decl.table;
    let chg = col(table, "changeTimestamp");
    let hi = q.end.unwrap_or(Millis::MAX);
    let in_range = |r: &Row| r.cells[chg].ts().is_some_and(|t| t >= q.start && t < hi);
    let user_row = |r: &Row| -> Option<&'s Row> {
        let g = r.cells[col(table, "userId")].guid()?;
        snap.users.get(&g).map(|a| &**a)
    };
    let mut rows: Vec<(&'s Row, Option<&'s Row>)> = match q.decl.endpoint {
        Endpoint::AgentStatus => snap
            .states
            .values()
            .map(|r| &**r)
            .filter(|r| in_range(r))
            .map(|r| (r, user_row(r)))
            .collect(),
        _ => snap
            .events()
            .filter(|r| in_range(r))
            .map(|r| (r, user_row(r)))
            .collect(),
    };
    // Id lists.
    for (p, list) in &q.ids {
        let (tbl, c) = match p {
            IdParam::ReportingGroup => (Table::Users, "reportingGroupId"),
            other => (table, other.name()),
        };
        let ci = col(tbl, c);
        let has = |g: Option<Guid>| g.is_some_and(|g| list.contains(&g));
        rows.retain(|(r, u)| {
            if tbl == Table::Users {
                has(u.and_then(|u| u.cells[ci].guid()))
            } else {
                has(r.cells[ci].guid())
            }
        });
    }
    let fields = &q.decl.fields;
    let logged_out_ok = fields.iter().map(|f| LOGGED_OUT_FIELDS.contains(&f.name)).collect();
    let positive_of = fields
        .iter()
        .map(|f| {
            ACTIVE_COUNTERS
                .iter()
                .find(|(c, _, d)| *c == f.name || *d == f.name)
                .map(|(c, _, _)| col(Table::AgentStates, c))
        })
        .collect();
    let mut set = RowSet {
        snap,
        q,
        names: NameView::new(snap, q),
        now,
        rows,
        logged_out_ok,
        positive_of,
        logged_out_value: crate::schema::USER_STATUSES
            .iter()
            .position(|s| *s == "LoggedOut")
            .map(|i| i as u8),
        user_status_col: col(Table::AgentStates, "userStatus"),
    };
    if !q.filters.is_empty() {
        // Each distinct value is matched once per filter (rows repeat values).
        let mut seen: Vec<ahash::AHashMap<Val<'_>, bool>> = vec![ahash::AHashMap::new(); q.filters.len()];
        let keep: Vec<bool> = (0..set.rows.len())
            .map(|i| {
                q.filters.iter().zip(seen.iter_mut()).all(|((f, pats), seen)| {
                    let v = set.value(i, *f);
                    *seen.entry(v).or_insert_with(|| {
                        let buf;
                        let text: Option<&str> = match v {
                            Val::Text(s) => Some(s),
                            Val::Guid(g) => {
                                buf = crate::model::guid_hex(g);
                                std::str::from_utf8(&buf).ok()
                            }
                            _ => None,
                        };
                        text.is_some_and(|s| pats.iter().any(|p| p.matches(s)))
                    })
                })
            })
            .collect();
        let mut it = keep.iter();
        set.rows.retain(|_| it.next().copied().unwrap_or(false));
    }
    set
}

impl Rows for RowSet<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn value(&self, i: usize, field: usize) -> Val<'_> {
        if self.q.decl.endpoint == Endpoint::AgentStatus {
            let row = self.rows[i].0;
            let logged_out = row.cells[self.user_status_col].enum_index() == self.logged_out_value;
            if logged_out && !self.logged_out_ok[field] {
                return Val::Absent;
            }
            if let Some(c) = self.positive_of[field] {
                if row.cells[c].int() <= 0 {
                    return Val::Absent;
                }
            }
        }
        self.raw(i, field)
    }

    fn tie(&self, a: usize, b: usize) -> Ordering {
        let (ra, rb) = (self.rows[a].0, self.rows[b].0);
        if self.q.decl.endpoint == Endpoint::AgentStatus {
            let u = col(Table::AgentStates, "userId");
            ra.cells[u].guid().cmp(&rb.cells[u].guid())
        } else {
            ra.seq.cmp(&rb.seq)
        }
    }

    fn label(&self, _bucket: i64, _out: &mut String) {}
}
