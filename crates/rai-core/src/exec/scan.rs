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
    // Every column re-sliced to the chunk's end once, so the row loop's
    // indexing needs no bounds checks. Whether the table stores types and
    // flags is known per table at compile time: no branch for it per row.
    let end = range.1;
    let typed = F::TYPE_COLUMNS.is_some();
    let flagged = F::HAS_FLAGS;
    let cut = |n: usize| if n > 0 { end } else { 0 };
    let (Some(key), Some(c0), Some(c1), Some(c2), Some(types), Some(flags)) = (
        f.time(plan.time_key).and_then(|k| k.get(..end)),
        f.codes(0).get(..end),
        f.codes(1).get(..end),
        f.codes(2).get(..end),
        f.types().unwrap_or(&[]).get(..cut(typed as usize)),
        f.flags().unwrap_or(&[]).get(..cut(flagged as usize)),
    ) else {
        return; // a column shorter than the table: impossible by construction
    };
    let row_ids = f.row_ids();
    let mut sel: Vec<(u32, u32)> = Vec::with_capacity((range.1 - range.0) / 4);
    let mut hexbuf;
    for r in range.0..range.1 {
        let t = key[r];
        if t < plan.lo || t >= plan.hi {
            continue;
        }
        let ty = if typed { types[r] } else { 0 };
        if typed && !plan.types[ty as usize] {
            continue;
        }
        if flagged && flags[r] & plan.must_mask != plan.must_val {
            continue;
        }
        let d = [c0[r], c1[r], c2[r]];
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
        let ch = TYPE_CHANNEL[ty as usize] as u32;
        let t_part = match plan.type_mode {
            0 => 0,
            1 => (ch << 4) + 1,
            2 => ty as u32 + 1,
            _ => ((ch << 4) | ty as u32) + 1,
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
        aggregate(part, kernel, &sel, flagged.then_some(flags), &cols);
    }
}
