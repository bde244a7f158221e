//! The list of a snapshot's batches, in load order.
//!
//! Every write makes a new snapshot from the current one under the writer
//! lock, so the list is copied once per write. A plain `Vec<Arc<Batch>>`
//! made that copy cost one reference-count increment per stored batch (and
//! one decrement when the old snapshot went): with 10,000 batches stored,
//! the serialized part of each POST grew to a fifth of the ingest's CPU, and
//! it kept growing with every batch. Here the list is cut into shared chunks
//! of [`CHUNK`] batches: a copy shares every chunk, and an append copies at
//! most the last one, so a write costs about `len / CHUNK + CHUNK` increments
//! (a few hundred at 100,000 batches) instead of `len`.

use super::batch::Batch;
use std::sync::Arc;

/// Batches per chunk (a power of two: an index splits by shift and mask).
const CHUNK: usize = 128;

/// An append-mostly list of batches that shares its chunks between copies.
/// Invariant: every chunk but the last holds exactly [`CHUNK`] batches, and
/// the last holds at least one.
#[derive(Clone, Default)]
pub(crate) struct BatchList {
    chunks: Vec<Arc<Vec<Arc<Batch>>>>,
}

/// The batches of a [`BatchList`] in load order.
pub(crate) type Iter<'a> = std::iter::FlatMap<
    std::slice::Iter<'a, Arc<Vec<Arc<Batch>>>>,
    std::slice::Iter<'a, Arc<Batch>>,
    fn(&'a Arc<Vec<Arc<Batch>>>) -> std::slice::Iter<'a, Arc<Batch>>,
>;

impl BatchList {
    /// Number of batches (every chunk but the last is full).
    pub(crate) fn len(&self) -> usize {
        self.chunks
            .last()
            .map_or(0, |last| (self.chunks.len() - 1) * CHUNK + last.len())
    }

    /// Batch number `i` in load order.
    pub(crate) fn get(&self, i: usize) -> Option<&Arc<Batch>> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    /// The newest batch.
    #[cfg(test)]
    pub(crate) fn last(&self) -> Option<&Arc<Batch>> {
        self.chunks.last()?.last()
    }

    /// The batches in load order.
    pub(crate) fn iter(&self) -> Iter<'_> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Appends a batch; copies at most the last chunk (when another copy of
    /// the list shares it).
    pub(crate) fn push(&mut self, batch: Arc<Batch>) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(batch),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(batch);
                self.chunks.push(Arc::new(chunk));
            }
        }
    }

    /// Removes batch number `pos` (a retraction: rare, and the snapshot
    /// revisits every batch after it anyway); the chunks before `pos`'s
    /// stay shared, the rest are cut again.
    pub(crate) fn remove(&mut self, pos: usize) {
        if pos >= self.len() {
            return;
        }
        let first = pos / CHUNK;
        let rest: Vec<Arc<Batch>> = self.chunks.drain(first..).flat_map(Arc::unwrap_or_clone).collect();
        (rest.into_iter().enumerate())
            .filter(|&(i, _)| first * CHUNK + i != pos)
            .for_each(|(_, b)| self.push(b));
    }
}

impl<'a> IntoIterator for &'a BatchList {
    type Item = &'a Arc<Batch>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl std::fmt::Debug for BatchList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::BatchData;
    use proptest::prelude::*;

    fn batch(id: u64) -> Arc<Batch> {
        Arc::new(Batch {
            id,
            data: BatchData::Events(Vec::new()),
            texts: Arc::default(),
            names: Vec::new(),
        })
    }

    fn ids(list: &BatchList) -> Vec<u64> {
        list.iter().map(|b| b.id).collect()
    }

    proptest! {
        /// Pushes and removals give what a plain vector gives, through every
        /// accessor, and a copy taken before them is left as it was.
        #[test]
        fn behaves_as_a_vector(ops in prop::collection::vec((0u8..8, 0usize..1000), 0..700)) {
            let (mut list, mut model) = (BatchList::default(), Vec::<u64>::new());
            let mut copies = Vec::new();
            // One removal in eight, so the list grows past several chunks.
            for (n, (op, at)) in ops.into_iter().enumerate() {
                if op == 0 && !model.is_empty() {
                    let pos = at % model.len();
                    model.remove(pos);
                    list.remove(pos);
                } else {
                    model.push(n as u64);
                    list.push(batch(n as u64));
                }
                if n % 97 == 0 {
                    copies.push((list.clone(), model.clone()));
                }
                prop_assert_eq!(list.len(), model.len());
                prop_assert_eq!(list.last().map(|b| b.id), model.last().copied());
            }
            prop_assert_eq!(ids(&list), model.clone());
            for (i, id) in model.iter().enumerate() {
                prop_assert_eq!(list.get(i).map(|b| b.id), Some(*id));
            }
            prop_assert!(list.get(model.len()).is_none());
            for (copy, then) in copies {
                prop_assert_eq!(ids(&copy), then);
            }
        }
    }
}
