//! A large CSV or JSON Lines input cut into parts that can be read apart,
//! each handing its rows to a sink of its own — so that a batch is read
//! and ingested on every core. Parts are cut at line ends; in CSV only at
//! line ends outside quoted fields: where the quotes before it are even in
//! number, which holds when every quote opens a field, closes one, or is
//! doubled (RFC 4180). A body with a quote anywhere else (the csv reader
//! takes `ab"c` literally) is read as one part. Line numbers within a part start
//! over: a part that fails is not reported as it is — the caller reads the
//! whole input again in one pass for the exact first error.

use super::{csv, json, Format, RowViewSink};
use crate::error::Result;
use crate::schema::Table;
use std::ops::Range;

/// The bytes of a part whose lines are counted to guess its rows.
const SAMPLE_BYTES: usize = 64 * 1024;

/// An input cut into parts.
pub(crate) struct Parts<'a> {
    table: Table,
    format: Format,
    bytes: &'a [u8],
    /// CSV: the header's column map.
    map: Vec<usize>,
    /// The parts' byte ranges, in order (JSON arrays: ranges of `items`).
    pub(crate) ranges: Vec<Range<usize>>,
    /// JSON arrays: each object with its line.
    items: Vec<(usize, &'a [u8])>,
}

/// Cuts `bytes` into about `n` parts, or None when it cannot (a CSV body
/// with a stray quote, no header, no records, fewer than two parts where
/// more than one was asked for). One part is what a small CSV body asks
/// for: its reader is the faster one. A JSON array is
/// cut between its objects, which keep their own line numbers.
pub(crate) fn split(table: Table, format: Format, bytes: &[u8], n: usize) -> Result<Option<Parts<'_>>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (map, from) = match format {
        Format::Json => {
            // The array's items found in one pass; their reading is what is parallel.
            let items = json::array_items(bytes)?;
            let size = items.len().div_ceil(n.max(1)).max(1);
            let ranges: Vec<Range<usize>> = (0..items.len())
                .step_by(size)
                .map(|a| a..(a + size).min(items.len()))
                .collect();
            if ranges.is_empty() || (ranges.len() < 2 && n > 1) {
                return Ok(None);
            }
            return Ok(Some(Parts {
                table,
                format,
                bytes,
                map: Vec::new(),
                ranges,
                items,
            }));
        }
        Format::JsonLines => (Vec::new(), 0),
        Format::Csv => match csv::header_of(table, bytes)? {
            Some((map, from)) if quotes_well_placed(&bytes[from..]) => (map, from),
            _ => return Ok(None),
        },
    };
    let body = bytes.len() - from;
    let mut ranges = Vec::new();
    let mut start = from;
    // Quotes counted up to `counted`: their parity tells whether a line end is in a field.
    let (mut counted, mut odd) = (from, false);
    'cuts: for k in 1..n {
        let mut at = (from + body * k / n).max(start);
        let end = loop {
            let Some(nl) = memchr::memchr(b'\n', &bytes[at..]).map(|p| at + p) else {
                break 'cuts;
            };
            let quotes = memchr::memchr_iter(b'"', &bytes[counted.min(nl)..nl]).count();
            (counted, odd) = (nl, odd ^ (quotes % 2 == 1));
            if !odd {
                break nl + 1;
            }
            at = nl + 1;
        };
        if end > start {
            ranges.push(start..end);
            start = end;
        }
    }
    if start < bytes.len() {
        ranges.push(start..bytes.len());
    }
    if ranges.is_empty() || (ranges.len() < 2 && n > 1) {
        return Ok(None);
    }
    Ok(Some(Parts {
        table,
        format,
        bytes,
        map,
        ranges,
        items: Vec::new(),
    }))
}

/// One block of a stream's records, cut at a record end (see
/// [`super::blocks`]), as one part; None when a CSV block has a stray
/// quote (its cut may be inside a field: the caller reads the stream
/// again in one pass).
pub(crate) fn block<'a>(table: Table, format: Format, map: &[usize], bytes: &'a [u8]) -> Option<Parts<'a>> {
    if format == Format::Json || (format == Format::Csv && !quotes_well_placed(bytes)) {
        return None;
    }
    Some(Parts {
        table,
        format,
        bytes,
        map: map.to_vec(),
        ranges: std::iter::once(0..bytes.len()).collect(),
        items: Vec::new(),
    })
}

/// Whether every quote of a CSV body opens a field, closes one, or is one
/// of a doubled pair.
fn quotes_well_placed(body: &[u8]) -> bool {
    let at = |i: usize| body.get(i).copied();
    memchr::memchr_iter(b'"', body).all(|i| {
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        matches!(prev, None | Some(b',' | b'\n' | b'\r' | b'"'))
            || matches!(next, None | Some(b',' | b'\n' | b'\r' | b'"'))
    })
}

impl Parts<'_> {
    /// About how many rows part `i` holds: what its columns reserve room
    /// for. A JSON array's objects exactly; else its lines, counted in
    /// its first [`SAMPLE_BYTES`] and scaled to its size, an eighth more
    /// (counting every line of a large part cost 2% of a load). Room is
    /// reserved, not touched: too much costs address space only, too
    /// little one reallocation.
    pub(crate) fn rows_about(&self, i: usize) -> usize {
        let range = self.ranges[i].clone();
        match self.format {
            Format::Json => range.len(),
            _ => {
                let bytes = &self.bytes[range];
                let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
                let lines = memchr::memchr_iter(b'\n', sample).count() + 1;
                match sample.len() < bytes.len() {
                    true => lines * bytes.len() / sample.len() * 9 / 8,
                    false => lines,
                }
            }
        }
    }

    /// Reads part `i`, handing its rows to `sink` (lines from 1 within the part).
    pub(crate) fn read(&self, i: usize, sink: &mut dyn RowViewSink) -> Result<usize> {
        let range = self.ranges[i].clone();
        match self.format {
            Format::Csv => csv::chunk_records(self.table, &self.map, &self.bytes[range], 1, sink),
            Format::JsonLines => json::read_json_lines_from(self.table, &self.bytes[range], 1, sink),
            Format::Json => json::read_items(self.table, &self.items[range], sink),
        }
    }
}
