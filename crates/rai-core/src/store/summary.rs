//! A fact batch's §2.7 summary: the best name per (kind, id code) among
//! its rows, kept with the batch so that snapshots merge summaries instead
//! of rescanning facts.

use super::fact::Fact;
use super::names::NameSlot;
use crate::model::Millis;
use crate::schema::{name_sources, NameKind};
use ahash::AHashMap;
use std::sync::Arc;

/// A batch's §2.7 summary entry: (kind, id code, best candidate).
pub(crate) type NameEntry = (NameKind, u32, NameSlot);

/// The best name per (kind, id code) among a fact batch's rows.
pub(crate) fn summary<F: Fact>(f: &F, batch: u64, texts: &[Arc<str>]) -> Vec<NameEntry> {
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
    let mut best: AHashMap<(NameKind, u32), (Millis, u64, u32)> = AHashMap::new();
    for r in 0..f.len() {
        let row = codes.get(r);
        for (s, &(kind, ids)) in sources.iter().enumerate() {
            let (id, text) = (ids[r], row[s]);
            if id == super::dict::NONE || text == 0 {
                continue;
            }
            let seq = batch << 32 | order[r] as u64;
            let cand = (change[r], seq, text);
            match best.get_mut(&(kind, id)) {
                Some(cur) if (cand.0, cand.1) < (cur.0, cur.1) => {}
                Some(cur) => *cur = cand,
                None => {
                    best.insert((kind, id), cand);
                }
            }
        }
    }
    best.into_iter()
        .filter_map(|((k, c), (ts, seq, t))| {
            let text = texts.get(t as usize)?.clone();
            Some((k, c, NameSlot { ts, seq, text }))
        })
        .collect()
}
