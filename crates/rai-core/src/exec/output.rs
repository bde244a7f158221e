//! SPEC §8 over any executed result: the value of each (row, output field),
//! sorting by the plan's keys (collation ranks per distinct text), paging,
//! and materialising the page into a [`QueryResult`].

use crate::model::{guid_hex, write_timestamp, Collation, Guid, Millis};
use crate::plan::LogicalPlan;
use crate::render::{QueryResult, ResultBuilder};
use crate::schema::Kind;
use ahash::AHashMap;
use std::cmp::Ordering;

/// A finite `f64` that can be hashed and compared (for results and sorting).
/// Derived metrics (ratios, averages) are non-integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Real(u64);

impl Real {
    /// A finite number; None for NaN and infinities (they are never output).
    pub(crate) fn new(v: f64) -> Option<Real> {
        v.is_finite().then(|| Real(v.to_bits()))
    }
    pub(crate) fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
    /// A key whose integer order is the number's order.
    fn order_key(self) -> i128 {
        let b = self.0 as i64;
        (if b < 0 { !(b & i64::MAX) } else { b }) as i128
    }
}

/// One field value of one result row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Val<'a> {
    /// Not present: the field is omitted from the row.
    Absent,
    /// Text.
    Text(&'a str),
    /// A GUID (rendered as 32 upper-case hex digits).
    Guid(Guid),
    /// An integer.
    Int(i64),
    /// A non-integer number.
    Real(Real),
    /// A timestamp.
    Ts(Millis),
    /// A timeCategory bucket (rendered by its label).
    Bucket(i64),
}

/// A result whose rows can be sorted and rendered through the plan's output fields.
pub(crate) trait Rows: Sync {
    /// Number of rows.
    fn len(&self) -> usize;
    /// The value of output field `field` in row `row`.
    fn value(&self, row: usize, field: usize) -> Val<'_>;
    /// The final tie-break between two rows (group key, contactId, ingestion order).
    fn tie(&self, a: usize, b: usize) -> Ordering;
    /// Writes the label of a bucket.
    fn label(&self, bucket: i64, out: &mut String);
}

const ABSENT: i128 = i128::MIN;

#[derive(Hash, PartialEq, Eq, Clone, Copy)]
enum TextKey<'a> {
    Str(&'a str),
    Guid(Guid),
}

fn text_of(v: Val<'_>) -> Option<TextKey<'_>> {
    match v {
        Val::Text(s) => Some(TextKey::Str(s)),
        Val::Guid(g) => Some(TextKey::Guid(g)),
        _ => None,
    }
}

/// One comparable key per row for output field `field`.
fn sort_column(rows: &dyn Rows, field: usize, kind: Kind, coll: &Collation) -> Vec<i128> {
    let n = rows.len();
    match kind {
        Kind::Id | Kind::Text | Kind::Enum => {
            // Collation keys once per distinct value, then ranks.
            let mut distinct: AHashMap<TextKey<'_>, u32> = AHashMap::new();
            let mut per_row: Vec<Option<u32>> = Vec::with_capacity(n);
            for r in 0..n {
                per_row.push(text_of(rows.value(r, field)).map(|k| {
                    let next = distinct.len() as u32;
                    *distinct.entry(k).or_insert(next)
                }));
            }
            let mut keyed: Vec<(Vec<u8>, u32)> = distinct
                .iter()
                .map(|(k, &i)| {
                    let mut key = Vec::new();
                    match k {
                        TextKey::Str(s) => coll.key(s, &mut key),
                        TextKey::Guid(g) => coll.key(std::str::from_utf8(&guid_hex(*g)).unwrap_or(""), &mut key),
                    }
                    (key, i)
                })
                .collect();
            keyed.sort_unstable();
            let mut rank = vec![0i128; keyed.len()];
            let mut r = 0i128;
            for (j, (key, i)) in keyed.iter().enumerate() {
                if j > 0 && keyed[j - 1].0 != *key {
                    r += 1;
                }
                rank[*i as usize] = r;
            }
            per_row
                .into_iter()
                .map(|o| o.map_or(ABSENT, |i| rank[i as usize]))
                .collect()
        }
        _ => (0..n)
            .map(|r| match rows.value(r, field) {
                Val::Int(v) | Val::Ts(v) | Val::Bucket(v) => v as i128,
                Val::Real(x) => x.order_key(),
                _ => ABSENT,
            })
            .collect(),
    }
}

/// Sorts per the plan and returns the row indices of the requested page.
pub(crate) fn sort_and_page(rows: &dyn Rows, plan: &LogicalPlan) -> Vec<usize> {
    let n = rows.len();
    let coll = Collation::new(plan.locale.as_ref());
    let cols: Vec<(Vec<i128>, bool)> = plan
        .order
        .iter()
        .filter_map(|k| {
            let kind = plan.output.get(k.field)?.kind;
            Some((sort_column(rows, k.field, kind, &coll), k.descending))
        })
        .collect();
    let cmp = |a: &usize, b: &usize| -> Ordering {
        for (v, desc) in &cols {
            let o = v[*a].cmp(&v[*b]);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        rows.tie(*a, *b)
    };
    let start = usize::try_from(plan.offset).unwrap_or(usize::MAX).min(n);
    let end = start.saturating_add(plan.limit as usize).min(n);
    let mut idx: Vec<usize> = (0..n).collect();
    if end < n && end > 0 {
        idx.select_nth_unstable_by(end - 1, cmp);
        idx.truncate(end);
    }
    idx.sort_unstable_by(cmp);
    idx.truncate(end);
    idx.drain(..start);
    idx
}

/// Materialises the page: the plan's output fields, values resolved to text or numbers.
pub(crate) fn materialize(rows: &dyn Rows, page: &[usize], plan: &LogicalPlan) -> QueryResult {
    let names = plan.output.iter().map(|f| f.name).collect();
    let mut res = ResultBuilder::new(plan.item, names, rows.len(), page.len());
    for &r in page {
        for f in 0..plan.output.len() {
            match rows.value(r, f) {
                Val::Absent => res.absent(),
                Val::Int(i) => res.int(i),
                Val::Real(x) => res.float(x.get()),
                Val::Text(s) => res.text(s),
                Val::Guid(g) => res.text(std::str::from_utf8(&guid_hex(g)).unwrap_or("")),
                Val::Ts(t) => res.text_with(|out| write_timestamp(out, t)),
                Val::Bucket(b) => res.text_with(|out| rows.label(b, out)),
            }
        }
    }
    res.finish()
}

/// Sorts, pages and materialises.
pub(crate) fn finish(rows: &dyn Rows, plan: &LogicalPlan) -> QueryResult {
    let page = sort_and_page(rows, plan);
    materialize(rows, &page, plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeCategory;
    use crate::plan::{Expr, GroupKey, OutputField, SortKey, TimeRange};
    use crate::schema::{ColumnId, ContactCol};

    /// Rows of one number field each.
    struct Numbers(Vec<Option<f64>>);

    impl Rows for Numbers {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn value(&self, row: usize, _field: usize) -> Val<'_> {
            self.0[row].and_then(Real::new).map_or(Val::Absent, Val::Real)
        }
        fn tie(&self, a: usize, b: usize) -> Ordering {
            a.cmp(&b)
        }
        fn label(&self, _bucket: i64, _out: &mut String) {}
    }

    #[test]
    fn non_integer_values_sort_and_render() {
        let plan = LogicalPlan {
            table: crate::schema::Table::Contacts,
            time: TimeRange {
                key: ColumnId::Contacts(ContactCol::ArrivalTime),
                start: 0,
                end: None,
            },
            predicates: Vec::new(),
            fill: false,
            group_by: Some(vec![GroupKey::Bucket {
                key: ColumnId::Contacts(ContactCol::ArrivalTime),
                category: TimeCategory::All,
                zone: chrono_tz::Tz::UTC,
            }]),
            aggregates: Vec::new(),
            output: vec![OutputField {
                name: "ratio",
                kind: Kind::Number,
                expr: Expr::Aggregate(0),
            }],
            order: vec![SortKey {
                field: 0,
                descending: true,
            }],
            locale: None,
            offset: 0,
            limit: 10,
            language: None,
            item: "r",
            reduction: None,
        };
        let rows = Numbers(vec![Some(0.25), None, Some(1.0), Some(f64::NAN), Some(0.5)]);
        let res = finish(&rows, &plan);
        assert_eq!(res.to_json(), r#"[{"ratio":1},{"ratio":0.5},{"ratio":0.25},{},{}]"#);
    }

    #[test]
    fn real_order_keys_follow_the_numbers() {
        let xs = [-2.5, -1.0, -0.0, 0.0, 1e-9, 0.5, 1.0, 3e10];
        let keys: Vec<i128> = xs.iter().filter_map(|&x| Real::new(x)).map(|r| r.order_key()).collect();
        assert_eq!(keys.len(), xs.len());
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
        assert!(Real::new(f64::NAN).is_none());
    }
}
