//! The groups of an aggregating plan over fact table `F`: chunks scanned in
//! parallel (rayon) into partial states, merged, and read back as result
//! rows through the plan's output expressions.

use super::dense::Dense;
use super::kernel::{Kernel, Partial};
use super::metric::{self, Metric};
use super::names::NameView;
use super::output::{Real, Rows, Val};
use super::physical::{prepare, Physical};
use super::scan::{chunks, scan};
use super::sketch::{self, Sketch};
use super::GKey;
use crate::error::{Error, Result};
use crate::model::TimeCategory;
use crate::model::{Bucketer, Guid, Millis};
use crate::plan::{Expr, GroupKey, LogicalPlan};
use crate::schema::{Input, NameKind, Op, CHANNELS, MAX_FILL_ROWS, TYPES};
use crate::store::{Fact, Snapshot};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::marker::PhantomData;
use std::sync::OnceLock;

/// What an output field reads of a group, resolved once per query.
#[derive(Debug, Clone)]
enum Out {
    Bucket,
    RowId,
    Channel,
    Type,
    Id(usize),
    Name(usize, NameKind),
    Metric(usize),
    /// `Σ sign × metric`.
    Linear(Vec<(i64, usize)>),
    /// A quotient of two signed sums; a ratio is clamped to [0, 1].
    Quotient(Vec<(i64, usize)>, Vec<(i64, usize)>, bool),
    /// A percentile of a distribution metric.
    Percentile(usize, u8),
}

/// The groups of one aggregating query.
pub(crate) struct Groups<'s, F: Fact> {
    snap: &'s Snapshot,
    names: NameView<'s>,
    keys: Vec<GKey>,
    /// Row-major: `kernel.width` slots per group.
    acc: Vec<i64>,
    /// Group-major: the kernel's sketches of each group.
    sketches: Vec<Sketch>,
    /// Each sketch's counts, folded when a percentile of it is first read
    /// (only the rows sorted on or rendered pay for it).
    folded: Vec<OnceLock<Vec<(u16, u64)>>>,
    kernel: Kernel,
    metrics: Vec<Metric>,
    /// Detail rows: metrics are the row's own values, computed on demand.
    details: bool,
    /// Per group: added by `fill=zero` (its maxima are absent).
    filled: Vec<bool>,
    now: Millis,
    out: Vec<Out>,
    bucketer: Bucketer,
    table: PhantomData<F>,
}

fn resolve<F: Fact>(expr: &Expr) -> Result<Out> {
    let (channel, ty) = F::TYPE_COLUMNS.unzip();
    let slot = |col| F::CODE_COLUMNS.iter().position(|&c| c == col);
    Ok(match *expr {
        Expr::Bucket => Out::Bucket,
        Expr::Column(col) if Some(col) == F::ROW_ID => Out::RowId,
        Expr::Column(col) if Some(col) == channel => Out::Channel,
        Expr::Column(col) if Some(col) == ty => Out::Type,
        Expr::Aggregate(i) => Out::Metric(i),
        Expr::Percentile { aggregate, percentile } => Out::Percentile(aggregate, percentile),
        Expr::Linear(ref terms) => Out::Linear(terms.clone()),
        Expr::Quotient {
            ref numerator,
            ref denominator,
            ratio,
        } => match (&**numerator, &**denominator) {
            (Expr::Linear(n), Expr::Linear(d)) => Out::Quotient(n.clone(), d.clone(), ratio),
            _ => return Err(Error::internal(crate::messages::cannot_run(expr))),
        },
        ref other => {
            let unsupported = || Error::internal(crate::messages::cannot_run(other));
            match *other {
                Expr::Column(col) => Out::Id(slot(col).ok_or_else(unsupported)?),
                Expr::Name {
                    id,
                    kind,
                    fallback: None,
                } => Out::Name(slot(id).ok_or_else(unsupported)?, kind),
                _ => return Err(unsupported()),
            }
        }
    })
}

/// `fill=zero`: adds a zero group for every (bucket of the range, group
/// present) that has no rows, so a series has no holes. An open range ends
/// at `now`.
fn fill_zero(
    part: &mut Partial,
    filled: &mut Vec<bool>,
    phys: &Physical<'_>,
    kernel: &Kernel,
    now: Millis,
) -> Result<()> {
    let mut combos: Vec<(u32, [u32; 3])> = part.keys.iter().map(|k| (k.t, k.d)).collect();
    combos.sort_unstable();
    combos.dedup();
    if combos.is_empty() {
        return Ok(());
    }
    let hi = if phys.hi == Millis::MAX {
        now.saturating_add(1)
    } else {
        phys.hi
    };
    let too_large = || Error::query(crate::messages::fill_too_large(MAX_FILL_ROWS));
    let max_buckets = MAX_FILL_ROWS / combos.len();
    let buckets = phys
        .bucketer
        .buckets_in(phys.lo, hi, max_buckets)
        .ok_or_else(too_large)?;
    if combos.len().saturating_mul(buckets.len()) > MAX_FILL_ROWS {
        return Err(too_large());
    }
    let present: ahash::AHashSet<GKey> = part.keys.iter().copied().collect();
    for &(t, d) in &combos {
        for &bucket in &buckets {
            let k = GKey { bucket, t, d, row: 0 };
            if !present.contains(&k) {
                part.keys.push(k);
                filled.push(true);
            }
        }
    }
    part.grow_acc(kernel);
    Ok(())
}

/// Runs an aggregating plan over fact table `F`.
pub(crate) fn run<'s, F: Fact + Default>(
    snap: &'s Snapshot,
    plan: &'s LogicalPlan,
    keys: &[GroupKey],
    now: Millis,
    deadline: super::Deadline,
    remote: Option<&super::Remote<'_>>,
) -> Result<Groups<'s, F>> {
    let names = NameView::new(snap, plan.language.as_deref());
    let out = plan
        .output
        .iter()
        .map(|f| resolve::<F>(&f.expr))
        .collect::<Result<Vec<_>>>()?;
    let phys: Physical<'_> = prepare::<F>(snap, plan, &names, keys)?;
    let mut tasks: Vec<(usize, (usize, usize))> = Vec::new();
    for (i, f) in snap.facts::<F>() {
        if remote.is_some_and(|r| (r.holds)(snap.batch_id(i))) {
            continue; // counted by the other side's partial states
        }
        tasks.extend(
            chunks(f.len(), f.blocks(), phys.block_pair, phys.lo, phys.hi)
                .into_iter()
                .map(|r| (i, r)),
        );
    }
    // Partial states from elsewhere are one per plan aggregate: each
    // aggregate then keeps a slot of its own (no handled/not-handled halves).
    let split = if remote.is_some() { (0, 0) } else { phys.split };
    let mut kernel = Kernel::new(&phys.metrics, split.0, split.1);
    kernel.dense = Dense::new::<F>(snap, &phys);
    // One partial state per rayon split (about one per thread), merged at the end.
    let part = tasks
        .par_iter()
        .fold(Partial::new, |mut part, &(i, range)| {
            // Past the deadline, the remaining chunks are skipped (checked below).
            if deadline.expired() {
                return part;
            }
            if let Some(f) = snap.batches.get(i).and_then(|b| F::of(&b.data)) {
                scan(&phys, &kernel, &mut part, i, f, range, now);
            }
            part
        })
        .reduce(Partial::new, |a, b| a.merge(b, &kernel));
    deadline.check()?;
    let mut part = part;
    if let Some(r) = remote {
        for row in r.rows {
            let key = super::split::key_of::<F>(snap, &phys, row)?;
            part.add_states(key, &row.states, &kernel);
        }
    }
    let mut filled = vec![false; part.keys.len()];
    if plan.fill && !phys.details && phys.bucketer.category() != TimeCategory::Null {
        fill_zero(&mut part, &mut filled, &phys, &kernel, now)?;
    }
    Ok(Groups {
        snap,
        names,
        keys: part.keys,
        acc: part.acc,
        folded: part.sketches.iter().map(|_| OnceLock::new()).collect(),
        sketches: part.sketches,
        kernel,
        metrics: phys.metrics,
        details: phys.details,
        filled,
        now,
        out,
        bucketer: phys.bucketer,
        table: PhantomData,
    })
}

impl<F: Fact> Groups<'_, F> {
    fn detail_row(&self, k: &GKey) -> Option<(&F, usize, usize)> {
        let (b, r) = (k.row != 0).then(|| (((k.row - 1) >> 32) as usize, ((k.row - 1) & 0xFFFF_FFFF) as usize))?;
        Some((F::of(&self.snap.batches.get(b)?.data)?, b, r))
    }

    fn guid(&self, code: u32) -> Option<Guid> {
        self.snap.ids.guid(code)
    }

    /// A detail row's own value of metric `m` (the aggregate over that one row).
    fn row_metric(&self, m: &Metric, f: &F, r: usize) -> Val<'_> {
        let pass = m.cond == 0 || f.flags().is_some_and(|fl| fl[r] & m.cond != 0);
        let v = match m.input {
            Input::Rows => 1,
            Input::Column(col) if m.at_most.is_some() => {
                f.value_at(col, r).is_some_and(|v| Some(v) <= m.at_most) as i64
            }
            Input::Column(col) => f.value_at(col, r).unwrap_or(0),
            Input::SinceNow(col) => f.time(col).map_or(0, |t| self.now.saturating_sub(t[r]).max(0)),
        };
        let init = metric::init(m.op, m.time);
        metric::finalize(m, if pass { metric::update(m.op, init, v) } else { init })
    }
}

fn saturate(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl<F: Fact> Groups<'_, F> {
    /// The final value of metric `m` in group `row`.
    fn metric(&self, row: usize, m: usize) -> Val<'_> {
        let Some(metric) = self.metrics.get(m) else {
            return Val::Absent;
        };
        if metric.op == Op::Max && self.filled.get(row).copied().unwrap_or(false) {
            return Val::Absent; // a maximum over no rows, in a zero-filled group
        }
        if self.details {
            return match self.detail_row(&self.keys[row]) {
                Some((f, _, r)) => self.row_metric(metric, f, r),
                None => Val::Absent,
            };
        }
        let base = row * self.kernel.width;
        let acc = self.acc.get(base..base + self.kernel.width).unwrap_or(&[]);
        metric::finalize(metric, self.kernel.value(m, acc))
    }

    /// Percentile `p` of distribution metric `m` in group `row`: from the
    /// group's sketch, or a detail row's own value (exact).
    fn percentile(&self, row: usize, m: usize, p: u8) -> Val<'_> {
        let Some(metric) = self.metrics.get(m) else {
            return Val::Absent;
        };
        if self.details {
            let Some((f, _, r)) = self.detail_row(&self.keys[row]) else {
                return Val::Absent;
            };
            let pass = metric.cond == 0 || f.flags().is_some_and(|fl| fl[r] & metric.cond != 0);
            return match (pass, metric.input) {
                (true, Input::Column(col)) => f.value_at(col, r).map_or(Val::Absent, |v| Val::Int(v.max(0))),
                _ => Val::Absent,
            };
        }
        let ns = self.kernel.sketches.len();
        let Some(i) = self.kernel.sketch(m).map(|s| row * ns + s) else {
            return Val::Absent;
        };
        let (Some(sketch), Some(folded)) = (self.sketches.get(i), self.folded.get(i)) else {
            return Val::Absent;
        };
        sketch::percentile(folded.get_or_init(|| sketch.counts()), p).map_or(Val::Absent, Val::Int)
    }

    /// `Σ sign × metric` in group `row`, exactly (128 bits).
    fn linear(&self, row: usize, terms: &[(i64, usize)]) -> i128 {
        terms
            .iter()
            .map(|&(sign, m)| match self.metric(row, m) {
                Val::Int(v) | Val::Ts(v) => sign as i128 * v as i128,
                _ => 0,
            })
            .sum()
    }
}

impl<F: Fact> Rows for Groups<'_, F> {
    fn len(&self) -> usize {
        self.keys.len()
    }

    fn value(&self, row: usize, field: usize) -> Val<'_> {
        let k = &self.keys[row];
        let Some(out) = self.out.get(field) else {
            return Val::Absent;
        };
        match out {
            Out::Bucket => Val::Bucket(k.bucket),
            Out::RowId => self
                .detail_row(k)
                .and_then(|(f, _, r)| f.row_ids().map(|ids| Val::Guid(ids[r])))
                .unwrap_or(Val::Absent),
            Out::Channel => match k.t {
                0 => Val::Absent,
                t => Val::Text(CHANNELS[((t - 1) >> 4) as usize & 0xF]),
            },
            Out::Type => match k.t {
                0 => Val::Absent,
                t => Val::Text(TYPES[((t - 1) & 0xF) as usize]),
            },
            Out::Id(slot) => self.guid(k.d[*slot]).map_or(Val::Absent, Val::Guid),
            Out::Name(slot, kind) => self.names.get(*kind, k.d[*slot]).map_or(Val::Absent, Val::Text),
            Out::Metric(m) => self.metric(row, *m),
            Out::Percentile(m, p) => self.percentile(row, *m, *p),
            Out::Linear(terms) => Val::Int(saturate(self.linear(row, terms))),
            Out::Quotient(n, d, ratio) => {
                let den = self.linear(row, d);
                if den <= 0 {
                    return Val::Absent;
                }
                let q = self.linear(row, n) as f64 / den as f64;
                let q = if *ratio { q.clamp(0.0, 1.0) } else { q };
                Real::new(q).map_or(Val::Absent, Val::Real)
            }
        }
    }

    fn tie(&self, a: usize, b: usize) -> Ordering {
        let (ka, kb) = (&self.keys[a], &self.keys[b]);
        let ids = |k: &GKey| k.d.map(|c| self.guid(c));
        let row = |k: &GKey| {
            self.detail_row(k).map(|(f, bi, r)| {
                let id = f.row_ids().map_or(0, |ids| ids[r]);
                (id, self.snap.batch_id(bi), f.order()[r])
            })
        };
        ka.bucket
            .cmp(&kb.bucket)
            .then(ka.t.cmp(&kb.t))
            .then_with(|| ids(ka).cmp(&ids(kb)))
            .then_with(|| row(ka).cmp(&row(kb)))
    }

    fn label(&self, bucket: i64, out: &mut String) {
        self.bucketer.write_label(out, bucket);
    }
}
