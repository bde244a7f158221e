//! Reading a batch (SPEC §2): JSON Lines, a JSON array of objects, or CSV,
//! validated strictly against the table's declared columns. Rows are
//! streamed to a sink as typed cells; nothing is stored here.

pub(crate) mod blocks;
mod cell;
mod csv;
mod csv_scan;
mod input_row;
mod json;
pub(crate) mod split;

pub use cell::Cell;
pub(crate) use input_row::{BorrowedRow, BORROWED_TEXTS};
pub use input_row::{InputRow, TakeRestoredRow};

use crate::error::{Error, Result};
use crate::messages;
use crate::schema::Table;
use std::io::{BufRead, Read};

/// The input format of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// One JSON object per line (`.jsonl`, `application/x-ndjson`).
    JsonLines,
    /// A JSON array of objects (`.json`, `application/json`).
    Json,
    /// CSV with a header row (`.csv`, `text/csv`).
    Csv,
}

impl Format {
    /// The format for a name such as `jsonl`, `ndjson`, `json` or `csv`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" | "json-lines" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::JsonLines => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Receives validated rows: the 1-based line number and one cell per column.
pub trait RowSink {
    /// Takes one row; may reject it with a message (already naming the line).
    fn row(&mut self, line: usize, cells: &[Cell]) -> Result<()>;
}

impl<F: FnMut(usize, &[Cell]) -> Result<()>> RowSink for F {
    fn row(&mut self, line: usize, cells: &[Cell]) -> Result<()> {
        self(line, cells)
    }
}

/// A sink that also takes rows whose text values are borrowed from the
/// input ([`BorrowedRow`]): the reader of a large input's parts hands
/// rows over so, sparing an allocation and a copy per text value (the
/// store interns a name's text, it keeps no cell).
pub(crate) trait RowViewSink: RowSink {
    /// Takes one row; may reject it with a message (already naming the line).
    fn row_view(&mut self, line: usize, row: &BorrowedRow<'_>) -> Result<()>;
}

/// Reads a whole batch of `table` in `format`, handing each row to `sink`.
/// Stops at the first bad row with its `line N: field: …` message.
pub fn read_batch(table: Table, format: Format, input: &[u8], sink: &mut dyn RowSink) -> Result<usize> {
    read_batch_from(table, format, input, sink)
}

/// Like [`read_batch`], reading from a stream: CSV and JSON Lines are read
/// incrementally (a large file is never wholly in memory); a JSON array is
/// read whole.
pub fn read_batch_from(
    table: Table,
    format: Format,
    input: impl std::io::Read,
    sink: &mut dyn RowSink,
) -> Result<usize> {
    let mut input = std::io::BufReader::with_capacity(1 << 20, input);
    // A UTF-8 byte order mark is not data.
    let io_err = |e: std::io::Error| Error::data_at(1, None, None, messages::unreadable(1, e));
    let head = input.fill_buf().map_err(io_err)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    match format {
        Format::Csv => csv::read_csv(table, input, sink),
        Format::JsonLines => json::read_json_lines(table, input, sink),
        Format::Json => {
            let mut all = Vec::new();
            input.read_to_end(&mut all).map_err(io_err)?;
            json::read_json_array(table, &all, sink)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(table: Table, format: Format, input: &str) -> Result<Vec<Vec<Cell>>> {
        let mut rows = Vec::new();
        let mut sink = |_line: usize, cells: &[Cell]| {
            rows.push(cells.to_vec());
            Ok(())
        };
        read_batch(table, format, input.as_bytes(), &mut sink)?;
        Ok(rows)
    }

    fn err(table: Table, format: Format, input: &str) -> String {
        match load(table, format, input) {
            Ok(_) => "OK".into(),
            Err(e) => e.to_string(),
        }
    }

    const T: Table = Table::Translations;

    #[test]
    fn messages_name_line_field_and_value() {
        let c = "contactId,channel,type,arrivalTime,changeTimestamp\n\
                 249CEA29B6494EF1B1D16D23FE70E702,Phone,CallIn,2019-01-01T00:00:00Z,2019-01-01T00:00:00Z\n\
                 XYZ,Phone,CallIn,2019-01-01T00:00:00Z,2019-01-01T00:00:00Z\n";
        assert_eq!(
            err(Table::Contacts, Format::Csv, c),
            "line 3: contactId: invalid GUID 'XYZ'"
        );
        assert_eq!(
            err(T, Format::Csv, "language,field,value,text,x\n"),
            "line 1: x: unknown field"
        );
        assert_eq!(
            err(
                T,
                Format::JsonLines,
                "\n{\"language\":\"fi\",\"field\":\"queueName\",\"value\":\"a\"}"
            ),
            "line 2: text: missing required value"
        );
        assert_eq!(
            err(T, Format::Json, "[\n{\"language\":\"fi\",\"field\":\"queueName\",\"value\":\"a\",\"text\":\"b\"},\n\n  {\"language\":\"fin\"}]"),
            "line 4: language: invalid language 'fin'"
        );
        assert_eq!(
            err(
                Table::Users,
                Format::JsonLines,
                r#"{"userId":"249CEA29B6494EF1B1D16D23FE70E702","chatCapacity":"3","changeTimestamp":"2019-01-01"}"#
            ),
            "line 1: chatCapacity: invalid count '3'"
        );
        assert_eq!(
            err(
                Table::Users,
                Format::JsonLines,
                r#"{"userId":"249CEA29B6494EF1B1D16D23FE70E702","chatCapacity":-1,"changeTimestamp":"2019-01-01"}"#
            ),
            "line 1: chatCapacity: invalid count '-1'"
        );
        assert_eq!(err(T, Format::JsonLines, "[1]"), "line 1: expected a JSON object");
        let bom = "\u{feff}{\"language\":\"fi\",\"field\":\"queueName\",\"value\":\"a\",\"text\":\"b\"}";
        assert_eq!(err(T, Format::JsonLines, bom), "OK");
        assert_eq!(
            err(T, Format::Csv, "\u{feff}language,field,value,text\nfi,queueName,a,b\n"),
            "OK"
        );
    }

    #[test]
    fn csv_booleans_and_absent_cells() {
        let c = "userId,userName,chatCapacity,changeTimestamp\n249CEA29-B649-4EF1-B1D1-6D23FE70E702,,7,2019-01-01\n";
        let rows = load(Table::Users, Format::Csv, c).unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][1], Cell::Absent);
        assert_eq!(rows[0][10], Cell::Int(7));
        // A cell left empty after a filled one is absent, not the value above it.
        let two = "userId,userName,changeTimestamp\n\
                   249CEA29-B649-4EF1-B1D1-6D23FE70E702,Anna,2019-01-01\n\
                   249CEA29-B649-4EF1-B1D1-6D23FE70E702,,2019-01-01\n";
        let rows = load(Table::Users, Format::Csv, two).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][1], Cell::Text("Anna".into()));
        assert_eq!(rows[1][1], Cell::Absent);
        let flags = "contactId,channel,type,arrivalTime,changeTimestamp,internal,abandoned\n\
                     249CEA29B6494EF1B1D16D23FE70E702,Phone,CallIn,2019-01-01,2019-01-01,1,TRUE\n";
        let rows = load(Table::Contacts, Format::Csv, flags).unwrap_or_default();
        assert_eq!(rows[0][9], Cell::Bool(true));
        assert_eq!(rows[0][16], Cell::Bool(true));
        assert_eq!(
            err(Table::Contacts, Format::Csv, &flags.replace(",1,TRUE", ",2,TRUE")),
            "line 2: internal: invalid boolean '2'"
        );
    }
}
