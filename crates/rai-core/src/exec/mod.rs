//! The columnar executor for the aggregating endpoints (contactHistory,
//! contactStatistic, agentHistory, agentStatistic):
//! request → plan (masks per dictionary code, type mask, flag-word test,
//! bucketer) → per-chunk scan into packed group keys → per-metric columnar
//! aggregation → merge of partial states → groups.

use crate::model::Bucketer;
use crate::model::{guid_hex, Millis};
use crate::plan::Query;
use crate::render::{Rows, Val};
use crate::schema::{Dim, IdParam, Input, Src, TimeKey};
use crate::schema::{CHANNELS, CONTACT_DURATIONS, INTERVAL_NUMBERS, TYPES, TYPE_CHANNEL};
use crate::store::{bit, Contacts, Intervals, NameKind, Snapshot, BLOCK, NONE};
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

mod dense;
mod kernel;
mod physical;
pub(crate) mod rows;

use kernel::{aggregate, InputCol, Kernel, Partial};
use physical::{plan, Plan};

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
        if !plan.ids_pass(&d) {
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
            d: plan.key_dims(d),
            row: if plan.details {
                ((bidx as u64) << 32 | r as u64) + 1
            } else {
                0
            },
        };
        let g = if plan.details {
            part.push_unique(k)
        } else {
            part.group(k, kernel.dense.as_ref())
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
        if !plan.ids_pass(&d) {
            continue;
        }
        let k = GKey {
            bucket: plan.bucketer.bucket(t),
            t: 0,
            d: plan.key_dims(d),
            row: 0,
        };
        let g = part.group(k, kernel.dense.as_ref());
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
    let mut kernel = Kernel::new(&plan.metrics, split, not_split);
    kernel.dense = dense::Dense::new(
        snap,
        contacts,
        &plan.bucketer,
        plan.extent,
        plan.type_mode,
        plan.dims_on,
        plan.details,
    );
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
