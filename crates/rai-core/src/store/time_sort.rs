//! The order that sorts a batch by its time key. Sealing a batch sorts
//! every row by time; a comparison sort of row numbers reads the key at a
//! random place for each comparison, so a large batch is sorted by radix
//! instead: each row's key and row number, packed in one word where they
//! fit, in passes of [`DIGIT_BITS`] bits from the lowest, each pass
//! stable, so rows with equal keys keep their order.

use crate::model::Millis;

/// Bits of the key sorted per pass.
const DIGIT_BITS: u32 = 11;

/// Batches smaller than this are sorted by comparison.
const RADIX_MIN_ROWS: usize = 4096;

/// The permutation that sorts `key` (stable), or None when already sorted.
pub(crate) fn sort_permutation(key: &[Millis]) -> Option<Vec<u32>> {
    time_order(key.iter().copied(), key.len())
}

/// [`sort_permutation`] of the keys of `parts` one after another (the
/// parts of a batch being merged), without copying them together first.
pub(crate) fn merged_permutation(parts: &[&[Millis]]) -> Option<Vec<u32>> {
    let rows = parts.iter().map(|k| k.len()).sum();
    time_order(parts.iter().flat_map(|k| k.iter().copied()), rows)
}

/// The permutation that sorts the `len` keys of `keys` (stable), or None
/// when they are in order already.
fn time_order(keys: impl Iterator<Item = Millis> + Clone, len: usize) -> Option<Vec<u32>> {
    if keys.clone().is_sorted() {
        return None;
    }
    if len < RADIX_MIN_ROWS {
        let mut pairs: Vec<(Millis, u32)> = keys.zip(0u32..).collect();
        pairs.sort_by_key(|&(k, _)| k);
        return Some(pairs.into_iter().map(|(_, r)| r).collect());
    }
    Some(by_radix(keys, len))
}

/// [`time_order`] by least-significant-digit radix passes over the keys'
/// distance from the smallest (so a batch spanning days sorts in three
/// passes, not six). When that distance and the row number fit one
/// 64-bit word together (a batch spanning less than about 500 years),
/// each is sorted as that word, the row below the key: a pass then moves
/// 8 bytes a row instead of a 16-byte (key, row) pair.
fn by_radix(keys: impl Iterator<Item = Millis> + Clone, len: usize) -> Vec<u32> {
    let (min, max) = (keys.clone()).fold((Millis::MAX, Millis::MIN), |(lo, hi), k| (lo.min(k), hi.max(k)));
    let bits = u64::BITS - (max.wrapping_sub(min) as u64).leading_zeros();
    let row_bits = usize::BITS - len.leading_zeros();
    let distance = |k: Millis| k.wrapping_sub(min) as u64;
    if bits + row_bits <= u64::BITS {
        let words: Vec<u64> = keys.zip(0u64..).map(|(k, r)| distance(k) << row_bits | r).collect();
        let row = (1u64 << row_bits) - 1;
        let sorted = by_digits(words, |w| w >> row_bits, bits);
        sorted.into_iter().map(|w| (w & row) as u32).collect()
    } else {
        let pairs: Vec<(u64, u32)> = keys.zip(0u32..).map(|(k, r)| (distance(k), r)).collect();
        by_digits(pairs, |(k, _)| k, bits).into_iter().map(|(_, r)| r).collect()
    }
}

/// `items` sorted (stable) by the low `bits` bits of `key`, [`DIGIT_BITS`]
/// per pass from the lowest; every pass's digits counted in one read.
fn by_digits<T: Copy + Default>(mut items: Vec<T>, key: impl Fn(T) -> u64, bits: u32) -> Vec<T> {
    let passes = bits.div_ceil(DIGIT_BITS) as usize;
    let buckets = 1usize << DIGIT_BITS;
    let digit = |x: T, pass: usize| ((key(x) >> (pass as u32 * DIGIT_BITS)) as usize) & (buckets - 1);
    let mut starts = vec![0usize; passes * buckets];
    for &x in &items {
        for pass in 0..passes {
            starts[pass * buckets + digit(x, pass)] += 1;
        }
    }
    let mut spare = vec![T::default(); items.len()];
    for (pass, starts) in starts.chunks_mut(buckets).enumerate() {
        let mut at = 0;
        for s in starts.iter_mut() {
            (*s, at) = (at, at + *s);
        }
        for &x in &items {
            let d = digit(x, pass);
            spare[starts[d]] = x;
            starts[d] += 1;
        }
        std::mem::swap(&mut items, &mut spare);
    }
    items
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
            prop_assert_eq!(super::by_radix(keys.iter().copied(), keys.len()), by_comparison(&keys));
        }

        /// The parts of a merge sort as their keys one after another: ties
        /// across parts keep the parts' order.
        #[test]
        fn parts_sort_as_their_keys_one_after_another(
            parts in proptest::collection::vec(proptest::collection::vec(0i64..50, 0..2500), 0..6)
        ) {
            let slices: Vec<&[i64]> = parts.iter().map(Vec::as_slice).collect();
            let all = parts.concat();
            prop_assert_eq!(super::merged_permutation(&slices), super::sort_permutation(&all));
            prop_assert_eq!(super::merged_permutation(&slices).unwrap_or_else(|| (0..all.len() as u32).collect()), by_comparison(&all));
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
