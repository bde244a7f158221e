//! SPEC §9 content negotiation: `Accept` read as HTTP does (lists, q-values).

use rai_core::Representation;

/// The representation for an `Accept` header (None = absent), or None when
/// neither JSON nor XML is acceptable (406).
pub fn choose(accept: Option<&str>) -> Option<Representation> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(Representation::Json);
    };
    // For each candidate: the q of the most specific matching range, and where it was listed.
    let mut best: [(u8, f32, usize); 2] = [(0, 0.0, usize::MAX); 2]; // (specificity, q, position)
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
            let spec = if media == rep.media_type() {
                3
            } else if media == "application/*" {
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
    let (json, xml) = (best[0], best[1]);
    let (qj, qx) = (
        if json.0 > 0 { json.1 } else { 0.0 },
        if xml.0 > 0 { xml.1 } else { 0.0 },
    );
    if qj <= 0.0 && qx <= 0.0 {
        return None;
    }
    // XML only when it is strictly better, or equally good and named more specifically / earlier.
    let xml_wins = qx > qj || (qx == qj && (xml.0, std::cmp::Reverse(xml.2)) > (json.0, std::cmp::Reverse(json.2)));
    Some(if xml_wins {
        Representation::Xml
    } else {
        Representation::Json
    })
}

#[cfg(test)]
mod tests {
    use super::choose;
    use rai_core::Representation::{Json, Xml};

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
        assert_eq!(choose(Some("text/csv, */*;q=0")), None);
    }
}
