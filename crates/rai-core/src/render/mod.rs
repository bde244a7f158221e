//! SPEC §9 rendering: the owned page of a query ([`QueryResult`]) and its
//! JSON and XML. It knows nothing of tables or plans: the executor fills a
//! [`ResultBuilder`] with the page's values.

mod csv;
mod json;
mod xml;

use std::sync::{Arc, OnceLock};

/// Output representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Representation {
    /// `application/json`: an array of objects.
    Json,
    /// `application/xml`.
    Xml,
    /// `text/csv`: a header row of the returned fields, then one record per
    /// row (RFC 4180; an absent value is an empty field).
    Csv,
}

impl Representation {
    /// Both representations, JSON (the default) first.
    pub const ALL: [Representation; 3] = [Representation::Json, Representation::Xml, Representation::Csv];

    /// The media type (`application/json`).
    pub fn media_type(self) -> &'static str {
        match self {
            Representation::Json => "application/json",
            Representation::Xml => "application/xml",
            Representation::Csv => "text/csv",
        }
    }

    /// The short name the C API and `rai query --accept` also take (`json`).
    pub fn name(self) -> &'static str {
        match self {
            Representation::Json => "json",
            Representation::Xml => "xml",
            Representation::Csv => "csv",
        }
    }

    /// The representation named `name` (`json`, `xml`, `csv`) or with that media type.
    pub fn from_name(name: &str) -> Option<Representation> {
        Representation::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name) || r.media_type().eq_ignore_ascii_case(name))
    }

    /// The `Content-Type` of a body in this representation.
    pub fn content_type(self) -> &'static str {
        match self {
            Representation::Json => "application/json; charset=utf-8",
            Representation::Xml => "application/xml; charset=utf-8",
            Representation::Csv => "text/csv; charset=utf-8; header=present",
        }
    }
}

/// One value of a returned row.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// A JSON integer.
    Int(i64),
    /// A JSON number that need not be an integer (always finite).
    Float(f64),
    /// A JSON string (ids, names, enums, timestamps, labels).
    Str(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Absent,
    Int(i64),
    Float(f64),
    Str(u32, u32),
}

/// The answer to a query: the page of rows (shown fields only, absent
/// values omitted) and the number of rows before paging. Cloning is
/// cheap (the page is shared), so the result cache hands out clones; each
/// representation is rendered at most once per answer ([`QueryResult::rendered`]).
#[derive(Debug, Clone)]
pub struct QueryResult(Arc<Answer>);

/// A rendered body and its entity tag (a hash of the body).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The body.
    pub body: Arc<String>,
    /// A 64-bit hash of the body: equal bodies, equal tags (the HTTP `ETag`).
    pub tag: u64,
}

#[derive(Debug)]
struct Answer {
    page: Page,
    rendered: [OnceLock<Rendered>; 3],
}

#[derive(Debug, Clone)]
struct Page {
    item: &'static str,
    names: Vec<&'static str>,
    slots: Vec<Slot>,
    text: String,
    total: usize,
}

impl QueryResult {
    /// Rows before paging (the `X-Total-Count` header).
    pub fn total(&self) -> usize {
        self.0.page.total
    }

    /// Rows in the page.
    pub fn len(&self) -> usize {
        self.0.page.len()
    }

    /// Whether the page is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The returned fields in output order (the CSV header; a field absent
    /// from every row is still listed).
    pub fn names(&self) -> &[&'static str] {
        &self.0.page.names
    }

    /// The value of field `col` (index into [`QueryResult::names`]) in row
    /// `row` of the page; `None` when absent or out of range.
    pub fn get(&self, row: usize, col: usize) -> Option<Value<'_>> {
        self.0.page.get(row, col)
    }

    /// The page's rows, each as (field name, value) pairs in output order.
    pub fn rows(&self) -> impl Iterator<Item = Vec<(&'static str, Value<'_>)>> + '_ {
        self.0.page.rows()
    }

    /// Renders in the given representation (a copy of the kept rendering
    /// when there is one, else rendered afresh and not kept).
    pub fn render(&self, rep: Representation) -> String {
        match self.0.rendered[rep_index(rep)].get() {
            Some(r) => r.body.as_str().to_owned(),
            None => self.0.page.render(rep),
        }
    }

    /// The body in `rep` and its tag, rendered on first use and kept with
    /// the answer (a cached answer is rendered once per representation;
    /// the body is shared, not copied).
    pub fn rendered(&self, rep: Representation) -> Rendered {
        self.0.rendered[rep_index(rep)]
            .get_or_init(|| {
                let body = self.0.page.render(rep);
                // Fixed seeds: the same body has the same tag in every run.
                let tag = ahash::RandomState::with_seeds(0x0072_6169, 1, 2, 3).hash_one(body.as_bytes());
                Rendered {
                    body: Arc::new(body),
                    tag,
                }
            })
            .clone()
    }

    /// A JSON array of objects.
    pub fn to_json(&self) -> String {
        self.render(Representation::Json)
    }

    /// RFC 4180 CSV: a header row of the returned fields in output order,
    /// then one record per row, CRLF line ends; an absent value is an
    /// empty field; a field with a comma, quote, CR or LF is quoted.
    pub fn to_csv(&self) -> String {
        self.render(Representation::Csv)
    }

    /// The XML document of SPEC §9 and §11.
    pub fn to_xml(&self) -> String {
        self.render(Representation::Xml)
    }

    /// Roughly the bytes the answer holds (what the result cache counts).
    pub fn heap_bytes(&self) -> usize {
        let p = &self.0.page;
        let rendered: usize = self
            .0
            .rendered
            .iter()
            .filter_map(|r| r.get())
            .map(|r| r.body.len())
            .sum();
        std::mem::size_of::<Answer>()
            + p.names.len() * std::mem::size_of::<&str>()
            + p.slots.len() * std::mem::size_of::<Slot>()
            + p.text.len()
            + rendered
    }
}

/// The slot of a representation's kept rendering.
fn rep_index(rep: Representation) -> usize {
    Representation::ALL.iter().position(|r| *r == rep).unwrap_or(0)
}

impl Page {
    fn render(&self, rep: Representation) -> String {
        match rep {
            Representation::Json => self.to_json(),
            Representation::Xml => self.to_xml(),
            Representation::Csv => self.to_csv(),
        }
    }

    fn len(&self) -> usize {
        if self.names.is_empty() {
            0
        } else {
            self.slots.len() / self.names.len()
        }
    }

    fn get(&self, row: usize, col: usize) -> Option<Value<'_>> {
        if col >= self.names.len() {
            return None;
        }
        self.slots
            .get(row * self.names.len() + col)
            .and_then(|s| self.value(*s))
    }

    fn rows(&self) -> impl Iterator<Item = Vec<(&'static str, Value<'_>)>> + '_ {
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
            Slot::Float(f) => Some(Value::Float(f)),
            Slot::Str(a, b) => Some(Value::Str(&self.text[a as usize..b as usize])),
        }
    }

    fn to_json(&self) -> String {
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
                    Value::Float(f) => {
                        let _ = write!(out, "{f}");
                    }
                    Value::Str(t) => json::json_str(&mut out, t),
                }
            }
            out.push('}');
        }
        out.push(']');
        out
    }

    fn to_csv(&self) -> String {
        use std::fmt::Write;
        let w = self.names.len().max(1);
        let mut out = String::with_capacity(self.text.len() * 2 + self.slots.len() * 12 + 64);
        for (i, name) in self.names.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv::csv_field(&mut out, name);
        }
        out.push_str("\r\n");
        for row in self.slots.chunks(w) {
            for (i, s) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match self.value(*s) {
                    None => {}
                    Some(Value::Int(v)) => {
                        let _ = write!(out, "{v}");
                    }
                    Some(Value::Float(v)) => {
                        let _ = write!(out, "{v}");
                    }
                    Some(Value::Str(t)) => csv::csv_field(&mut out, t),
                }
            }
            out.push_str("\r\n");
        }
        out
    }

    fn to_xml(&self) -> String {
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
                    Value::Float(f) => {
                        let _ = write!(out, "{f}");
                    }
                    Value::Str(t) => xml::xml_text(&mut out, t),
                }
                let _ = write!(out, "</{name}>");
            }
            let _ = writeln!(out, "</{item}>");
        }
        let _ = writeln!(out, "</{item}s>");
        out
    }
}

/// Fills a [`QueryResult`] row by row, field by field, in output order.
#[derive(Debug)]
pub struct ResultBuilder {
    res: Page,
}

impl ResultBuilder {
    /// A result of rows named `item` with the fields `names`; `total` rows before paging.
    pub fn new(item: &'static str, names: Vec<&'static str>, total: usize, rows: usize) -> Self {
        let slots = Vec::with_capacity(rows * names.len());
        ResultBuilder {
            res: Page {
                item,
                names,
                slots,
                text: String::new(),
                total,
            },
        }
    }

    /// The next value is absent (omitted from its row).
    pub fn absent(&mut self) {
        self.res.slots.push(Slot::Absent);
    }

    /// The next value is an integer.
    pub fn int(&mut self, v: i64) {
        self.res.slots.push(Slot::Int(v));
    }

    /// The next value is a number; a non-finite one is absent.
    pub fn float(&mut self, v: f64) {
        self.res
            .slots
            .push(if v.is_finite() { Slot::Float(v) } else { Slot::Absent });
    }

    /// The next value is the text `write` appends.
    pub fn text_with(&mut self, write: impl FnOnce(&mut String)) {
        let a = self.res.text.len() as u32;
        write(&mut self.res.text);
        self.res.slots.push(Slot::Str(a, self.res.text.len() as u32));
    }

    /// The next value is `s`.
    pub fn text(&mut self, s: &str) {
        self.text_with(|out| out.push_str(s));
    }

    /// The result.
    pub fn finish(self) -> QueryResult {
        QueryResult(Arc::new(Answer {
            page: self.res,
            rendered: Default::default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_in_json_and_xml() {
        let mut b = ResultBuilder::new("r", vec!["a", "b", "c"], 1, 1);
        b.float(0.25);
        b.float(f64::NAN);
        b.int(-3);
        let r = b.finish();
        assert_eq!(r.to_json(), r#"[{"a":0.25,"c":-3}]"#);
        assert!(r.to_xml().contains("<r><a>0.25</a><c>-3</c></r>"));
        assert_eq!(
            r.rows().next(),
            Some(vec![("a", Value::Float(0.25)), ("c", Value::Int(-3))])
        );
        assert_eq!(r.to_csv(), "a,b,c\r\n0.25,,-3\r\n");
        assert_eq!(r.names(), ["a", "b", "c"]);
        assert_eq!(
            (r.get(0, 0), r.get(0, 1), r.get(0, 2)),
            (Some(Value::Float(0.25)), None, Some(Value::Int(-3)))
        );
        assert_eq!((r.get(1, 0), r.get(0, 3)), (None, None));
    }

    #[test]
    fn csv_quotes_what_rfc_4180_requires() {
        let mut b = ResultBuilder::new("r", vec!["name", "n"], 2, 2);
        b.text("Smith, \"Jo\"");
        b.int(1);
        b.text("two\nlines");
        b.absent();
        let r = b.finish();
        assert_eq!(r.to_csv(), "name,n\r\n\"Smith, \"\"Jo\"\"\",1\r\n\"two\nlines\",\r\n");
        let empty = ResultBuilder::new("r", vec!["name"], 0, 0).finish();
        assert_eq!(empty.to_csv(), "name\r\n");
        for rep in Representation::ALL {
            assert_eq!(Representation::from_name(rep.name()), Some(rep));
            assert_eq!(Representation::from_name(rep.media_type()), Some(rep));
        }
    }
}
