//! SPEC §8 text order: CLDR collation by ICU4X at tertiary strength, with
//! sort keys computed once per distinct value (then compared as bytes).

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::Locale;

/// Parses the `xx` of `LOCALE-xx`: a BCP 47 tag with `-` separators;
/// `root` means the root order.
pub fn parse_locale(tag: &str) -> Option<Locale> {
    if tag.eq_ignore_ascii_case("root") {
        return Some(Locale::UNKNOWN);
    }
    if tag.contains('_') {
        return None;
    }
    Locale::try_from_str(tag).ok()
}

/// A collator for one locale (root when none).
pub struct Collation {
    collator: CollatorBorrowed<'static>,
}

impl std::fmt::Debug for Collation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Collation")
    }
}

impl Collation {
    /// The collation of `locale` (CLDR fallback), or root.
    pub fn new(locale: Option<&Locale>) -> Collation {
        let loc = locale.cloned().unwrap_or(Locale::UNKNOWN);
        let collator = Collator::try_new((&loc).into(), CollatorOptions::default())
            .or_else(|_| Collator::try_new((&Locale::UNKNOWN).into(), CollatorOptions::default()));
        match collator {
            Ok(collator) => Collation { collator },
            // Compiled data always has root; this arm is unreachable in practice.
            Err(_) => Collation {
                collator: Collator::try_new(Default::default(), CollatorOptions::default())
                    .unwrap_or_else(|_| unreachable_root()),
            },
        }
    }

    /// Writes the sort key of `s` into `out` (cleared first).
    pub fn key(&self, s: &str, out: &mut Vec<u8>) {
        out.clear();
        let _ = self.collator.write_sort_key_to(s, out);
    }

    /// Compares two texts.
    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        self.collator.compare(a, b)
    }
}

#[allow(clippy::panic)]
fn unreachable_root() -> CollatorBorrowed<'static> {
    panic!("ICU4X compiled data has no root collation")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(locale: &str, words: &[&str]) -> Vec<String> {
        let c = Collation::new(parse_locale(locale).as_ref());
        let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| c.compare(a, b));
        v
    }

    #[test]
    fn nordic_letters_per_locale() {
        let w = ["Ö", "Å", "Ä", "Z", "A"];
        assert_eq!(sorted("fi", &w), ["A", "Z", "Å", "Ä", "Ö"]);
        assert_eq!(sorted("sv", &w), ["A", "Z", "Å", "Ä", "Ö"]);
        assert_eq!(sorted("de", &w), ["A", "Å", "Ä", "Ö", "Z"]);
        assert_eq!(sorted("root", &w), ["A", "Å", "Ä", "Ö", "Z"]);
        assert_eq!(sorted("en-GB", &w), ["A", "Å", "Ä", "Ö", "Z"]);
        // Danish: Æ Ø Å after Z, Ä and Ö sort with Æ and Ø.
        assert_eq!(sorted("da", &["Å", "Z", "Ø", "Æ"]), ["Z", "Æ", "Ø", "Å"]);
    }

    #[test]
    fn locale_tags() {
        assert!(parse_locale("fi").is_some());
        assert!(parse_locale("en-US").is_some());
        assert!(parse_locale("und").is_some());
        assert!(parse_locale("ROOT").is_some());
        assert!(parse_locale("xx").is_some());
        assert!(parse_locale("en_US").is_none());
        assert!(parse_locale("e").is_none());
        assert!(parse_locale("-fi").is_none());
        assert!(parse_locale("").is_none());
    }
}
