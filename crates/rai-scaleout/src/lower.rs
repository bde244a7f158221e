//! A [`RemoteScan`] as SQL over one table of checkpoint files: the filters,
//! the group keys (the bucket through `rai_bucket`) and one partial state
//! per aggregate. A derived column is lowered from its declared
//! [`Definition`] the way the store evaluates it on load (absent
//! timestamps are the smallest instant, absent numbers 0, absent booleans
//! false unless the definition says otherwise), so a row means the same
//! on both sides.

use crate::udf::{BUCKET, MATCHES};
use rai_core::split::{RemoteAgg, RemoteScan};
use rai_core::{guid_string, ColKind, ColumnId, Definition, Input, Op, Term};
use std::fmt::Write as _;

/// The smallest instant (an absent timestamp), as SQL.
const MIN_TIME: &str = "(-9223372036854775807 - 1)";

/// A text literal.
fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A stored column's name.
fn name(col: ColumnId) -> String {
    format!("\"{}\"", col.name())
}

/// A boolean column's value in a row (never NULL).
pub(crate) fn boolean(col: ColumnId) -> String {
    match col.definition() {
        Some(Definition::All(terms)) => terms_of(terms),
        Some(Definition::BoolOr(c, default)) => format!("COALESCE({}, {default})", name(c)),
        Some(_) => "FALSE".into(),
        None => format!("COALESCE({}, FALSE)", name(col)),
    }
}

/// An enum column's value in a row (NULL: absent).
fn enumeration(col: ColumnId) -> String {
    match col.definition() {
        Some(Definition::Case(rules)) => {
            let mut s = String::from("CASE");
            for (value, terms) in rules {
                let _ = write!(s, " WHEN {} THEN {}", terms_of(terms), text(value));
            }
            s + " END"
        }
        Some(_) => "CAST(NULL AS VARCHAR)".into(),
        None => name(col),
    }
}

fn terms_of(terms: &[Term]) -> String {
    let parts: Vec<String> = terms
        .iter()
        .map(|t| match *t {
            Term::Present(c) => format!("{} IS NOT NULL", name(c)),
            Term::Absent(c) => format!("{} IS NULL", name(c)),
            Term::Is(c) => boolean(c),
            Term::IsNot(c) => format!("NOT {}", boolean(c)),
            Term::OneOf(c, values) => {
                let list: Vec<String> = values.iter().map(|v| text(v)).collect();
                format!("COALESCE({} IN ({}), FALSE)", enumeration(c), list.join(", "))
            }
            _ => "FALSE".into(),
        })
        .collect();
    if parts.is_empty() {
        "TRUE".into()
    } else {
        format!("({})", parts.join(" AND "))
    }
}

/// A timestamp column's value in milliseconds (absent: the smallest instant).
pub(crate) fn time(col: ColumnId) -> String {
    match col.definition() {
        Some(Definition::Choose { when, then, otherwise }) => {
            format!(
                "CASE WHEN {} THEN {} ELSE {} END",
                boolean(when),
                time(then),
                time(otherwise)
            )
        }
        Some(_) => MIN_TIME.into(),
        None => format!("COALESCE(CAST({} AS BIGINT), {MIN_TIME})", name(col)),
    }
}

/// A number column's value (absent: 0).
fn number(col: ColumnId) -> String {
    match col.definition() {
        Some(Definition::Sum(cols)) => {
            let parts: Vec<String> = cols.iter().map(|&c| number(c)).collect();
            format!("({})", parts.join(" + "))
        }
        Some(_) => "0".into(),
        None => format!("COALESCE({}, 0)", name(col)),
    }
}

/// Whether a column holds timestamps.
fn is_time(col: ColumnId) -> bool {
    match col.definition() {
        Some(Definition::Choose { .. }) => true,
        Some(_) => false,
        None => col.input_kind() == Some(ColKind::Timestamp),
    }
}

/// An aggregate's input value in a row, at instant `now`.
fn input(a: &RemoteAgg, now: i64) -> String {
    match a.input {
        Input::Column(col) if is_time(col) => time(col),
        Input::Column(col) => number(col),
        Input::SinceNow(col) => {
            // now − t clamped at 0, saturating like the kernel (an absent t is the smallest instant).
            let t = time(col);
            format!("CASE WHEN {t} = {MIN_TIME} THEN 9223372036854775807 ELSE GREATEST({now} - {t}, 0) END")
        }
        _ => "1".into(),
    }
}

/// One aggregate's partial state.
fn aggregate(a: &RemoteAgg, now: i64) -> String {
    let cond = a.when.map_or_else(|| "TRUE".to_string(), boolean);
    let v = input(a, now);
    match (a.op, a.at_most) {
        (Op::Count, Some(limit)) => format!("SUM(CASE WHEN {cond} AND {v} <= {limit} THEN 1 ELSE 0 END)"),
        (Op::Count, None) if a.when.is_none() => "COUNT(*)".into(),
        (Op::Count, None) => format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"),
        (Op::Sum, _) => format!("SUM(CASE WHEN {cond} THEN {v} ELSE 0 END)"),
        _ => format!("MAX(CASE WHEN {cond} THEN {v} END)"),
    }
}

/// The SQL of `scan` over table `from` at instant `now`, leaving out the
/// rows of the batches in `excluded`. Output columns: `b` (the bucket),
/// `ct` (the type, when grouped by it), `k0…` (the id keys), `s0…` (the
/// states, BIGINT, NULL over no rows).
pub fn sql(scan: &RemoteScan, from: &str, now: i64, excluded: &[u64]) -> String {
    let key = time(scan.time_key);
    let (category, zone) = scan.bucket;
    let mut select = vec![format!(
        "{BUCKET}({key}, {}, {}) AS b",
        text(category.name()),
        text(zone.name())
    )];
    let mut group = vec!["b".to_string()];
    if scan.by_type {
        select.push("\"type\" AS ct".into());
        group.push("ct".into());
    }
    for (i, &col) in scan.id_keys.iter().enumerate() {
        select.push(format!("{} AS k{i}", name(col)));
        group.push(format!("k{i}"));
    }
    for (i, a) in scan.aggregates.iter().enumerate() {
        select.push(format!("CAST({} AS BIGINT) AS s{i}", aggregate(a, now)));
    }
    let mut filter = vec![format!("{key} >= {}", scan.start)];
    if let Some(end) = scan.end {
        filter.push(format!("{key} < {end}"));
    }
    if let Some(types) = &scan.types {
        let list: Vec<String> = types.iter().map(|t| text(t)).collect();
        filter.push(match list.is_empty() {
            true => "FALSE".into(),
            false => format!("\"type\" IN ({})", list.join(", ")),
        });
    }
    for (col, ids) in &scan.ids {
        let list: Vec<String> = ids.iter().map(|g| text(&guid_string(*g))).collect();
        filter.push(match list.is_empty() {
            true => "FALSE".into(),
            false => format!("{} IN ({})", name(*col), list.join(", ")),
        });
    }
    for &(col, value) in &scan.flags {
        let b = boolean(col);
        filter.push(if value { b } else { format!("NOT {b}") });
    }
    for (col, patterns) in &scan.row_patterns {
        let any: Vec<String> = patterns
            .iter()
            .map(|p| format!("{MATCHES}({}, {})", name(*col), text(p.source())))
            .collect();
        filter.push(format!("({})", any.join(" OR ")));
    }
    if !excluded.is_empty() {
        let list: Vec<String> = excluded.iter().map(u64::to_string).collect();
        filter.push(format!("\"_batch\" NOT IN ({})", list.join(", ")));
    }
    format!(
        "SELECT {} FROM {from} WHERE {} GROUP BY {}",
        select.join(", "),
        filter.join(" AND "),
        group.join(", ")
    )
}
