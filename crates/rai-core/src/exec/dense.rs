//! A dense group index: when a query's group keys span a small space (few
//! buckets × types × distinct ids in range), a key maps to an array slot
//! by arithmetic instead of hashing.

use super::physical::Physical;
use super::GKey;
use crate::model::TimeCategory;
use crate::schema::TYPE_CHANNEL;
use crate::store::{Fact, Snapshot};

/// The largest dense key space (slots of a `u32` table per partial state).
const MAX_SLOTS: usize = 1 << 18;
const NO: u32 = u32::MAX;

/// How to turn a group key into a dense slot.
pub(super) struct Dense {
    bmin: i64,
    step: i64,
    nb: usize,
    t_index: [u32; 64],
    nt: usize,
    remap: [Option<Vec<u32>>; 3],
    n: [usize; 3],
    /// Number of slots.
    pub(super) total: usize,
}

impl Dense {
    /// A dense index for this query, when its key space is small enough.
    pub(super) fn new<F: Fact>(snap: &Snapshot, plan: &Physical<'_>) -> Option<Dense> {
        let (bucketer, range, type_mode, dims_on, details) =
            (&plan.bucketer, plan.extent, plan.type_mode, plan.dims_on, plan.details);
        if details || range.0 >= range.1 {
            return None;
        }
        let step = match bucketer.category() {
            TimeCategory::Null | TimeCategory::All => 1,
            TimeCategory::Day | TimeCategory::Month | TimeCategory::Year => 1,
            TimeCategory::Week => 7,
            TimeCategory::QuarterHour | TimeCategory::Hour => return None,
        };
        let (bmin, bmax) = (bucketer.bucket(range.0), bucketer.bucket(range.1 - 1));
        if bmax < bmin {
            return None;
        }
        let nb = usize::try_from((bmax - bmin) / step + 1).ok()?;
        let mut t_index = [NO; 64];
        let nt = match type_mode {
            0 => {
                t_index[0] = 0;
                1
            }
            1 => {
                for ch in 0..3u32 {
                    t_index[((ch << 4) + 1) as usize] = ch;
                }
                3
            }
            _ => {
                for ty in 0..6u32 {
                    let t = if type_mode == 2 {
                        ty + 1
                    } else {
                        ((TYPE_CHANNEL[ty as usize] as u32) << 4 | ty) + 1
                    };
                    t_index[t as usize] = ty;
                }
                6
            }
        };
        let mut remap: [Option<Vec<u32>>; 3] = [None, None, None];
        let mut n = [1usize; 3];
        for s in 0..3 {
            if !dims_on[s] {
                continue;
            }
            let mut map = vec![NO; super::physical::code_bound::<F>(snap, s)];
            let mut next = 0u32;
            for (_, f) in snap.facts::<F>() {
                for &c in f.distinct(s) {
                    if let Some(m) = map.get_mut(c as usize) {
                        if *m == NO {
                            *m = next;
                            next += 1;
                        }
                    }
                }
            }
            n[s] = (next as usize).max(1);
            remap[s] = Some(map);
        }
        let total = nb
            .checked_mul(nt)?
            .checked_mul(n[0])?
            .checked_mul(n[1])?
            .checked_mul(n[2])?;
        (total <= MAX_SLOTS).then_some(Dense {
            bmin,
            step,
            nb,
            t_index,
            nt,
            remap,
            n,
            total,
        })
    }

    /// The slot of a key, or None when the key falls outside the index.
    #[inline]
    pub(super) fn slot(&self, k: &GKey) -> Option<usize> {
        let b = k.bucket.checked_sub(self.bmin)?;
        let bi = if self.step == 1 {
            usize::try_from(b).ok()?
        } else {
            if b < 0 || b % self.step != 0 {
                return None;
            }
            usize::try_from(b / self.step).ok()?
        };
        if bi >= self.nb {
            return None;
        }
        let ti = *self.t_index.get(k.t as usize)?;
        if ti == NO {
            return None;
        }
        let mut idx = bi * self.nt + ti as usize;
        for s in 0..3 {
            if let Some(map) = &self.remap[s] {
                let d = *map.get(k.d[s] as usize)?;
                if d == NO {
                    return None;
                }
                idx = idx * self.n[s] + d as usize;
            }
        }
        Some(idx)
    }
}
