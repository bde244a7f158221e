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

/// Current names per kind, indexed by id code.
#[derive(Debug, Default, Clone)]
pub(crate) struct Names {
    by_kind: [Vec<Option<NameSlot>>; NameKind::COUNT],
}

impl Names {
    /// The current name of `code` as `kind`.
    pub(crate) fn get(&self, kind: NameKind, code: u32) -> Option<&str> {
        self.by_kind[kind.index()]
            .get(code as usize)
            .and_then(|s| s.as_ref())
            .map(|s| &*s.text)
    }

    /// Offers a candidate: it wins over an older (or earlier-ingested) one.
    pub(crate) fn offer(&mut self, kind: NameKind, code: u32, slot: &NameSlot) {
        let v = &mut self.by_kind[kind.index()];
        if v.len() <= code as usize {
            v.resize(code as usize + 1, None);
        }
        let cur = &mut v[code as usize];
        if cur.as_ref().is_none_or(|c| slot.beats(c)) {
            *cur = Some(slot.clone());
        }
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
}

impl NameTexts {
    pub(crate) fn new(table: Table) -> Self {
        NameTexts {
            texts: vec![Arc::from("")],
            index: AHashMap::new(),
            sources: name_sources(table).filter_map(|s| s.text.input_index()).collect(),
        }
    }

    /// The name codes of one row (interning new texts).
    pub(crate) fn row<R: crate::load::InputRow + ?Sized>(&mut self, cells: &R) -> [u32; 4] {
        let mut out = [0u32; 4];
        let n = self.sources.len();
        for (k, o) in out.iter_mut().enumerate().take(n) {
            let col = self.sources[k];
            if let Some(text) = cells.text(col) {
                *o = self.intern(text);
            }
        }
        out
    }

    /// The code of `text`, given one if new.
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
