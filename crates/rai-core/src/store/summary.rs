//! A fact batch's §2.7 summary: the best name per (kind, id code) among
//! its rows, kept with the batch so that snapshots merge summaries instead
//! of rescanning facts.

use super::fact::Fact;
use super::names::NameSlot;
use crate::model::Millis;
use crate::schema::{name_sources, NameKind};
use ahash::AHashMap;
use rayon::prelude::*;
use std::sync::Arc;

/// A batch's §2.7 summary entry: (kind, id code, best candidate).
pub(crate) type NameEntry = (NameKind, u32, NameSlot);

/// The best candidate so far per (kind, id code): (changeTimestamp, seq, text code).
type Best = AHashMap<(NameKind, u32), (Millis, u64, u32)>;

/// Rows per piece of a large batch's summary, each found on the pool (a
/// batch of at most this many is summarised in one pass).
const PIECE_ROWS: usize = super::column::PARALLEL_ROWS;

/// The best name per (kind, id code) among a fact batch's rows. A large
/// batch is summarised in pieces on the pool, whose bests are merged (the
/// later candidate by changeTimestamp, then ingestion order, wins either
/// way; no two rows tie, their seq differs).
pub(crate) fn summary<F: Fact + Sync>(f: &F, batch: u64, texts: &[Arc<str>]) -> Vec<NameEntry> {
    summary_in_pieces(f, batch, texts, PIECE_ROWS)
}

/// [`summary`] with the batch cut in pieces of `piece` rows (at least 1)
/// when it has more.
fn summary_in_pieces<F: Fact + Sync>(f: &F, batch: u64, texts: &[Arc<str>], piece: usize) -> Vec<NameEntry> {
    let sources: Vec<(NameKind, &[u32])> = name_sources(F::TABLE)
        .filter_map(|s| {
            let slot = F::CODE_COLUMNS.iter().position(|&c| c == s.id)?;
            Some((s.kind, f.codes(slot)))
        })
        .collect();
    let (codes, change, order) = (
        f.name_codes(),
        F::TABLE.change_timestamp().and_then(|c| f.time(c)).unwrap_or(&[]),
        f.order(),
    );
    let best_of = |rows: std::ops::Range<usize>| {
        let mut best = Best::new();
        for r in rows {
            let row = codes.get(r);
            for (s, &(kind, ids)) in sources.iter().enumerate() {
                let (id, text) = (ids[r], row[s]);
                if id == super::dict::NONE || text == 0 {
                    continue;
                }
                offer(&mut best, (kind, id), (change[r], batch << 32 | order[r] as u64, text));
            }
        }
        best
    };
    let best = if f.len() > piece {
        (0..f.len().div_ceil(piece))
            .into_par_iter()
            .map(|k| best_of(k * piece..((k + 1) * piece).min(f.len())))
            .reduce(Best::new, |mut a, b| {
                b.into_iter().for_each(|(key, cand)| offer(&mut a, key, cand));
                a
            })
    } else {
        best_of(0..f.len())
    };
    best.into_iter()
        .filter_map(|((k, c), (ts, seq, t))| {
            let text = texts.get(t as usize)?.clone();
            Some((k, c, NameSlot { ts, seq, text }))
        })
        .collect()
}

/// Offers a candidate for `key`: it wins over one with an earlier
/// (changeTimestamp, seq).
#[inline]
fn offer(best: &mut Best, key: (NameKind, u32), cand: (Millis, u64, u32)) {
    match best.get_mut(&key) {
        Some(cur) if (cand.0, cand.1) < (cur.0, cur.1) => {}
        Some(cur) => *cur = cand,
        None => {
            best.insert(key, cand);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::column::Column;
    use crate::store::Intervals;
    use proptest::prelude::*;

    fn sorted(mut v: Vec<NameEntry>) -> Vec<(NameKind, u32, Millis, u64, String)> {
        v.sort_by_key(|e| (e.0, e.1));
        v.into_iter()
            .map(|(k, c, s)| (k, c, s.ts, s.seq, s.text.to_string()))
            .collect()
    }

    proptest! {
        /// A batch summarised in pieces, merged, names what one pass over
        /// it names: per (kind, id), the candidate with the latest
        /// (changeTimestamp, ingestion order), whatever piece it lies in.
        #[test]
        fn pieces_merged_give_the_one_pass_summary(
            rows in prop::collection::vec((0u32..4, 0i64..5, prop::array::uniform4(0u32..4)), 1..60),
            piece in 1usize..20,
        ) {
            let mut f = Intervals::default();
            for (i, &(user, change, names)) in rows.iter().enumerate() {
                f.start.push(0);
                f.user.push(user);
                f.profile.push(user % 2);
                f.campaign.push(0);
                f.change.push(change);
                Column::push(&mut f.numbers, std::iter::empty().collect());
                f.order.push(i as u32);
                Column::push(&mut f.name_codes, names);
            }
            let texts: Vec<Arc<str>> = ["", "a", "b", "c"].map(Arc::from).into();
            let whole = sorted(summary_in_pieces(&f, 7, &texts, rows.len()));
            if rows.iter().any(|r| r.0 != 0 && !r.2.contains(&0)) {
                prop_assert!(!whole.is_empty(), "a named agent row names its agent");
            }
            prop_assert_eq!(sorted(summary_in_pieces(&f, 7, &texts, piece)), whole);
        }
    }
}
