//! Reading a batch (SPEC §2): JSON Lines, a JSON array of objects, or CSV,
//! validated strictly against the table's declared columns. Rows are
//! streamed to a sink as typed cells; nothing is stored here.

use crate::error::{Error, Result};
use crate::model::{parse_guid, parse_timestamp, Guid, Millis};
use crate::schema::{Col, ColKind, Table, TRANSLATABLE};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use std::fmt;
use std::io::{BufRead, Read};

/// The input format of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// One typed value of a row.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Cell {
    /// Not given (empty CSV cell, JSON `null`, or missing optional field).
    #[default]
    Absent,
    /// A GUID.
    Guid(Guid),
    /// Text (also languages, lower-cased, and translatable field names).
    Text(Box<str>),
    /// A timestamp.
    Ts(Millis),
    /// A duration or count.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An enum value: its index in the column's value list.
    Enum(u8),
}

impl Cell {
    /// The GUID, if this is one.
    pub fn guid(&self) -> Option<Guid> {
        match self {
            Cell::Guid(g) => Some(*g),
            _ => None,
        }
    }
    /// The text, if this is text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }
    /// The timestamp, if this is one.
    pub fn ts(&self) -> Option<Millis> {
        match self {
            Cell::Ts(t) => Some(*t),
            _ => None,
        }
    }
    /// The integer, or 0 when absent.
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(v) => *v,
            _ => 0,
        }
    }
    /// The boolean, or `default` when absent.
    pub fn bool_or(&self, default: bool) -> bool {
        match self {
            Cell::Bool(b) => *b,
            _ => default,
        }
    }
    /// The enum index, if present.
    pub fn enum_index(&self) -> Option<u8> {
        match self {
            Cell::Enum(i) => Some(*i),
            _ => None,
        }
    }
}

/// A raw scalar as read from the input, before it is typed.
enum Raw<'a> {
    Null,
    Str(&'a str),
    Int(i128),
    Float(f64),
    Bool(bool),
    Other(String),
}

impl Raw<'_> {
    fn shown(&self) -> String {
        match self {
            Raw::Null => "null".into(),
            Raw::Str(s) => (*s).to_string(),
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
            Raw::Bool(b) => b.to_string(),
            Raw::Other(s) => s.clone(),
        }
    }
}

fn kind_word(kind: ColKind) -> &'static str {
    match kind {
        ColKind::Guid => "GUID",
        ColKind::Text => "text",
        ColKind::Timestamp => "timestamp",
        ColKind::Duration => "duration",
        ColKind::Count => "count",
        ColKind::Bool => "boolean",
        ColKind::Enum(_) => "value",
        ColKind::Language => "language",
        ColKind::TransField => "field",
    }
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// Types one raw value; `csv` selects CSV's textual rules.
fn convert(kind: ColKind, raw: &Raw<'_>, csv: bool) -> Option<Cell> {
    if let Raw::Null = raw {
        return Some(Cell::Absent);
    }
    match (kind, raw) {
        (ColKind::Guid, Raw::Str(s)) => parse_guid(s).map(Cell::Guid),
        (ColKind::Text, Raw::Str(s)) => Some(Cell::Text((*s).into())),
        (ColKind::Timestamp, Raw::Str(s)) => parse_timestamp(s).map(Cell::Ts),
        (ColKind::Duration | ColKind::Count, Raw::Int(i)) if !csv => {
            (0..=i64::MAX as i128).contains(i).then_some(Cell::Int(*i as i64))
        }
        (ColKind::Duration | ColKind::Count, Raw::Str(s)) if csv => digits(s).map(Cell::Int),
        (ColKind::Bool, Raw::Bool(b)) if !csv => Some(Cell::Bool(*b)),
        (ColKind::Bool, Raw::Str(s)) if csv => match *s {
            "1" => Some(Cell::Bool(true)),
            "0" => Some(Cell::Bool(false)),
            _ if s.eq_ignore_ascii_case("true") => Some(Cell::Bool(true)),
            _ if s.eq_ignore_ascii_case("false") => Some(Cell::Bool(false)),
            _ => None,
        },
        (ColKind::Enum(values), Raw::Str(s)) => values.iter().position(|v| v == s).map(|i| Cell::Enum(i as u8)),
        (ColKind::Language, Raw::Str(s)) => (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()))
            .then(|| Cell::Text(s.to_ascii_lowercase().into())),
        (ColKind::TransField, Raw::Str(s)) => TRANSLATABLE.contains(s).then(|| Cell::Text((*s).into())),
        _ => None,
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

fn bad_value(line: usize, col: &Col, raw: &Raw<'_>) -> Error {
    Error::data(format!(
        "line {line}: {}: invalid {} '{}'",
        col.name,
        kind_word(col.kind),
        raw.shown()
    ))
}

fn check_required(line: usize, cols: &[Col], cells: &[Cell]) -> Result<()> {
    for (c, cell) in cols.iter().zip(cells) {
        if c.required && matches!(cell, Cell::Absent) {
            return Err(Error::data(format!("line {line}: {}: missing required value", c.name)));
        }
    }
    Ok(())
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
    let io_err = |e: std::io::Error| Error::data(format!("line 1: cannot read the input: {e}"));
    let head = input.fill_buf().map_err(io_err)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    match format {
        Format::Csv => read_csv(table, input, sink),
        Format::JsonLines => read_json_lines(table, input, sink),
        Format::Json => {
            let mut all = Vec::new();
            input.read_to_end(&mut all).map_err(io_err)?;
            read_json_array(table, &all, sink)
        }
    }
}

fn read_csv(table: Table, input: impl std::io::Read, sink: &mut dyn RowSink) -> Result<usize> {
    let cols = table.columns();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut rec = csv::StringRecord::new();
    let csv_err = |line: usize, e: csv::Error| Error::data(format!("line {line}: invalid CSV: {e}"));
    let mut map: Vec<usize> = Vec::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => {
            for name in rec.iter() {
                let Some(i) = cols.iter().position(|c| c.name == name) else {
                    return Err(Error::data(format!("line 1: {name}: unknown field")));
                };
                if map.contains(&i) {
                    return Err(Error::data(format!("line 1: {name}: duplicate field")));
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
            return Err(Error::data(format!(
                "line {line}: expected {} fields, found {}",
                map.len(),
                rec.len()
            )));
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

fn read_json_lines(table: Table, mut input: impl std::io::BufRead, sink: &mut dyn RowSink) -> Result<usize> {
    let cols = table.columns();
    let mut cells = vec![Cell::Absent; cols.len()];
    let mut n = 0;
    let mut l = Vec::new();
    let mut line = 0;
    loop {
        l.clear();
        line += 1;
        let got = input
            .read_until(b'\n', &mut l)
            .map_err(|e| Error::data(format!("line {line}: cannot read the input: {e}")))?;
        if got == 0 {
            break;
        }
        if l.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        read_object(cols, &l, line, &mut cells)?;
        sink.row(line, &cells)?;
        n += 1;
    }
    Ok(n)
}

fn read_json_array(table: Table, input: &[u8], sink: &mut dyn RowSink) -> Result<usize> {
    let cols = table.columns();
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(input)
        .map_err(|e| Error::data(format!("line {}: invalid JSON: {e}", e.line().max(1))))?;
    let mut cells = vec![Cell::Absent; cols.len()];
    let base = input.as_ptr() as usize;
    let mut line = 1;
    let mut counted = 0;
    for item in &items {
        let off = (item.get().as_ptr() as usize).saturating_sub(base).min(input.len());
        line += input[counted..off].iter().filter(|&&b| b == b'\n').count();
        counted = off;
        read_object(cols, item.get().as_bytes(), line, &mut cells)?;
        sink.row(line, &cells)?;
    }
    Ok(items.len())
}

/// Parses one JSON object into `cells` (reset first) and checks it.
fn read_object(cols: &'static [Col], text: &[u8], line: usize, cells: &mut [Cell]) -> Result<()> {
    cells.iter_mut().for_each(|c| *c = Cell::Absent);
    let mut failure: Option<Error> = None;
    let seed = ObjectSeed {
        cols,
        cells,
        line,
        failure: &mut failure,
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let res = seed.deserialize(&mut de).and_then(|()| de.end());
    if let Some(f) = failure {
        return Err(f);
    }
    res.map_err(|e| {
        if e.is_data() && e.to_string().contains("expected a JSON object") {
            Error::data(format!("line {line}: expected a JSON object"))
        } else {
            Error::data(format!("line {line}: invalid JSON: {e}"))
        }
    })?;
    check_required(line, cols, cells)
}

struct ObjectSeed<'c> {
    cols: &'static [Col],
    cells: &'c mut [Cell],
    line: usize,
    failure: &'c mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed(self.cols))? {
            let ci = match key {
                Ok(ci) => ci,
                Err(name) => {
                    *self.failure = Some(Error::data(format!("line {}: {name}: unknown field", self.line)));
                    return Err(de::Error::custom("unknown field"));
                }
            };
            let raw = map.next_value_seed(RawSeed)?;
            let col = &self.cols[ci];
            let raw = raw.as_raw();
            match convert(col.kind, &raw, false) {
                Some(c) => self.cells[ci] = c,
                None => {
                    *self.failure = Some(bad_value(self.line, col, &raw));
                    return Err(de::Error::custom("bad value"));
                }
            }
        }
        Ok(())
    }
}

struct KeySeed(&'static [Col]);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Result<usize, String>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Result<usize, String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|c| c.name == v).ok_or_else(|| v.to_string()))
    }
}

/// A JSON scalar, owned only when it had escapes.
enum OwnedRaw<'de> {
    Null,
    Borrowed(&'de str),
    Owned(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    Other(String),
}

impl OwnedRaw<'_> {
    fn as_raw(&self) -> Raw<'_> {
        match self {
            OwnedRaw::Null => Raw::Null,
            OwnedRaw::Borrowed(s) => Raw::Str(s),
            OwnedRaw::Owned(s) => Raw::Str(s),
            OwnedRaw::Int(i) => Raw::Int(*i),
            OwnedRaw::Float(f) => Raw::Float(*f),
            OwnedRaw::Bool(b) => Raw::Bool(*b),
            OwnedRaw::Other(s) => Raw::Other(s.clone()),
        }
    }
}

struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = OwnedRaw<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RawSeed {
    type Value = OwnedRaw<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Int(v as i128))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Int(v as i128))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(OwnedRaw::Owned(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<serde_json::Value>()? {
            items.push(v);
        }
        Ok(OwnedRaw::Other(serde_json::Value::Array(items).to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut m = serde_json::Map::new();
        while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
            m.insert(k, v);
        }
        Ok(OwnedRaw::Other(serde_json::Value::Object(m).to_string()))
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
