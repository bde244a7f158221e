//! CSV batches: a header row naming columns, then one record per row; an
//! empty cell is absent.

use super::cell::{bad_bytes, check_required, csv_cell};
use super::{Cell, RowSink};
use crate::error::{Error, Result};
use crate::messages;
use crate::schema::Table;

fn reader<R: std::io::Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input)
}

fn csv_err(line: usize, e: csv::Error) -> Error {
    Error::data_at(line, None, None, messages::invalid_csv(line, e))
}

pub(super) fn read_csv(table: Table, input: impl std::io::Read, sink: &mut dyn RowSink) -> Result<usize> {
    let mut rdr = reader(input);
    match header(table, &mut rdr)? {
        Some(map) => records(table, &map, &mut rdr, 2, sink),
        None => Ok(0),
    }
}

/// The header row: for each CSV column, its table column (None: no header at all).
pub(super) fn header<R: std::io::Read>(table: Table, rdr: &mut csv::Reader<R>) -> Result<Option<Vec<usize>>> {
    let cols = table.columns();
    let mut rec = csv::StringRecord::new();
    let mut map: Vec<usize> = Vec::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => {
            for name in rec.iter() {
                let Some(i) = cols.iter().position(|c| c.name == name) else {
                    return Err(Error::data_at(1, Some(name), None, messages::unknown_field(1, name)));
                };
                if map.contains(&i) {
                    return Err(Error::data_at(1, Some(name), None, messages::duplicate_field(1, name)));
                }
                map.push(i);
            }
        }
        Ok(false) => return Ok(None),
        Err(e) => return Err(csv_err(1, e)),
    }
    Ok(Some(map))
}

/// The header row of a whole input and the byte offset where its records start.
pub(super) fn header_of(table: Table, bytes: &[u8]) -> Result<Option<(Vec<usize>, usize)>> {
    let mut rdr = reader(bytes);
    Ok(header(table, &mut rdr)?.map(|map| (map, rdr.position().byte() as usize)))
}

/// The records after the header, the first being line `first_line`.
pub(super) fn records<R: std::io::Read>(
    table: Table,
    map: &[usize],
    rdr: &mut csv::Reader<R>,
    first_line: usize,
    sink: &mut dyn RowSink,
) -> Result<usize> {
    let mut rec = csv::StringRecord::new();
    let mut cells = vec![Cell::Absent; table.columns().len()];
    let mut line = first_line - 1;
    loop {
        line += 1;
        match rdr.read_record(&mut rec) {
            Ok(true) => row(table, map, line, rec.as_byte_record(), &mut cells, sink)?,
            Ok(false) => return Ok(line - first_line),
            Err(e) => return Err(csv_err(line, e)),
        }
    }
}

/// The records of one part of a CSV body (no header), the first being
/// line `first_line`, read as bytes: only text cells are checked for UTF-8
/// (every other kind takes nothing but ASCII), which spares checking each
/// record whole. A part that fails says only that it failed — an invalid
/// byte is reported here as a bad value, where [`records`] reports the
/// csv reader's UTF-8 error — so the caller reads the whole input again
/// with [`records`] for the exact first error.
pub(super) fn chunk_records(
    table: Table,
    map: &[usize],
    chunk: &[u8],
    first_line: usize,
    sink: &mut dyn RowSink,
) -> Result<usize> {
    let mut rdr = reader(chunk);
    let mut rec = csv::ByteRecord::new();
    let mut cells = vec![Cell::Absent; table.columns().len()];
    let mut line = first_line - 1;
    loop {
        line += 1;
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => row(table, map, line, &rec, &mut cells, sink)?,
            Ok(false) => return Ok(line - first_line),
            Err(e) => return Err(csv_err(line, e)),
        }
    }
}

/// One record at `line`: its width checked, each field typed into `cells`
/// (an empty one is absent), its required values checked, handed to `sink`.
fn row(
    table: Table,
    map: &[usize],
    line: usize,
    rec: &csv::ByteRecord,
    cells: &mut [Cell],
    sink: &mut dyn RowSink,
) -> Result<()> {
    let cols = table.columns();
    if rec.len() != map.len() {
        return Err(Error::data_at(
            line,
            None,
            None,
            messages::wrong_width(line, map.len(), rec.len()),
        ));
    }
    cells.iter_mut().for_each(|c| *c = Cell::Absent);
    for (v, &ci) in rec.iter().zip(map) {
        if !v.is_empty() {
            let col = &cols[ci];
            cells[ci] = csv_cell(col.kind, v).ok_or_else(|| bad_bytes(line, col, v))?;
        }
    }
    check_required(line, cols, cells)?;
    sink.row(line, cells)
}
