//! A fact table's stored form, declared once per table by [`fact_table!`]:
//! every column with its type and where its value comes from. The macro
//! makes the struct, the per-row ingest (`push_row`) and the column list
//! (`columns_mut`) that time sorting, retention and length checks iterate,
//! so adding a column is one line and no column can be left out of a
//! permutation.

use super::column::AnyColumn;
use super::dict::IdDict;
use super::names::NameTexts;
use crate::load::Cell;
use crate::model::{Guid, Millis};
use crate::schema::ColumnId;

/// One input row being ingested, with what its column sources need.
pub(crate) struct Ingest<'a> {
    /// The row's cells, in the table's column order.
    pub(crate) cells: &'a [Cell],
    /// The row's position in its batch.
    pub(crate) index: u32,
    pub(crate) ids: &'a mut IdDict,
    pub(crate) names: &'a mut NameTexts,
}

impl Ingest<'_> {
    /// The code of the id in `col` (0 when absent).
    pub(crate) fn code(&mut self, col: ColumnId) -> u32 {
        match self.guid(col) {
            Some(g) => self.ids.intern(g),
            None => super::dict::NONE,
        }
    }
    /// The GUID in `col`.
    pub(crate) fn guid(&self, col: ColumnId) -> Option<Guid> {
        col.input_index().and_then(|i| self.cells.get(i)).and_then(Cell::guid)
    }
    /// A timestamp column, input or derived (`Millis::MIN` when absent).
    pub(crate) fn time(&self, col: ColumnId) -> Millis {
        super::derive::time_of(self.cells, col)
    }
    /// The flag word: bit i is the boolean column `cols[i]`.
    pub(crate) fn flags(&self, cols: &[ColumnId]) -> u32 {
        cols.iter()
            .enumerate()
            .filter(|(_, &c)| super::derive::bool_of(self.cells, c))
            .fold(0, |b, (i, _)| b | 1 << i)
    }
    /// The number columns `cols`, input or derived.
    pub(crate) fn numbers(&self, cols: &[ColumnId]) -> super::column::NumberRow {
        cols.iter().map(|&c| super::derive::number_of(self.cells, c)).collect()
    }
    /// The enum index in `col`.
    pub(crate) fn enum_index(&self, col: ColumnId) -> Option<u8> {
        col.input_index()
            .and_then(|i| self.cells.get(i))
            .and_then(Cell::enum_index)
    }
    /// The batch text codes of the table's name sources.
    pub(crate) fn name_codes(&mut self) -> [u32; 4] {
        self.names.row(self.cells)
    }
}

/// Declares a fact table's stored columns (see the module docs).
macro_rules! fact_table {
    ($(#[$doc:meta])* $name:ident |$r:ident| {
        $($(#[$fdoc:meta])* $field:ident : $ty:ty = $src:expr;)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone)]
        pub(crate) struct $name {
            $($(#[$fdoc])* pub(crate) $field: $ty,)*
            /// Per block of [`BLOCK`](super::column::BLOCK) rows: (min, max) of the two time keys.
            pub(crate) blocks: Vec<[crate::model::Millis; 4]>,
            /// The distinct id codes of each code column in this batch (sorted).
            pub(crate) distinct: [Vec<u32>; 3],
        }

        impl $name {
            /// Appends one input row: each column takes its declared source.
            #[allow(unused_mut)]
            pub(crate) fn push_row(&mut self, $r: &mut $crate::store::fact::Ingest<'_>) {
                $(super::column::Column::push(&mut self.$field, $src);)*
            }

            /// THE column list.
            pub(crate) fn columns_mut(&mut self) -> Vec<(&'static str, &mut dyn super::column::AnyColumn)> {
                vec![$((stringify!($field), &mut self.$field as &mut dyn super::column::AnyColumn)),*]
            }
        }
    };
}
pub(crate) use fact_table;

/// Every column has one value per row (a broken ingest is a bug, not a silent misalignment).
pub(crate) fn check_lengths(columns: &[(&'static str, &mut dyn AnyColumn)]) -> crate::error::Result<usize> {
    let n = columns.first().map_or(0, |(_, c)| c.len());
    match columns.iter().find(|(_, c)| c.len() != n) {
        Some((name, c)) => Err(crate::error::Error::internal(crate::messages::misaligned_column(
            name,
            c.len(),
            n,
        ))),
        None => Ok(n),
    }
}

/// What the executor may read of a fact table, by typed column id. Absent
/// columns answer None, which the executor reports as an internal error
/// (the declaration test makes sure none is asked for).
pub(crate) trait Fact: Sync + Sized + 'static {
    /// The table stored.
    const TABLE: crate::schema::Table;
    /// The id columns stored as dictionary codes, in key-slot order.
    const CODE_COLUMNS: [ColumnId; 3];
    /// The two time keys whose per-block (min, max) are kept.
    const BLOCK_KEYS: [ColumnId; 2];
    /// The (channel, type) columns, when rows store a contact type (the
    /// channel follows from the type).
    const TYPE_COLUMNS: Option<(ColumnId, ColumnId)>;
    /// The column that identifies a stored row in output (contactId).
    const ROW_ID: Option<ColumnId>;
    /// Whether rows store a flag word ([`Fact::flags`]).
    const HAS_FLAGS: bool;

    /// This table's part of a batch.
    fn of(data: &super::BatchData) -> Option<&Self>;
    /// Rows.
    fn len(&self) -> usize;
    /// Per-block (min, max) of [`Fact::BLOCK_KEYS`].
    fn blocks(&self) -> &[[Millis; 4]];
    /// The distinct codes of code slot `slot`.
    fn distinct(&self, slot: usize) -> &[u32];
    /// The codes of code slot `slot`.
    fn codes(&self, slot: usize) -> &[u32];
    /// A stored timestamp column.
    fn time(&self, col: ColumnId) -> Option<&[Millis]>;
    /// Whether the number column is stored.
    fn has_number(col: ColumnId) -> bool;
    /// A stored number column.
    fn number(&self, col: ColumnId) -> Option<&super::column::NumCol>;
    /// Each row's ingestion position.
    fn order(&self) -> &[u32];
    /// changeTimestamp (§2.7 name summaries).
    fn change(&self) -> &[Millis];
    /// The batch text codes of the table's name sources.
    fn name_codes(&self) -> &[[u32; 4]];
    /// The contact type per row, if stored.
    fn types(&self) -> Option<&[u8]> {
        None
    }
    /// The flag word per row, if stored.
    fn flags(&self) -> Option<&[u32]> {
        None
    }
    /// The flag-word bit of a boolean column.
    fn flag_bit(_col: ColumnId) -> Option<u32> {
        None
    }
    /// The [`Fact::ROW_ID`] values.
    fn row_ids(&self) -> Option<&[Guid]> {
        None
    }
}
