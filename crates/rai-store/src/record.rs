//! The log record: `[u32 payload length][u32 CRC-32 of the rest][u64
//! sequence number][payload]`, little-endian. The checksum covers the
//! sequence number and the payload, so a torn or flipped record is told
//! from a good one; the sequence number tells a record from a stale one.
//!
//! Payloads name tables and formats by their names (not by enum order), so
//! a log stays readable when the core's enums grow.

use rai_core::{Format, Millis, Table, Write};

/// Bytes before the payload.
pub const HEADER: usize = 16;
/// The largest payload a record holds (its length is 32 bits).
pub const MAX_PAYLOAD: usize = u32::MAX as usize;

/// A decoded write, owning its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A batch loaded.
    Load {
        /// The table.
        table: Table,
        /// The input format.
        format: Format,
        /// The input.
        bytes: Vec<u8>,
    },
    /// A batch retracted.
    Retract(u64),
    /// Retention.
    Retain(Table, Millis),
}

impl Record {
    /// The write to apply.
    pub fn write(&self) -> Write<'_> {
        match self {
            Record::Load { table, format, bytes } => Write::Load {
                table: *table,
                format: *format,
                bytes,
            },
            Record::Retract(batch) => Write::Retract { batch: *batch },
            Record::Retain(table, before) => Write::Retain {
                table: *table,
                before: *before,
            },
        }
    }
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
}

/// A record in three pieces: the header (length, checksum, sequence
/// number), the payload's head (the write's kind and names) and its body (a
/// loaded batch's bytes, empty for other writes). The log writes them as
/// they are, so a batch's bytes go from the caller's buffer to the file
/// without being copied: the append runs under the engine's writer lock,
/// where two copies of every POST body (and the page faults of fresh
/// buffers) serialized every writer.
#[derive(Debug)]
pub struct Pieces<'a> {
    /// Payload length, checksum of the rest, sequence number.
    pub header: [u8; HEADER],
    /// The payload before the body.
    pub head: Vec<u8>,
    /// The rest of the payload: a load's bytes.
    pub body: &'a [u8],
}

impl Pieces<'_> {
    /// Payload bytes (head and body).
    pub fn payload_len(&self) -> usize {
        self.head.len() + self.body.len()
    }

    /// The record's bytes, in the order they are written.
    pub fn slices(&self) -> [&[u8]; 3] {
        [&self.header, &self.head, self.body]
    }
}

/// The record of `write` with sequence number `seq`, in pieces. A payload
/// over [`MAX_PAYLOAD`] has a meaningless length field: the caller refuses
/// it ([`Pieces::payload_len`]) before writing anything.
pub fn pieces<'a>(seq: u64, write: &Write<'a>) -> Pieces<'a> {
    let mut head = Vec::new();
    let mut body: &[u8] = &[];
    match *write {
        Write::Load { table, format, bytes } => {
            head.push(1);
            put_name(&mut head, table.name());
            put_name(&mut head, format.extension());
            body = bytes;
        }
        Write::Retract { batch } => {
            head.push(2);
            head.extend_from_slice(&batch.to_le_bytes());
        }
        Write::Retain { table, before } => {
            head.push(3);
            put_name(&mut head, table.name());
            head.extend_from_slice(&before.to_le_bytes());
        }
        // A write kind this log does not know is recorded as an unknown
        // payload, which recovery refuses: never silently dropped.
        _ => head.push(0),
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&seq.to_le_bytes());
    crc.update(&head);
    crc.update(body);
    let mut header = [0u8; HEADER];
    header[..4].copy_from_slice(&((head.len() + body.len()) as u32).to_le_bytes());
    header[4..8].copy_from_slice(&crc.finalize().to_le_bytes());
    header[8..].copy_from_slice(&seq.to_le_bytes());
    Pieces { header, head, body }
}

/// The whole record of `write` with sequence number `seq`, in one buffer.
pub fn encode(seq: u64, write: &Write<'_>) -> Vec<u8> {
    pieces(seq, write).slices().concat()
}

/// What is at the start of `buf`.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// A good record of this many bytes.
    Good(u64, Record, usize),
    /// Fewer bytes than the header or the length says: a cut-short write.
    Short,
    /// A full record whose checksum does not match, of this many bytes.
    BadChecksum(usize),
    /// A checksummed record whose payload does not decode.
    BadPayload,
}

fn name<'a>(p: &mut &'a [u8]) -> Option<&'a str> {
    let (&n, rest) = p.split_first()?;
    let (s, rest) = rest.split_at_checked(n as usize)?;
    *p = rest;
    std::str::from_utf8(s).ok()
}

fn u64_of(p: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(p.get(..8)?.try_into().ok()?))
}

/// Reads the record at the start of `buf`.
pub fn decode(buf: &[u8]) -> Read {
    let Some(head) = buf.get(..HEADER) else {
        return Read::Short;
    };
    let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    let Some(whole) = buf.get(..HEADER + len) else {
        return Read::Short;
    };
    if crc32fast::hash(&whole[8..]) != crc {
        return Read::BadChecksum(HEADER + len);
    }
    let seq = u64_of(&whole[8..16]).unwrap_or(0);
    let mut p = &whole[HEADER..];
    let record = (|| {
        let (&tag, rest) = p.split_first()?;
        p = rest;
        Some(match tag {
            1 => {
                let table = Table::from_name(name(&mut p)?)?;
                let format = Format::from_name(name(&mut p)?)?;
                Record::Load {
                    table,
                    format,
                    bytes: p.to_vec(),
                }
            }
            2 if p.len() == 8 => Record::Retract(u64_of(p)?),
            3 => {
                let table = Table::from_name(name(&mut p)?)?;
                if p.len() != 8 {
                    return None;
                }
                Record::Retain(table, u64_of(p)? as i64)
            }
            _ => return None,
        })
    })();
    match record {
        Some(r) => Read::Good(seq, r, HEADER + len),
        None => Read::BadPayload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Record> {
        vec![
            Record::Load {
                table: Table::Contacts,
                format: Format::Csv,
                bytes: b"contactId,channel\n".to_vec(),
            },
            Record::Load {
                table: Table::Users,
                format: Format::JsonLines,
                bytes: Vec::new(),
            },
            Record::Retract(7),
            Record::Retain(Table::AgentIntervals, -1_234_567),
        ]
    }

    #[test]
    fn records_round_trip() {
        for (i, r) in samples().into_iter().enumerate() {
            let bytes = encode(i as u64 + 1, &r.write());
            assert_eq!(decode(&bytes), Read::Good(i as u64 + 1, r, bytes.len()));
        }
    }

    /// Every cut of a record is short; every flipped bit is caught.
    #[test]
    fn cuts_and_flips_are_detected() {
        for r in samples() {
            let bytes = encode(42, &r.write());
            for cut in 0..bytes.len() {
                assert_eq!(decode(&bytes[..cut]), Read::Short, "cut at {cut}");
            }
            for bit in 0..bytes.len() * 8 {
                let mut b = bytes.clone();
                b[bit / 8] ^= 1 << (bit % 8);
                assert!(!matches!(decode(&b), Read::Good(..)), "flip of bit {bit} not detected");
            }
        }
    }
}
