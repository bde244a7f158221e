//! Rows of input cells to and from Parquet, in SPEC §2's columns and
//! canonical forms, so that DuckDB, Polars, pyarrow and DataFusion read a
//! checkpoint as it is: GUIDs as 32 upper-case hex digits, timestamps as
//! UTC milliseconds, durations and counts as 64-bit integers, booleans,
//! enums and texts as strings. Two more columns keep what a restore
//! needs: `_batch` (the batch id) and `_row` (the row's place in its batch
//! as ingested). A checkpoint writes each batch's rows in stored order (by
//! the table's time key, ties by `_row`), so a restore sorts nothing.

use crate::messages;
use arrow_array::builder::{
    BooleanBuilder, Int64Builder, StringBuilder, TimestampMillisecondBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rai_core::{guid_string, parse_guid, Cell, ColKind, Error, Guid, InputRow, Millis, Result, Table, TakeRestoredRow};
use std::path::Path;
use std::sync::Arc;

/// The batch id column.
pub const BATCH: &str = "_batch";
/// The row-in-batch column.
pub const ROW: &str = "_row";

/// The Arrow schema of `table`'s files.
pub fn schema(table: Table) -> Arc<Schema> {
    let mut fields: Vec<Field> = table
        .columns()
        .iter()
        .map(|c| {
            let ty = match c.kind {
                ColKind::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                ColKind::Duration | ColKind::Count => DataType::Int64,
                ColKind::Bool => DataType::Boolean,
                _ => DataType::Utf8,
            };
            Field::new(c.name, ty, true)
        })
        .collect();
    fields.push(Field::new(BATCH, DataType::UInt64, false));
    fields.push(Field::new(ROW, DataType::UInt32, false));
    Arc::new(Schema::new(fields))
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::internal(messages::io(path, e))
}

/// Writes `rows` ((batch, row, cells)) of `table` to a new Parquet file at `path`, synced.
pub fn write(path: &Path, table: Table, rows: &[(u64, u32, &[Cell])]) -> Result<()> {
    let cols = table.columns();
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(cols.len() + 2);
    for (i, c) in cols.iter().enumerate() {
        let cell = |r: &(u64, u32, &[Cell])| r.2.get(i).unwrap_or(&Cell::Absent).clone();
        let array: ArrayRef = match c.kind {
            ColKind::Timestamp => {
                let mut b = TimestampMillisecondBuilder::with_capacity(rows.len()).with_timezone("UTC");
                rows.iter().for_each(|r| b.append_option(cell(r).ts()));
                Arc::new(b.finish())
            }
            ColKind::Duration | ColKind::Count => {
                let mut b = Int64Builder::with_capacity(rows.len());
                rows.iter().for_each(|r| match cell(r) {
                    Cell::Int(v) => b.append_value(v),
                    _ => b.append_null(),
                });
                Arc::new(b.finish())
            }
            ColKind::Bool => {
                let mut b = BooleanBuilder::with_capacity(rows.len());
                rows.iter().for_each(|r| match cell(r) {
                    Cell::Bool(v) => b.append_value(v),
                    _ => b.append_null(),
                });
                Arc::new(b.finish())
            }
            kind => {
                let mut b = StringBuilder::new();
                for r in rows {
                    match (kind, cell(r)) {
                        (_, Cell::Guid(g)) => b.append_value(guid_string(g)),
                        (_, Cell::Text(t)) => b.append_value(&*t),
                        (ColKind::Enum(values), Cell::Enum(e)) => b.append_option(values.get(e as usize).copied()),
                        _ => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
        };
        arrays.push(array);
    }
    let mut batch = UInt64Builder::with_capacity(rows.len());
    let mut row = UInt32Builder::with_capacity(rows.len());
    for r in rows {
        batch.append_value(r.0);
        row.append_value(r.1);
    }
    arrays.push(Arc::new(batch.finish()));
    arrays.push(Arc::new(row.finish()));
    let record = RecordBatch::try_new(schema(table), arrays).map_err(|e| io(path, e))?;
    let file = std::fs::File::create(path).map_err(|e| io(path, e))?;
    // LZ4 decodes faster than Snappy at about the same size, and a restore
    // is mostly decoding; every reader named in the README reads it.
    let props = WriterProperties::builder()
        .set_compression(Compression::LZ4_RAW)
        .build();
    let mut w = ArrowWriter::try_new(file, schema(table), Some(props)).map_err(|e| io(path, e))?;
    w.write(&record).map_err(|e| io(path, e))?;
    let file = w.into_inner().map_err(|e| io(path, e))?;
    file.sync_all().map_err(|e| io(path, e))
}

/// Writes batch `id` of `snap` to a new Parquet file at `path` (one file,
/// all days): what a checkpoint holds of it, for export and for tests.
pub fn write_batch(path: &Path, snap: &rai_core::Snapshot, id: u64) -> Result<()> {
    let table = snap
        .stored_batches()
        .into_iter()
        .find(|b| b.id == id)
        .map(|b| b.table)
        .ok_or_else(|| Error::new(rai_core::ErrorKind::NotFound, rai_core::messages::unknown_batch(id)))?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    snap.batch_rows(id, &mut |cells| {
        rows.push(cells.to_vec());
        Ok(())
    })?;
    let refs: Vec<(u64, u32, &[Cell])> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (id, i as u32, r.as_slice()))
        .collect();
    write(path, table, &refs)
}

/// Reads the rows ((batch, row, cells)) of `table` from the Parquet file at `path`.
pub fn read(path: &Path, table: Table) -> Result<Vec<(u64, u32, Vec<Cell>)>> {
    let mut out = Vec::new();
    let cols = table.columns();
    read_with(path, table, &mut |batch, row, values| {
        let cells = cols.iter().enumerate().map(|(i, c)| values.cell(i, c.kind)).collect();
        out.push((batch, row, cells));
        Ok(())
    })?;
    Ok(out)
}

/// One column of a record batch, its Arrow type checked and its values
/// checked to fit the table's column kind once per batch, not per cell:
/// GUIDs and enums parsed column by column, the values of a dictionary
/// once for all the batches that share it. Rows then read it in place.
enum Typed<'a> {
    Ts(&'a TimestampMillisecondArray),
    Int(&'a Int64Array),
    Bool(&'a BooleanArray),
    Guid(Vec<Option<Guid>>),
    Enum(Vec<Option<u8>>),
    Text(&'a StringArray),
    /// Dictionary keys and the cell of each distinct value.
    Dict(&'a Int32Array, Arc<Vec<Cell>>),
}

/// A dictionary's values and their cells, kept while record batches share it.
type Parsed = Option<(ArrayRef, Arc<Vec<Cell>>)>;

fn present<A: Array>(a: &A, r: usize) -> bool {
    a.nulls().is_none_or(|n| n.is_valid(r))
}

/// Each value of a string column parsed by `parse`; None when a value
/// does not parse (the file is not a checkpoint of this table).
fn parsed<T>(a: &StringArray, parse: impl Fn(&str) -> Option<T>) -> Option<Vec<Option<T>>> {
    (0..a.len())
        .map(|r| {
            if present(a, r) {
                parse(a.value(r)).map(Some)
            } else {
                Some(None)
            }
        })
        .collect()
}

impl Typed<'_> {
    /// The column `a` of kind `kind`, None when its type or a value does
    /// not fit; a dictionary's values are parsed once and kept in
    /// `parsed` for the next batches that share them.
    fn of<'a>(a: &'a ArrayRef, kind: ColKind, cache: &mut Parsed) -> Option<Typed<'a>> {
        let any = a.as_any();
        if let Some(d) = any.downcast_ref::<DictionaryArray<Int32Type>>() {
            let cells = match cache {
                Some((values, cells)) if Arc::ptr_eq(values, d.values()) => cells.clone(),
                _ => {
                    let values = [Typed::of(d.values(), kind, &mut None)?];
                    let cells: Arc<Vec<Cell>> = Arc::new(
                        (0..d.values().len())
                            .map(|r| RecordRow { columns: &values, r }.cell(0, kind))
                            .collect(),
                    );
                    *cache = Some((d.values().clone(), cells.clone()));
                    cells
                }
            };
            return d
                .keys()
                .iter()
                .flatten()
                .all(|k| usize::try_from(k).is_ok_and(|k| k < cells.len()))
                .then_some(Typed::Dict(d.keys(), cells));
        }
        Some(match kind {
            ColKind::Timestamp => Typed::Ts(any.downcast_ref()?),
            ColKind::Duration | ColKind::Count => Typed::Int(any.downcast_ref()?),
            ColKind::Bool => Typed::Bool(any.downcast_ref()?),
            ColKind::Guid => Typed::Guid(parsed(any.downcast_ref()?, parse_guid)?),
            ColKind::Enum(values) => Typed::Enum(parsed(any.downcast_ref()?, |s| {
                values.iter().position(|v| *v == s).map(|i| i as u8)
            })?),
            _ => Typed::Text(any.downcast_ref()?),
        })
    }

    /// A dictionary column's cell at row `r` (None when null).
    fn dict(&self, r: usize) -> Option<&Cell> {
        match self {
            Typed::Dict(keys, cells) if present(*keys, r) => cells.get(keys.value(r) as usize),
            _ => None,
        }
    }
}

/// Row `r` of a record batch, read in place from its typed columns.
struct RecordRow<'t, 'a> {
    columns: &'t [Typed<'a>],
    r: usize,
}

impl RecordRow<'_, '_> {
    fn column(&self, i: usize) -> Option<&Typed<'_>> {
        self.columns.get(i)
    }
}

impl InputRow for RecordRow<'_, '_> {
    fn present(&self, i: usize) -> bool {
        let r = self.r;
        match self.column(i) {
            Some(Typed::Ts(a)) => present(*a, r),
            Some(Typed::Int(a)) => present(*a, r),
            Some(Typed::Bool(a)) => present(*a, r),
            Some(Typed::Guid(v)) => v.get(r).is_some_and(Option::is_some),
            Some(Typed::Enum(v)) => v.get(r).is_some_and(Option::is_some),
            Some(Typed::Text(a)) => present(*a, r),
            Some(Typed::Dict(keys, _)) => present(*keys, r),
            None => false,
        }
    }
    fn guid(&self, i: usize) -> Option<Guid> {
        match self.column(i)? {
            Typed::Guid(v) => v.get(self.r).copied().flatten(),
            d => d.dict(self.r)?.guid(),
        }
    }
    fn text(&self, i: usize) -> Option<&str> {
        match self.column(i)? {
            Typed::Text(a) if present(*a, self.r) => Some(a.value(self.r)),
            d => d.dict(self.r)?.text(),
        }
    }
    fn ts(&self, i: usize) -> Option<Millis> {
        match self.column(i)? {
            Typed::Ts(a) if present(*a, self.r) => Some(a.value(self.r)),
            _ => None,
        }
    }
    fn int(&self, i: usize) -> i64 {
        match self.column(i) {
            Some(Typed::Int(a)) if present(*a, self.r) => a.value(self.r),
            _ => 0,
        }
    }
    fn bool(&self, i: usize) -> Option<bool> {
        match self.column(i)? {
            Typed::Bool(a) if present(*a, self.r) => Some(a.value(self.r)),
            _ => None,
        }
    }
    fn enum_index(&self, i: usize) -> Option<u8> {
        match self.column(i)? {
            Typed::Enum(v) => v.get(self.r).copied().flatten(),
            d => d.dict(self.r)?.enum_index(),
        }
    }
}

/// Text columns stored in fewer bytes than this per value are read as
/// dictionaries (ids, names and enums repeat; contactId does not).
const DICTIONARY_BELOW: i64 = 8;

/// A reader of the Parquet file at `path`: its text columns of few
/// distinct values (judged by the first row group's size per value) read
/// as dictionaries, the others as they are.
fn dictionary_reader(path: &Path) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
    let file = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let plain = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| io(path, e))?;
    let parquet = plain.metadata().clone();
    let first = parquet.row_groups().first();
    let fields: Vec<Field> = plain
        .schema()
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let repeats = first
                .and_then(|g| g.columns().get(i))
                .is_some_and(|c| c.num_values() > 0 && c.uncompressed_size() / c.num_values() < DICTIONARY_BELOW);
            if *f.data_type() == DataType::Utf8 && repeats {
                let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
                Field::new(f.name(), dict, f.is_nullable())
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    let options = ArrowReaderOptions::new().with_schema(Arc::new(Schema::new(fields)));
    let metadata = ArrowReaderMetadata::try_new(parquet, options).map_err(|e| io(path, e))?;
    ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
        .with_batch_size(8192)
        .build()
        .map_err(|e| io(path, e))
}

/// Hands each row of `table`'s Parquet file at `path` to `f` as (batch, row
/// in batch, its values read in place from the record batch's typed
/// columns), one record batch at a time (memory stays bounded).
pub fn read_with(path: &Path, table: Table, f: &mut TakeRestoredRow<'_>) -> Result<()> {
    let cols = table.columns();
    let reader = dictionary_reader(path)?;
    let mut parsed: Vec<Parsed> = vec![None; cols.len()];
    for record in reader {
        let record = record.map_err(|e| io(path, e))?;
        let column = |name: &str| {
            record
                .column_by_name(name)
                .ok_or_else(|| io(path, messages::missing_column(name)))
        };
        let batch = column(BATCH)?;
        let row = column(ROW)?;
        let (Some(batch), Some(row)) = (
            batch.as_any().downcast_ref::<UInt64Array>(),
            row.as_any().downcast_ref::<UInt32Array>(),
        ) else {
            return Err(io(path, messages::missing_column(BATCH)));
        };
        let columns: Vec<Typed<'_>> = cols
            .iter()
            .zip(parsed.iter_mut())
            .map(|(c, p)| {
                Typed::of(column(c.name)?, c.kind, p).ok_or_else(|| io(path, messages::missing_column(c.name)))
            })
            .collect::<Result<_>>()?;
        for r in 0..record.num_rows() {
            f(batch.value(r), row.value(r), &RecordRow { columns: &columns, r })?;
        }
    }
    Ok(())
}

/// A Parquet input of `table` (any subset of SPEC §2's columns, in any
/// order: GUIDs, texts and enums as strings; timestamps as Arrow
/// timestamps or RFC 3339 strings; durations and counts as integers;
/// booleans as booleans) turned into JSON Lines, one object per row, so
/// that the engine loads it with its own validation and `line N: field: …`
/// errors (line N = row N). Columns named with a leading `_` (a
/// checkpoint's `_batch` and `_row`) are left out, so checkpoint files load
/// back as they are.
pub fn to_json_lines(bytes: Vec<u8>) -> Result<Vec<u8>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
    };
    let bad = |e: &dyn std::fmt::Display| Error::data(messages::bad_parquet(e));
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
        .and_then(|b| b.build())
        .map_err(|e| bad(&e))?;
    let mut out = Vec::new();
    for record in reader {
        let record = record.map_err(|e| bad(&e))?;
        let schema = record.schema();
        let mut rows = vec![serde_json::Map::new(); record.num_rows()];
        for (field, a) in schema.fields().iter().zip(record.columns()) {
            if field.name().starts_with('_') {
                continue;
            }
            for (r, row) in rows.iter_mut().enumerate() {
                let v = if a.is_null(r) {
                    serde_json::Value::Null
                } else {
                    match a.data_type() {
                        DataType::Utf8 => a.as_string::<i32>().value(r).into(),
                        DataType::LargeUtf8 => a.as_string::<i64>().value(r).into(),
                        DataType::Utf8View => a.as_string_view().value(r).into(),
                        DataType::Boolean => a.as_boolean().value(r).into(),
                        DataType::Int8 => a.as_primitive::<Int8Type>().value(r).into(),
                        DataType::Int16 => a.as_primitive::<Int16Type>().value(r).into(),
                        DataType::Int32 => a.as_primitive::<Int32Type>().value(r).into(),
                        DataType::Int64 => a.as_primitive::<Int64Type>().value(r).into(),
                        DataType::UInt8 => a.as_primitive::<UInt8Type>().value(r).into(),
                        DataType::UInt16 => a.as_primitive::<UInt16Type>().value(r).into(),
                        DataType::UInt32 => a.as_primitive::<UInt32Type>().value(r).into(),
                        DataType::UInt64 => a.as_primitive::<UInt64Type>().value(r).into(),
                        DataType::Timestamp(unit, _) => {
                            let v = match unit {
                                TimeUnit::Second => {
                                    a.as_primitive::<arrow_array::types::TimestampSecondType>().value(r) * 1000
                                }
                                TimeUnit::Millisecond => a
                                    .as_primitive::<arrow_array::types::TimestampMillisecondType>()
                                    .value(r),
                                TimeUnit::Microsecond => a
                                    .as_primitive::<arrow_array::types::TimestampMicrosecondType>()
                                    .value(r)
                                    .div_euclid(1000),
                                TimeUnit::Nanosecond => a
                                    .as_primitive::<arrow_array::types::TimestampNanosecondType>()
                                    .value(r)
                                    .div_euclid(1_000_000),
                            };
                            rai_core::timestamp_string(v).into()
                        }
                        other => return Err(bad(&messages::unsupported_type(field.name(), other))),
                    }
                };
                row.insert(field.name().clone(), v);
            }
        }
        for row in rows {
            serde_json::to_writer(&mut out, &row).map_err(|e| bad(&e))?;
            out.push(b'\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A row's cells read back through the in-place view, column by
    /// column, as the column's kind asks for them.
    fn through_view(table: Table, row: &dyn InputRow) -> Vec<Cell> {
        table
            .columns()
            .iter()
            .enumerate()
            .map(|(i, c)| row.cell(i, c.kind))
            .collect()
    }

    /// A cell of `kind` drawn from `pick` (0 = absent); few distinct texts
    /// and ids so that some columns come back as dictionaries.
    fn cell(kind: ColKind, pick: u64, row: usize) -> Cell {
        if pick.is_multiple_of(5) {
            return Cell::Absent;
        }
        match kind {
            ColKind::Guid if pick % 7 == 1 => Cell::Guid(row as u128 + 1),
            ColKind::Guid => Cell::Guid(u128::from(pick % 3) << 64 | 9),
            ColKind::Timestamp => Cell::Ts(pick as i64 * 60_000),
            // Beyond 32 bits now and then: the column is widened.
            ColKind::Duration | ColKind::Count => Cell::Int(if pick % 11 == 3 {
                5_000_000_000
            } else {
                pick as i64 % 900
            }),
            ColKind::Bool => Cell::Bool(pick.is_multiple_of(2)),
            ColKind::Enum(values) => Cell::Enum((pick % values.len() as u64) as u8),
            _ if pick % 7 == 2 => Cell::Text(format!("a longer, unique text for row {row}").into()),
            _ => Cell::Text(["Sales", "Fox, John", "Åsa", ""][(pick % 4) as usize].into()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// What a restore reads in place (typed columns, dictionaries, GUIDs
        /// and enums parsed per batch) is what was written, for every
        /// column of both fact tables, and what the cell reader gives.
        #[test]
        fn the_in_place_view_reads_back_what_was_written(
            picks in prop::collection::vec(prop::collection::vec(any::<u64>(), 40), 1..300),
            intervals in any::<bool>(),
        ) {
            let table = if intervals { Table::AgentIntervals } else { Table::Contacts };
            let rows: Vec<Vec<Cell>> = picks
                .iter()
                .enumerate()
                .map(|(r, p)| table.columns().iter().zip(p.iter().cycle()).map(|(c, &x)| cell(c.kind, x, r)).collect())
                .collect();
            let path = std::env::temp_dir().join(format!("rai-view-{}-{}.parquet", std::process::id(), rows.len()));
            let refs: Vec<(u64, u32, &[Cell])> =
                rows.iter().enumerate().map(|(r, cells)| (7, r as u32, cells.as_slice())).collect();
            write(&path, table, &refs)?;
            let mut viewed = Vec::new();
            read_with(&path, table, &mut |batch, row, values| {
                viewed.push((batch, row, through_view(table, values)));
                Ok(())
            })?;
            let cells = read(&path, table)?;
            let _ = std::fs::remove_file(&path);
            let written: Vec<(u64, u32, Vec<Cell>)> =
                rows.into_iter().enumerate().map(|(r, c)| (7, r as u32, c)).collect();
            prop_assert_eq!(&viewed, &written);
            prop_assert_eq!(&cells, &written);
        }
    }
}
