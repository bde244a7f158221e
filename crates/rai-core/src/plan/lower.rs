//! Query → [`LogicalPlan`]: the declaration's fields, flags and parameters
//! become group keys, predicates, aggregates and output expressions. This
//! is the only place where an endpoint's rules turn into plan terms.

use super::logical::{Expr, GroupKey, LogicalPlan, OutputField, Predicate, SortKey, TimeRange};
use super::query::{Extra, Query};
use crate::model::TimeCategory;
use crate::schema::{Agg, Field, Input, Kind, Op, Param, Presence, Src, TYPES};

/// The index of `a` in `aggregates` (added once).
fn aggregate(a: Agg, aggregates: &mut Vec<Agg>) -> usize {
    match aggregates.iter().position(|x| *x == a) {
        Some(i) => i,
        None => {
            aggregates.push(a);
            aggregates.len() - 1
        }
    }
}

fn linear(terms: &[(i64, Agg)], aggregates: &mut Vec<Agg>) -> Expr {
    Expr::Linear(
        terms
            .iter()
            .map(|&(sign, a)| (sign, aggregate(a, aggregates)))
            .collect(),
    )
}

/// The expression of a field's value (registering its aggregates, if any).
fn expr_of(field: &Field, reduces: bool, aggregates: &mut Vec<Agg>) -> Expr {
    let base = match field.src {
        Src::Bucket => Expr::Bucket,
        Src::Key(col) | Src::RowKey(col) | Src::Cell(col) => Expr::Column(col),
        Src::KeyName(id, kind) => Expr::Name {
            id,
            kind,
            fallback: None,
        },
        Src::CellName(id, kind, fallback) => Expr::Name { id, kind, fallback },
        Src::CellTranslated(column, kind) => Expr::Translated { column, kind },
        Src::CellSince(col) => Expr::Since(col),
        Src::Metric(a) => Expr::Aggregate(aggregate(a, aggregates)),
        Src::Linear(terms) => linear(terms, aggregates),
        Src::Quotient {
            numerator,
            denominator,
            ratio,
        } => Expr::Quotient {
            numerator: Box::new(linear(numerator, aggregates)),
            denominator: Box::new(linear(denominator, aggregates)),
            ratio,
        },
    };
    let base = match field.presence {
        Presence::Always => base,
        Presence::WhenPositive(counter) => Expr::WhenPositive {
            counter,
            expr: Box::new(base),
        },
    };
    if reduces && !field.kept_when_reduced {
        Expr::UnlessReduced(Box::new(base))
    } else {
        base
    }
}

/// Plans a parsed query.
pub(crate) fn lower(q: &Query) -> LogicalPlan {
    let d = q.decl;
    let reduces = d.reduction.is_some();
    let shown: Vec<usize> = (0..d.fields.len()).filter(|&i| q.shows(i)).collect();
    let mut aggregates = Vec::new();
    let output: Vec<OutputField> = shown
        .iter()
        .map(|&i| OutputField {
            name: d.fields[i].name,
            kind: d.fields[i].kind,
            expr: expr_of(&d.fields[i], reduces, &mut aggregates),
        })
        .collect();

    let mut output = output;
    for (name, extra) in q.extras() {
        let expr = match extra {
            Extra::Threshold { secs, part } => {
                let Some(t) = d.thresholds else { continue };
                let within = Agg::count_at_most(t.compared, Some(t.when), i64::from(secs) * 1000);
                let numerator = linear(&[(1, within)], &mut aggregates);
                let denominator = linear(t.denominator, &mut aggregates);
                match part {
                    0 => Expr::Quotient {
                        numerator: Box::new(numerator),
                        denominator: Box::new(denominator),
                        ratio: true,
                    },
                    1 => numerator,
                    _ => denominator,
                }
            }
            Extra::Percentile { p, metric } => {
                let Some(m) = d.percentiles.get(metric) else { continue };
                let dist = Agg::new(Op::Distribution, Input::Column(m.input), m.when);
                Expr::Percentile {
                    aggregate: aggregate(dist, &mut aggregates),
                    percentile: p,
                }
            }
        };
        let kind = match (extra, &expr) {
            (Extra::Threshold { part: 0, .. }, _) => Kind::Number,
            _ => Kind::Int,
        };
        output.push(OutputField { name, kind, expr });
    }
    let mut predicates: Vec<Predicate> = q
        .ids
        .iter()
        .map(|(column, ids)| Predicate::IdIn {
            column: *column,
            ids: ids.clone(),
        })
        .collect();
    if let Some(mask) = q.types {
        let types = TYPES.iter().zip(mask).filter(|(_, on)| *on).map(|(t, _)| *t).collect();
        predicates.push(Predicate::TypeIn { types });
    }
    for p in &d.params {
        if let Param::Require(flag, column, _) = *p {
            if q.flag(flag) {
                predicates.push(Predicate::Is { column, value: true });
            }
        }
    }
    for &(column, v) in &q.includes {
        // 0: drop the rows where it holds; 2: keep only those.
        predicates.push(Predicate::Is { column, value: v == 2 });
    }
    for (fi, patterns) in &q.filters {
        let mut unused = Vec::new();
        predicates.push(Predicate::Matches {
            expr: expr_of(&d.fields[*fi], reduces, &mut unused),
            patterns: patterns.clone(),
        });
    }

    let group_by = d.aggregated.then(|| {
        let mut keys = Vec::new();
        if q.category != TimeCategory::Null {
            keys.push(GroupKey::Bucket {
                key: d.time_key,
                category: q.category,
                zone: q.zone,
            });
        }
        for &i in &shown {
            match d.fields[i].src {
                Src::Key(col) => keys.push(GroupKey::Column(col)),
                Src::RowKey(_) => keys.push(GroupKey::Row),
                _ => {}
            }
        }
        keys
    });

    let order = q
        .sort
        .iter()
        .filter_map(|&(f, descending)| {
            // Past the declared fields: the extra fields, after the shown ones.
            let field = match f.checked_sub(d.fields.len()) {
                Some(extra) => shown.len() + extra,
                None => shown.iter().position(|&s| s == f)?,
            };
            Some(SortKey { field, descending })
        })
        .collect();

    LogicalPlan {
        table: d.table,
        time: TimeRange {
            key: d.time_key,
            start: q.start,
            end: q.end,
        },
        predicates,
        group_by,
        fill: q.fill,
        aggregates,
        output,
        order,
        locale: q.locale.clone(),
        offset: q.offset,
        limit: q.limit,
        language: q.language.clone(),
        item: d.endpoint.name(),
        reduction: d.reduction,
    }
}
