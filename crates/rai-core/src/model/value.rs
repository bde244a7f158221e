//! SPEC §1 values: GUIDs, timestamps, booleans — parsing and canonical output.
//!
//! Timestamps are `i64` milliseconds since the Unix epoch (UTC), truncated
//! to milliseconds on input. GUIDs are `u128`.

/// A GUID: 128 bits, written as 32 upper-case hex digits.
pub type Guid = u128;

/// An instant: milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// Milliseconds in one quarter hour.
pub const QUARTER_HOUR_MS: i64 = 15 * 60 * 1000;
/// Milliseconds in one day.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Parses a GUID: 32 hex digits (any case) or the dashed 8-4-4-4-12 form.
pub fn parse_guid(s: &str) -> Option<Guid> {
    parse_guid_bytes(s.as_bytes())
}

/// [`parse_guid`] of raw input bytes: it accepts only ASCII, so a CSV
/// cell need not be checked for UTF-8 first.
pub(crate) fn parse_guid_bytes(b: &[u8]) -> Option<Guid> {
    match b.len() {
        32 => super::hex::hex_digits(b),
        36 => {
            if [8, 13, 18, 23].iter().any(|&i| b.get(i) != Some(&b'-')) {
                return None;
            }
            let mut digits = [0u8; 32];
            let parts = [&b[..8], &b[9..13], &b[14..18], &b[19..23], &b[24..]];
            let mut at = 0;
            for p in parts {
                digits[at..at + p.len()].copy_from_slice(p);
                at += p.len();
            }
            super::hex::hex_digits(&digits)
        }
        _ => None,
    }
}

/// Writes a GUID as 32 upper-case hex digits.
pub fn guid_hex(g: Guid) -> [u8; 32] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = HEX[((g >> (124 - 4 * i)) & 0xF) as usize];
    }
    out
}

/// A GUID as an owned canonical string.
pub fn guid_string(g: Guid) -> String {
    String::from_utf8_lossy(&guid_hex(g)).into_owned()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The first year of [`MONTH_STARTS`].
const TABLE_FROM_YEAR: i64 = 1970;
/// The years [`MONTH_STARTS`] covers.
const TABLE_YEARS: usize = 130;

/// The day number ([`days_from_civil`]) of the first day of every month
/// from January 1970 to January 2100: a canonical timestamp in those
/// years finds its day and its month's length here, instead of by
/// divisions and a leap-year test per timestamp (a contact row holds five).
static MONTH_STARTS: [i32; TABLE_YEARS * 12 + 1] = {
    let mut starts = [0i32; TABLE_YEARS * 12 + 1];
    let mut k = 0;
    while k < starts.len() {
        let y = TABLE_FROM_YEAR + (k / 12) as i64;
        starts[k] = days_from_civil(y, (k % 12) as u32 + 1, 1) as i32;
        k += 1;
    }
    starts
};

/// The day number of (`y`, `mo`, `d`) when the date is valid, by
/// [`MONTH_STARTS`] for the years it covers, else by the algorithm.
#[inline]
fn valid_day(y: i64, mo: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d < 1 {
        return None;
    }
    let k = (usize::try_from(y - TABLE_FROM_YEAR).ok())
        .and_then(|years| years.checked_mul(12))
        .map(|k| k + mo as usize - 1);
    match k.map(|k| (MONTH_STARTS.get(k), MONTH_STARTS.get(k + 1))) {
        Some((Some(&first), Some(&next))) => (d as i32 <= next - first).then_some(first as i64 + d as i64 - 1),
        _ => (d <= days_in_month(y, mo)).then(|| days_from_civil(y, mo, d)),
    }
}

/// The (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Number of days in a month.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let c = *self.b.get(self.i)?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as u32;
            self.i += 1;
        }
        Some(v)
    }
    fn byte(&mut self, want: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&want)).then(|| self.i += 1)
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
}

/// Parses a SPEC §1/§11 timestamp: RFC 3339 with `T`/`t`, seconds required,
/// 0–9 fraction digits, `Z`/`z` or `±HH:MM` (none means UTC), or a bare date
/// (its midnight UTC). Truncated to milliseconds.
pub fn parse_timestamp(s: &str) -> Option<Millis> {
    parse_timestamp_bytes(s.as_bytes())
}

/// [`parse_timestamp`] of raw input bytes: it accepts only ASCII, so a
/// CSV cell need not be checked for UTF-8 first.
pub(crate) fn parse_timestamp_bytes(b: &[u8]) -> Option<Millis> {
    canonical_timestamp(b).or_else(|| any_timestamp(b))
}

/// [`parse_timestamp_bytes`] of every form, by a cursor.
fn any_timestamp(b: &[u8]) -> Option<Millis> {
    let mut c = Cursor { b, i: 0 };
    let y = c.digits(4)? as i64;
    c.byte(b'-')?;
    let mo = c.digits(2)?;
    c.byte(b'-')?;
    let d = c.digits(2)?;
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let day = days_from_civil(y, mo, d);
    if c.peek().is_none() {
        return in_years_1_to_9999(day * DAY_MS);
    }
    match c.peek()? {
        b'T' | b't' => c.i += 1,
        _ => return None,
    }
    let h = c.digits(2)?;
    c.byte(b':')?;
    let mi = c.digits(2)?;
    c.byte(b':')?;
    let sec = c.digits(2)?;
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut ms = 0i64;
    if c.peek() == Some(b'.') {
        c.i += 1;
        let start = c.i;
        while c.peek().is_some_and(|b| b.is_ascii_digit()) {
            let n = c.i - start;
            if n < 3 {
                ms = ms * 10 + (c.b[c.i] - b'0') as i64;
            }
            c.i += 1;
        }
        let n = c.i - start;
        if n == 0 || n > 9 {
            return None;
        }
        for _ in n..3 {
            ms *= 10;
        }
    }
    let offset_min: i64 = match c.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.byte(b':')?;
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let v = (oh * 60 + om) as i64;
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    if c.i != c.b.len() {
        return None;
    }
    let secs = day * 86400 + (h as i64) * 3600 + (mi as i64) * 60 + sec as i64 - offset_min * 60;
    in_years_1_to_9999(secs * 1000 + ms)
}

/// The canonical form `YYYY-MM-DDTHH:MM:SS.mmmZ` — what rai writes, and
/// what nearly every input holds — read at its fixed places, without the
/// general reader's cursor. None when `b` is in another form or out of
/// range (the general reader then decides).
///
/// The 24 bytes are read as three 64-bit words and checked and converted
/// eight bytes at a time (see [`WordShape`]), in fewer instructions than
/// a check and a conversion byte by byte (a load's timestamps: 190 M →
/// 161 M on the 100k-segment set).
#[inline]
fn canonical_timestamp(b: &[u8]) -> Option<Millis> {
    let b: &[u8; 24] = b.try_into().ok()?;
    let (words, _) = b.as_chunks::<8>();
    let [w0, w1, w2] = [0, 1, 2].map(|i| u64::from_le_bytes(words[i]));
    let (d0, d1, d2) = (
        CANONICAL[0].digits(w0)?,
        CANONICAL[1].digits(w1)?,
        CANONICAL[2].digits(w2)?,
    );
    // Each byte i now holds 10 × digit i + digit i + 1 (a digit pair's value
    // where a pair starts; separators are 0, so nothing carries).
    let pairs = |d: u64| d * 10 + (d >> 8);
    let (p0, p1, p2) = (pairs(d0), pairs(d1), pairs(d2));
    let at = |w: u64, i: u32| (w >> (8 * i)) as u32 & 0xFF;
    let y = (at(p0, 0) * 100 + at(p0, 2)) as i64;
    let (mo, d, h, mi, sec) = (at(p0, 5), at(p1, 0), at(p1, 3), at(p1, 6), at(p2, 1));
    let ms = (at(d2, 4) * 100 + at(p2, 5)) as i64;
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let secs = valid_day(y, mo, d)? * 86400 + (h as i64) * 3600 + (mi as i64) * 60 + sec as i64;
    in_years_1_to_9999(secs * 1000 + ms)
}

/// The canonical timestamp's three words: `YYYY-MM-`, `DDTHH:MM`, `:SS.mmmZ`.
const CANONICAL: [WordShape; 3] = [
    WordShape::of(b"9999-99-"),
    WordShape::of(b"99T99:99"),
    WordShape::of(b":99.999Z"),
];

/// What eight bytes read as a little-endian word must hold, byte by byte:
/// a digit, a given letter in either case, or a given byte.
struct WordShape {
    /// Bits compared: a digit's high nibble, a letter but its case bit, a byte whole.
    mask: u64,
    /// What the compared bits must be.
    want: u64,
    /// 0xFF at each digit.
    digits: u64,
}

impl WordShape {
    /// The shape of `pattern`: `9` stands for any digit.
    const fn of(pattern: &[u8; 8]) -> WordShape {
        let (mut mask, mut want, mut digits) = (0u64, 0u64, 0u64);
        let mut i = 0;
        while i < 8 {
            let c = pattern[i];
            let (m, w, d) = match c {
                b'9' => (0xF0, 0x30, 0xFF),
                _ if c.is_ascii_alphabetic() => (0xDF, c & 0xDF, 0),
                _ => (0xFF, c, 0),
            };
            mask |= (m as u64) << (8 * i);
            want |= (w as u64) << (8 * i);
            digits |= (d as u64) << (8 * i);
            i += 1;
        }
        WordShape { mask, want, digits }
    }

    /// The digits' values in their bytes (0 elsewhere), or None when `w`
    /// is not of this shape. A byte 0x30–0x3F is a digit when adding 6
    /// leaves it below 0x40; no byte of the shape carries into the next.
    #[inline(always)]
    fn digits(&self, w: u64) -> Option<u64> {
        let low = self.digits & 0x0606_0606_0606_0606;
        let high = self.digits & 0xF0F0_F0F0_F0F0_F0F0;
        let zeros = self.digits & 0x3030_3030_3030_3030;
        let ok = w & self.mask == self.want && w.wrapping_add(low) & high == zeros;
        ok.then(|| (w & self.digits).wrapping_sub(zeros))
    }
}

/// A language code as rai takes it (the `language` parameter, the
/// translations' `language` column, `--default-language`): two ASCII
/// letters, any case; lower-cased.
pub fn parse_language(s: &str) -> Option<String> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_lowercase())
}

/// 0001-01-01T00:00:00.000Z.
pub const MIN_TIMESTAMP: Millis = -62_135_596_800_000;
/// 9999-12-31T23:59:59.999Z.
pub const MAX_TIMESTAMP: Millis = 253_402_300_799_999;

/// A timestamp is valid only in years 0001–9999 once its offset is
/// applied, so that every accepted instant can be written back as a
/// four-digit-year RFC 3339 timestamp (and read again).
fn in_years_1_to_9999(t: Millis) -> Option<Millis> {
    (MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&t).then_some(t)
}

/// Writes `t` as `YYYY-MM-DDTHH:MM:SS.mmm` followed by `suffix` into `out`.
pub fn write_local(out: &mut String, t: Millis, suffix: &str) {
    use std::fmt::Write;
    let day = t.div_euclid(DAY_MS);
    let rem = t.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(day);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}",
        y,
        m,
        d,
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
        suffix
    );
}

/// Appends the canonical UTC form `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn write_timestamp(out: &mut String, t: Millis) {
    write_local(out, t, "Z");
}

/// The canonical UTC form of an instant as an owned string.
pub fn timestamp_string(t: Millis) -> String {
    let mut s = String::with_capacity(24);
    write_timestamp(&mut s, t);
    s
}

/// Rounds up to the next quarter-hour boundary; a boundary stays (SPEC §3).
pub fn round_up_quarter(t: Millis) -> Millis {
    let r = t.rem_euclid(QUARTER_HOUR_MS);
    if r == 0 {
        t
    } else {
        t - r + QUARTER_HOUR_MS
    }
}

/// Parses a query-string boolean: `true`/`false` in any case (SPEC §11).
pub fn parse_query_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> String {
        parse_timestamp(s).map(timestamp_string).unwrap_or_else(|| "ERR".into())
    }

    #[test]
    fn timestamps_parse_per_spec() {
        assert_eq!(ts("2019-01-01T13:05:00.000Z"), "2019-01-01T13:05:00.000Z");
        assert_eq!(ts("2019-01-01"), "2019-01-01T00:00:00.000Z");
        assert_eq!(ts("2019-01-01t13:05:00z"), "2019-01-01T13:05:00.000Z");
        assert_eq!(ts("2019-01-01T13:05:00"), "2019-01-01T13:05:00.000Z");
        assert_eq!(ts("2019-01-01T13:05:00.123456789+02:00"), "2019-01-01T11:05:00.123Z");
        assert_eq!(ts("2019-01-01T00:05:00.9-00:30"), "2019-01-01T00:35:00.900Z");
        assert_eq!(ts("2019-01-01T13:05:00-00:00"), "2019-01-01T13:05:00.000Z");
        assert_eq!(ts("1969-12-31T23:59:59.999Z"), "1969-12-31T23:59:59.999Z");
        // Years 0001–9999 after the offset, so every instant writes back.
        assert_eq!(ts("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00.000Z");
        assert_eq!(ts("9999-12-31T23:59:59.999Z"), "9999-12-31T23:59:59.999Z");
        assert_eq!(ts("9999-12-31T23:59:59.999+23:59"), "9999-12-31T00:00:59.999Z");
        for bad in [
            "9999-12-31T23:59:59.999-23:59",
            "0001-01-01T00:00:00+00:01",
            "0000-12-31",
            "0000-12-31T23:59:59Z",
            "2026-02-29T00:00:00Z",
            "2026-01-01T10:00:60Z",
            "2026-01-01T10:00Z",
            "2026-01-01T10:00:00.Z",
            "2026-01-01T10:00:00.1234567890Z",
            "2026-01-01 10:00:00Z",
            "2026-01-01T10:00:00+0200",
            "2026-13-01",
            "26-01-01",
            "2026-01-01T24:00:00Z",
            "",
        ] {
            assert_eq!(ts(bad), "ERR", "{bad}");
        }
    }

    #[test]
    fn quarter_hour_rounding_worked_examples() {
        let r = |s: &str| timestamp_string(round_up_quarter(parse_timestamp(s).unwrap_or(0)));
        assert_eq!(r("2019-01-01T13:05:00.000Z"), "2019-01-01T13:15:00.000Z");
        assert_eq!(r("2019-01-01T13:16:00.000Z"), "2019-01-01T13:30:00.000Z");
        assert_eq!(r("2019-01-01T13:15:00.000Z"), "2019-01-01T13:15:00.000Z");
        assert_eq!(r("2019-01-01T13:15:00.0009Z"), "2019-01-01T13:15:00.000Z");
        assert_eq!(r("2019-01-01T13:15:00.001Z"), "2019-01-01T13:30:00.000Z");
    }

    #[test]
    fn guids() {
        let g = parse_guid("249cea29-b649-4ef1-b1d1-6d23fe70e702");
        assert_eq!(g.map(guid_string).as_deref(), Some("249CEA29B6494EF1B1D16D23FE70E702"));
        assert_eq!(parse_guid("249CEA29B6494EF1B1D16D23FE70E702"), g);
        assert_eq!(parse_guid("2B8ED95B0EC911E79675005056A75D9"), None);
        assert_eq!(parse_guid("{249CEA29-B649-4EF1-B1D1-6D23FE70E702}"), None);
        assert_eq!(parse_guid("249CEA29-B6494EF1-B1D1-6D23FE70E7021"), None);
        assert_eq!(parse_guid("249CEA29B6494EF1B1D16D23FE70E70G"), None);
    }

    /// The GUID as the plain definition reads it: 32 hex digits, or the
    /// dashed form with dashes exactly at 8, 13, 18 and 23.
    fn naive_guid(s: &str) -> Option<Guid> {
        let digits: String = match s.len() {
            32 => s.to_string(),
            36 if s
                .char_indices()
                .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23)) =>
            {
                s.replace('-', "")
            }
            _ => return None,
        };
        (digits.len() == 32 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u128::from_str_radix(&digits, 16).ok())
            .flatten()
    }

    proptest::proptest! {
        /// The canonical form read at fixed places is what the general
        /// reader reads, valid or not (a month 13, a 30 February, an hour 24).
        #[test]
        fn canonical_timestamps_read_as_any_other(
            y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..61, s in 0u32..61, ms in 0u32..1000,
            t in proptest::prop_oneof![proptest::prelude::Just('T'), proptest::prelude::Just('t')],
            z in proptest::prop_oneof![proptest::prelude::Just('Z'), proptest::prelude::Just('z')],
        ) {
            let text = format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}.{ms:03}{z}");
            let general = any_timestamp(text.as_bytes());
            proptest::prop_assert_eq!(parse_timestamp(&text), general);
            proptest::prop_assert_eq!(canonical_timestamp(text.as_bytes()).is_some(), general.is_some());
        }

        /// The table-driven parser agrees with the definition on hex-like
        /// text of every length around 32 and 36, bad bytes included.
        #[test]
        fn guid_parser_matches_the_definition(s in "[0-9a-fA-F\\-gG{}é ]{30,38}") {
            proptest::prop_assert_eq!(parse_guid(&s), naive_guid(&s));
        }

        #[test]
        fn every_guid_round_trips(g in proptest::prelude::any::<u128>(), dashed in proptest::prelude::any::<bool>()) {
            let hex = guid_string(g);
            let text = if dashed {
                format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
            } else {
                hex.to_lowercase()
            };
            proptest::prop_assert_eq!(parse_guid(&text), Some(g));
        }
    }

    /// Every byte put at every place of a canonical timestamp — a colon or
    /// a slash where a digit goes, a letter's other case, a byte over 0x7F —
    /// is read as the general reader reads it: what the fixed places take,
    /// they read as it does, and the rest falls to it.
    #[test]
    fn canonical_timestamps_with_any_byte_anywhere() {
        for at in 0..24 {
            for byte in 0..=u8::MAX {
                let mut text = *b"2024-02-29T23:59:58.999Z";
                text[at] = byte;
                let general = any_timestamp(&text);
                if let Some(t) = canonical_timestamp(&text) {
                    assert_eq!(Some(t), general, "{text:?}");
                }
                assert_eq!(parse_timestamp_bytes(&text), general, "{text:?}");
            }
        }
    }

    /// Every date around and across the month table's years, month 0 and
    /// 13 and day 0 and 32 included, is valid and numbered as the leap-year
    /// rule and the algorithm say.
    #[test]
    fn month_table_days_are_the_algorithms() {
        for y in 1965..2106 {
            for mo in 0..14 {
                for d in 0..33 {
                    let want = ((1..=12).contains(&mo) && d >= 1 && d <= days_in_month(y, mo))
                        .then(|| days_from_civil(y, mo, d));
                    assert_eq!(valid_day(y, mo, d), want, "{y}-{mo}-{d}");
                }
            }
        }
    }

    #[test]
    fn civil_round_trip() {
        for d in [-800_000i64, -1, 0, 1, 20_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
