//! CSV batches: a header row naming columns, then one record per row; an
//! empty cell is absent.

use super::cell::{bad_value, check_required, convert, Raw};
use super::{Cell, RowSink};
use crate::error::{Error, Result};
use crate::messages;
use crate::schema::Table;

pub(super) fn read_csv(table: Table, input: impl std::io::Read, sink: &mut dyn RowSink) -> Result<usize> {
    let cols = table.columns();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut rec = csv::StringRecord::new();
    let csv_err = |line: usize, e: csv::Error| Error::data(messages::invalid_csv(line, e));
    let mut map: Vec<usize> = Vec::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => {
            for name in rec.iter() {
                let Some(i) = cols.iter().position(|c| c.name == name) else {
                    return Err(Error::data(messages::unknown_field(1, name)));
                };
                if map.contains(&i) {
                    return Err(Error::data(messages::duplicate_field(1, name)));
                }
                map.push(i);
            }
        }
        Ok(false) => return Ok(0),
        Err(e) => return Err(csv_err(1, e)),
    }
    let mut cells = vec![Cell::Absent; cols.len()];
    let mut line = 1;
    let mut n = 0;
    loop {
        line += 1;
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_err(line, e)),
        }
        if rec.len() != map.len() {
            return Err(Error::data(messages::wrong_width(line, map.len(), rec.len())));
        }
        cells.iter_mut().for_each(|c| *c = Cell::Absent);
        for (v, &ci) in rec.iter().zip(&map) {
            let raw = if v.is_empty() { Raw::Null } else { Raw::Str(v) };
            cells[ci] = convert(cols[ci].kind, &raw, true).ok_or_else(|| bad_value(line, &cols[ci], &raw))?;
        }
        check_required(line, cols, &cells)?;
        sink.row(line, &cells)?;
        n += 1;
    }
    Ok(n)
}
