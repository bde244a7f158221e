//! §2.7 current names and §2.6 translations. Each batch keeps a small
//! summary (the best name per (kind, id) among its rows); a snapshot merges
//! the summaries and the upsert rows, so a load or a retraction never
//! rescans the facts.

use crate::load::Cell;
use crate::model::Millis;
use crate::schema::{name_sources, NameKind, Table, TRANSLATABLE};
use ahash::AHashMap;
use std::sync::Arc;

/// A name candidate: the row's changeTimestamp and ingestion order decide.
#[derive(Debug, Clone)]
pub(crate) struct NameSlot {
    pub(crate) ts: Millis,
    pub(crate) seq: u64,
    pub(crate) text: Arc<str>,
}

impl NameSlot {
    fn beats(&self, other: &NameSlot) -> bool {
        (self.ts, self.seq) >= (other.ts, other.seq)
    }
}

/// Ids per chunk of [`Names`].
const CHUNK: usize = 256;

/// One chunk of a kind's slots: ids `k * CHUNK ..` of chunk `k`.
type Chunk = Arc<Vec<Option<NameSlot>>>;

/// Current names per kind, indexed by id code, in shared chunks: a
/// snapshot's write that brings a winning name copies the chunk it
/// changes, not every name (ids of every kind share one numbering, so a
/// kind's codes run as far as there are ids; a chunk nobody named is
/// left out).
#[derive(Default, Clone)]
pub(crate) struct Names {
    by_kind: [Vec<Option<Chunk>>; NameKind::COUNT],
}

impl Names {
    /// The current name of `code` as `kind`.
    pub(crate) fn get(&self, kind: NameKind, code: u32) -> Option<&str> {
        let (k, i) = (code as usize / CHUNK, code as usize % CHUNK);
        let chunk = self.by_kind[kind.index()].get(k)?.as_ref()?;
        chunk.get(i)?.as_ref().map(|s| &*s.text)
    }

    /// Offers a candidate: it wins over an older (or earlier-ingested) one.
    pub(crate) fn offer(&mut self, kind: NameKind, code: u32, slot: &NameSlot) {
        let (k, i) = (code as usize / CHUNK, code as usize % CHUNK);
        let chunks = &mut self.by_kind[kind.index()];
        if chunks.len() <= k {
            chunks.resize(k + 1, None);
        }
        let chunk = chunks[k].get_or_insert_with(|| Arc::new(vec![None; CHUNK]));
        // A losing candidate copies nothing.
        if chunk[i].as_ref().is_none_or(|c| slot.beats(c)) {
            Arc::make_mut(chunk)[i] = Some(slot.clone());
        }
    }

    /// Every current name as ((kind, code), slot), in that order.
    fn entries(&self) -> impl Iterator<Item = ((usize, usize), &NameSlot)> {
        (self.by_kind.iter().enumerate()).flat_map(|(kind, chunks)| {
            (chunks.iter().enumerate())
                .filter_map(|(k, c)| c.as_ref().map(|c| (k, c)))
                .flat_map(move |(k, c)| {
                    (c.iter().enumerate()).filter_map(move |(i, s)| s.as_ref().map(|s| ((kind, k * CHUNK + i), s)))
                })
        })
    }
}

/// The names themselves, however they are chunked.
impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

/// Original text → translated text.
type TextMap = AHashMap<Box<str>, Box<str>>;

/// Translations: (language, field) → original text → translated text.
#[derive(Debug, Default, Clone)]
pub(crate) struct Translations {
    pub(super) map: AHashMap<(Box<str>, u8), TextMap>,
}

impl Translations {
    /// The translation of `value` as `field` into `language`.
    pub(crate) fn get(&self, language: &str, field: &str, value: &str) -> Option<&str> {
        let f = TRANSLATABLE.iter().position(|t| *t == field)? as u8;
        self.map.get(&(language.into(), f))?.get(value).map(|s| &**s)
    }

    /// Adds one translations row (language, field, value, text).
    pub(crate) fn add(&mut self, cells: &[Cell]) {
        let (Some(lang), Some(field), Some(value), Some(text)) = (
            cells.first().and_then(Cell::text),
            cells.get(1).and_then(Cell::text),
            cells.get(2).and_then(Cell::text),
            cells.get(3).and_then(Cell::text),
        ) else {
            return;
        };
        let Some(f) = TRANSLATABLE.iter().position(|t| *t == field) else {
            return; // the loader admits only translatable fields
        };
        self.map
            .entry((lang.into(), f as u8))
            .or_default()
            .insert(value.into(), text.into());
    }
}

/// Per batch: the distinct name texts, and per row the code of each name
/// source's text (0 = absent), so a batch's §2.7 summary can be recomputed
/// after rows are dropped (retention).
#[derive(Default)]
pub(crate) struct NameTexts {
    pub(crate) texts: Vec<Arc<str>>,
    index: AHashMap<Arc<str>, u32>,
    /// The text column of each of the table's name sources, in source order.
    sources: Vec<usize>,
    /// Per name source, the code of the text its last row had: rows
    /// exported agent by agent repeat it (the generated interval rows do
    /// two times out of three or more), and comparing it is a fraction of
    /// a lookup.
    last: [u32; 4],
}

impl NameTexts {
    pub(crate) fn new(table: Table) -> Self {
        NameTexts {
            texts: vec![Arc::from("")],
            index: AHashMap::new(),
            sources: name_sources(table).filter_map(|s| s.text.input_index()).collect(),
            last: [0; 4],
        }
    }

    /// The name codes of one row (interning new texts).
    pub(crate) fn row<R: crate::load::InputRow + ?Sized>(&mut self, cells: &R) -> [u32; 4] {
        let mut out = [0u32; 4];
        let n = self.sources.len();
        for (k, o) in out.iter_mut().enumerate().take(n) {
            let col = self.sources[k];
            if let Some(text) = cells.text(col) {
                let last = self.last[k];
                let repeated = last != 0 && self.texts.get(last as usize).is_some_and(|t| &**t == text);
                *o = match repeated {
                    true => last,
                    false => self.intern(text),
                };
                self.last[k] = *o;
            }
        }
        out
    }

    /// The code of `text`, given one if new. Kept out of line: it is the
    /// rarer path of [`NameTexts::row`], which the rows' ingest inlines.
    #[inline(never)]
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        match self.index.get(text) {
            Some(&c) => c,
            None => {
                let t: Arc<str> = Arc::from(text);
                let c = self.texts.len() as u32;
                self.texts.push(t.clone());
                self.index.insert(t, c);
                c
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{NameSlot, Names, CHUNK};
    use crate::schema::NameKind;
    use std::sync::Arc;

    fn slot(ts: i64, text: &str) -> NameSlot {
        NameSlot {
            ts,
            seq: 0,
            text: text.into(),
        }
    }

    /// A winning name copies its own chunk only: the names before the
    /// write keep theirs, and every other chunk stays shared. A losing
    /// one copies nothing.
    #[test]
    fn a_new_name_copies_one_chunk() {
        let (q, far) = (NameKind::QueueName, 10 * CHUNK as u32 + 3);
        let mut before = Names::default();
        before.offer(q, 1, &slot(1, "Sales"));
        before.offer(q, far, &slot(1, "Support"));
        let mut after = before.clone();
        after.offer(q, 1, &slot(2, "Sales FI"));
        after.offer(q, far, &slot(0, "older"));
        assert_eq!((before.get(q, 1), after.get(q, 1)), (Some("Sales"), Some("Sales FI")));
        assert_eq!(after.get(q, far), Some("Support"));
        assert_eq!(after.get(q, 2), None);
        assert_eq!(after.get(NameKind::UserName, 1), None);
        let chunk = |n: &Names, code: u32| n.by_kind[q.index()][code as usize / CHUNK].clone();
        let shared =
            |code| matches!((chunk(&before, code), chunk(&after, code)), (Some(a), Some(b)) if Arc::ptr_eq(&a, &b));
        assert!(!shared(1));
        assert!(shared(far));
        // Unnamed chunks between the two are not made.
        assert!(chunk(&after, CHUNK as u32).is_none());
    }

    proptest::proptest! {
        /// Rows' name codes, repeats taken from the last row's, are the
        /// codes interning each text in turn gives: one code per distinct
        /// text, in first-seen order (an empty text included, which is not
        /// the absent code 0).
        #[test]
        fn row_codes_are_interned_codes(rows in proptest::collection::vec(proptest::collection::vec(0usize..5, 4), 1..40)) {
            use crate::load::Cell;
            use crate::schema::{IntervalCol, Table};
            let texts = ["", "Ann", "Bo", "Ann ", "Åsa"];
            let sources = [IntervalCol::UserName, IntervalCol::ProfileName, IntervalCol::ProfileReason, IntervalCol::CampaignName];
            let mut names = super::NameTexts::new(Table::AgentIntervals);
            let mut seen: Vec<&str> = vec![];
            for picks in &rows {
                let mut cells = vec![Cell::Absent; Table::AgentIntervals.columns().len()];
                for (col, &p) in sources.iter().zip(picks) {
                    cells[col.index()] = Cell::Text(texts[p].into());
                }
                let codes = names.row(cells.as_slice());
                for (k, &p) in picks.iter().enumerate() {
                    let code = match seen.iter().position(|&t| t == texts[p]) {
                        Some(at) => at + 1,
                        None => { seen.push(texts[p]); seen.len() }
                    };
                    proptest::prop_assert_eq!(codes[k] as usize, code);
                    proptest::prop_assert_eq!(&*names.texts[code], texts[p]);
                }
            }
        }
    }
}
