//! A mergeable quantile sketch for durations (`percentiles=`): a log-linear
//! histogram over integer milliseconds.
//!
//! Why not a logarithm per value (DDSketch's mapping): the bucket of a value
//! here is a few integer instructions (its leading bit and the next seven
//! bits), no floating point. The buckets:
//!
//! - values below 256 each have their own bucket (exact);
//! - a value `v ≥ 256` with leading bit `e` falls into one of 128 equal
//!   buckets of `[2^e, 2^(e+1))`, each `2^(e−7)` wide.
//!
//! A quantile is answered with the middle of the bucket that holds the
//! value of that rank, so its relative error is below `2^(e−8) / 2^e =
//! 1/256` (0.4%), for any data. Merging two sketches adds their bucket
//! counts, so a sketch of quarter hours rolled up to days, of per-thread
//! partial states, or of per-machine ones, answers exactly as one sketch
//! over all the values would.
//!
//! Storage, chosen for the scan's cost per value: a sketch of few values
//! appends each value's bucket number (two bytes) to a list — one store,
//! no search, no large histogram per group of a report with thousands of
//! groups; once it holds [`DENSE_AFTER`] values it turns into one counter
//! per bucket (7,424 of them), and each further value is one increment.
//! Either way its size is bounded: at most `DENSE_AFTER` bucket numbers or
//! the fixed counters. Quantiles are read from the (bucket, count) pairs of
//! [`Sketch::counts`], the form that also crosses a process boundary.

/// Buckets of exact values.
const EXACT: u64 = 256;
/// Buckets per power of two above [`EXACT`].
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;
/// The number of buckets (the last holds `i64::MAX`).
const BUCKETS: usize = (EXACT + (63 - 8) * SUB + SUB) as usize;
/// Values a sketch lists before it turns into counters.
const DENSE_AFTER: usize = 2048;
/// The room a listed sketch takes at its first value.
const FIRST_CAPACITY: usize = 32;

/// The bucket of a value (negative values count as 0).
#[inline]
pub(crate) fn bucket_of(v: i64) -> u16 {
    let v = v.max(0) as u64;
    if v < EXACT {
        return v as u16;
    }
    let e = 63 - v.leading_zeros(); // ≥ 8
    let sub = (v >> (e - SUB_BITS)) & (SUB - 1);
    (EXACT + (e as u64 - 8) * SUB + sub) as u16
}

/// The smallest and largest value of bucket `b`.
pub(crate) fn bucket_bounds(b: u16) -> (i64, i64) {
    let b = b as u64;
    if b < EXACT {
        return (b as i64, b as i64);
    }
    let e = (b - EXACT) / SUB + 8;
    let sub = (b - EXACT) % SUB;
    let width = 1u64 << (e - SUB_BITS as u64);
    let lo = (SUB + sub) * width;
    (lo as i64, (lo + width - 1) as i64)
}

/// The value a quantile in bucket `b` is answered with: its middle.
fn representative(b: u16) -> i64 {
    let (lo, hi) = bucket_bounds(b);
    lo + (hi - lo) / 2
}

/// A quantile sketch of a multiset of durations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sketch {
    /// The bucket number of each value, in arrival order.
    Listed(Vec<u16>),
    /// The count of each bucket.
    Counted(Box<[u64]>),
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch::Listed(Vec::new())
    }
}

impl Sketch {
    /// Adds one value.
    #[inline]
    pub(crate) fn add(&mut self, v: i64) {
        self.add_bucket(bucket_of(v), 1);
    }

    #[inline]
    fn add_bucket(&mut self, b: u16, n: u64) {
        match self {
            Sketch::Counted(counts) => {
                if let Some(c) = counts.get_mut(b as usize) {
                    *c += n;
                }
            }
            Sketch::Listed(list) if list.len() < DENSE_AFTER && n == 1 => {
                if list.capacity() == 0 {
                    // Most groups of a grouped report hold tens of values:
                    // skip the smallest growth steps.
                    list.reserve_exact(FIRST_CAPACITY);
                }
                list.push(b)
            }
            Sketch::Listed(_) => {
                self.count_buckets();
                self.add_bucket(b, n);
            }
        }
    }

    /// Turns a listed sketch into counters.
    fn count_buckets(&mut self) {
        if let Sketch::Listed(list) = self {
            let mut counts = vec![0u64; BUCKETS].into_boxed_slice();
            for &b in list.iter() {
                if let Some(c) = counts.get_mut(b as usize) {
                    *c += 1;
                }
            }
            *self = Sketch::Counted(counts);
        }
    }

    /// The values added.
    #[cfg(test)]
    pub(crate) fn count(&self) -> u64 {
        self.counts().iter().map(|&(_, n)| n).sum()
    }

    /// Adds every value of `other`.
    pub(crate) fn merge(&mut self, other: Sketch) {
        match (&mut *self, other) {
            (Sketch::Listed(ours), other) if ours.is_empty() => *self = other,
            (Sketch::Listed(ours), Sketch::Listed(theirs)) if ours.len() + theirs.len() <= DENSE_AFTER => {
                ours.extend_from_slice(&theirs)
            }
            (_, Sketch::Listed(theirs)) => {
                for b in theirs {
                    self.add_bucket(b, 1);
                }
            }
            (_, Sketch::Counted(theirs)) => {
                self.count_buckets();
                if let Sketch::Counted(ours) = self {
                    for (o, t) in ours.iter_mut().zip(theirs.iter()) {
                        *o += t;
                    }
                }
            }
        }
    }

    /// The (bucket, count) pairs of every value added, sorted by bucket: the
    /// state quantiles are read from (and that crosses a process boundary).
    pub(crate) fn counts(&self) -> Vec<(u16, u64)> {
        match self {
            Sketch::Listed(list) => {
                let mut sorted = list.clone();
                sorted.sort_unstable();
                let mut runs: Vec<(u16, u64)> = Vec::new();
                for b in sorted {
                    match runs.last_mut() {
                        Some((last, n)) if *last == b => *n += 1,
                        _ => runs.push((b, 1)),
                    }
                }
                runs
            }
            Sketch::Counted(counts) => counts
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(|(b, &n)| (b as u16, n))
                .collect(),
        }
    }

    /// The `p`-th percentile (0 < p < 100) by the nearest-rank rule: the
    /// value of rank ⌈p/100 × n⌉ in ascending order, within 1/256 of it
    /// (exact below 256). None when the sketch is empty.
    #[cfg(test)]
    pub(crate) fn percentile(&self, p: u8) -> Option<i64> {
        percentile(&self.counts(), p)
    }
}

/// The `p`-th percentile of the values whose sorted (bucket, count) pairs
/// are `counts` ([`Sketch::counts`]), by the nearest-rank rule. None when
/// there are none.
pub(crate) fn percentile(counts: &[(u16, u64)], p: u8) -> Option<i64> {
    let rank = rank(p, counts.iter().map(|&(_, n)| n).sum())?;
    let mut seen = 0u64;
    counts.iter().find_map(|&(b, n)| {
        seen += n;
        (seen >= rank).then(|| representative(b))
    })
}

/// The 1-based nearest rank of percentile `p` among `n` values: ⌈p × n / 100⌉,
/// at least 1. None when `n` is 0.
pub(crate) fn rank(p: u8, n: u64) -> Option<u64> {
    (n > 0).then(|| ((p as u128 * n as u128).div_ceil(100) as u64).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exact(values: &mut [i64], p: u8) -> Option<i64> {
        values.sort_unstable();
        let r = rank(p, values.len() as u64)?;
        Some(values[r as usize - 1].max(0))
    }

    #[test]
    fn buckets_tile_the_integers_in_order() {
        let mut next = 0i64;
        for b in 0..=bucket_of(i64::MAX) {
            let (lo, hi) = bucket_bounds(b);
            assert_eq!(lo, next, "bucket {b} starts where the last ended");
            assert!(hi >= lo);
            assert_eq!(bucket_of(lo), b);
            assert_eq!(bucket_of(hi), b);
            // Bucket width is at most 1/128 of its lower bound.
            assert!((hi - lo) as u128 * 128 <= lo as u128 || hi == lo, "{b}");
            next = hi.wrapping_add(1);
        }
        assert_eq!(bucket_bounds(bucket_of(i64::MAX)).1, i64::MAX);
        assert_eq!(bucket_of(-5), 0);
    }

    #[test]
    fn representatives_are_within_1_256() {
        for b in 0..=bucket_of(i64::MAX) {
            let (lo, hi) = bucket_bounds(b);
            let r = representative(b) as i128;
            for v in [lo as i128, hi as i128] {
                assert!((r - v).abs() * 256 <= v, "bucket {b}: {r} vs {v}");
            }
        }
    }

    #[test]
    fn nearest_rank() {
        assert_eq!(rank(50, 0), None);
        assert_eq!(rank(50, 1), Some(1));
        assert_eq!(rank(50, 4), Some(2));
        assert_eq!(rank(50, 5), Some(3));
        assert_eq!(rank(99, 100), Some(99));
        assert_eq!(rank(1, 1000), Some(10));
        let mut s = Sketch::default();
        for v in [10, 20, 30, 40] {
            s.add(v);
        }
        assert_eq!(s.percentile(50), Some(20));
        assert_eq!(s.percentile(51), Some(30));
        assert_eq!(s.percentile(99), Some(40));
        assert_eq!(Sketch::default().percentile(50), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Within 1/256 of the exact nearest-rank value, for values spread
        /// over many orders of magnitude, and the same after splitting the
        /// values into parts (threads, quarter hours) and merging.
        #[test]
        fn percentiles_are_within_bound_and_merge_like_one_pass(
            exps in prop::collection::vec((0u32..40, any::<u64>()), 1..6000),
            cuts in prop::collection::vec(any::<usize>(), 0..6),
            p in 1u8..100,
        ) {
            let mut values: Vec<i64> = exps.iter().map(|&(e, m)| (m % (1u64 << e).max(1)) as i64).collect();
            let mut one = Sketch::default();
            for &v in &values {
                one.add(v);
            }
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c % values.len()).collect();
            cuts.sort_unstable();
            let mut merged = Sketch::default();
            let mut from = 0;
            for &c in cuts.iter().chain(std::iter::once(&values.len())) {
                let mut part = Sketch::default();
                for &v in &values[from..c.max(from)] {
                    part.add(v);
                }
                merged.merge(part);
                from = c.max(from);
            }
            prop_assert_eq!(merged.count(), one.count());
            prop_assert_eq!(merged.percentile(p), one.percentile(p));
            let want = exact(&mut values, p).unwrap_or(0) as i128;
            let got = one.percentile(p).unwrap_or(-1) as i128;
            prop_assert!((got - want).abs() * 256 <= want, "p{} = {} vs exact {}", p, got, want);
        }
    }
}
