//! A large CSV or JSON Lines stream read in blocks of whole records, each
//! block a part (see [`super::split`]) that one core reads while the next
//! block is being read. Why: a file read whole is copied into fresh memory
//! first, and the page faults of that memory cost more than the copy
//! (a quarter of a 1M-row load's CPU time); blocks go into a few buffers
//! that are used again and again. Blocks are cut as parts are: at line
//! ends outside quoted fields (CSV) or at line ends (JSON Lines).

use super::{csv, Format};
use crate::error::Result;
use crate::schema::Table;
use std::io::Read;

/// The size a block is read to before it is cut (a record longer than
/// this makes its block grow until the record ends). Measured on the
/// 1M-segment set: 2 MiB loads in 0.437 s, 8 MiB in 0.461 s (the buffers
/// in flight are fresh memory to fault in, and the last block is read by
/// one core alone), 1 MiB in 0.448 s and 512 KiB in 0.480 s (more parts
/// to merge).
#[cfg(not(test))]
pub(crate) const BLOCK: usize = 2 << 20;
#[cfg(test)]
pub(crate) const BLOCK: usize = 32;

/// A stream of records being read in blocks.
pub(crate) struct Blocks<R> {
    table: Table,
    format: Format,
    input: R,
    /// CSV: the header's column map.
    map: Vec<usize>,
    /// What was read past the last cut: the start of the next block.
    carry: Vec<u8>,
    /// The stream has ended (the carry is the last block, if anything).
    ended: bool,
}

impl<R: Read> Blocks<R> {
    /// Starts reading `input` (its byte order mark and CSV header taken).
    /// None when it cannot be read in blocks: a JSON array, a header that
    /// does not read or does not end within the first block, a read that
    /// fails. The caller then reads the stream again in one pass, which
    /// reports the exact error, if any.
    pub(crate) fn start(table: Table, format: Format, mut input: R) -> Result<Option<Self>> {
        // Blocks are read until the first line has ended (or the stream has).
        let (mut first, mut ended) = (Vec::new(), false);
        while !ended && memchr::memchr(b'\n', &first).is_none() {
            let Ok(got) = (&mut input).take(BLOCK as u64).read_to_end(&mut first) else {
                return Ok(None);
            };
            ended = got < BLOCK;
        }
        let from = usize::from(first.starts_with(b"\xEF\xBB\xBF")) * 3;
        let (map, from) = match format {
            Format::Json => return Ok(None),
            Format::JsonLines => (Vec::new(), from),
            Format::Csv => match csv::header_of(table, &first[from..]).ok().flatten() {
                Some((map, len)) if (from + len).checked_sub(1).and_then(|i| first.get(i)) == Some(&b'\n') => {
                    (map, from + len)
                }
                _ => return Ok(None),
            },
        };
        first.drain(..from);
        Ok(Some(Blocks {
            table,
            format,
            input,
            map,
            carry: first,
            ended,
        }))
    }

    /// The table read.
    pub(crate) fn table(&self) -> Table {
        self.table
    }

    /// The format read.
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    /// CSV: the header's column map.
    pub(crate) fn map(&self) -> &[usize] {
        &self.map
    }

    /// Fills `buf` with the next block of whole records; false when the
    /// stream has ended. A block ends at a record end, or where the stream ends.
    pub(crate) fn next_into(&mut self, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        buf.clear();
        buf.append(&mut self.carry);
        let mut size = BLOCK;
        loop {
            if !self.ended && buf.len() < size {
                buf.reserve(size - buf.len());
                let want = size - buf.len();
                let got = (&mut self.input).take(want as u64).read_to_end(buf)?;
                self.ended = got < want;
            }
            if self.ended {
                return Ok(!buf.is_empty());
            }
            if let Some(cut) = record_end(self.format, buf).filter(|&cut| cut > 0) {
                self.carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                return Ok(true);
            }
            // One record fills the block: read on until it ends.
            size = buf.len() * 2;
        }
    }
}

/// Where the last whole record of `bytes` ends (after its line end), if
/// one does: in CSV, the last line end with an even number of quotes
/// before it (outside any quoted field).
fn record_end(format: Format, bytes: &[u8]) -> Option<usize> {
    if format != Format::Csv {
        return memchr::memrchr(b'\n', bytes).map(|nl| nl + 1);
    }
    let odd = |b: &[u8]| memchr::memchr_iter(b'"', b).count() % 2 == 1;
    let all_odd = odd(bytes);
    // Quotes after the line end being looked at, counted from the back.
    let (mut after_odd, mut end) = (false, bytes.len());
    for nl in memchr::memrchr_iter(b'\n', bytes) {
        after_odd ^= odd(&bytes[nl + 1..end]);
        end = nl + 1;
        if after_odd == all_odd {
            return Some(nl + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out at most `step` bytes per read, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn blocks_of(format: Format, input: &[u8], step: usize) -> Option<(Vec<usize>, Vec<Vec<u8>>)> {
        let mut blocks = Blocks::start(Table::Translations, format, Trickle(input, step)).ok()??;
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while blocks.next_into(&mut buf).ok()? {
            out.push(buf.clone());
        }
        Some((blocks.map().to_vec(), out))
    }

    /// A record end is a line end outside quotes, the last one in the bytes.
    #[test]
    fn a_record_ends_at_the_last_line_end_outside_quotes() {
        assert_eq!(record_end(Format::Csv, b"a,b\nc,d\ne"), Some(8));
        assert_eq!(record_end(Format::Csv, b"a,b\nc,\"d\ne"), Some(4));
        assert_eq!(record_end(Format::Csv, b"a,\"b\n\"\nc,\"d\ne"), Some(7));
        assert_eq!(record_end(Format::Csv, b"a,\"b\nc"), None);
        assert_eq!(record_end(Format::JsonLines, b"{}\n{\"a\":\n"), Some(9));
        assert_eq!(record_end(Format::JsonLines, b"{}"), None);
    }

    /// The header is taken (after a byte order mark), and a stream that is
    /// not CSV or JSON Lines, or whose header does not read, is refused.
    #[test]
    fn the_header_is_taken_or_the_stream_refused() {
        let got = blocks_of(Format::Csv, b"\xEF\xBB\xBFlanguage,field\nen,x\n", 3);
        assert_eq!(got.map(|(map, b)| (map.len(), b)), Some((2, vec![b"en,x\n".to_vec()])));
        assert!(blocks_of(Format::Csv, b"nope\nen,x\n", 3).is_none());
        assert!(blocks_of(Format::Json, b"[]", 3).is_none());
        assert_eq!(blocks_of(Format::JsonLines, b"", 3), Some((Vec::new(), Vec::new())));
    }

    proptest! {
        /// Blocks put back together are the stream without its header, and
        /// every block but the last ends at a record end: with a block size
        /// this small, long inputs cut many times, records longer than a
        /// block included.
        #[test]
        fn blocks_are_the_records_cut_at_record_ends(
            lines in proptest::collection::vec("[a-c,\"\n]{0,12}", 0..40),
            step in 1usize..64,
        ) {
            let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let input = format!("language,field\n{body}");
            let blocks = blocks_of(Format::Csv, input.as_bytes(), step).map(|b| b.1).unwrap_or_default();
            prop_assert_eq!(blocks.concat(), body.as_bytes().to_vec());
            // A cut is a line end with an even number of quotes before it.
            for b in blocks.iter().take(blocks.len().saturating_sub(1)) {
                prop_assert_eq!(b.last(), Some(&b'\n'));
                prop_assert_eq!(b.iter().filter(|&&c| c == b'"').count() % 2, 0);
            }
        }
    }
}
