//! The columnar executor for the aggregating endpoints (contactHistory,
//! contactStatistic, agentHistory, agentStatistic):
//! request → plan (masks per dictionary code, type mask, flag-word test,
//! bucketer) → per-chunk scan into packed group keys → per-metric columnar
//! aggregation → merge of partial states → groups.

use crate::fields::{Agg, Dim, Field, Input, Op, Src, TimeKey};
use crate::fields::{Flag, IdParam};
use crate::output::{Rows, Val};
use crate::pattern::Pattern;
use crate::query::Query;
use crate::schema::{CHANNELS, CONTACT_DURATIONS, INTERVAL_NUMBERS, TYPES, TYPE_CHANNEL};
use crate::store::{bit, Contacts, Intervals, NameKind, NumCol, Snapshot, BLOCK, NONE};
use crate::time::Bucketer;
use crate::value::{guid_hex, Millis};
use rayon::prelude::*;
use std::cmp::Ordering;

/// A packed group key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct GKey {
    bucket: i64,
    /// Channel/type component: 0 absent; else (channel << 4 | type) + 1 style codes.
    t: u32,
    /// Dimension id codes (contacts: application, queue, user; intervals: user, profile, campaign).
    d: [u32; 3],
    /// Detail rows: (batch index << 32 | row) + 1; else 0.
    row: u64,
}

/// Resolved display text (current name, translated) per id code.
pub(crate) struct NameView<'s> {
    snap: &'s Snapshot,
    language: Option<&'s str>,
}

impl<'s> NameView<'s> {
    pub(crate) fn new(snap: &'s Snapshot, q: &'s Query) -> Self {
        NameView {
            snap,
            language: q.language.as_deref(),
        }
    }
    /// The shown name of `code` as `kind`.
    pub(crate) fn get(&self, kind: NameKind, code: u32) -> Option<&'s str> {
        let name = self.snap.names.get(kind, code)?;
        Some(self.translate(kind, name))
    }
    /// `text` translated as `kind` when the language has a translation.
    pub(crate) fn translate(&self, kind: NameKind, text: &'s str) -> &'s str {
        if let (Some(lang), Some(field)) = (self.language, kind.translation_field()) {
            if let Some(t) = self.snap.translations.get(lang, field, text) {
                return t;
            }
        }
        text
    }
}

fn dim_slot(table_contacts: bool, dim: Dim) -> usize {
    match (table_contacts, dim) {
        (true, Dim::Application) => 0,
        (true, Dim::Queue) => 1,
        (true, Dim::User) => 2,
        (false, Dim::User) => 0,
        (false, Dim::Profile) => 1,
        (false, Dim::Campaign) => 2,
        _ => 0,
    }
}

fn id_param_dim(p: IdParam) -> Option<Dim> {
    match p {
        IdParam::Queue => Some(Dim::Queue),
        IdParam::User => Some(Dim::User),
        IdParam::Campaign => Some(Dim::Campaign),
        IdParam::Profile => Some(Dim::Profile),
        _ => None,
    }
}

/// The plan: everything evaluated once per query, not per row.
struct Plan<'q> {
    lo: Millis,
    hi: Millis,
    types: [bool; 6],
    masks: [Option<Vec<bool>>; 3],
    must_mask: u32,
    must_val: u32,
    contact_id: Vec<&'q [Pattern]>,
    /// Which group-key parts are on.
    type_mode: u8, // 0 none, 1 channel, 2 type, 3 both
    dims_on: [bool; 3],
    details: bool,
    bucketer: Bucketer,
    time_key: TimeKey,
    /// (field index, agg) of every shown metric.
    metrics: Vec<(usize, Agg)>,
    now: Millis,
}

fn plan<'q>(snap: &Snapshot, q: &'q Query, names: &NameView<'_>, now: Millis, contacts: bool) -> Plan<'q> {
    let fields: &[Field] = &q.decl.fields;
    let n_codes = snap.ids.len();
    let mut masks: [Option<Vec<bool>>; 3] = [None, None, None];
    let mut and_mask = |slot: usize, f: &dyn Fn(u32) -> bool| {
        let m = masks[slot].get_or_insert_with(|| {
            let mut v = vec![true; n_codes];
            v[NONE as usize] = false;
            v
        });
        for (code, ok) in m.iter_mut().enumerate() {
            if *ok && !f(code as u32) {
                *ok = false;
            }
        }
    };
    for (p, list) in &q.ids {
        if let Some(dim) = id_param_dim(*p) {
            let codes: Vec<u32> = list.iter().filter_map(|g| snap.ids.get(*g)).collect();
            and_mask(dim_slot(contacts, dim), &|c| codes.contains(&c));
        }
    }
    let mut types = q.types.unwrap_or([true; 6]);
    let mut contact_id = Vec::new();
    for (fi, pats) in &q.filters {
        let any = |s: &str| pats.iter().any(|p| p.matches(s));
        match fields[*fi].src {
            Src::Id(dim) => and_mask(dim_slot(contacts, dim), &|c| {
                c != NONE && any(std::str::from_utf8(&guid_hex(snap.ids.guid(c))).unwrap_or(""))
            }),
            Src::Name(dim, kind) => and_mask(dim_slot(contacts, dim), &|c| names.get(kind, c).is_some_and(any)),
            Src::Channel => {
                for (t, ok) in types.iter_mut().enumerate() {
                    *ok &= any(CHANNELS[TYPE_CHANNEL[t] as usize]);
                }
            }
            Src::Type => {
                for (t, ok) in types.iter_mut().enumerate() {
                    *ok &= any(TYPES[t]);
                }
            }
            Src::ContactId => contact_id.push(pats.as_slice()),
            _ => {}
        }
    }
    let (mut must_mask, mut must_val) = (0u32, 0u32);
    if contacts {
        let mut tri = |v: u8, b: u32| match v {
            0 => must_mask |= b,
            2 => {
                must_mask |= b;
                must_val |= b;
            }
            _ => {}
        };
        tri(q.direct, bit::DIRECT);
        if q.decl.params.contains(&crate::fields::Param::InternalContacts) {
            tri(q.internal, bit::INTERNAL);
        }
        if q.flag(Flag::OnlyContactCenter) {
            must_mask |= bit::CONTACT_CENTER;
            must_val |= bit::CONTACT_CENTER;
        }
    }
    let shown = |src: Src| fields.iter().enumerate().any(|(i, f)| f.src == src && q.shows(i));
    let type_mode = match (shown(Src::Channel), shown(Src::Type)) {
        (false, false) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (true, true) => 3,
    };
    let mut dims_on = [false; 3];
    for (i, f) in fields.iter().enumerate() {
        if let Src::Id(dim) = f.src {
            if q.shows(i) {
                dims_on[dim_slot(contacts, dim)] = true;
            }
        }
    }
    let metrics = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f.src {
            Src::Metric(a) if q.shows(i) => Some((i, a)),
            _ => None,
        })
        .collect();
    let lo = q.start;
    let hi = q.end.unwrap_or(Millis::MAX);
    // Bucket cache over the data's actual extent within the range.
    let (mut dmin, mut dmax) = (Millis::MAX, Millis::MIN);
    let bi = if q.decl.time_key == TimeKey::DisconnectOrArrival {
        2
    } else {
        0
    };
    for b in &snap.batches {
        let blocks = match &b.data {
            crate::store::BatchData::Contacts(c) if contacts => &c.blocks,
            crate::store::BatchData::Intervals(c) if !contacts => &c.blocks,
            _ => continue,
        };
        for bl in blocks {
            dmin = dmin.min(bl[bi]);
            dmax = dmax.max(bl[bi + 1]);
        }
    }
    let bucketer = Bucketer::with_range(q.category, q.zone, lo.max(dmin), hi.min(dmax.saturating_add(1)));
    Plan {
        lo,
        hi,
        types,
        masks,
        must_mask,
        must_val,
        contact_id,
        type_mode,
        dims_on,
        details: q.flag(Flag::Details),
        bucketer,
        time_key: q.decl.time_key,
        metrics,
        now,
    }
}

/// Hashes a [`GKey`] by folding it into one word (a few multiplies), instead
/// of feeding 32 bytes through a general-purpose hasher.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

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

type KeyMap = std::collections::HashMap<GKey, u32, std::hash::BuildHasherDefault<KeyHasher>>;

/// A bit set on every row's flag word at scan time: the condition "all rows".
const ALWAYS: u32 = 1 << 31;

/// Which half of a group's accumulator an output metric reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Half {
    /// Both halves, combined.
    Both,
    /// One half (0: not handled, 1: handled).
    One(usize),
}

/// The metrics of a plan compiled into flat lists of "slots", evaluated per
/// row without branches on the data (a failed condition masks the value).
///
/// For contacts each group's accumulator has two halves, handled and not
/// handled rows: `x`, `xForHandled` and `xForNotHandled` then share one slot
/// (both halves, one half, the other), so a row updates 23 slots instead of
/// 37 metrics.
struct Kernel {
    /// Slots per half.
    k: usize,
    /// 1, or 2 when split by `split`.
    halves: usize,
    /// The flag bit that selects the second half.
    split: u32,
    /// Accumulator stride per group: `halves * k`.
    width: usize,
    /// Initial value and aggregation per slot.
    init: Vec<i64>,
    ops: Vec<Op>,
    counts: Vec<(usize, u32)>,
    /// Unconditional sums of a plain column, aggregated column by column (unsplit only).
    plain: Vec<(usize, usize)>,
    sums: Vec<(usize, usize, u32)>,
    maxes: Vec<(usize, usize, u32)>,
    /// Distinct inputs, in `sums`/`maxes` source order.
    inputs: Vec<Input>,
    /// Per plan metric: its slot and half.
    out: Vec<(usize, Half)>,
}

impl Kernel {
    fn new(metrics: &[(usize, Agg)], split: u32, not_split: u32) -> Kernel {
        let halves = if split != 0 { 2 } else { 1 };
        let mut k = Kernel {
            k: 0,
            halves,
            split,
            width: 0,
            init: Vec::new(),
            ops: Vec::new(),
            counts: Vec::new(),
            plain: Vec::new(),
            sums: Vec::new(),
            maxes: Vec::new(),
            inputs: Vec::new(),
            out: Vec::new(),
        };
        let mut slots: Vec<(Op, Input, u32)> = Vec::new();
        for (_, a) in metrics {
            let (mut cond, mut half) = (a.cond, Half::Both);
            if split != 0 && cond == split {
                (cond, half) = (0, Half::One(1));
            } else if split != 0 && cond == not_split {
                (cond, half) = (0, Half::One(0));
            }
            let cond = if cond == 0 { ALWAYS } else { cond };
            let key = (a.op, a.input, cond);
            let slot = match slots.iter().position(|s| *s == key) {
                Some(i) => i,
                None => {
                    slots.push(key);
                    slots.len() - 1
                }
            };
            k.out.push((slot, half));
        }
        for (slot, &(op, input, cond)) in slots.iter().enumerate() {
            k.init.push(if op == Op::Max && input == Input::Change {
                Millis::MIN
            } else {
                0
            });
            k.ops.push(op);
            if op == Op::Count {
                k.counts.push((slot, cond));
                continue;
            }
            let s = match k.inputs.iter().position(|i| *i == input) {
                Some(s) => s,
                None => {
                    k.inputs.push(input);
                    k.inputs.len() - 1
                }
            };
            if op == Op::Sum && cond == ALWAYS && halves == 1 && matches!(input, Input::Col(_)) {
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

    /// The value of plan metric `m` in the group whose accumulator is `acc`.
    fn value(&self, m: usize, acc: &[i64]) -> i64 {
        let Some(&(slot, half)) = self.out.get(m) else { return 0 };
        let at = |h: usize| acc.get(h * self.k + slot).copied().unwrap_or(0);
        match half {
            Half::One(h) => at(h),
            Half::Both if self.halves == 2 => combine(self.ops[slot], at(0), at(1)),
            Half::Both => at(0),
        }
    }
}

/// Partial aggregation state (mergeable): groups and a row-major accumulator.
struct Partial {
    index: KeyMap,
    keys: Vec<GKey>,
    acc: Vec<i64>,
}

impl Partial {
    fn new() -> Self {
        Partial {
            index: KeyMap::default(),
            keys: Vec::new(),
            acc: Vec::new(),
        }
    }

    #[inline]
    fn group(&mut self, k: GKey) -> u32 {
        let next = self.keys.len() as u32;
        let keys = &mut self.keys;
        *self.index.entry(k).or_insert_with(|| {
            keys.push(k);
            next
        })
    }

    /// A group that is new by construction (detail rows): no hashing.
    #[inline]
    fn push_unique(&mut self, k: GKey) -> u32 {
        self.keys.push(k);
        (self.keys.len() - 1) as u32
    }

    fn grow_acc(&mut self, kernel: &Kernel) {
        let have = self.acc.len() / kernel.width.max(1);
        for _ in have..self.keys.len() {
            for _ in 0..kernel.halves {
                self.acc.extend_from_slice(&kernel.init);
            }
        }
    }

    fn merge(mut self, other: Partial, kernel: &Kernel) -> Partial {
        if self.keys.len() < other.keys.len() {
            return other.merge(self, kernel);
        }
        let w = kernel.width;
        if other.keys.first().is_some_and(|k| k.row != 0) {
            // Detail rows are unique: concatenate.
            self.keys.extend(other.keys);
            self.acc.extend(other.acc);
            return self;
        }
        for (g, k) in other.keys.iter().enumerate() {
            let to = self.group(*k) as usize;
            self.grow_acc(kernel);
            for m in 0..w {
                let d = &mut self.acc[to * w + m];
                *d = combine(kernel.ops[m % kernel.k.max(1)], *d, other.acc[g * w + m]);
            }
        }
        self
    }
}

#[inline]
fn combine(op: Op, a: i64, b: i64) -> i64 {
    match op {
        Op::Count | Op::Sum => a.wrapping_add(b),
        Op::Max => a.max(b),
    }
}

/// Where a metric's input comes from in one batch.
enum InputCol<'a> {
    One,
    Col(&'a [i64]),
    Narrow(&'a [u32]),
    Since(&'a [i64], Millis),
    Serving(&'a NumCol, &'a NumCol, &'a NumCol),
}

impl<'a> InputCol<'a> {
    fn num(c: &'a NumCol) -> InputCol<'a> {
        match c {
            NumCol::U32(v) => InputCol::Narrow(v),
            NumCol::I64(v) => InputCol::Col(v),
        }
    }

    #[inline]
    fn get(&self, r: usize) -> i64 {
        match self {
            InputCol::One => 1,
            InputCol::Col(c) => c[r],
            InputCol::Narrow(c) => c[r] as i64,
            InputCol::Since(c, now) => now.saturating_sub(c[r]).max(0),
            InputCol::Serving(a, b, c) => a.get(r).wrapping_add(b.get(r)).wrapping_add(c.get(r)),
        }
    }
}

/// Adds column `col` of the selected rows into slot `m` of their groups.
fn add_column<T: Copy + Into<i64>>(acc: &mut [i64], w: usize, m: usize, sel: &[(u32, u32)], col: &[T]) {
    for &(r, g) in sel {
        if let (Some(d), Some(&v)) = (acc.get_mut(g as usize * w + m), col.get(r as usize)) {
            *d = d.wrapping_add(v.into());
        }
    }
}

/// Aggregates the selected (row, group) pairs of one chunk into `part`, row by row,
/// all metrics at once.
fn aggregate(part: &mut Partial, kernel: &Kernel, sel: &[(u32, u32)], bits: Option<&[u32]>, cols: &[InputCol<'_>]) {
    part.grow_acc(kernel);
    let w = kernel.width;
    for &(m, src) in &kernel.plain {
        match cols.get(src) {
            Some(InputCol::Col(col)) => add_column(&mut part.acc, w, m, sel, col),
            Some(InputCol::Narrow(col)) => add_column(&mut part.acc, w, m, sel, col),
            _ => {}
        }
    }
    if kernel.counts.is_empty() && kernel.sums.is_empty() && kernel.maxes.is_empty() {
        return;
    }
    // Only the inputs the fused loop reads.
    let needed: Vec<usize> = (0..cols.len().min(32))
        .filter(|i| kernel.sums.iter().chain(&kernel.maxes).any(|(_, s, _)| s == i))
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
            for &(m, s, cond) in &kernel.sums {
                let mask = -((b & cond != 0) as i64);
                a[m] = a[m].wrapping_add(gathered[s][j] & mask);
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

const CHUNK: usize = 1 << 16;

fn chunks(len: usize, blocks: &[[Millis; 4]], bi: usize, lo: Millis, hi: Millis) -> Vec<(usize, usize)> {
    // Ranges of rows, cut at CHUNK, skipping blocks wholly outside [lo, hi).
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for (b, bl) in blocks.iter().enumerate() {
        let (s, e) = (b * BLOCK, ((b + 1) * BLOCK).min(len));
        let live = bl[bi + 1] >= lo && bl[bi] < hi;
        match (cur, live) {
            (Some((cs, ce)), true) if ce == s && e - cs <= CHUNK => cur = Some((cs, e)),
            (_, true) => {
                if let Some(c) = cur.take() {
                    out.push(c);
                }
                cur = Some((s, e));
            }
            (_, false) => {
                if let Some(c) = cur.take() {
                    out.push(c);
                }
            }
        }
    }
    out.extend(cur);
    out
}

#[allow(clippy::needless_range_loop)] // several columns share the row index
fn scan_contacts(
    plan: &Plan<'_>,
    kernel: &Kernel,
    part: &mut Partial,
    bidx: usize,
    c: &Contacts,
    range: (usize, usize),
) {
    let key = match plan.time_key {
        TimeKey::DisconnectOrArrival => &c.stat_key,
        _ => &c.arrival,
    };
    let mut sel: Vec<(u32, u32)> = Vec::with_capacity((range.1 - range.0) / 4);
    let mut hexbuf;
    for r in range.0..range.1 {
        let t = key[r];
        if t < plan.lo || t >= plan.hi {
            continue;
        }
        let ty = c.ctype[r];
        if !plan.types[ty as usize] {
            continue;
        }
        let b = c.bits[r];
        if b & plan.must_mask != plan.must_val {
            continue;
        }
        let d = [c.app[r], c.queue[r], c.user[r]];
        if plan
            .masks
            .iter()
            .zip(&d)
            .any(|(m, &code)| m.as_ref().is_some_and(|m| !m[code as usize]))
        {
            continue;
        }
        if !plan.contact_id.is_empty() {
            hexbuf = guid_hex(c.contact_id[r]);
            let s = std::str::from_utf8(&hexbuf).unwrap_or("");
            if !plan.contact_id.iter().all(|ps| ps.iter().any(|p| p.matches(s))) {
                continue;
            }
        }
        let ch = TYPE_CHANNEL[ty as usize] as u32;
        let k = GKey {
            bucket: plan.bucketer.bucket(t),
            t: match plan.type_mode {
                0 => 0,
                1 => (ch << 4) + 1,
                2 => ty as u32 + 1,
                _ => ((ch << 4) | ty as u32) + 1,
            },
            d: [
                if plan.dims_on[0] { d[0] } else { 0 },
                if plan.dims_on[1] { d[1] } else { 0 },
                if plan.dims_on[2] { d[2] } else { 0 },
            ],
            row: if plan.details {
                ((bidx as u64) << 32 | r as u64) + 1
            } else {
                0
            },
        };
        let g = if plan.details {
            part.push_unique(k)
        } else {
            part.group(k)
        };
        sel.push((r as u32, g));
    }
    let cols: Vec<InputCol<'_>> = kernel
        .inputs
        .iter()
        .map(|i| match *i {
            Input::Col(name) => CONTACT_DURATIONS
                .iter()
                .position(|n| *n == name)
                .map_or(InputCol::One, |j| InputCol::num(&c.durations[j])),
            Input::SinceNow("queueArrivalTime") => InputCol::Since(&c.queue_arrival, plan.now),
            Input::SinceNow(_) => InputCol::Since(&c.connect, plan.now),
            Input::Change => InputCol::Col(&c.change),
            Input::Serving | Input::None => InputCol::One,
        })
        .collect();
    if !plan.details {
        aggregate(part, kernel, &sel, Some(&c.bits), &cols);
    }
}

#[allow(clippy::needless_range_loop)]
fn scan_intervals(plan: &Plan<'_>, kernel: &Kernel, part: &mut Partial, c: &Intervals, range: (usize, usize)) {
    let mut sel: Vec<(u32, u32)> = Vec::with_capacity((range.1 - range.0) / 4);
    for r in range.0..range.1 {
        let t = c.start[r];
        if t < plan.lo || t >= plan.hi {
            continue;
        }
        let d = [c.user[r], c.profile[r], c.campaign[r]];
        if plan
            .masks
            .iter()
            .zip(&d)
            .any(|(m, &code)| m.as_ref().is_some_and(|m| !m[code as usize]))
        {
            continue;
        }
        let k = GKey {
            bucket: plan.bucketer.bucket(t),
            t: 0,
            d: [
                if plan.dims_on[0] { d[0] } else { 0 },
                if plan.dims_on[1] { d[1] } else { 0 },
                if plan.dims_on[2] { d[2] } else { 0 },
            ],
            row: 0,
        };
        let g = part.group(k);
        sel.push((r as u32, g));
    }
    let n = &c.numbers;
    let cols: Vec<InputCol<'_>> = kernel
        .inputs
        .iter()
        .map(|i| match *i {
            Input::Col(name) => INTERVAL_NUMBERS
                .iter()
                .position(|x| *x == name)
                .map_or(InputCol::One, |j| InputCol::num(&n[j])),
            Input::Serving => InputCol::Serving(&n[0], &n[1], &n[2]),
            Input::Change => InputCol::Col(&c.change),
            _ => InputCol::One,
        })
        .collect();
    aggregate(part, kernel, &sel, None, &cols);
}

/// The groups of one aggregating query.
pub(crate) struct Groups<'s> {
    snap: &'s Snapshot,
    q: &'s Query,
    names: NameView<'s>,
    contacts: bool,
    keys: Vec<GKey>,
    /// Row-major: `kernel.width` slots per group.
    acc: Vec<i64>,
    kernel: Kernel,
    /// Detail rows: metrics are the row's own values, computed on demand.
    details: bool,
    now: Millis,
    /// Field index → metric column.
    metric_of: Vec<Option<usize>>,
    bucketer: Bucketer,
}

/// Runs an aggregating query over a snapshot.
pub(crate) fn run<'s>(snap: &'s Snapshot, q: &'s Query, now: Millis) -> Groups<'s> {
    let contacts = q.decl.table == crate::schema::Table::Contacts;
    let names = NameView::new(snap, q);
    let plan = plan(snap, q, &names, now, contacts);
    let bi = if plan.time_key == TimeKey::DisconnectOrArrival {
        2
    } else {
        0
    };
    let mut tasks: Vec<(usize, (usize, usize))> = Vec::new();
    if contacts {
        for (i, c) in snap.contacts() {
            tasks.extend(
                chunks(c.arrival.len(), &c.blocks, bi, plan.lo, plan.hi)
                    .into_iter()
                    .map(|r| (i, r)),
            );
        }
    } else {
        for (i, c) in snap.intervals() {
            tasks.extend(
                chunks(c.start.len(), &c.blocks, 0, plan.lo, plan.hi)
                    .into_iter()
                    .map(|r| (i, r)),
            );
        }
    }
    let (split, not_split) = if contacts {
        (bit::HANDLED, bit::NOT_HANDLED)
    } else {
        (0, 0)
    };
    let kernel = Kernel::new(&plan.metrics, split, not_split);
    // One partial state per rayon split (about one per thread), merged at the end.
    let part = tasks
        .par_iter()
        .fold(Partial::new, |mut part, &(i, range)| {
            match &snap.batches[i].data {
                crate::store::BatchData::Contacts(c) => scan_contacts(&plan, &kernel, &mut part, i, c, range),
                crate::store::BatchData::Intervals(c) => scan_intervals(&plan, &kernel, &mut part, c, range),
                _ => {}
            }
            part
        })
        .reduce(Partial::new, |a, b| a.merge(b, &kernel));
    let mut metric_of = vec![None; q.decl.fields.len()];
    for (m, (fi, _)) in plan.metrics.iter().enumerate() {
        metric_of[*fi] = Some(m);
    }
    Groups {
        snap,
        q,
        names,
        contacts,
        keys: part.keys,
        acc: part.acc,
        kernel,
        details: plan.details,
        now,
        metric_of,
        bucketer: plan.bucketer,
    }
}

impl Groups<'_> {
    fn detail_row(&self, k: &GKey) -> Option<(usize, usize)> {
        (k.row != 0).then(|| (((k.row - 1) >> 32) as usize, ((k.row - 1) & 0xFFFF_FFFF) as usize))
    }
    fn guid_or_absent(&self, code: u32) -> Option<u128> {
        (code != NONE).then(|| self.snap.ids.guid(code))
    }
}

impl Rows for Groups<'_> {
    fn len(&self) -> usize {
        self.keys.len()
    }

    fn value(&self, row: usize, field: usize) -> Val<'_> {
        let k = &self.keys[row];
        match self.q.decl.fields[field].src {
            Src::Bucket => Val::Bucket(k.bucket),
            Src::ContactId => match self.detail_row(k) {
                Some((b, r)) => match &self.snap.batches[b].data {
                    crate::store::BatchData::Contacts(c) => Val::Guid(c.contact_id[r]),
                    _ => Val::Absent,
                },
                None => Val::Absent,
            },
            Src::Channel => match k.t {
                0 => Val::Absent,
                t => Val::Text(CHANNELS[((t - 1) >> 4) as usize & 0xF]),
            },
            Src::Type => match k.t {
                0 => Val::Absent,
                t => Val::Text(TYPES[((t - 1) & 0xF) as usize]),
            },
            Src::Id(dim) => self
                .guid_or_absent(k.d[dim_slot(self.contacts, dim)])
                .map_or(Val::Absent, Val::Guid),
            Src::Name(dim, kind) => self
                .names
                .get(kind, k.d[dim_slot(self.contacts, dim)])
                .map_or(Val::Absent, Val::Text),
            Src::Metric(a) if self.details => match self.detail_row(k) {
                Some((b, r)) => match &self.snap.batches[b].data {
                    crate::store::BatchData::Contacts(c) => {
                        let pass = a.cond == 0 || c.bits[r] & a.cond != 0;
                        let v = match a.input {
                            Input::Col(name) => CONTACT_DURATIONS
                                .iter()
                                .position(|n| *n == name)
                                .map_or(0, |j| c.durations[j].get(r)),
                            Input::SinceNow("queueArrivalTime") => self.now.saturating_sub(c.queue_arrival[r]).max(0),
                            Input::SinceNow(_) => self.now.saturating_sub(c.connect[r]).max(0),
                            Input::Change => return Val::Ts(c.change[r]),
                            Input::Serving | Input::None => 1,
                        };
                        Val::Int(if pass { v } else { 0 })
                    }
                    _ => Val::Absent,
                },
                None => Val::Absent,
            },
            Src::Metric(a) => match self.metric_of[field] {
                Some(m) => {
                    let base = row * self.kernel.width;
                    let v = self
                        .kernel
                        .value(m, self.acc.get(base..base + self.kernel.width).unwrap_or(&[]));
                    if a.input == Input::Change {
                        Val::Ts(v)
                    } else {
                        Val::Int(v)
                    }
                }
                None => Val::Absent,
            },
            _ => Val::Absent,
        }
    }

    fn tie(&self, a: usize, b: usize) -> Ordering {
        let (ka, kb) = (&self.keys[a], &self.keys[b]);
        let ids = |k: &GKey| k.d.map(|c| self.guid_or_absent(c));
        ka.bucket
            .cmp(&kb.bucket)
            .then(ka.t.cmp(&kb.t))
            .then_with(|| ids(ka).cmp(&ids(kb)))
            .then_with(|| {
                let cid = |k: &GKey| match self.detail_row(k) {
                    Some((bi, r)) => match &self.snap.batches[bi].data {
                        crate::store::BatchData::Contacts(c) => {
                            Some((c.contact_id[r], self.snap.batch_id(bi), c.order[r]))
                        }
                        _ => None,
                    },
                    None => None,
                };
                cid(ka).cmp(&cid(kb))
            })
    }

    fn label(&self, bucket: i64, out: &mut String) {
        self.bucketer.write_label(out, bucket);
    }
}
