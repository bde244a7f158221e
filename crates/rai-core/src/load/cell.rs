//! Typing one raw input value against its column's kind (SPEC §1), with
//! the `line N: field: invalid KIND 'value'` errors.

use crate::error::{Error, Result};
use crate::messages;
use crate::model::{parse_guid_bytes, parse_language, parse_timestamp_bytes, Guid, Millis};
use crate::schema::{Col, ColKind, MAX_NUMBER, TRANSLATABLE};

/// One typed value of a row.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
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
pub(super) enum Raw<'a> {
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

/// A count or duration in CSV: ASCII digits only, at most [`MAX_NUMBER`].
/// Up to 18 digits cannot overflow, so they are summed with one test a
/// digit (is it one); only a longer cell (leading zeros) checks each step.
fn digits(v: &[u8]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    let n = if v.len() <= 18 {
        v.iter().try_fold(0i64, |n, &b| {
            let d = b.wrapping_sub(b'0');
            (d < 10).then_some(n * 10 + d as i64)
        })
    } else {
        v.iter().try_fold(0i64, |n, &b| {
            let d = b.wrapping_sub(b'0');
            (d < 10).then_some(())?;
            n.checked_mul(10)?.checked_add(d as i64)
        })
    };
    n.filter(|n| *n <= MAX_NUMBER)
}

/// Types a text-valued kind (text, language, translatable field name).
fn text_cell(kind: ColKind, s: &str) -> Option<Cell> {
    match kind {
        ColKind::Language => parse_language(s).map(|l| Cell::Text(l.into())),
        _ => kept_as_is(kind, s).then(|| Cell::Text(s.into())),
    }
}

/// Whether `s` is a value of `kind` that is stored as it is written: any
/// text, or a translatable field's name (a language is lower-cased).
pub(super) fn kept_as_is(kind: ColKind, s: &str) -> bool {
    match kind {
        ColKind::Text => true,
        ColKind::TransField => TRANSLATABLE.contains(&s),
        _ => false,
    }
}

/// Whether CSV cells of `kind` can be borrowed from the input (as text
/// kept as it is written).
pub(super) fn borrows(kind: ColKind) -> bool {
    matches!(kind, ColKind::Text | ColKind::TransField)
}

/// Types one non-empty CSV cell from its raw bytes. Only the text-valued
/// kinds check UTF-8; every other kind accepts nothing but ASCII, so a cell
/// it takes is valid UTF-8 too — a CSV record need not be checked whole.
pub(super) fn csv_cell(kind: ColKind, v: &[u8]) -> Option<Cell> {
    let mut cell = Cell::Absent;
    put_csv_cell(kind, v, &mut cell).then_some(cell)
}

/// [`csv_cell`] written into `out` (false, `out` untouched: refused).
/// Inlined into the record loop, each kind writes its cell in place: a
/// cell returned by value was stored and read back at other widths, which
/// stalled the read (a quarter of the loop's time).
#[inline(always)]
pub(super) fn put_csv_cell(kind: ColKind, v: &[u8], out: &mut Cell) -> bool {
    match kind {
        ColKind::Guid => match parse_guid_bytes(v) {
            Some(g) => *out = Cell::Guid(g),
            None => return false,
        },
        ColKind::Timestamp => match parse_timestamp_bytes(v) {
            Some(t) => *out = Cell::Ts(t),
            None => return false,
        },
        ColKind::Duration | ColKind::Count => match digits(v) {
            Some(n) => *out = Cell::Int(n),
            None => return false,
        },
        ColKind::Bool => match v {
            b"1" => *out = Cell::Bool(true),
            b"0" => *out = Cell::Bool(false),
            _ if v.eq_ignore_ascii_case(b"true") => *out = Cell::Bool(true),
            _ if v.eq_ignore_ascii_case(b"false") => *out = Cell::Bool(false),
            _ => return false,
        },
        ColKind::Enum(values) => match values.iter().position(|x| x.as_bytes() == v) {
            Some(i) => *out = Cell::Enum(i as u8),
            None => return false,
        },
        ColKind::Text | ColKind::Language | ColKind::TransField => {
            match std::str::from_utf8(v).ok().and_then(|s| text_cell(kind, s)) {
                Some(cell) => *out = cell,
                None => return false,
            }
        }
    }
    true
}

/// Types one JSON value: numbers and booleans come typed (CSV's textual
/// forms are refused), strings by the CSV cell rules.
pub(super) fn convert(kind: ColKind, raw: &Raw<'_>) -> Option<Cell> {
    match (kind, raw) {
        (_, Raw::Null) => Some(Cell::Absent),
        (ColKind::Duration | ColKind::Count, Raw::Int(i)) => {
            (0..=MAX_NUMBER as i128).contains(i).then_some(Cell::Int(*i as i64))
        }
        (ColKind::Bool, Raw::Bool(b)) => Some(Cell::Bool(*b)),
        (ColKind::Duration | ColKind::Count | ColKind::Bool, Raw::Str(_)) => None,
        (ColKind::Text | ColKind::Language | ColKind::TransField, Raw::Str(s)) => text_cell(kind, s),
        (_, Raw::Str(s)) => csv_cell(kind, s.as_bytes()),
        _ => None,
    }
}

pub(super) fn bad_value(line: usize, col: &Col, raw: &Raw<'_>) -> Error {
    let shown = raw.shown();
    Error::data_at(
        line,
        Some(col.name),
        Some(&shown),
        messages::invalid_cell(line, col.name, kind_word(col.kind), &shown),
    )
}

/// [`bad_value`] of a CSV cell's raw bytes (shown lossily when not UTF-8).
pub(super) fn bad_bytes(line: usize, col: &Col, v: &[u8]) -> Error {
    bad_value(line, col, &Raw::Str(&String::from_utf8_lossy(v)))
}

pub(super) fn check_required<R: super::InputRow + ?Sized>(line: usize, cols: &[Col], row: &R) -> Result<()> {
    for (i, c) in cols.iter().enumerate() {
        if c.required && !row.present(i) {
            return Err(Error::data_at(
                line,
                Some(c.name),
                None,
                messages::missing_value(line, c.name),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// A number cell reads as its decimal value when it is digits only
        /// and at most MAX_NUMBER: short and long, leading zeros making a
        /// cell of more than 18 digits, values past 64 bits, other bytes.
        #[test]
        fn number_cells_read_as_their_decimal_value(
            v in prop_oneof![
                "[0-9]{0,20}",
                "0{10,30}[0-9]{1,13}",
                "[0-9]{19,40}",
                "[0-9 +x-]{0,6}",
            ]
        ) {
            let want = (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .then(|| v.trim_start_matches('0').parse::<u128>().unwrap_or(if v.trim_start_matches('0').is_empty() { 0 } else { u128::MAX }))
                .filter(|&n| n <= crate::schema::MAX_NUMBER as u128)
                .map(|n| n as i64);
            prop_assert_eq!(super::digits(v.as_bytes()), want);
        }
    }
}
