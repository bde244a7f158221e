//! A fact table's stored form, declared once per table by [`fact_table!`]:
//! every column with its type and where its value comes from. The macro
//! makes the struct, the per-row ingest (`push_row`), a restore's runs
//! written by place (`windows`, `put_row`, from the same sources) and the
//! column list (`columns_mut`) that time sorting, retention and length
//! checks iterate, so adding a column is one line and no column can be
//! left out of a permutation or a restore.

use super::column::AnyColumn;
use super::dict::IdDict;
use super::names::NameTexts;
use crate::load::InputRow;
use crate::model::{Guid, Millis};
use crate::schema::ColumnId;

/// One input row being ingested, with what its column sources need.
pub(crate) struct Ingest<'a, R: InputRow + ?Sized> {
    /// The row's values, by the table's column order.
    pub(crate) cells: &'a R,
    /// The row's position in its batch.
    pub(crate) index: u32,
    pub(crate) ids: &'a mut IdDict,
    pub(crate) names: &'a mut NameTexts,
}

impl<R: InputRow + ?Sized> Ingest<'_, R> {
    /// The code of the id in `col` (0 when absent).
    pub(crate) fn code(&mut self, col: ColumnId) -> u32 {
        match self.guid(col) {
            Some(g) => self.ids.intern(g),
            None => super::dict::NONE,
        }
    }
    /// The GUID in `col`.
    pub(crate) fn guid(&self, col: ColumnId) -> Option<Guid> {
        col.input_index().and_then(|i| self.cells.guid(i))
    }
    /// A timestamp column, input or derived (`Millis::MIN` when absent).
    pub(crate) fn time(&self, col: ColumnId) -> Millis {
        super::derive::time_of(self.cells, col)
    }
    /// The flag word: bit i is the boolean column `cols[i]`. Always
    /// inlined: with the table's constant columns the definitions fold
    /// into straight code (out of line, asking them row by row cost some
    /// 900 instructions a contact row).
    #[inline(always)]
    pub(crate) fn flags(&self, cols: &[ColumnId]) -> u32 {
        cols.iter()
            .enumerate()
            .filter(|(_, &c)| super::derive::bool_of(self.cells, c))
            .fold(0, |b, (i, _)| b | 1 << i)
    }
    /// The number columns `cols`, input or derived.
    pub(crate) fn numbers(&self, cols: &[ColumnId]) -> super::column::NumberRow {
        super::column::NumberRow::from_each(cols, |c| super::derive::number_of(self.cells, c))
    }
    /// The enum index in `col`.
    pub(crate) fn enum_index(&self, col: ColumnId) -> Option<u8> {
        col.input_index().and_then(|i| self.cells.enum_index(i))
    }
    /// The batch text codes of the table's name sources.
    pub(crate) fn name_codes(&mut self) -> [u32; 4] {
        self.names.row(self.cells)
    }
}

/// Declares a fact table's stored columns (see the module docs). Every
/// fact table also gets the bookkeeping columns `order` (each row's
/// position in its batch as ingested, a tie-break) and `name_codes` (the
/// batch text codes of its §2.7 name sources), and the per-batch indexes
/// `blocks` and `distinct`.
macro_rules! fact_table {
    ($(#[$doc:meta])* $name:ident |$r:ident| {
        $($(#[$fdoc:meta])* $field:ident : $ty:ty = $src:expr;)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone)]
        pub(crate) struct $name {
            $($(#[$fdoc])* pub(crate) $field: $ty,)*
            /// Each row's position in its batch as ingested.
            pub(crate) order: Vec<u32>,
            /// Per row, the batch text code of each name source's text (0 = absent).
            pub(crate) name_codes: super::column::NameCodes,
            /// Per block of [`BLOCK`](super::column::BLOCK) rows: (min, max) of the two time keys.
            pub(crate) blocks: Vec<[crate::model::Millis; 4]>,
            /// The distinct id codes of each code column in this batch (sorted).
            pub(crate) distinct: [Vec<u32>; 3],
        }

        impl $crate::store::fact::Layout for $name {
            #[allow(unused_mut)]
            fn push_row<R: $crate::load::InputRow + ?Sized>(&mut self, $r: &mut $crate::store::fact::Ingest<'_, R>) {
                $(super::column::Column::push(&mut self.$field, $src);)*
                super::column::Column::push(&mut self.order, $r.index);
                super::column::Column::push(&mut self.name_codes, $r.name_codes());
            }

            fn columns_mut(&mut self) -> Vec<(&'static str, &mut dyn super::column::AnyColumn)> {
                vec![
                    $((stringify!($field), &mut self.$field as &mut dyn super::column::AnyColumn),)*
                    ("order", &mut self.order),
                    ("name_codes", &mut self.name_codes),
                ]
            }

            fn column_bytes(&self) -> Vec<(&'static str, usize)> {
                use super::column::Column;
                vec![
                    $((stringify!($field), self.$field.heap_bytes()),)*
                    ("order", self.order.heap_bytes()),
                    ("name_codes", self.name_codes.heap_bytes()),
                    ("indexes", self.blocks.heap_bytes() + self.distinct.iter().map(|d| d.heap_bytes()).sum::<usize>()),
                ]
            }

            fn blocks(&self) -> &[[crate::model::Millis; 4]] {
                &self.blocks
            }
            fn distinct(&self, slot: usize) -> &[u32] {
                self.distinct.get(slot).map_or(&[], |v| v.as_slice())
            }
            fn order(&self) -> &[u32] {
                &self.order
            }
            fn name_codes(&self) -> &super::column::NameCodes {
                &self.name_codes
            }
            fn set_index(&mut self, blocks: Vec<[crate::model::Millis; 4]>, distinct: [Vec<u32>; 3]) {
                self.blocks = blocks;
                self.distinct = distinct;
            }

            fn combine(parts: &[Self], perm: Option<&[u32]>) -> Self {
                use super::column::combine_job;
                let mut out = Self::default();
                let rows = parts.iter().map(|p| p.len()).sum();
                {
                    let Self { $($field,)* order, name_codes, .. } = &mut out;
                    let jobs = vec![
                        // The longest job (16 bytes a row, then packed) first.
                        combine_job(name_codes, parts, perm, |p: &Self| &p.name_codes),
                        $(combine_job($field, parts, perm, |p: &Self| &p.$field),)*
                        combine_job(order, parts, perm, |p: &Self| &p.order),
                    ];
                    super::column::run_jobs(jobs, rows);
                }
                out
            }

            fn bookkeeping_mut(&mut self) -> (&mut Vec<u32>, &mut super::column::NameCodes) {
                (&mut self.order, &mut self.name_codes)
            }

            type Window<'a> = RowWindow<'a>;
            type Spill = RowSpill;

            fn windows(&mut self, sizes: &[usize]) -> Vec<RowWindow<'_>> {
                use super::column::Column;
                $(let mut $field = self.$field.windows(sizes).into_iter();)*
                let mut order = self.order.windows(sizes).into_iter();
                let mut name_codes = self.name_codes.windows(sizes).into_iter();
                (0..sizes.len())
                    .map_while(|_| Some(RowWindow {
                        $($field: $field.next()?,)*
                        order: order.next()?,
                        name_codes: name_codes.next()?,
                    }))
                    .collect()
            }

            fn close(&mut self, starts: &[usize], mut spills: Vec<RowSpill>) {
                use super::column::Column;
                $(self.$field.close(starts, spills.iter_mut().map(|s| std::mem::take(&mut s.$field)).collect());)*
            }
        }

        /// A restore's run of rows of every column of this table (see
        /// [`Layout::windows`](super::fact::Layout::windows)).
        pub(crate) struct RowWindow<'a> {
            $($field: <$ty as super::column::Column>::Window<'a>,)*
            order: &'a mut [u32],
            name_codes: &'a mut [[u32; 4]],
        }

        /// What a [`RowWindow`]'s columns could not hold in place.
        #[derive(Default)]
        pub(crate) struct RowSpill {
            $($field: <$ty as super::column::Column>::Spill,)*
        }

        impl $crate::store::fact::PutRow for RowWindow<'_> {
            type Spill = RowSpill;
            #[allow(unused_mut)]
            fn put_row<R: $crate::load::InputRow + ?Sized>(&mut self, at: usize, $r: &mut $crate::store::fact::Ingest<'_, R>) {
                use super::column::Window;
                $(self.$field.put(at, $src);)*
                self.order.put(at, $r.index);
                self.name_codes.put(at, $r.name_codes());
            }
            fn into_spill(self) -> RowSpill {
                use super::column::Window;
                RowSpill { $($field: self.$field.into_spill(),)* }
            }
        }
    };
}
pub(crate) use fact_table;

/// What [`fact_table!`] makes of every fact table: its column list and
/// its bookkeeping, which sealing and retention below work through.
pub(crate) trait Layout {
    /// Appends one input row: each column takes its declared source.
    fn push_row<R: InputRow + ?Sized>(&mut self, r: &mut Ingest<'_, R>);
    /// THE column list.
    fn columns_mut(&mut self) -> Vec<(&'static str, &mut dyn AnyColumn)>;
    /// Each column's heap bytes (and the bookkeeping's), in list order.
    fn column_bytes(&self) -> Vec<(&'static str, usize)>;
    /// Per-block (min, max) of [`Fact::BLOCK_KEYS`].
    fn blocks(&self) -> &[[Millis; 4]];
    /// The distinct codes of code slot `slot`.
    fn distinct(&self, slot: usize) -> &[u32];
    /// Each row's ingestion position.
    fn order(&self) -> &[u32];
    /// The batch text codes of the table's name sources.
    fn name_codes(&self) -> &super::column::NameCodes;
    /// Replaces the per-batch indexes.
    fn set_index(&mut self, blocks: Vec<[Millis; 4]>, distinct: [Vec<u32>; 3]);
    /// The rows of `parts` of one batch (before sealing; their codes and
    /// bookkeeping already made the batch's own), one part after another,
    /// then, given `perm`, permuted; large ones column by column on the
    /// pool.
    fn combine(parts: &[Self], perm: Option<&[u32]>) -> Self
    where
        Self: Sized;
    /// The `order` and `name_codes` columns, to renumber a part's.
    fn bookkeeping_mut(&mut self) -> (&mut Vec<u32>, &mut super::column::NameCodes);

    /// A run of rows of every column, which a restore fills by place.
    type Window<'a>: PutRow<Spill = Self::Spill>
    where
        Self: 'a;
    /// What a run could not hold in place.
    type Spill: Send;
    /// Makes every column `sizes` rows long in all, zeroed, and cuts the
    /// table into one run per size, in order: a restore's parts fill their
    /// runs side by side, straight into the batch's final columns. The
    /// number group's width must be set first ([`Fact::size_numbers`]).
    fn windows(&mut self, sizes: &[usize]) -> Vec<Self::Window<'_>>;
    /// Takes back what the runs starting at rows `starts` spilled.
    fn close(&mut self, starts: &[usize], spills: Vec<Self::Spill>);
}

/// A run of rows of a fact table being restored ([`Layout::windows`]).
pub(crate) trait PutRow: Send {
    /// What the run could not hold in place.
    type Spill;
    /// Writes one input row at row `at` of the run: each column takes its
    /// declared source, as [`Layout::push_row`] appends it.
    fn put_row<R: InputRow + ?Sized>(&mut self, at: usize, r: &mut Ingest<'_, R>);
    /// Ends the run.
    fn into_spill(self) -> Self::Spill;
}

/// Completes a batch: rows in the order of the first block key (so a time
/// range touches few blocks; ties keep ingestion order), number columns
/// narrowed, block ranges and distinct codes built.
pub(crate) fn seal<F: Fact>(f: &mut F) -> crate::error::Result<()> {
    let perm = f.time(F::BLOCK_KEYS[0]).and_then(super::time_sort::sort_permutation);
    let cols = f.columns_mut();
    let rows = check_lengths(&cols)?;
    let perm = perm.as_deref();
    let jobs = (cols.into_iter())
        .map(|(_, col)| -> super::column::Job<'_> {
            Box::new(move || {
                if let Some(p) = perm {
                    col.permute(p);
                }
                col.seal();
            })
        })
        .collect();
    super::column::run_jobs(jobs, rows);
    reindex(f);
    Ok(())
}

/// Keeps the rows of `mask` (retention).
pub(crate) fn retain<F: Fact>(f: &mut F, mask: &[bool]) {
    for (_, col) in f.columns_mut().iter_mut() {
        col.keep(mask);
    }
    reindex(f);
}

/// Rebuilds the per-batch indexes (block ranges, distinct codes).
pub(crate) fn reindex<F: Fact>(f: &mut F) {
    let [a, b] = F::BLOCK_KEYS;
    let blocks = match (f.time(a), f.time(b)) {
        (Some(x), Some(y)) => super::column::blocks(x, y),
        _ => Vec::new(),
    };
    let distinct = [0, 1, 2].map(|s| super::column::distinct(f.codes(s)));
    f.set_index(blocks, distinct);
}

/// Every column has one value per row (a broken ingest is a bug, not a silent misalignment).
fn check_lengths(columns: &[(&'static str, &mut dyn AnyColumn)]) -> crate::error::Result<usize> {
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
pub(crate) trait Fact: Layout + Sync + Sized + 'static {
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
    /// The codes of code slot `slot`.
    fn codes(&self, slot: usize) -> &[u32];
    /// The codes of key slot `slot`, to renumber a part's.
    fn codes_mut(&mut self, slot: usize) -> &mut Vec<u32>;
    /// A stored timestamp column.
    fn time(&self, col: ColumnId) -> Option<&[Millis]>;
    /// The number columns stored side by side, in [`Fact::numbers`] order.
    fn number_columns() -> &'static [ColumnId];
    /// The stored number columns.
    fn numbers(&self) -> &super::column::Numbers;
    /// The stored number columns, to be sized ([`Fact::size_numbers`]).
    fn numbers_mut(&mut self) -> &mut super::column::Numbers;
    /// Gives the number group one column per [`Fact::number_columns`]
    /// before rows are written by place or reserved for (a group built by
    /// pushes makes its columns at the first row).
    fn size_numbers(&mut self) {
        (self.numbers_mut().0).resize_with(Self::number_columns().len(), Default::default);
    }
    /// Whether the number column is stored.
    fn has_number(col: ColumnId) -> bool {
        Self::number_columns().contains(&col)
    }
    /// A stored number column.
    fn number(&self, col: ColumnId) -> Option<&super::column::NumCol> {
        let i = Self::number_columns().iter().position(|&n| n == col)?;
        self.numbers().0.get(i)
    }
    /// The value of a stored timestamp or number column at row `r`.
    fn value_at(&self, col: ColumnId, r: usize) -> Option<i64> {
        match self.time(col) {
            Some(t) => t.get(r).copied(),
            None => Some(self.number(col)?.get(r)),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColKind;
    use crate::store::column::Column;
    use crate::store::{Contacts, Intervals};

    /// Each fact table's declared constants name columns it stores, so no
    /// executor or summary lookup of them can come back empty.
    fn check<F: Fact + Default>() {
        let f = F::default();
        assert!(F::number_columns().len() <= crate::store::column::MAX_NUMBERS);
        for key in F::BLOCK_KEYS.into_iter().chain(F::TABLE.change_timestamp()) {
            assert!(f.time(key).is_some(), "{key:?}");
        }
        for (slot, col) in F::CODE_COLUMNS.into_iter().enumerate() {
            assert_eq!(col.table(), F::TABLE);
            assert_eq!(col.input_kind(), Some(ColKind::Guid), "{col:?}");
            assert_eq!(f.codes(slot).len(), 0);
        }
        assert_eq!(F::TYPE_COLUMNS.is_some(), f.types().is_some());
        assert_eq!(F::HAS_FLAGS, f.flags().is_some());
        assert_eq!(F::ROW_ID.is_some(), f.row_ids().is_some());
        for (i, col) in F::TABLE.columns().iter().enumerate() {
            if col.kind.is_number() {
                let id = crate::schema::ColumnId::input(F::TABLE, i);
                assert!(id.is_some_and(F::has_number), "{}", col.name);
            }
        }
    }

    /// Number columns are built 32 bits wide and widened, exactly, at the
    /// first value that does not fit — pushed or in a part concatenated.
    #[test]
    fn number_columns_widen_exactly() {
        use crate::store::column::NumCol;
        let big = 5_000_000_000i64;
        let mut a = NumCol::default();
        [1i64, 2].into_iter().for_each(|v| Column::push(&mut a, v));
        assert!(matches!(a, NumCol::U32(_)));
        let mut b = NumCol::default();
        [3, big, 4].into_iter().for_each(|v| Column::push(&mut b, v));
        assert!(matches!(b, NumCol::I64(_)));
        let mut narrow = NumCol::default();
        Column::extend_from(&mut narrow, &[&a, &a]);
        assert!(matches!(narrow, NumCol::U32(_)));
        let mut all = NumCol::default();
        Column::extend_from(&mut all, &[&a, &b, &a]);
        Column::seal(&mut all);
        let got: Vec<i64> = (0..Column::len(&all)).map(|r| all.get(r)).collect();
        assert_eq!(got, [1, 2, 3, big, 4, 1, 2]);
        Column::seal(&mut narrow);
        assert!(matches!(narrow, NumCol::U32(ref v) if v.as_slice() == [1, 2, 1, 2]));
    }

    /// Column jobs run exactly once each, on the pool (a large batch) or
    /// on the caller's thread (a small one).
    #[test]
    fn column_jobs_run_once_either_way() {
        use crate::store::column::{run_jobs, Job, PARALLEL_ROWS};
        for rows in [10, PARALLEL_ROWS] {
            let mut done = [0u32; 20];
            let jobs: Vec<Job<'_>> = done
                .iter_mut()
                .map(|d| -> Job<'_> { Box::new(move || *d += 1) })
                .collect();
            run_jobs(jobs, rows);
            assert_eq!(done, [1; 20], "{rows} rows");
        }
    }

    /// Every number column of a row — input or derived, the last one
    /// included — is stored with its value by the row's ingest.
    #[test]
    fn every_number_column_keeps_its_value() {
        fn check_numbers<F: Fact + Default>() {
            use crate::load::Cell;
            let cols = F::TABLE.columns();
            let cells: Vec<Cell> = (0..cols.len())
                .map(|i| match cols[i].kind.is_number() {
                    true => Cell::Int(1000 + i as i64),
                    false => Cell::Absent,
                })
                .collect();
            let mut f = F::default();
            let (mut ids, mut names) = (IdDict::default(), NameTexts::new(F::TABLE));
            f.push_row(&mut Ingest {
                cells: cells.as_slice(),
                index: 0,
                ids: &mut ids,
                names: &mut names,
            });
            let stored = &f.numbers().0;
            assert_eq!(stored.len(), F::number_columns().len(), "{:?}", F::TABLE);
            for (c, &col) in stored.iter().zip(F::number_columns()) {
                assert_eq!(
                    c.get(0),
                    super::super::derive::number_of(cells.as_slice(), col),
                    "{col:?}"
                );
                assert!(c.get(0) > 0, "{col:?}");
            }
        }
        check_numbers::<Contacts>();
        check_numbers::<Intervals>();
    }

    #[test]
    fn fact_tables_store_what_they_declare() {
        check::<Contacts>();
        check::<Intervals>();
    }

    #[test]
    fn sealing_sorts_every_column_together() {
        let mut f = Intervals::default();
        for (i, t) in [30i64, 10, 20].into_iter().enumerate() {
            f.start.push(t * 900_000);
            f.user.push(i as u32 + 1);
            f.profile.push(0);
            f.campaign.push(0);
            f.change.push(t);
            Column::push(&mut f.numbers, [t, t + 1].into_iter().collect());
            f.order.push(i as u32);
            Column::push(&mut f.name_codes, [i as u32; 4]);
        }
        assert!(seal(&mut f).is_ok());
        assert_eq!(f.user, [2, 3, 1]);
        assert_eq!(f.change, [10, 20, 30]);
        assert_eq!(f.order, [1, 2, 0]);
        assert_eq!(f.name_codes.get(0), [1; 4]);
        assert_eq!(f.numbers.0[1].get(0), 11);
        assert_eq!(f.distinct[0], [1, 2, 3]);
        retain(&mut f, &[true, false, true]);
        assert_eq!(
            (f.user.as_slice(), f.order.as_slice()),
            ([2, 1].as_slice(), [1, 0].as_slice())
        );
        f.user.push(9);
        assert!(seal(&mut f).is_err(), "a column of another length is an internal error");
    }
}
