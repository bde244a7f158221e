//! Typing one raw input value against its column's kind (SPEC §1), with
//! the `line N: field: invalid KIND 'value'` errors.

use crate::error::{Error, Result};
use crate::messages;
use crate::model::{parse_guid, parse_language, parse_timestamp, Guid, Millis};
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

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|n| *n <= MAX_NUMBER)
}

/// Types one raw value; `csv` selects CSV's textual rules.
pub(super) fn convert(kind: ColKind, raw: &Raw<'_>, csv: bool) -> Option<Cell> {
    if let Raw::Null = raw {
        return Some(Cell::Absent);
    }
    match (kind, raw) {
        (ColKind::Guid, Raw::Str(s)) => parse_guid(s).map(Cell::Guid),
        (ColKind::Text, Raw::Str(s)) => Some(Cell::Text((*s).into())),
        (ColKind::Timestamp, Raw::Str(s)) => parse_timestamp(s).map(Cell::Ts),
        (ColKind::Duration | ColKind::Count, Raw::Int(i)) if !csv => {
            (0..=MAX_NUMBER as i128).contains(i).then_some(Cell::Int(*i as i64))
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
        (ColKind::Language, Raw::Str(s)) => parse_language(s).map(|l| Cell::Text(l.into())),
        (ColKind::TransField, Raw::Str(s)) => TRANSLATABLE.contains(s).then(|| Cell::Text((*s).into())),
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

pub(super) fn check_required(line: usize, cols: &[Col], cells: &[Cell]) -> Result<()> {
    for (c, cell) in cols.iter().zip(cells) {
        if c.required && matches!(cell, Cell::Absent) {
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
