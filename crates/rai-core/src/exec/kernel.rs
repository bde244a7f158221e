//! The metric kernel: partial aggregation states (mergeable) and the fused,
//! branch-free per-row update of every metric of a plan.

use super::dense::Dense;
use super::metric::{self, Metric};
use super::sketch::Sketch;
use super::GKey;
use crate::model::Millis;
use crate::schema::{Input, Op};
use crate::store::NumCol;

/// Hashes a [`GKey`] by folding it into one word (a few multiplies), instead
/// of feeding 32 bytes through a general-purpose hasher.
#[derive(Default, Clone, Copy)]
pub(super) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hash for GKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u64(self.bucket as u64);
        h.write_u64(((self.t as u64) << 32) | self.d[0] as u64);
        h.write_u64(((self.d[1] as u64) << 32) | self.d[2] as u64);
        h.write_u64(self.row);
    }
}

pub(super) type KeyMap = std::collections::HashMap<GKey, u32, std::hash::BuildHasherDefault<KeyHasher>>;

/// A bit set on every row's flag word at scan time: the condition "all rows".
pub(super) const ALWAYS: u32 = 1 << 31;

/// Which half of a group's accumulator an output metric reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Half {
    /// Both halves, combined.
    Both,
    /// One half (0: not handled, 1: handled).
    One(usize),
    /// Not in the accumulator: the slot is the number of the group's sketch.
    Sketch,
}

/// The metrics of a plan compiled into flat lists of "slots", evaluated per
/// row without branches on the data (a failed condition masks the value).
///
/// For contacts each group's accumulator has two halves, handled and not
/// handled rows: `x`, `xForHandled` and `xForNotHandled` then share one slot
/// (both halves, one half, the other), so a row updates 23 slots instead of
/// 37 metrics.
pub(super) struct Kernel {
    /// Slots per half.
    pub(super) k: usize,
    /// 1, or 2 when split by `split`.
    pub(super) halves: usize,
    /// The flag bit that selects the second half.
    pub(super) split: u32,
    /// Accumulator stride per group: `halves * k`.
    pub(super) width: usize,
    /// Initial value and aggregation per slot.
    pub(super) init: Vec<i64>,
    pub(super) ops: Vec<Op>,
    pub(super) counts: Vec<(usize, u32)>,
    /// Counts of the rows whose input is at most a limit: (slot, input, cond, limit).
    pub(super) within: Vec<(usize, usize, u32, i64)>,
    /// Unconditional sums of a plain column, aggregated column by column (unsplit only).
    pub(super) plain: Vec<(usize, usize)>,
    pub(super) sums: Vec<(usize, usize, u32)>,
    pub(super) maxes: Vec<(usize, usize, u32)>,
    /// Distinct inputs, in `sums`/`maxes` source order.
    pub(super) inputs: Vec<Input>,
    /// Distributions, one sketch per group each: (input, cond).
    pub(super) sketches: Vec<(usize, u32)>,
    /// The dense group index of the query, if its key space is small.
    pub(super) dense: Option<Dense>,
    /// Per plan metric: its slot and half.
    pub(super) out: Vec<(usize, Half)>,
}

impl Kernel {
    pub(super) fn new(metrics: &[Metric], split: u32, not_split: u32) -> Kernel {
        let halves = if split != 0 { 2 } else { 1 };
        let mut k = Kernel {
            k: 0,
            halves,
            split,
            width: 0,
            init: Vec::new(),
            ops: Vec::new(),
            counts: Vec::new(),
            within: Vec::new(),
            plain: Vec::new(),
            sums: Vec::new(),
            maxes: Vec::new(),
            inputs: Vec::new(),
            sketches: Vec::new(),
            dense: None,
            out: Vec::new(),
        };
        let mut slots: Vec<(Op, Input, u32, bool, Option<i64>)> = Vec::new();
        for a in metrics {
            if a.op == Op::Distribution {
                let input = k.input(a.input);
                let key = (input, if a.cond == 0 { ALWAYS } else { a.cond });
                let s = match k.sketches.iter().position(|s| *s == key) {
                    Some(s) => s,
                    None => {
                        k.sketches.push(key);
                        k.sketches.len() - 1
                    }
                };
                k.out.push((s, Half::Sketch));
                continue;
            }
            let (mut cond, mut half) = (a.cond, Half::Both);
            if split != 0 && cond == split {
                (cond, half) = (0, Half::One(1));
            } else if split != 0 && cond == not_split {
                (cond, half) = (0, Half::One(0));
            }
            let cond = if cond == 0 { ALWAYS } else { cond };
            let key = (a.op, a.input, cond, a.time, a.at_most);
            let slot = match slots.iter().position(|s| *s == key) {
                Some(i) => i,
                None => {
                    slots.push(key);
                    slots.len() - 1
                }
            };
            k.out.push((slot, half));
        }
        for (slot, &(op, input, cond, time, at_most)) in slots.iter().enumerate() {
            k.init.push(metric::init(op, time));
            k.ops.push(op);
            if op == Op::Count && at_most.is_none() {
                k.counts.push((slot, cond));
                continue;
            }
            let s = k.input(input);
            if let Some(limit) = at_most {
                k.within.push((slot, s, cond, limit));
                continue;
            }
            if op == Op::Sum && cond == ALWAYS && halves == 1 && matches!(input, Input::Column(_)) {
                k.plain.push((slot, s));
            } else if op == Op::Sum {
                k.sums.push((slot, s, cond));
            } else {
                k.maxes.push((slot, s, cond));
            }
        }
        k.k = slots.len();
        k.width = k.k * halves;
        k
    }

    /// The number of input `input` in `inputs` (added once).
    fn input(&mut self, input: Input) -> usize {
        match self.inputs.iter().position(|i| *i == input) {
            Some(s) => s,
            None => {
                self.inputs.push(input);
                self.inputs.len() - 1
            }
        }
    }

    /// The group's sketch number of plan metric `m`, if it is a distribution.
    pub(super) fn sketch(&self, m: usize) -> Option<usize> {
        match self.out.get(m) {
            Some(&(s, Half::Sketch)) => Some(s),
            _ => None,
        }
    }

    /// The value of plan metric `m` in the group whose accumulator is `acc`.
    pub(super) fn value(&self, m: usize, acc: &[i64]) -> i64 {
        let Some(&(slot, half)) = self.out.get(m) else { return 0 };
        let at = |h: usize| acc.get(h * self.k + slot).copied().unwrap_or(0);
        match half {
            Half::One(h) => at(h),
            Half::Both if self.halves == 2 => metric::merge(self.ops[slot], at(0), at(1)),
            Half::Both => at(0),
            Half::Sketch => 0,
        }
    }
}

/// Partial aggregation state (mergeable): groups and a row-major accumulator.
pub(super) struct Partial {
    pub(super) index: KeyMap,
    /// Group per dense slot (u32::MAX = none yet), when the query has a dense index.
    dense: Vec<u32>,
    pub(super) keys: Vec<GKey>,
    pub(super) acc: Vec<i64>,
    /// Group-major: `kernel.sketches.len()` sketches per group.
    pub(super) sketches: Vec<Sketch>,
}

impl Partial {
    pub(super) fn new() -> Self {
        Partial {
            index: KeyMap::default(),
            dense: Vec::new(),
            keys: Vec::new(),
            acc: Vec::new(),
            sketches: Vec::new(),
        }
    }

    /// The group of key `k`: by its dense slot when there is one, else hashed.
    #[inline]
    pub(super) fn group(&mut self, k: GKey, dense: Option<&Dense>) -> u32 {
        if let Some(slot) = dense.and_then(|d| d.slot(&k)) {
            if self.dense.is_empty() {
                self.dense = vec![u32::MAX; dense.map_or(0, |d| d.total)];
            }
            if let Some(g) = self.dense.get_mut(slot) {
                if *g == u32::MAX {
                    *g = self.keys.len() as u32;
                    self.keys.push(k);
                }
                return *g;
            }
        }
        let next = self.keys.len() as u32;
        let keys = &mut self.keys;
        *self.index.entry(k).or_insert_with(|| {
            keys.push(k);
            next
        })
    }

    /// A group that is new by construction (detail rows): no hashing.
    #[inline]
    pub(super) fn push_unique(&mut self, k: GKey) -> u32 {
        self.keys.push(k);
        (self.keys.len() - 1) as u32
    }

    pub(super) fn grow_acc(&mut self, kernel: &Kernel) {
        let have = self.acc.len() / kernel.width.max(1);
        for _ in have..self.keys.len() {
            for _ in 0..kernel.halves {
                self.acc.extend_from_slice(&kernel.init);
            }
        }
        let ns = kernel.sketches.len();
        if ns > 0 {
            self.sketches.resize_with(self.keys.len() * ns, Sketch::default);
        }
    }

    /// Merges one group's states computed elsewhere, one per plan metric
    /// (None: over no rows), into group `key` (a kernel without halves).
    pub(super) fn add_states(&mut self, key: GKey, states: &[Option<i64>], kernel: &Kernel) {
        let to = self.group(key, kernel.dense.as_ref()) as usize;
        self.grow_acc(kernel);
        let mut done = vec![false; kernel.k];
        for (&(slot, half), state) in kernel.out.iter().zip(states) {
            if half != Half::Both || done.get(slot).copied().unwrap_or(true) {
                continue; // metrics with the same definition share a slot: merged once
            }
            done[slot] = true;
            if let (Some(&v), Some(d)) = (state.as_ref(), self.acc.get_mut(to * kernel.width + slot)) {
                *d = metric::merge(kernel.ops[slot], *d, v);
            }
        }
    }

    pub(super) fn merge(mut self, mut other: Partial, kernel: &Kernel) -> Partial {
        if self.keys.len() < other.keys.len() {
            return other.merge(self, kernel);
        }
        let w = kernel.width;
        if other.keys.first().is_some_and(|k| k.row != 0) {
            // Detail rows are unique: concatenate.
            self.keys.extend(other.keys);
            self.acc.extend(other.acc);
            self.sketches.extend(other.sketches);
            return self;
        }
        for (g, k) in other.keys.iter().enumerate() {
            let to = self.group(*k, kernel.dense.as_ref()) as usize;
            self.grow_acc(kernel);
            for m in 0..w {
                let d = &mut self.acc[to * w + m];
                *d = metric::merge(kernel.ops[m % kernel.k.max(1)], *d, other.acc[g * w + m]);
            }
            let ns = kernel.sketches.len();
            for s in 0..ns {
                if let (Some(from), Some(to)) = (other.sketches.get_mut(g * ns + s), self.sketches.get_mut(to * ns + s))
                {
                    to.merge(std::mem::take(from));
                }
            }
        }
        self
    }
}

/// Where a metric's input comes from in one batch.
pub(super) enum InputCol<'a> {
    /// Counts: every row contributes 1.
    One,
    Col(&'a [i64]),
    Narrow(&'a [u32]),
    Since(&'a [i64], Millis),
}

impl<'a> InputCol<'a> {
    pub(super) fn num(c: &'a NumCol) -> InputCol<'a> {
        match c {
            NumCol::U32(v) => InputCol::Narrow(v),
            NumCol::I64(v) => InputCol::Col(v),
        }
    }

    #[inline]
    pub(super) fn get(&self, r: usize) -> i64 {
        match self {
            InputCol::One => 1,
            InputCol::Col(c) => c[r],
            InputCol::Narrow(c) => c[r] as i64,
            InputCol::Since(c, now) => now.saturating_sub(c[r]).max(0),
        }
    }
}

/// Adds column `col` of the selected rows into slot `m` of their groups.
pub(super) fn add_column<T: Copy + Into<i64>>(acc: &mut [i64], w: usize, m: usize, sel: &[(u32, u32)], col: &[T]) {
    for &(r, g) in sel {
        if let (Some(d), Some(&v)) = (acc.get_mut(g as usize * w + m), col.get(r as usize)) {
            *d = d.saturating_add(v.into());
        }
    }
}

/// Aggregates the selected (row, group) pairs of one chunk into `part`, row by row,
/// all metrics at once.
pub(super) fn aggregate(
    part: &mut Partial,
    kernel: &Kernel,
    sel: &[(u32, u32)],
    bits: Option<&[u32]>,
    cols: &[InputCol<'_>],
) {
    part.grow_acc(kernel);
    let w = kernel.width;
    for &(m, src) in &kernel.plain {
        match cols.get(src) {
            Some(InputCol::Col(col)) => add_column(&mut part.acc, w, m, sel, col),
            Some(InputCol::Narrow(col)) => add_column(&mut part.acc, w, m, sel, col),
            _ => {}
        }
    }
    let ns = kernel.sketches.len();
    for (j, &(s, cond)) in kernel.sketches.iter().enumerate() {
        let Some(col) = cols.get(s) else { continue };
        for &(r, g) in sel {
            let pass = cond == ALWAYS || bits.and_then(|b| b.get(r as usize)).is_some_and(|&b| b & cond != 0);
            if pass {
                if let Some(sk) = part.sketches.get_mut(g as usize * ns + j) {
                    sk.add(col.get(r as usize));
                }
            }
        }
    }
    if kernel.counts.is_empty() && kernel.sums.is_empty() && kernel.maxes.is_empty() && kernel.within.is_empty() {
        return;
    }
    // Only the inputs the fused loop reads.
    let needed: Vec<usize> = (0..cols.len().min(32))
        .filter(|i| {
            kernel.sums.iter().chain(&kernel.maxes).any(|(_, s, _)| s == i)
                || kernel.within.iter().any(|(_, s, _, _)| s == i)
        })
        .collect();
    let k = kernel.k;
    // Blocks of rows: first each input column is gathered for the block in a
    // tight, monomorphic loop, then every slot is updated row by row.
    const B: usize = 128;
    let mut flags = [0u32; B];
    let mut gathered: Vec<[i64; B]> = vec![[0i64; B]; cols.len()];
    for block in sel.chunks(B) {
        for (f, &(r, _)) in flags.iter_mut().zip(block) {
            *f = bits.map_or(0, |b| b.get(r as usize).copied().unwrap_or(0)) | ALWAYS;
        }
        for &i in &needed {
            let out = &mut gathered[i];
            match &cols[i] {
                InputCol::Narrow(c) => {
                    for (o, &(r, _)) in out.iter_mut().zip(block) {
                        *o = c.get(r as usize).map_or(0, |&v| v as i64);
                    }
                }
                InputCol::Col(c) => {
                    for (o, &(r, _)) in out.iter_mut().zip(block) {
                        *o = c.get(r as usize).copied().unwrap_or(0);
                    }
                }
                other => {
                    for (o, &(r, _)) in out.iter_mut().zip(block) {
                        *o = other.get(r as usize);
                    }
                }
            }
        }
        for (j, &(_, g)) in block.iter().enumerate() {
            let b = flags[j];
            let base = g as usize * w + ((b & kernel.split != 0) as usize) * k;
            let Some(a) = part.acc.get_mut(base..base + k) else {
                continue;
            };
            for &(m, cond) in &kernel.counts {
                a[m] += (b & cond != 0) as i64;
            }
            for &(m, s, cond, limit) in &kernel.within {
                a[m] += ((b & cond != 0) & (gathered[s][j] <= limit)) as i64;
            }
            for &(m, s, cond) in &kernel.sums {
                let mask = -((b & cond != 0) as i64);
                a[m] = a[m].saturating_add(gathered[s][j] & mask);
            }
            for &(m, s, cond) in &kernel.maxes {
                // Values are ≥ 0 (durations) or the condition is "all rows" (changeTimestamp).
                let v = gathered[s][j];
                let v = if cond == ALWAYS {
                    v
                } else {
                    v & -((b & cond != 0) as i64)
                };
                a[m] = a[m].max(v);
            }
        }
    }
}
