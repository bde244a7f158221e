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

/// A name candidate: (changeTimestamp, seq, text code).
type Candidate = (Millis, u64, u32);

/// The best candidate so far per (kind, id code).
type Best = AHashMap<(NameKind, u32), Candidate>;

/// Rows per piece of a large batch's summary, each found on the pool (a
/// batch of at most this many is summarised in one pass).
const PIECE_ROWS: usize = super::column::PARALLEL_ROWS;

/// The best name per (kind, id code) among a fact batch's rows. A large
/// batch is summarised in pieces on the pool, whose bests are merged (the
/// later candidate by changeTimestamp, then ingestion order, wins either
/// way; no two rows tie, their seq differs).
pub(crate) fn summary<F: Fact + Sync>(f: &F, batch: u64, texts: &[Arc<str>]) -> Vec<NameEntry> {
    summary_in_pieces(f, batch, texts, PIECE_ROWS, None)
}

/// [`summary`] with the batch cut in pieces of `piece` rows (at least 1)
/// when it has more; `table` Some: candidates in a table (or not)
/// whatever the ids' count.
fn summary_in_pieces<F: Fact + Sync>(
    f: &F,
    batch: u64,
    texts: &[Arc<str>],
    piece: usize,
    table: Option<bool>,
) -> Vec<NameEntry> {
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
    // Few ids against the rows (and one source per kind): candidates go
    // to a table indexed by source and id code instead of a map.
    let width = (sources.iter())
        .filter_map(|(_, ids)| ids.iter().copied().max())
        .max()
        .map_or(0, |m| m as usize + 1);
    let distinct_kinds = (sources.iter().enumerate()).all(|(i, a)| sources[..i].iter().all(|b| b.0 != a.0));
    let dense = distinct_kinds && table.unwrap_or(width * sources.len() <= piece.min(f.len()));
    let new_board = || match dense {
        true => Board::Dense(vec![NO_CANDIDATE; width * sources.len()]),
        false => Board::Sparse(Best::new()),
    };
    let best_of = |rows: std::ops::Range<usize>| {
        let mut board = new_board();
        for r in rows {
            let row = codes.get(r);
            for (s, &(kind, ids)) in sources.iter().enumerate() {
                let (id, text) = (ids[r], row[s]);
                if id == super::dict::NONE || text == 0 {
                    continue;
                }
                let cand = (change[r], batch << 32 | order[r] as u64, text);
                match &mut board {
                    Board::Dense(cells) => offer_cell(&mut cells[s * width + id as usize], cand),
                    Board::Sparse(best) => offer(best, (kind, id), cand),
                }
            }
        }
        board
    };
    let board = if f.len() > piece {
        (0..f.len().div_ceil(piece))
            .into_par_iter()
            .map(|k| best_of(k * piece..((k + 1) * piece).min(f.len())))
            .reduce(new_board, Board::merge)
    } else {
        best_of(0..f.len())
    };
    let entries: Vec<((NameKind, u32), Candidate)> = match board {
        Board::Sparse(best) => best.into_iter().collect(),
        Board::Dense(cells) => (cells.into_iter().enumerate())
            .filter(|(_, cand)| cand.2 != 0)
            .filter_map(|(i, cand)| Some(((sources.get(i / width.max(1))?.0, (i % width.max(1)) as u32), cand)))
            .collect(),
    };
    entries
        .into_iter()
        .filter_map(|((k, c), (ts, seq, t))| {
            let text = texts.get(t as usize)?.clone();
            Some((k, c, NameSlot { ts, seq, text }))
        })
        .collect()
}

/// A table cell without a candidate (text code 0 is no text).
const NO_CANDIDATE: Candidate = (Millis::MIN, 0, 0);

/// The best candidates so far: a table by source and id code (source
/// `s`, code `c` at `s * width + c`), or a map by (kind, id code).
enum Board {
    Dense(Vec<Candidate>),
    Sparse(Best),
}

impl Board {
    /// Both boards' best candidates (boards of one summary are alike).
    fn merge(self, other: Board) -> Board {
        match (self, other) {
            (Board::Dense(mut a), Board::Dense(b)) => {
                a.iter_mut().zip(b).for_each(|(cur, cand)| offer_cell(cur, cand));
                Board::Dense(a)
            }
            (Board::Sparse(mut a), Board::Sparse(b)) => {
                b.into_iter().for_each(|(key, cand)| offer(&mut a, key, cand));
                Board::Sparse(a)
            }
            (a, _) => a,
        }
    }
}

/// Offers a candidate to a table cell: it wins over none, and over one
/// with an earlier (changeTimestamp, seq).
#[inline]
fn offer_cell(cur: &mut Candidate, cand: Candidate) {
    if cand.2 != 0 && (cur.2 == 0 || (cand.0, cand.1) >= (cur.0, cur.1)) {
        *cur = cand;
    }
}

/// Offers a candidate for `key`: it wins over one with an earlier
/// (changeTimestamp, seq).
#[inline]
fn offer(best: &mut Best, key: (NameKind, u32), cand: Candidate) {
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
        /// (changeTimestamp, ingestion order), whatever piece it lies in,
        /// and whether candidates go to a table by id code or to a map.
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
            let whole = sorted(summary_in_pieces(&f, 7, &texts, rows.len(), Some(false)));
            if rows.iter().any(|r| r.0 != 0 && !r.2.contains(&0)) {
                prop_assert!(!whole.is_empty(), "a named agent row names its agent");
            }
            for table in [None, Some(false), Some(true)] {
                prop_assert_eq!(sorted(summary_in_pieces(&f, 7, &texts, piece, table)), whole.clone(), "{:?}", table);
            }
        }
    }
}
