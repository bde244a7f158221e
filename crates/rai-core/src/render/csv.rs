//! CSV field quoting (RFC 4180).

/// Writes `s` as one CSV field: quoted (quotes doubled) when it holds a
/// comma, a quote, CR or LF.
pub(super) fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        for c in s.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}
