//! A mergeable quantile sketch for durations (`percentiles=`): a log-linear
//! histogram over integer milliseconds.
//!
//! Why not a logarithm per value (DDSketch's mapping): the bucket of a value
//! here is a few integer instructions (its leading bit and the next seven
//! bits), no floating point, so a sketch update costs about what a sum does.
//! The buckets:
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
//! Storage: a few sorted (bucket, count) pairs while a sketch has few
//! distinct buckets (most groups of a grouped report), a dense counts
//! array over the buckets seen once it has more.

/// Buckets of exact values.
const EXACT: u64 = 256;
/// Buckets per power of two above [`EXACT`].
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;
/// Distinct buckets a sparse store holds before it turns dense.
const SPARSE_MAX: usize = 64;

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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Store {
    /// (bucket, count), sorted by bucket.
    Sparse(Vec<(u16, u64)>),
    /// Counts of buckets `first..first + counts.len()`.
    Dense { first: u16, counts: Vec<u64> },
}

/// A quantile sketch of a multiset of durations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sketch {
    count: u64,
    store: Store,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            count: 0,
            store: Store::Sparse(Vec::new()),
        }
    }
}

impl Sketch {
    /// Adds one value.
    #[inline]
    pub(crate) fn add(&mut self, v: i64) {
        self.add_bucket(bucket_of(v), 1);
    }

    fn add_bucket(&mut self, b: u16, n: u64) {
        self.count += n;
        match &mut self.store {
            Store::Sparse(pairs) => {
                match pairs.binary_search_by_key(&b, |p| p.0) {
                    Ok(i) => pairs[i].1 += n,
                    Err(i) => pairs.insert(i, (b, n)),
                }
                if pairs.len() > SPARSE_MAX {
                    self.densify();
                }
            }
            Store::Dense { first, counts } => {
                if b < *first {
                    let grow = (*first - b) as usize;
                    counts.splice(0..0, std::iter::repeat_n(0, grow));
                    *first = b;
                }
                let i = (b - *first) as usize;
                if i >= counts.len() {
                    counts.resize(i + 1, 0);
                }
                counts[i] += n;
            }
        }
    }

    fn densify(&mut self) {
        if let Store::Sparse(pairs) = &self.store {
            let (Some(&(first, _)), Some(&(last, _))) = (pairs.first(), pairs.last()) else {
                return;
            };
            let mut counts = vec![0u64; (last - first) as usize + 1];
            for &(b, n) in pairs {
                counts[(b - first) as usize] += n;
            }
            self.store = Store::Dense { first, counts };
        }
    }

    /// The values added.
    #[cfg(test)]
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Adds every value of `other`.
    pub(crate) fn merge(&mut self, other: &Sketch) {
        match &other.store {
            Store::Sparse(pairs) => {
                for &(b, n) in pairs {
                    self.add_bucket(b, n);
                }
            }
            Store::Dense { first, counts } => {
                for (i, &n) in counts.iter().enumerate() {
                    if n > 0 {
                        self.add_bucket(first + i as u16, n);
                    }
                }
            }
        }
    }

    /// The `p`-th percentile (0 < p < 100) by the nearest-rank rule: the
    /// value of rank ⌈p/100 × n⌉ in ascending order, within 1/256 of it
    /// (exact below 256). None when the sketch is empty.
    pub(crate) fn percentile(&self, p: u8) -> Option<i64> {
        let rank = rank(p, self.count)?;
        let mut seen = 0u64;
        let mut find = |b: u16, n: u64| {
            seen += n;
            (seen >= rank).then(|| representative(b))
        };
        match &self.store {
            Store::Sparse(pairs) => pairs.iter().find_map(|&(b, n)| find(b, n)),
            Store::Dense { first, counts } => {
                counts
                    .iter()
                    .enumerate()
                    .find_map(|(i, &n)| if n > 0 { find(first + i as u16, n) } else { None })
            }
        }
    }
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
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Within 1/256 of the exact nearest-rank value, for values spread
        /// over many orders of magnitude, and the same after splitting the
        /// values into parts (threads, quarter hours) and merging.
        #[test]
        fn percentiles_are_within_bound_and_merge_like_one_pass(
            exps in prop::collection::vec((0u32..40, any::<u64>()), 1..2000),
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
                merged.merge(&part);
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
