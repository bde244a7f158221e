//! Splitting plain CSV records into fields 64 bytes at a time. Each
//! window's commas, quotes, line feeds and carriage returns are found at
//! once as bit masks (SSE2 compares on x86-64), and the record splitter
//! visits only those positions: one pass over the input, where a byte
//! search per line and per field started over some thirty times a record.
//!
//! Only the plain form is split here — fields unquoted, or quoted whole
//! with no quote inside — which is nearly every record a load sees. At
//! the first record in another form the scan stops before it, so the
//! caller reads that record (and what follows) by the csv reader's rules.

use crate::error::Result;

/// The positions of one window's special bytes, bit i for byte i.
struct Masks {
    comma: u64,
    quote: u64,
    line_end: u64,
}

#[cfg(target_arch = "x86_64")]
fn masks(w: &[u8; 64]) -> Masks {
    use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    let hits = |v: m128i, b: u8| move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b as i8))) as u32 as u64;
    let mut m = Masks {
        comma: 0,
        quote: 0,
        line_end: 0,
    };
    for (k, part) in w.chunks_exact(16).enumerate() {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(part);
        let v = load_unaligned_m128i(&bytes);
        m.comma |= hits(v, b',') << (16 * k);
        m.quote |= hits(v, b'"') << (16 * k);
        m.line_end |= (hits(v, b'\n') | hits(v, b'\r')) << (16 * k);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
fn masks(w: &[u8; 64]) -> Masks {
    let bits = |want: &dyn Fn(u8) -> bool| (w.iter().enumerate()).fold(0u64, |m, (i, &b)| m | (want(b) as u64) << i);
    Masks {
        comma: bits(&|b| b == b','),
        quote: bits(&|b| b == b'"'),
        line_end: bits(&|b| b == b'\n' || b == b'\r'),
    }
}

/// Hands each plain record at the start of `*rest` to `take` with its
/// line (`*line` is the last one handed), its fields borrowed from the
/// input. Stops at the end of the input, or before the first record that
/// is not plain, with `*rest` moved to it. Records split as the csv
/// reader splits them: a record ends at `\n`, `\r` or `\r\n`, and empty
/// lines are no records.
pub(super) fn plain_records<'a>(
    rest: &mut &'a [u8],
    line: &mut usize,
    fields: &mut Vec<&'a [u8]>,
    take: &mut impl FnMut(usize, &[&'a [u8]]) -> Result<()>,
) -> Result<()> {
    let input: &'a [u8] = rest;
    let (mut record, mut field) = (0usize, 0usize);
    // The opening quote of the field being read, if it is quoted.
    let mut open: Option<usize> = None;
    // Positions before this were taken with a closing quote.
    let mut skip = 0usize;
    fields.clear();
    for base in (0..input.len()).step_by(64) {
        let m = match input.get(base..base + 64).and_then(|w| <&[u8; 64]>::try_from(w).ok()) {
            Some(w) => masks(w),
            None => {
                // The last, short window, padded with bytes that are no events.
                let mut window = [0u8; 64];
                window[..input.len() - base].copy_from_slice(&input[base..]);
                masks(&window)
            }
        };
        let mut events = m.comma | m.quote | m.line_end;
        while events != 0 {
            let bit = events.trailing_zeros();
            let at = base + bit as usize;
            events &= events - 1;
            if at < skip {
                continue;
            }
            // Nearly every event: a comma outside quotes, known by its mask.
            if open.is_none() && m.comma >> bit & 1 == 1 {
                fields.push(&input[field..at]);
                field = at + 1;
                continue;
            }
            let byte = input[at];
            // Where the next record starts, when this event ends one.
            let next = if let Some(from) = open {
                if byte != b'"' {
                    continue; // a comma or line end inside quotes
                }
                // The closing quote: what follows must end the field.
                open = None;
                fields.push(&input[from + 1..at]);
                match input.get(at + 1) {
                    None => at + 1,
                    Some(b',') => {
                        (field, skip) = (at + 2, at + 2);
                        continue;
                    }
                    Some(b'\n' | b'\r') => {
                        skip = at + 2;
                        at + 2
                    }
                    // A doubled quote, or text after the closing quote.
                    Some(_) => return stopped(rest, input, record, fields),
                }
            } else {
                match byte {
                    b',' => {
                        fields.push(&input[field..at]);
                        field = at + 1;
                        continue;
                    }
                    b'"' if at == field => {
                        open = Some(at);
                        continue;
                    }
                    // A quote inside a field.
                    b'"' => return stopped(rest, input, record, fields),
                    // An empty line.
                    _ if at == record => {
                        (record, field) = (at + 1, at + 1);
                        continue;
                    }
                    _ => {
                        fields.push(&input[field..at]);
                        at + 1
                    }
                }
            };
            *line += 1;
            take(*line, fields)?;
            fields.clear();
            (record, field) = (next, next);
        }
    }
    if open.is_some() {
        // A quoted field that does not close: the csv reader's to judge.
        return stopped(rest, input, record, fields);
    }
    // The last record, without a line end.
    if record < input.len() {
        fields.push(&input[field..]);
        *line += 1;
        take(*line, fields)?;
    }
    fields.clear();
    *rest = &input[input.len()..];
    Ok(())
}

/// Stops the scan before the record starting at `record`.
fn stopped<'a>(rest: &mut &'a [u8], input: &'a [u8], record: usize, fields: &mut Vec<&'a [u8]>) -> Result<()> {
    fields.clear();
    *rest = &input[record..];
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The records and fields the csv reader finds in `input`.
    fn by_the_csv_reader(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut rec = ::csv::ByteRecord::new();
        let mut out = Vec::new();
        while let Ok(true) = rdr.read_byte_record(&mut rec) {
            out.push(rec.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    /// The records the scan hands over, their lines, and what it left.
    fn scanned(input: &[u8]) -> (Vec<Vec<Vec<u8>>>, Vec<usize>, usize) {
        let (mut rest, mut line, mut fields) = (input, 4, Vec::new());
        let (mut records, mut lines) = (Vec::new(), Vec::new());
        let mut take = |line: usize, fields: &[&[u8]]| {
            lines.push(line);
            records.push(fields.iter().map(|f| f.to_vec()).collect());
            Ok(())
        };
        let done = super::plain_records(&mut rest, &mut line, &mut fields, &mut take);
        assert!(done.is_ok());
        (records, lines, rest.len())
    }

    /// A plain field: unquoted, or quoted whole with commas and line ends inside.
    fn plain_field() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => "[a é-]{0,12}",
            1 => "[a ,\r\n]{0,12}".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    proptest! {
        /// Plain records over many 64-byte windows, with every line end
        /// and empty lines between them, are split whole, each as the csv
        /// reader splits it.
        #[test]
        fn plain_records_split_whole_as_the_csv_reader_splits_them(
            records in proptest::collection::vec(
                (proptest::collection::vec(plain_field(), 1..8), prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("\n\n"), Just("\r\n\r\n")]),
                0..24,
            ),
            last_end in any::<bool>(),
        ) {
            let mut input = String::new();
            for (i, (fields, end)) in records.iter().enumerate() {
                input.push_str(&fields.join(","));
                if last_end || i + 1 < records.len() {
                    input.push_str(end);
                }
            }
            let (ours, lines, left) = scanned(input.as_bytes());
            let theirs = by_the_csv_reader(input.as_bytes());
            prop_assert_eq!(left, 0);
            prop_assert_eq!(lines, (5..5 + theirs.len()).collect::<Vec<_>>());
            prop_assert_eq!(ours, theirs);
        }

        /// Whatever the input, the records handed over are the csv
        /// reader's first ones, and the scan stops at a record boundary:
        /// the csv reader reads the rest as it reads it in the whole.
        #[test]
        fn the_scan_stops_where_the_csv_reader_goes_on(
            input in proptest::collection::vec(prop_oneof![
                6 => Just(b'a'), 3 => Just(b','), 2 => Just(b'\n'), 1 => Just(b'\r'), 1 => Just(b'"'),
            ], 0..300)
        ) {
            let (mut ours, _, left) = scanned(&input);
            ours.extend(by_the_csv_reader(&input[input.len() - left..]));
            prop_assert_eq!(ours, by_the_csv_reader(&input));
        }
    }
}
