//! The pattern matcher equals a naive recursive matcher on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rai_core::Pattern;

fn naive(p: &[char], v: &[char]) -> bool {
    match p.split_first() {
        None => v.is_empty(),
        Some(('*', rest)) => (0..=v.len()).any(|i| naive(rest, &v[i..])),
        Some(('?', rest)) => !v.is_empty() && naive(rest, &v[1..]),
        Some((c, rest)) => v.first() == Some(c) && naive(rest, &v[1..]),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Some((p, v)) = s.split_once('\u{0}') else { return };
    if p.chars().count() > 12 || v.chars().count() > 24 {
        return;
    }
    // Compare on inputs where lower-casing is the simple folding (ASCII).
    if !(p.is_ascii() && v.is_ascii()) {
        let _ = Pattern::new(p).matches(v);
        return;
    }
    let pc: Vec<char> = p.to_ascii_lowercase().chars().collect();
    let vc: Vec<char> = v.to_ascii_lowercase().chars().collect();
    assert_eq!(Pattern::new(p).matches(v), naive(&pc, &vc), "{p:?} {v:?}");
});
