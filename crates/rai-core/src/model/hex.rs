//! 32 hex digits into a GUID. Every id of every row is parsed here, so on
//! x86-64 the digits are checked and converted 16 at a time with SSE2
//! compares; elsewhere a table lookup per digit does it.

use super::Guid;

/// The value of 32 hex digits (any case); None when `b` is not that.
#[cfg(target_arch = "x86_64")]
pub(super) fn hex_digits(b: &[u8]) -> Option<Guid> {
    let b: &[u8; 32] = b.try_into().ok()?;
    let (hi, lo) = b.split_at(16);
    let out: [u8; 16] = safe_arch::pack_i16_to_u8_m128i(nibble_pairs(hi)?, nibble_pairs(lo)?).into();
    Some(u128::from_be_bytes(out))
}

/// Sixteen hex digits as eight 16-bit lanes, each the byte value of two
/// digits (the first the high nibble); None when one is not a hex digit.
#[cfg(target_arch = "x86_64")]
fn nibble_pairs(digits: &[u8]) -> Option<safe_arch::m128i> {
    use safe_arch::*;
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(digits);
    let c = load_unaligned_m128i(&bytes);
    let splat = |x: u8| set_splat_i8_m128i(x as i8);
    // Each byte's place from '0', and (case folded) from 'a': a digit is
    // one of the first 10, or of the first 6; saturating subtraction
    // leaves zero exactly for those.
    let digit = sub_i8_m128i(c, splat(b'0'));
    let letter = sub_i8_m128i(bitor_m128i(c, splat(0x20)), splat(b'a'));
    let is_digit = cmp_eq_mask_i8_m128i(sub_saturating_u8_m128i(digit, splat(9)), zeroed_m128i());
    let is_letter = cmp_eq_mask_i8_m128i(sub_saturating_u8_m128i(letter, splat(5)), zeroed_m128i());
    if move_mask_i8_m128i(bitor_m128i(is_digit, is_letter)) != 0xFFFF {
        return None;
    }
    let value = bitor_m128i(
        bitand_m128i(is_digit, digit),
        bitand_m128i(is_letter, add_i8_m128i(letter, splat(10))),
    );
    // A lane holds (first digit, second digit) as its low and high byte.
    let first = bitand_m128i(value, set_splat_i16_m128i(0x00FF));
    Some(bitor_m128i(
        shl_imm_u16_m128i::<4>(first),
        shr_imm_u16_m128i::<8>(value),
    ))
}

/// Each byte's hex value, or 0xFF for a byte that is not a hex digit.
#[cfg(not(target_arch = "x86_64"))]
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => c as u8 - b'0',
            b'a'..=b'f' => c as u8 - b'a' + 10,
            b'A'..=b'F' => c as u8 - b'A' + 10,
            _ => 0xFF,
        };
        c += 1;
    }
    t
};

/// The value of 32 hex digits (any case); None when `b` is not that.
/// Branch-free over the digits: a bad digit sets a high bit in `bad`,
/// checked once at the end.
#[cfg(not(target_arch = "x86_64"))]
pub(super) fn hex_digits(b: &[u8]) -> Option<Guid> {
    let b: &[u8; 32] = b.try_into().ok()?;
    let half = |digits: &[u8]| {
        digits.iter().fold((0u64, 0u8), |(v, bad), &c| {
            let h = HEX_VALUE[c as usize];
            ((v << 4) | (h & 0xF) as u64, bad | h)
        })
    };
    let ((hi, bad_hi), (lo, bad_lo)) = (half(&b[..16]), half(&b[16..]));
    ((bad_hi | bad_lo) & 0xF0 == 0).then_some(((hi as u128) << 64) | lo as u128)
}

#[cfg(test)]
mod tests {
    /// Every byte in every place of a GUID: a hex digit gives the value
    /// with that digit, anything else nothing.
    #[test]
    fn each_byte_in_each_place_is_judged_as_a_hex_digit() {
        let guid = *b"0123456789abcdefABCDEF0123456789";
        for at in 0..32 {
            for byte in 0..=255u8 {
                let mut digits = guid;
                digits[at] = byte;
                let want = std::str::from_utf8(&digits)
                    .ok()
                    .filter(|s| s.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|s| u128::from_str_radix(s, 16).ok());
                assert_eq!(super::hex_digits(&digits), want, "byte {byte} at {at}");
            }
        }
    }
}
