//! SPEC §5 field patterns: `*` any run, `?` one code point, everything else
//! literal; the whole value must match; case is ignored by Unicode simple
//! case folding per code point (no normalisation).

use icu_casemap::CaseMapper;
use smallvec::SmallVec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Star,
    One,
    Lit(char),
}

/// A compiled field pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    toks: Vec<Tok>,
    source: Box<str>,
}

impl serde::Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        CaseMapper::new().simple_fold(c)
    }
}

impl Pattern {
    /// Compiles a pattern.
    pub fn new(p: &str) -> Pattern {
        let mut toks = Vec::with_capacity(p.len());
        for c in p.chars() {
            let t = match c {
                '*' => Tok::Star,
                '?' => Tok::One,
                c => Tok::Lit(fold(c)),
            };
            // Consecutive stars are one star.
            if !(t == Tok::Star && toks.last() == Some(&Tok::Star)) {
                toks.push(t);
            }
        }
        Pattern { toks, source: p.into() }
    }

    /// The pattern as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `value` matches.
    pub fn matches(&self, value: &str) -> bool {
        let v: SmallVec<[char; 64]> = value.chars().map(fold).collect();
        let p = &self.toks;
        let (mut pi, mut vi) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while vi < v.len() {
            match p.get(pi) {
                Some(Tok::Star) => {
                    star = Some((pi, vi));
                    pi += 1;
                    continue;
                }
                Some(Tok::One) => {
                    pi += 1;
                    vi += 1;
                    continue;
                }
                Some(Tok::Lit(c)) if *c == v[vi] => {
                    pi += 1;
                    vi += 1;
                    continue;
                }
                _ => {}
            }
            match star {
                Some((sp, sv)) => {
                    pi = sp + 1;
                    vi = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            }
        }
        p[pi..].iter().all(|t| *t == Tok::Star)
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn m(p: &str, v: &str) -> bool {
        Pattern::new(p).matches(v)
    }

    #[test]
    fn whole_value_with_star_and_question_mark() {
        assert!(m("Sales", "Sales"));
        assert!(m("sales", "SALES"));
        assert!(!m("Sales", "Sales 2"));
        assert!(m("Sales*", "Sales 2"));
        assert!(m("*", ""));
        assert!(m("*", "anything"));
        assert!(m("S?les", "Sáles"));
        assert!(!m("S?les", "Sles"));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("*a*b", "xxaxxbxx"));
        assert!(m("Fox, John", "fox, john"));
        assert!(m("a**b", "ab"));
        assert!(!m("", "a"));
        assert!(m("", ""));
    }

    #[test]
    fn simple_case_folding_per_code_point() {
        assert!(m("äijälä*", "ÄIJÄLÄ, ÖLJY"));
        assert!(m("Å*", "ångström"));
        // Simple folding: ß does not fold to "ss"; ẞ (U+1E9E) folds to ß.
        assert!(!m("gross", "Groß"));
        assert!(m("groß", "GROẞ"));
        assert!(m("gro?", "Groß"));
        // The Kelvin sign folds to k.
        assert!(m("k", "\u{212A}"));
        // Σ, σ and ς: final sigma folds to σ.
        assert!(m("σ", "ς"));
    }
}
