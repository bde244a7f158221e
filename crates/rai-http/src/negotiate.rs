//! SPEC §9 content negotiation: `Accept` read as HTTP does (lists, q-values).

use rai_core::Representation;

/// The representation for an `Accept` header (None = absent), or None when
/// neither JSON nor XML is acceptable (406).
pub fn choose(accept: Option<&str>) -> Option<Representation> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(Representation::Json);
    };
    // For each candidate: the q of the most specific matching range, and where it was listed.
    let mut best = [(0u8, 0.0f32, usize::MAX); Representation::ALL.len()]; // (specificity, q, position)
    for (pos, range) in accept.split(',').enumerate() {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for p in parts {
            if let Some((k, v)) = p.split_once('=') {
                if k.trim().eq_ignore_ascii_case("q") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
        }
        for (i, rep) in Representation::ALL.iter().enumerate() {
            let exact = rep.media_type();
            let family = exact.split('/').next().unwrap_or("");
            let spec = if media == exact {
                3
            } else if media.strip_suffix("/*") == Some(family) {
                2
            } else if media == "*/*" {
                1
            } else {
                0
            };
            if spec > best[i].0 {
                best[i] = (spec, q, pos);
            }
        }
    }
    // The acceptable candidate with the highest q, then the most specific
    // range, then the earliest listed; JSON (the first) wins a full tie.
    type Rank = (f32, u8, std::cmp::Reverse<usize>);
    let mut chosen: Option<(usize, Rank)> = None;
    for (i, &(spec, q, pos)) in best.iter().enumerate() {
        if spec == 0 || q <= 0.0 {
            continue;
        }
        let key = (q, spec, std::cmp::Reverse(pos));
        if chosen.is_none_or(|(_, k)| key > k) {
            chosen = Some((i, key));
        }
    }
    chosen.and_then(|(i, _)| Representation::ALL.get(i).copied())
}

#[cfg(test)]
mod tests {
    use super::choose;
    use rai_core::Representation::{Csv, Json, Xml};

    #[test]
    fn accept_headers() {
        assert_eq!(choose(None), Some(Json));
        assert_eq!(choose(Some("application/json")), Some(Json));
        assert_eq!(choose(Some("application/xml")), Some(Xml));
        assert_eq!(choose(Some("*/*")), Some(Json));
        assert_eq!(choose(Some("application/*")), Some(Json));
        assert_eq!(choose(Some("text/html, application/xml;q=0.9, */*;q=0.8")), Some(Xml));
        assert_eq!(
            choose(Some("application/xml;q=0.5, application/json;q=0.6")),
            Some(Json)
        );
        assert_eq!(choose(Some("application/json;q=0, application/xml")), Some(Xml));
        assert_eq!(choose(Some("text/html")), None);
        assert_eq!(choose(Some("application/json;q=0")), None);
        assert_eq!(choose(Some("text/csv, */*;q=0")), Some(Csv));
        assert_eq!(choose(Some("text/*")), Some(Csv));
        assert_eq!(choose(Some("text/html, */*;q=0")), None);
        assert_eq!(choose(Some("text/csv;q=0.5, application/xml;q=0.5")), Some(Csv));
    }
}
