//! The scan: rows of a fact table's chunk that pass the plan become packed
//! group keys in a per-chunk partial state; metrics are then aggregated
//! column by column over the selected (row, group) pairs.

use super::kernel::{aggregate, InputCol, Kernel, Partial};
use super::physical::Physical;
use super::GKey;
use crate::model::{guid_hex, Millis};
use crate::schema::{Input, TYPE_CHANNEL};
use crate::store::{Fact, BLOCK};

const CHUNK: usize = 1 << 16;

/// Ranges of rows, cut at CHUNK, skipping blocks wholly outside [lo, hi)
/// on the block pair `bi`.
pub(super) fn chunks(len: usize, blocks: &[[Millis; 4]], bi: usize, lo: Millis, hi: Millis) -> Vec<(usize, usize)> {
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

/// The input columns of the kernel in one batch.
fn input_cols<'a, F: Fact>(kernel: &Kernel, f: &'a F, now: Millis) -> Vec<InputCol<'a>> {
    kernel
        .inputs
        .iter()
        .map(|i| match *i {
            Input::Column(col) => match (f.time(col), f.number(col)) {
                (Some(t), _) => InputCol::Col(t),
                (None, Some(n)) => InputCol::num(n),
                // Checked when the plan was prepared.
                (None, None) => InputCol::One,
            },
            Input::SinceNow(col) => f.time(col).map_or(InputCol::One, |t| InputCol::Since(t, now)),
            Input::Rows => InputCol::One,
        })
        .collect()
}

/// Scans rows `range` of batch `bidx` (fact table `f`) into `part`.
#[allow(clippy::needless_range_loop)] // several columns share the row index
pub(super) fn scan<F: Fact>(
    plan: &Physical<'_>,
    kernel: &Kernel,
    part: &mut Partial,
    bidx: usize,
    f: &F,
    range: (usize, usize),
    now: Millis,
) {
    let Some(key) = f.time(plan.time_key) else { return };
    let (types, flags, row_ids) = (f.types(), f.flags(), f.row_ids());
    let codes = [f.codes(0), f.codes(1), f.codes(2)];
    let mut sel: Vec<(u32, u32)> = Vec::with_capacity((range.1 - range.0) / 4);
    let mut hexbuf;
    for r in range.0..range.1 {
        let t = key[r];
        if t < plan.lo || t >= plan.hi {
            continue;
        }
        let ty = match types {
            Some(types) => {
                let ty = types[r];
                if !plan.types[ty as usize] {
                    continue;
                }
                Some(ty)
            }
            None => None,
        };
        if let Some(flags) = flags {
            if flags[r] & plan.must_mask != plan.must_val {
                continue;
            }
        }
        let d = [codes[0][r], codes[1][r], codes[2][r]];
        if !plan.ids_pass(&d) {
            continue;
        }
        if !plan.row_patterns.is_empty() {
            hexbuf = guid_hex(row_ids.map_or(0, |ids| ids[r]));
            let s = std::str::from_utf8(&hexbuf).unwrap_or("");
            if !plan.row_patterns.iter().all(|ps| ps.iter().any(|p| p.matches(s))) {
                continue;
            }
        }
        let t_part = match ty {
            None => 0,
            Some(ty) => {
                let ch = TYPE_CHANNEL[ty as usize] as u32;
                match plan.type_mode {
                    0 => 0,
                    1 => (ch << 4) + 1,
                    2 => ty as u32 + 1,
                    _ => ((ch << 4) | ty as u32) + 1,
                }
            }
        };
        let k = GKey {
            bucket: plan.bucketer.bucket(t),
            t: t_part,
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
    if !plan.details {
        let cols = input_cols(kernel, f, now);
        aggregate(part, kernel, &sel, flags, &cols);
    }
}
