//! The order that sorts a batch by its time key. Sealing a batch sorts
//! every row by time; a comparison sort of row numbers reads the key at a
//! random place for each comparison, so a large batch is sorted by radix
//! instead: (key, row) pairs in passes of [`DIGIT_BITS`] bits from the
//! lowest, each pass stable, so rows with equal keys keep their order.

use crate::model::Millis;

/// Bits of the key sorted per pass.
const DIGIT_BITS: u32 = 11;

/// Batches smaller than this are sorted by comparison.
const RADIX_MIN_ROWS: usize = 4096;

/// The permutation that sorts `key` (stable), or None when already sorted.
pub(crate) fn sort_permutation(key: &[Millis]) -> Option<Vec<u32>> {
    if key.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    if key.len() < RADIX_MIN_ROWS {
        let mut perm: Vec<u32> = (0..key.len() as u32).collect();
        perm.sort_by_key(|&i| key[i as usize]);
        return Some(perm);
    }
    Some(by_radix(key))
}

/// [`sort_permutation`] by least-significant-digit radix passes over the
/// keys' distance from the smallest (so a batch spanning days sorts in
/// three or four passes, not six).
fn by_radix(key: &[Millis]) -> Vec<u32> {
    let min = key.iter().copied().min().unwrap_or(0);
    let max = key.iter().copied().max().unwrap_or(0);
    let span = max.wrapping_sub(min) as u64;
    let bits = u64::BITS - span.leading_zeros();
    let mut pairs: Vec<(u64, u32)> = (key.iter().enumerate())
        .map(|(i, &k)| (k.wrapping_sub(min) as u64, i as u32))
        .collect();
    let mut spare = vec![(0u64, 0u32); pairs.len()];
    let buckets = 1usize << DIGIT_BITS;
    let mut shift = 0;
    while shift < bits {
        let digit = |k: u64| ((k >> shift) as usize) & (buckets - 1);
        let mut starts = vec![0usize; buckets];
        pairs.iter().for_each(|&(k, _)| starts[digit(k)] += 1);
        let mut at = 0;
        for s in starts.iter_mut() {
            (*s, at) = (at, at + *s);
        }
        for &(k, i) in &pairs {
            let d = digit(k);
            spare[starts[d]] = (k, i);
            starts[d] += 1;
        }
        std::mem::swap(&mut pairs, &mut spare);
        shift += DIGIT_BITS;
    }
    pairs.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The stable comparison sort the radix passes must equal.
    fn by_comparison(key: &[i64]) -> Vec<u32> {
        let mut perm: Vec<u32> = (0..key.len() as u32).collect();
        perm.sort_by_key(|&i| key[i as usize]);
        perm
    }

    proptest! {
        /// Radix passes give the stable comparison order: keys close
        /// together (many ties), spread over days, and at the extremes
        /// (an absent time is the smallest instant).
        #[test]
        fn radix_passes_sort_as_a_stable_comparison_sort(
            keys in prop_oneof![
                proptest::collection::vec(0i64..40, 0..3000),
                proptest::collection::vec(1_700_000_000_000i64..1_708_000_000_000, 0..3000),
                proptest::collection::vec(prop_oneof![Just(i64::MIN), Just(i64::MAX), any::<i64>()], 0..3000),
            ]
        ) {
            prop_assert_eq!(super::by_radix(&keys), by_comparison(&keys));
        }
    }

    /// A large batch takes the radix passes and comes out sorted.
    #[test]
    fn a_large_batch_is_sorted_by_time() {
        let keys: Vec<i64> = (0..10_000i64).map(|i| (i * 7919) % 5003 * 1_000_000).collect();
        let perm = super::sort_permutation(&keys).unwrap_or_default();
        assert_eq!(perm, by_comparison(&keys));
        assert_eq!(super::sort_permutation(&[1, 2, 2, 3]), None);
    }
}
