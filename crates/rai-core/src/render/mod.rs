//! SPEC §8 sorting and paging, and §9 rendering (JSON, XML), over any result
//! that can say what each of its rows holds in each declared field.

use crate::model::Collation;
use crate::model::{guid_hex, write_timestamp, Guid, Millis};
use crate::plan::Query;
use crate::schema::Kind;
use ahash::AHashMap;
use std::cmp::Ordering;

/// One field value of one output row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Val<'a> {
    /// Not present: the field is omitted from the row.
    Absent,
    /// Text.
    Text(&'a str),
    /// A GUID (rendered as 32 upper-case hex digits).
    Guid(Guid),
    /// An integer.
    Int(i64),
    /// A timestamp.
    Ts(Millis),
    /// A timeCategory bucket (rendered by its label).
    Bucket(i64),
}

/// A result whose rows can be sorted and rendered through the declaration.
pub(crate) trait Rows: Sync {
    /// Number of rows.
    fn len(&self) -> usize;
    /// The value of `field` in row `row`.
    fn value(&self, row: usize, field: usize) -> Val<'_>;
    /// The final tie-break between two rows (group key, contactId, ingestion order).
    fn tie(&self, a: usize, b: usize) -> Ordering;
    /// Writes the label of a bucket.
    fn label(&self, bucket: i64, out: &mut String);
}

/// A sort column: one comparable value per row.
enum SortCol {
    Num(Vec<i128>),
}

const ABSENT: i128 = i128::MIN;

fn text_of(v: Val<'_>) -> Option<TextKey<'_>> {
    match v {
        Val::Text(s) => Some(TextKey::Str(s)),
        Val::Guid(g) => Some(TextKey::Guid(g)),
        _ => None,
    }
}

#[derive(Hash, PartialEq, Eq, Clone, Copy)]
enum TextKey<'a> {
    Str(&'a str),
    Guid(Guid),
}

fn sort_column(rows: &dyn Rows, field: usize, kind: Kind, coll: &Collation) -> SortCol {
    let n = rows.len();
    match kind {
        Kind::Int | Kind::Timestamp | Kind::Label => SortCol::Num(
            (0..n)
                .map(|r| match rows.value(r, field) {
                    Val::Int(v) | Val::Ts(v) | Val::Bucket(v) => v as i128,
                    _ => ABSENT,
                })
                .collect(),
        ),
        Kind::Id | Kind::Text | Kind::Enum => {
            // Collation keys once per distinct value, then ranks.
            let mut distinct: AHashMap<TextKey<'_>, u32> = AHashMap::new();
            let mut per_row: Vec<Option<u32>> = Vec::with_capacity(n);
            for r in 0..n {
                let v = rows.value(r, field);
                per_row.push(text_of(v).map(|k| {
                    let next = distinct.len() as u32;
                    *distinct.entry(k).or_insert(next)
                }));
            }
            let mut keyed: Vec<(Vec<u8>, u32)> = distinct
                .iter()
                .map(|(k, &i)| {
                    let mut key = Vec::new();
                    match k {
                        TextKey::Str(s) => coll.key(s, &mut key),
                        TextKey::Guid(g) => {
                            let hex = guid_hex(*g);
                            coll.key(std::str::from_utf8(&hex).unwrap_or(""), &mut key)
                        }
                    }
                    (key, i)
                })
                .collect();
            keyed.sort_unstable();
            let mut rank = vec![0i128; keyed.len()];
            let mut r = 0i128;
            for (j, (key, i)) in keyed.iter().enumerate() {
                if j > 0 && keyed[j - 1].0 != *key {
                    r += 1;
                }
                rank[*i as usize] = r;
            }
            SortCol::Num(
                per_row
                    .into_iter()
                    .map(|o| o.map_or(ABSENT, |i| rank[i as usize]))
                    .collect(),
            )
        }
    }
}

/// Sorts per the query and returns the row indices of the requested page.
pub(crate) fn sort_and_page(rows: &dyn Rows, q: &Query) -> Vec<usize> {
    let n = rows.len();
    let coll = Collation::new(q.locale.as_ref());
    let cols: Vec<(SortCol, bool)> = q
        .sort
        .iter()
        .map(|&(f, desc)| (sort_column(rows, f, q.decl.fields[f].kind, &coll), desc))
        .collect();
    let cmp = |a: &usize, b: &usize| -> Ordering {
        for (col, desc) in &cols {
            let SortCol::Num(v) = col;
            let o = v[*a].cmp(&v[*b]);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        rows.tie(*a, *b)
    };
    let start = usize::try_from(q.offset).unwrap_or(usize::MAX).min(n);
    let end = start.saturating_add(q.limit as usize).min(n);
    let mut idx: Vec<usize> = (0..n).collect();
    if end < n && end > 0 {
        idx.select_nth_unstable_by(end - 1, cmp);
        idx.truncate(end);
    }
    idx.sort_unstable_by(cmp);
    idx.truncate(end);
    idx.drain(..start);
    idx
}

/// Output representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// `application/json`: an array of objects.
    Json,
    /// `application/xml`.
    Xml,
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn xml_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Characters XML 1.0 cannot carry are replaced.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// One value of a returned row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A JSON integer.
    Int(i64),
    /// A JSON string (ids, names, enums, timestamps, labels).
    Str(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Absent,
    Int(i64),
    Str(u32, u32),
}

/// The answer to a query: the page of rows (shown fields only, absent
/// values omitted) and the number of rows before paging.
#[derive(Debug, Clone)]
pub struct QueryResult {
    item: &'static str,
    names: Vec<&'static str>,
    slots: Vec<Slot>,
    text: String,
    total: usize,
}

impl QueryResult {
    /// Rows before paging (the `X-Total-Count` header).
    pub fn total(&self) -> usize {
        self.total
    }

    /// Rows in the page.
    pub fn len(&self) -> usize {
        if self.names.is_empty() {
            0
        } else {
            self.slots.len() / self.names.len()
        }
    }

    /// Whether the page is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The page's rows, each as (field name, value) pairs in output order.
    pub fn rows(&self) -> impl Iterator<Item = Vec<(&'static str, Value<'_>)>> + '_ {
        let w = self.names.len().max(1);
        self.slots.chunks(w).map(move |row| {
            row.iter()
                .zip(&self.names)
                .filter_map(|(s, n)| self.value(*s).map(|v| (*n, v)))
                .collect()
        })
    }

    fn value(&self, s: Slot) -> Option<Value<'_>> {
        match s {
            Slot::Absent => None,
            Slot::Int(i) => Some(Value::Int(i)),
            Slot::Str(a, b) => Some(Value::Str(&self.text[a as usize..b as usize])),
        }
    }

    /// Renders in the given representation.
    pub fn render(&self, rep: Representation) -> String {
        match rep {
            Representation::Json => self.to_json(),
            Representation::Xml => self.to_xml(),
        }
    }

    /// A JSON array of objects.
    pub fn to_json(&self) -> String {
        use std::fmt::Write;
        let w = self.names.len().max(1);
        let mut out = String::with_capacity(self.text.len() * 2 + self.slots.len() * 24 + 2);
        out.push('[');
        for (n, row) in self.slots.chunks(w).enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push('{');
            let mut first = true;
            for (s, name) in row.iter().zip(&self.names) {
                let Some(v) = self.value(*s) else { continue };
                if !first {
                    out.push(',');
                }
                first = false;
                out.push('"');
                out.push_str(name);
                out.push_str("\":");
                match v {
                    Value::Int(i) => {
                        let _ = write!(out, "{i}");
                    }
                    Value::Str(t) => json_str(&mut out, t),
                }
            }
            out.push('}');
        }
        out.push(']');
        out
    }

    /// The XML document of SPEC §9 and §11.
    pub fn to_xml(&self) -> String {
        use std::fmt::Write;
        let w = self.names.len().max(1);
        let item = self.item;
        let mut out = String::with_capacity(self.text.len() * 2 + self.slots.len() * 48 + 64);
        let _ = write!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{item}s>\n");
        for row in self.slots.chunks(w) {
            let _ = write!(out, "<{item}>");
            for (s, name) in row.iter().zip(&self.names) {
                let Some(v) = self.value(*s) else { continue };
                let _ = write!(out, "<{name}>");
                match v {
                    Value::Int(i) => {
                        let _ = write!(out, "{i}");
                    }
                    Value::Str(t) => xml_text(&mut out, t),
                }
                let _ = write!(out, "</{name}>");
            }
            let _ = writeln!(out, "</{item}>");
        }
        let _ = writeln!(out, "</{item}s>");
        out
    }
}

/// Materialises the page: only shown fields, values resolved to text or integers.
pub(crate) fn materialize(rows: &dyn Rows, page: &[usize], q: &Query) -> QueryResult {
    let shown: Vec<usize> = (0..q.decl.fields.len()).filter(|&i| q.shows(i)).collect();
    let mut res = QueryResult {
        item: q.decl.endpoint.name(),
        names: shown.iter().map(|&i| q.decl.fields[i].name).collect(),
        slots: Vec::with_capacity(page.len() * shown.len()),
        text: String::new(),
        total: rows.len(),
    };
    for &r in page {
        for &f in &shown {
            let a = res.text.len() as u32;
            let slot = match rows.value(r, f) {
                Val::Absent => Slot::Absent,
                Val::Int(i) => Slot::Int(i),
                Val::Text(s) => {
                    res.text.push_str(s);
                    Slot::Str(a, res.text.len() as u32)
                }
                Val::Guid(g) => {
                    res.text.push_str(std::str::from_utf8(&guid_hex(g)).unwrap_or(""));
                    Slot::Str(a, res.text.len() as u32)
                }
                Val::Ts(t) => {
                    write_timestamp(&mut res.text, t);
                    Slot::Str(a, res.text.len() as u32)
                }
                Val::Bucket(b) => {
                    rows.label(b, &mut res.text);
                    Slot::Str(a, res.text.len() as u32)
                }
            };
            res.slots.push(slot);
        }
    }
    res
}
