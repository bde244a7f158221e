//! The id dictionary: GUID ↔ dense code. Codes never change once given, so
//! every batch of every snapshot shares one append-only dictionary.

use crate::model::Guid;
use ahash::AHashMap;

/// The code of an absent id.
pub(crate) const NONE: u32 = 0;

/// GUID ↔ dense code dictionary; code 0 is "absent".
#[derive(Clone, Debug)]
pub(crate) struct IdDict {
    guids: Vec<Guid>,
    index: AHashMap<Guid, u32>,
}

impl Default for IdDict {
    fn default() -> Self {
        IdDict {
            guids: vec![0],
            index: AHashMap::new(),
        }
    }
}

impl IdDict {
    /// The code of `g`, given one if new.
    pub(crate) fn intern(&mut self, g: Guid) -> u32 {
        if let Some(&c) = self.index.get(&g) {
            return c;
        }
        let c = self.guids.len() as u32;
        self.guids.push(g);
        self.index.insert(g, c);
        c
    }

    /// The code of `g`, if it has one.
    pub(crate) fn get(&self, g: Guid) -> Option<u32> {
        self.index.get(&g).copied()
    }

    /// The GUID of a code (None for [`NONE`] and codes never given).
    pub(crate) fn guid(&self, code: u32) -> Option<Guid> {
        (code != NONE).then(|| self.guids.get(code as usize).copied()).flatten()
    }

    /// Heap bytes: the GUIDs by code and the index (a GUID, a code and a
    /// control byte per slot).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.guids.capacity() * std::mem::size_of::<Guid>()
            + self.index.capacity() * (std::mem::size_of::<Guid>() + std::mem::size_of::<u32>() + 1)
    }

    /// Number of codes including the "absent" code 0.
    pub(crate) fn len(&self) -> usize {
        self.guids.len()
    }
}
