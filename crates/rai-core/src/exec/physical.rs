//! A logical plan made concrete for one fact table of one snapshot:
//! everything evaluated once per query, not once per row — a mask per
//! dictionary code for each id predicate and name pattern (each pattern
//! runs once per dictionary entry), the contact-type mask, the flag-word
//! test, the packed group-key layout, the bucketer and the metrics.
//! A plan term this table cannot run is an internal error, never ignored.

use super::metric::Metric;
use super::names::NameView;
use crate::error::{Error, Result};
use crate::model::{guid_hex, Bucketer, Millis, Pattern, TimeCategory};
use crate::plan::{Expr, GroupKey, LogicalPlan, Predicate};
use crate::schema::{ColumnId, Definition, Input, Op, Term, CHANNELS, TYPES, TYPE_CHANNEL};
use crate::store::{Fact, Snapshot, NONE};
use chrono_tz::Tz;

/// The per-query state of an aggregating plan over fact table `F`.
pub(super) struct Physical<'p> {
    pub(super) lo: Millis,
    pub(super) hi: Millis,
    /// The time key and which pair of the per-block ranges covers it (0 or 2).
    pub(super) time_key: ColumnId,
    pub(super) block_pair: usize,
    /// The range within the data's extent (where rows can be).
    pub(super) extent: (Millis, Millis),
    pub(super) types: [bool; 6],
    pub(super) masks: [Option<Vec<bool>>; 3],
    pub(super) must_mask: u32,
    pub(super) must_val: u32,
    /// Patterns on the row id (contactId), each list OR, lists AND.
    pub(super) row_patterns: Vec<&'p [Pattern]>,
    /// Which type parts of the key are on: bit 0 channel, bit 1 type.
    pub(super) type_mode: u8,
    pub(super) dims_on: [bool; 3],
    pub(super) details: bool,
    pub(super) bucketer: Bucketer,
    /// One per plan aggregate.
    pub(super) metrics: Vec<Metric>,
    /// The flag bits of a (condition, its negation) pair the kernel splits on.
    pub(super) split: (u32, u32),
}

fn unsupported(what: impl std::fmt::Debug) -> Error {
    Error::internal(crate::messages::cannot_run(what))
}

fn slot_of<F: Fact>(col: ColumnId) -> Option<usize> {
    F::CODE_COLUMNS.iter().position(|&c| c == col)
}

fn bit_of<F: Fact>(col: ColumnId) -> Result<u32> {
    F::flag_bit(col).ok_or_else(|| unsupported(col))
}

/// Prepares `plan` for fact table `F` of `snap`.
pub(super) fn prepare<'p, F: Fact + Default>(
    snap: &Snapshot,
    plan: &'p LogicalPlan,
    names: &NameView<'_>,
    keys: &[GroupKey],
) -> Result<Physical<'p>> {
    let empty = F::default();
    let mut masks: [Option<Vec<bool>>; 3] = [None, None, None];
    let mut and_mask = |slot: usize, f: &dyn Fn(u32) -> bool| {
        let m = masks[slot].get_or_insert_with(|| {
            let mut v = vec![true; code_bound::<F>(snap, slot)];
            v[NONE as usize] = false;
            v
        });
        for (code, ok) in m.iter_mut().enumerate() {
            if *ok && !f(code as u32) {
                *ok = false;
            }
        }
    };
    let mut types = [true; 6];
    let (mut must_mask, mut must_val) = (0u32, 0u32);
    let mut row_patterns = Vec::new();
    let (channel_col, type_col) = F::TYPE_COLUMNS.unzip();
    for p in &plan.predicates {
        match p {
            Predicate::IdIn { column, ids } => {
                let slot = slot_of::<F>(*column).ok_or_else(|| unsupported(p))?;
                let codes: Vec<u32> = ids.iter().filter_map(|g| snap.ids.get(*g)).collect();
                and_mask(slot, &|c| codes.contains(&c));
            }
            Predicate::TypeIn { types: allowed } if F::TYPE_COLUMNS.is_some() => {
                for (t, ok) in types.iter_mut().enumerate() {
                    *ok &= allowed.contains(&TYPES[t]);
                }
            }
            Predicate::Is { column, value } => {
                let b = bit_of::<F>(*column)?;
                must_mask |= b;
                if *value {
                    must_val |= b;
                }
            }
            Predicate::Matches { expr, patterns } => {
                let any = |s: &str| patterns.iter().any(|p| p.matches(s));
                match *expr {
                    Expr::Column(col) if Some(col) == channel_col => {
                        for (t, ok) in types.iter_mut().enumerate() {
                            *ok &= any(CHANNELS[TYPE_CHANNEL[t] as usize]);
                        }
                    }
                    Expr::Column(col) if Some(col) == type_col => {
                        for (t, ok) in types.iter_mut().enumerate() {
                            *ok &= any(TYPES[t]);
                        }
                    }
                    Expr::Column(col) if Some(col) == F::ROW_ID => row_patterns.push(patterns.as_slice()),
                    Expr::Column(col) => {
                        let slot = slot_of::<F>(col).ok_or_else(|| unsupported(p))?;
                        and_mask(slot, &|c| {
                            snap.ids
                                .guid(c)
                                .is_some_and(|g| any(std::str::from_utf8(&guid_hex(g)).unwrap_or("")))
                        });
                    }
                    Expr::Name {
                        id,
                        kind,
                        fallback: None,
                    } => {
                        let slot = slot_of::<F>(id).ok_or_else(|| unsupported(p))?;
                        and_mask(slot, &|c| names.get(kind, c).is_some_and(any));
                    }
                    _ => return Err(unsupported(p)),
                }
            }
            other => return Err(unsupported(other)),
        }
    }
    let time_key = plan.time.key;
    let block_pair = F::BLOCK_KEYS
        .iter()
        .position(|&k| k == time_key)
        .ok_or_else(|| unsupported(time_key))?
        * 2;
    let (mut type_mode, mut dims_on, mut details) = (0u8, [false; 3], false);
    let (mut category, mut zone) = (TimeCategory::Null, Tz::UTC);
    for k in keys {
        match *k {
            GroupKey::Bucket {
                key,
                category: c,
                zone: z,
            } if key == time_key => (category, zone) = (c, z),
            GroupKey::Column(col) if Some(col) == channel_col => type_mode |= 1,
            GroupKey::Column(col) if Some(col) == type_col => type_mode |= 2,
            GroupKey::Column(col) => dims_on[slot_of::<F>(col).ok_or_else(|| unsupported(k))?] = true,
            GroupKey::Row => details = true,
            other => return Err(unsupported(other)),
        }
    }
    let mut metrics = Vec::with_capacity(plan.aggregates.len());
    for a in &plan.aggregates {
        let time = match a.input {
            // States in time are a sequence per user: the span executor's.
            _ if a.op == Op::StateTime => return Err(unsupported(a)),
            Input::Rows if a.op != Op::Distribution => false,
            Input::Column(col) if a.op == Op::Distribution && F::has_number(col) => false,
            _ if a.op == Op::Distribution => return Err(unsupported(a)),
            Input::Column(col) if a.op == Op::Count && a.at_most.is_none() => return Err(unsupported(col)),
            Input::Column(col) if empty.time(col).is_some() => true,
            Input::Column(col) if F::has_number(col) => false,
            Input::SinceNow(col) if empty.time(col).is_some() => false,
            _ => return Err(unsupported(a)),
        };
        let cond = a.when.map(bit_of::<F>).transpose()?.unwrap_or(0);
        metrics.push(Metric {
            op: a.op,
            input: a.input,
            cond,
            time,
            at_most: a.at_most,
        });
    }
    // Rows split in two halves when a condition and its negation are both
    // used (handled / not handled): x, xForHandled and xForNotHandled share a slot.
    let mut split = (0, 0);
    for a in &plan.aggregates {
        if let (Some(not_x), Some(Definition::All(&[Term::IsNot(x)]))) = (a.when, a.when.and_then(ColumnId::definition))
        {
            if plan.aggregates.iter().any(|b| b.when == Some(x)) {
                split = (bit_of::<F>(x)?, bit_of::<F>(not_x)?);
            }
        }
    }
    let lo = plan.time.start;
    let hi = plan.time.end.unwrap_or(Millis::MAX);
    // Bucket cache over the data's actual extent within the range.
    let (mut dmin, mut dmax) = (Millis::MAX, Millis::MIN);
    for (_, f) in snap.facts::<F>() {
        for bl in f.blocks() {
            dmin = dmin.min(bl[block_pair]);
            dmax = dmax.max(bl[block_pair + 1]);
        }
    }
    let extent = (lo.max(dmin), hi.min(dmax.saturating_add(1)));
    let bucketer = Bucketer::with_range(category, zone, extent.0, extent.1);
    Ok(Physical {
        lo,
        hi,
        time_key,
        block_pair,
        extent,
        types,
        masks,
        must_mask,
        must_val,
        row_patterns,
        type_mode,
        dims_on,
        details,
        bucketer,
        metrics,
        split,
    })
}

/// One more than the largest code in key slot `slot` of any `F` batch:
/// what a per-code mask or map of that slot must cover. Sized by the codes
/// the slot holds, not the whole dictionary (which holds every contact
/// id): a query's set-up then costs what its dimensions hold.
pub(super) fn code_bound<F: Fact>(snap: &Snapshot, slot: usize) -> usize {
    snap.facts::<F>()
        .filter_map(|(_, f)| f.distinct(slot).last())
        .max()
        .map_or(0, |&c| c as usize + 1)
        .max(NONE as usize + 1)
}

impl Physical<'_> {
    /// Whether a row's dimension codes pass every id mask.
    #[inline]
    pub(super) fn ids_pass(&self, d: &[u32; 3]) -> bool {
        !self.masks.iter().zip(d).any(|(m, &code)| {
            m.as_ref()
                .is_some_and(|m| !m.get(code as usize).copied().unwrap_or(false))
        })
    }

    /// The group-key parts of a row's dimension codes (0 for dimensions not shown).
    #[inline]
    pub(super) fn key_dims(&self, d: [u32; 3]) -> [u32; 3] {
        [0, 1, 2].map(|i| if self.dims_on[i] { d[i] } else { 0 })
    }
}
