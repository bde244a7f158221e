//! One input row as the store ingests it: each input column's value by
//! its index in the table's column list, asked for as the kind the column
//! holds. A loader's row is a slice of [`Cell`]s; a restore hands a view
//! over the columns it decoded instead, so that no cell — and no text
//! copy — is made per value (a 10M-row restore would make 300M).

use super::Cell;
use crate::error::Result;
use crate::model::{Guid, Millis};
use crate::schema::ColKind;

/// What takes each row of a restore: its batch id, its place in the batch
/// as ingested, and its values.
pub type TakeRestoredRow<'a> = dyn FnMut(u64, u32, &dyn InputRow) -> Result<()> + 'a;

/// A row of typed input values (see the module docs). Each accessor
/// answers None (0, false) when the column has no value in this row or
/// holds another kind.
pub trait InputRow {
    /// Whether input column `i` has a value.
    fn present(&self, i: usize) -> bool;
    /// The GUID in column `i`.
    fn guid(&self, i: usize) -> Option<Guid>;
    /// The text in column `i`.
    fn text(&self, i: usize) -> Option<&str>;
    /// The timestamp in column `i`.
    fn ts(&self, i: usize) -> Option<Millis>;
    /// The duration or count in column `i` (0 when absent).
    fn int(&self, i: usize) -> i64;
    /// The boolean in column `i`.
    fn bool(&self, i: usize) -> Option<bool>;
    /// The enum index in column `i`.
    fn enum_index(&self, i: usize) -> Option<u8>;
    /// The value of column `i`, of kind `kind`, as a cell of its own.
    fn cell(&self, i: usize, kind: ColKind) -> Cell {
        match kind {
            ColKind::Guid => self.guid(i).map_or(Cell::Absent, Cell::Guid),
            ColKind::Timestamp => self.ts(i).map_or(Cell::Absent, Cell::Ts),
            ColKind::Duration | ColKind::Count if self.present(i) => Cell::Int(self.int(i)),
            ColKind::Duration | ColKind::Count => Cell::Absent,
            ColKind::Bool => self.bool(i).map_or(Cell::Absent, Cell::Bool),
            ColKind::Enum(_) => self.enum_index(i).map_or(Cell::Absent, Cell::Enum),
            ColKind::Text | ColKind::Language | ColKind::TransField => {
                self.text(i).map_or(Cell::Absent, |t| Cell::Text(t.into()))
            }
        }
    }
}

impl InputRow for [Cell] {
    fn present(&self, i: usize) -> bool {
        !matches!(self.get(i), None | Some(Cell::Absent))
    }
    fn guid(&self, i: usize) -> Option<Guid> {
        self.get(i)?.guid()
    }
    fn text(&self, i: usize) -> Option<&str> {
        self.get(i)?.text()
    }
    fn ts(&self, i: usize) -> Option<Millis> {
        self.get(i)?.ts()
    }
    fn int(&self, i: usize) -> i64 {
        self.get(i).map_or(0, Cell::int)
    }
    fn bool(&self, i: usize) -> Option<bool> {
        match self.get(i)? {
            Cell::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn enum_index(&self, i: usize) -> Option<u8> {
        self.get(i)?.enum_index()
    }
}

/// A reference to a row is a row (so a slice of cells can be handed on
/// as `&dyn InputRow`).
impl<T: InputRow + ?Sized> InputRow for &T {
    fn present(&self, i: usize) -> bool {
        (**self).present(i)
    }
    fn guid(&self, i: usize) -> Option<Guid> {
        (**self).guid(i)
    }
    fn text(&self, i: usize) -> Option<&str> {
        (**self).text(i)
    }
    fn ts(&self, i: usize) -> Option<Millis> {
        (**self).ts(i)
    }
    fn int(&self, i: usize) -> i64 {
        (**self).int(i)
    }
    fn bool(&self, i: usize) -> Option<bool> {
        (**self).bool(i)
    }
    fn enum_index(&self, i: usize) -> Option<u8> {
        (**self).enum_index(i)
    }
}

/// Text columns a [`BorrowedRow`] holds aside at most.
pub(crate) const BORROWED_TEXTS: usize = 8;

/// A row whose text values stand aside, borrowed from the input: column
/// `i` with a slot (`slots[i] < BORROWED_TEXTS`) has its value in
/// `texts[slots[i]]` (its cell absent), every other column in `cells`.
pub(crate) struct BorrowedRow<'r> {
    pub(crate) cells: &'r [Cell],
    pub(crate) slots: &'r [u8],
    pub(crate) texts: &'r [Option<&'r str>; BORROWED_TEXTS],
}

impl BorrowedRow<'_> {
    /// Column `i`'s text aside: Some(value) when it has a slot.
    #[inline]
    fn aside(&self, i: usize) -> Option<Option<&str>> {
        let slot = *self.slots.get(i)? as usize;
        self.texts.get(slot).copied()
    }
}

impl InputRow for BorrowedRow<'_> {
    fn present(&self, i: usize) -> bool {
        match self.aside(i) {
            Some(text) => text.is_some(),
            None => self.cells.present(i),
        }
    }
    fn guid(&self, i: usize) -> Option<Guid> {
        self.cells.guid(i)
    }
    fn text(&self, i: usize) -> Option<&str> {
        match self.aside(i) {
            Some(text) => text,
            None => self.cells.text(i),
        }
    }
    fn ts(&self, i: usize) -> Option<Millis> {
        self.cells.ts(i)
    }
    fn int(&self, i: usize) -> i64 {
        self.cells.int(i)
    }
    fn bool(&self, i: usize) -> Option<bool> {
        self.cells.bool(i)
    }
    fn enum_index(&self, i: usize) -> Option<u8> {
        self.cells.enum_index(i)
    }
}
