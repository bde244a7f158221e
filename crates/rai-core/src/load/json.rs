//! JSON batches: one object per line (JSON Lines) or an array of objects,
//! each object read straight into typed cells (no intermediate tree).

use super::cell::{bad_value, check_required, convert, Raw};
use super::{Cell, RowSink};
use crate::error::{Error, Result};
use crate::messages;
use crate::schema::{Col, Table};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use std::fmt;

pub(super) fn read_json_lines(table: Table, input: impl std::io::BufRead, sink: &mut dyn RowSink) -> Result<usize> {
    read_json_lines_from(table, input, 1, sink)
}

/// JSON Lines whose first line is line `first_line`.
pub(super) fn read_json_lines_from(
    table: Table,
    mut input: impl std::io::BufRead,
    first_line: usize,
    sink: &mut dyn RowSink,
) -> Result<usize> {
    let cols = table.columns();
    let mut cells = vec![Cell::Absent; cols.len()];
    let mut n = 0;
    let mut l = Vec::new();
    let mut line = first_line - 1;
    loop {
        l.clear();
        line += 1;
        let got = input
            .read_until(b'\n', &mut l)
            .map_err(|e| Error::data_at(line, None, None, messages::unreadable(line, e)))?;
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

pub(super) fn read_json_array(table: Table, input: &[u8], sink: &mut dyn RowSink) -> Result<usize> {
    let items = array_items(input)?;
    read_items(table, &items, sink)
}

/// The objects of a JSON array, each with the physical line it starts on.
pub(super) fn array_items(input: &[u8]) -> Result<Vec<(usize, &[u8])>> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(input).map_err(|e| {
        let line = e.line().max(1);
        Error::data_at(line, None, None, messages::invalid_json(line, e))
    })?;
    let base = input.as_ptr() as usize;
    let mut line = 1;
    let mut counted = 0;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let off = (item.get().as_ptr() as usize).saturating_sub(base).min(input.len());
        line += memchr::memchr_iter(b'\n', &input[counted..off]).count();
        counted = off;
        // The raw value borrows `input`: take the same bytes from it.
        let len = item.get().len();
        out.push((line, input.get(off..off + len).unwrap_or_default()));
    }
    Ok(out)
}

/// Reads array items (line, object text) into rows.
pub(super) fn read_items(table: Table, items: &[(usize, &[u8])], sink: &mut dyn RowSink) -> Result<usize> {
    let cols = table.columns();
    let mut cells = vec![Cell::Absent; cols.len()];
    for &(line, item) in items {
        read_object(cols, item, line, &mut cells)?;
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
        return Err(as_written(f, text));
    }
    res.map_err(|e| {
        if e.is_data() && e.to_string().contains("expected a JSON object") {
            Error::data_at(line, None, None, messages::expected_object(line))
        } else {
            Error::data_at(line, None, None, messages::invalid_json(line, e))
        }
    })?;
    check_required(line, cols, cells)
}

/// A bad number echoed as the input wrote it (`5.0`, `1e3`), not as it
/// parsed: the object is read again (only on this error path) for the raw
/// text of the field's value.
fn as_written(e: Error, text: &[u8]) -> Error {
    use serde_json::value::RawValue;
    let (Some(line), Some(field), Some(shown)) = (e.line(), e.field(), e.value()) else {
        return e;
    };
    let Ok(raw) = serde_json::from_slice::<std::collections::BTreeMap<String, &RawValue>>(text) else {
        return e;
    };
    let Some(written) = raw.get(field).map(|v| v.get()) else {
        return e;
    };
    let is_number = written.starts_with(|c: char| c == '-' || c.is_ascii_digit());
    let Some(head) = e.message().strip_suffix(&format!("'{shown}'")) else {
        return e;
    };
    if !is_number || written == shown {
        return e;
    }
    let message = format!("{head}'{written}'");
    Error::data_at(line, Some(field), Some(written), message)
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
        // The columns given so far (a bit each; tables have fewer than 128
        // columns, `schema::check` asserts it): a key given twice is
        // refused, as a CSV header naming a column twice is.
        let mut seen: u128 = 0;
        while let Some(key) = map.next_key_seed(KeySeed(self.cols))? {
            let ci = match key {
                Ok(ci) if ci < 128 && seen & (1 << ci) != 0 => {
                    let name = self.cols.get(ci).map_or("", |c| c.name);
                    *self.failure = Some(Error::data_at(
                        self.line,
                        Some(name),
                        None,
                        messages::duplicate_field(self.line, name),
                    ));
                    return Err(de::Error::custom("duplicate field"));
                }
                Ok(ci) => {
                    seen |= 1u128.checked_shl(ci as u32).unwrap_or(0);
                    ci
                }
                Err(name) => {
                    *self.failure = Some(Error::data_at(
                        self.line,
                        Some(&name),
                        None,
                        messages::unknown_field(self.line, &name),
                    ));
                    return Err(de::Error::custom("unknown field"));
                }
            };
            let raw = map.next_value_seed(RawSeed)?;
            let col = &self.cols[ci];
            let raw = raw.as_raw();
            match convert(col.kind, &raw) {
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
