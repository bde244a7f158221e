//! CSV batches: a header row naming columns, then one record per row; an
//! empty cell is absent.

use super::cell::{bad_bytes, borrows, check_required, kept_as_is, put_csv_cell};
use super::{BorrowedRow, Cell, RowSink, RowViewSink, BORROWED_TEXTS};
use crate::error::{Error, Result};
use crate::messages;
use crate::schema::{ColKind, Table};

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
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => header_map(table, rec.iter()).map(Some),
        Ok(false) => Ok(None),
        Err(e) => Err(csv_err(1, e)),
    }
}

/// For each name of the header row, its table column.
fn header_map<'a>(table: Table, names: impl Iterator<Item = &'a str>) -> Result<Vec<usize>> {
    let cols = table.columns();
    let mut map: Vec<usize> = Vec::new();
    for name in names {
        let Some(i) = cols.iter().position(|c| c.name == name) else {
            return Err(Error::data_at(1, Some(name), None, messages::unknown_field(1, name)));
        };
        if map.contains(&i) {
            return Err(Error::data_at(1, Some(name), None, messages::duplicate_field(1, name)));
        }
        map.push(i);
    }
    Ok(map)
}

/// The header row of a whole input and the byte offset where its records
/// start. A plain first line (no quote, no carriage return, UTF-8) is
/// split by commas — building a csv reader costs more than reading a
/// small POST's header; any other is read by the csv reader.
pub(super) fn header_of(table: Table, bytes: &[u8]) -> Result<Option<(Vec<usize>, usize)>> {
    if let Some(nl) = memchr::memchr(b'\n', bytes) {
        let line = &bytes[..nl];
        if !line.is_empty() && memchr::memchr2(b'"', b'\r', line).is_none() {
            if let Ok(text) = std::str::from_utf8(line) {
                return header_map(table, text.split(',')).map(|map| Some((map, nl + 1)));
            }
        }
    }
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
            Ok(true) => row(table, map, line, rec.as_byte_record().iter(), &mut cells, sink)?,
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
/// with [`records`] for the exact first error. Rows go to the sink as
/// [`BorrowedRow`]s: a text value is borrowed from the chunk, not copied
/// into a cell of its own. Records in the plain form — fields unquoted or
/// quoted whole with no quote inside — are split 64 bytes at a time (see
/// [`super::csv_scan`]); that is nearly every record a load sees. From
/// the first record that is not plain, the csv reader takes over, so
/// every other form reads exactly as the csv reader reads it.
pub(super) fn chunk_records(
    table: Table,
    map: &[usize],
    chunk: &[u8],
    first_line: usize,
    sink: &mut dyn RowViewSink,
) -> Result<usize> {
    let cols = table.columns();
    let mut cells = vec![Cell::Absent; cols.len()];
    // The first few text columns (of the kinds kept as written) are held
    // aside, borrowed; any further one is a cell of its own.
    let mut slots = vec![u8::MAX; cols.len()];
    let borrowing = (cols.iter().enumerate()).filter(|(_, c)| borrows(c.kind));
    for (slot, (i, _)) in borrowing.take(BORROWED_TEXTS).enumerate() {
        slots[i] = slot as u8;
    }
    // What each field of a record is, looked up once per chunk rather than
    // once per field: its column, that column's kind, its borrowed slot.
    let fields_plan: Vec<(usize, ColKind, usize)> =
        map.iter().map(|&ci| (ci, cols[ci].kind, slots[ci] as usize)).collect();
    let mut checked = CheckedTexts::default();
    let mut line = first_line - 1;
    let mut rest = chunk;
    let mut fields = Vec::new();
    super::csv_scan::plain_records(&mut rest, &mut line, &mut fields, &mut |line, fields| {
        if fields.len() != fields_plan.len() {
            return Err(wrong_width(line, map.len(), fields.len()));
        }
        let mut texts = [None; BORROWED_TEXTS];
        for (&v, &(ci, kind, slot)) in fields.iter().zip(&fields_plan) {
            if slot < BORROWED_TEXTS {
                texts[slot] = match v {
                    [] => None,
                    _ => Some(checked.text(kind, v).ok_or_else(|| bad_bytes(line, &cols[ci], v))?),
                };
            } else if v.is_empty() {
                cells[ci] = Cell::Absent;
            } else if !put_csv_cell(kind, v, &mut cells[ci]) {
                return Err(bad_bytes(line, &cols[ci], v));
            }
        }
        let row = BorrowedRow {
            cells: &cells,
            slots: &slots,
            texts: &texts,
        };
        check_required(line, cols, &row)?;
        sink.row_view(line, &row)
    })?;
    if rest.is_empty() {
        return Ok(line + 1 - first_line);
    }
    // From the first record that is not plain, the csv reader reads on,
    // every value a cell of its own.
    let mut rdr = reader(rest);
    let mut rec = csv::ByteRecord::new();
    loop {
        line += 1;
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => row(table, map, line, rec.iter(), &mut cells, sink)?,
            Ok(false) => return Ok(line - first_line),
            Err(e) => return Err(csv_err(line, e)),
        }
    }
}

/// The text cells of a chunk already checked as UTF-8, one per place, the
/// place a cheap hash of the bytes: name cells come from a small
/// vocabulary (users, queues, applications), and comparing a cell with
/// the one seen at its place costs a fraction of checking it again (the
/// standard check of a name with letters beyond ASCII cost about 120
/// instructions a cell).
struct CheckedTexts<'a>([&'a str; CHECKED_PLACES]);

/// Places of [`CheckedTexts`].
const CHECKED_PLACES: usize = 256;

impl Default for CheckedTexts<'_> {
    fn default() -> Self {
        CheckedTexts([""; CHECKED_PLACES])
    }
}

impl<'a> CheckedTexts<'a> {
    /// The non-empty cell `v` of a kind that [`borrows`] as text (None:
    /// not UTF-8, or not a value of `kind`), checked once per place.
    #[inline]
    fn text(&mut self, kind: ColKind, v: &'a [u8]) -> Option<&'a str> {
        let at = |i: usize| v.get(i).map_or(0, |&b| usize::from(b));
        let hash = v.len() + 131 * at(0) + 31 * at(v.len() / 2) + 7 * at(v.len().wrapping_sub(1));
        let seen = self.0.get_mut(hash % CHECKED_PLACES)?;
        if seen.as_bytes() != v {
            *seen = std::str::from_utf8(v).ok()?;
        }
        Some(*seen).filter(|s| kept_as_is(kind, s))
    }
}

/// A record of another width than the header's.
fn wrong_width(line: usize, want: usize, got: usize) -> Error {
    Error::data_at(line, None, None, messages::wrong_width(line, want, got))
}

/// One record at `line`: its width checked, each field typed into `cells`
/// (an empty one is absent), its required values checked, handed to `sink`.
/// `cells` holds the previous record's values: the columns the header
/// does not name must be absent in it.
fn row<'r>(
    table: Table,
    map: &[usize],
    line: usize,
    fields: impl ExactSizeIterator<Item = &'r [u8]>,
    cells: &mut [Cell],
    sink: &mut dyn RowSink,
) -> Result<()> {
    let cols = table.columns();
    if fields.len() != map.len() {
        return Err(wrong_width(line, map.len(), fields.len()));
    }
    // Every column of the header is written, so the cells need no reset
    // (the others stay absent from the start).
    for (v, &ci) in fields.zip(map) {
        let col = &cols[ci];
        if v.is_empty() {
            cells[ci] = Cell::Absent;
        } else if !put_csv_cell(col.kind, v, &mut cells[ci]) {
            return Err(bad_bytes(line, col, v));
        }
    }
    check_required(line, cols, cells)?;
    sink.row(line, cells)
}

#[cfg(test)]
mod tests {
    use super::Cell;
    use proptest::prelude::*;

    /// A value of `kind` as written in CSV (`alt`: another one).
    fn sample(kind: crate::schema::ColKind, alt: bool) -> String {
        use crate::schema::ColKind as K;
        match kind {
            K::Guid if alt => "249cea29-b649-4ef1-b1d1-6d23fe70e702".into(),
            K::Guid => "249CEA29B6494EF1B1D16D23FE70E702".into(),
            K::Text if alt => "\"Lindström, Ängel\"".into(),
            K::Text => "Sales".into(),
            K::Timestamp => "2019-01-01T10:15:00.000Z".into(),
            K::Duration | K::Count => if alt { "0" } else { "42" }.into(),
            K::Bool => if alt { "FALSE" } else { "1" }.into(),
            K::Enum(values) => values[usize::from(alt) % values.len()].into(),
            K::Language => "FI".into(),
            K::TransField => crate::schema::TRANSLATABLE[usize::from(alt)].into(),
        }
    }

    /// A part read with its texts borrowed gives, for every table, the
    /// values the one-pass reader gives as cells: every column filled,
    /// then every optional one left empty.
    #[test]
    fn parts_read_with_borrowed_texts_give_the_one_pass_values() {
        for table in crate::schema::Table::ALL {
            let cols = table.columns();
            let header: Vec<&str> = cols.iter().map(|c| c.name).collect();
            let mut body = String::new();
            for alt in [false, true] {
                let full: Vec<String> = cols.iter().map(|c| sample(c.kind, alt)).collect();
                let sparse: Vec<String> = (cols.iter())
                    .map(|c| if c.required { sample(c.kind, alt) } else { String::new() })
                    .collect();
                body.push_str(&format!("{}\n{}\n", full.join(","), sparse.join(",")));
            }
            let mut one_pass: Vec<Vec<Cell>> = Vec::new();
            let input = format!("{}\n{body}", header.join(","));
            let read = super::super::read_batch(
                table,
                super::super::Format::Csv,
                input.as_bytes(),
                &mut |_: usize, c: &[Cell]| {
                    one_pass.push(c.to_vec());
                    Ok(())
                },
            );
            assert_eq!(read.ok(), Some(4), "{table:?}");
            let map: Vec<usize> = (0..cols.len()).collect();
            let mut viewed = Lined(table, Vec::new());
            let read = super::chunk_records(table, &map, body.as_bytes(), 1, &mut viewed);
            assert_eq!(read.ok(), Some(4), "{table:?}");
            let viewed: Vec<Vec<Cell>> = viewed.1.into_iter().map(|(_, cells)| cells).collect();
            assert_eq!(viewed, one_pass, "{table:?}");
        }
    }

    /// Each row with its line, a viewed one as cells of its own (by the
    /// table's column kinds).
    struct Lined(crate::schema::Table, Vec<(usize, Vec<Cell>)>);

    impl super::RowSink for Lined {
        fn row(&mut self, line: usize, cells: &[Cell]) -> crate::error::Result<()> {
            self.1.push((line, cells.to_vec()));
            Ok(())
        }
    }

    impl super::RowViewSink for Lined {
        fn row_view(&mut self, line: usize, row: &super::BorrowedRow<'_>) -> crate::error::Result<()> {
            use super::super::InputRow;
            let cols = self.0.columns();
            self.1.push((
                line,
                (cols.iter().enumerate()).map(|(i, c)| row.cell(i, c.kind)).collect(),
            ));
            Ok(())
        }
    }

    proptest! {
        /// The header of a plain first line is what the csv reader reads,
        /// and so is where the records start (or the error).
        #[test]
        fn a_plain_header_reads_as_the_csv_reader_reads_it(
            names in proptest::collection::vec(prop_oneof![
                Just("contactId"), Just("channel"), Just("type"), Just("queueId"), Just(""), Just("x y"), Just("\u{e9}"),
            ], 1..5),
            end in prop_oneof![Just(""), Just("\n"), Just("\nA,B\n")],
        ) {
            let input = format!("{}{end}", names.join(","));
            let table = crate::schema::Table::Contacts;
            let by_reader = {
                let mut rdr = super::reader(input.as_bytes());
                super::header(table, &mut rdr).map(|m| m.map(|map| (map, rdr.position().byte() as usize)))
            };
            let ours = super::header_of(table, input.as_bytes());
            prop_assert_eq!(format!("{ours:?}"), format!("{by_reader:?}"));
        }

        /// A text cell is what checking it as UTF-8 (and as a value of its
        /// kind) gives, whatever was seen before: texts that repeat, that
        /// share a place (hundreds of them for 256 places), bytes that are
        /// not UTF-8, and a translatable field's name against other text.
        #[test]
        fn checked_texts_are_what_a_check_gives(
            cells in proptest::collection::vec((prop_oneof![
                3 => "[a-c\u{e4}\u{f6}, ]{1,6}".prop_map(String::into_bytes),
                1 => proptest::collection::vec(any::<u8>(), 1..6),
                1 => Just(b"queueName".to_vec()),
            ], any::<bool>()), 1..600)
        ) {
            use crate::schema::ColKind;
            let mut checked = super::CheckedTexts::default();
            for (v, translatable) in &cells {
                let kind = if *translatable { ColKind::TransField } else { ColKind::Text };
                let want = std::str::from_utf8(v).ok().filter(|s| super::kept_as_is(kind, s));
                prop_assert_eq!(checked.text(kind, v), want);
            }
        }

        /// A chunk reads as the csv reader reads it: the same rows with
        /// the same lines, and the same first error. Records are split 64
        /// bytes at a time until the first that is not plain (a doubled
        /// quote, a quote inside a field), the csv reader from there on;
        /// a text seen before at its place is taken as checked (names
        /// repeat, at other places and in other columns too).
        #[test]
        fn chunks_read_as_the_csv_reader_reads_them(
            records in proptest::collection::vec((0usize..3, 0usize..4, 0usize..7, 0usize..7, 0usize..3, 0usize..12), 0..40)
        ) {
            let table = crate::schema::Table::Translations;
            let languages = ["fi", "SV", ""];
            let fields = ["queueName", "applicationName", "x", ""];
            let texts = ["Sales", "Myynti", "\"Lindstr\u{f6}m, \u{c4}ngel\"", "", "\"say \"\"hi\"\"\"", "a\"b", "queueName"];
            let ends = ["\n", "\r\n", "\r"];
            let mut chunk = String::new();
            for &(l, f, v, t, e, extra) in &records {
                let wider = if extra == 0 { ",z" } else { "" };
                chunk.push_str(&format!("{},{},{},{}{wider}{}", languages[l], fields[f], texts[v], texts[t], ends[e]));
            }
            let mut ours = Lined(table, Vec::new());
            let map = [0, 1, 2, 3];
            let n = super::chunk_records(table, &map, chunk.as_bytes(), 7, &mut ours).map_err(|e| e.to_string());
            let mut theirs = Lined(table, Vec::new());
            let mut rdr = super::reader(chunk.as_bytes());
            let want = super::records(table, &map, &mut rdr, 7, &mut theirs).map_err(|e| e.to_string());
            prop_assert_eq!(n, want);
            prop_assert_eq!(ours.1, theirs.1);
        }
    }
}
