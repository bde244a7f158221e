//! Bearer tokens, failing closed: with any token configured, every route
//! but the probes needs one; reads take the read or the write token, writes
//! only the write token — so a server given only a read token takes no
//! writes at all. With no token, the server is open (the CLI allows that
//! only on a loopback address or with `--insecure-open`).

use crate::respond::text;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rai_core::messages;

/// The tokens a server checks.
#[derive(Debug, Clone, Copy)]
pub struct Tokens<'a> {
    /// Reads (GET, HEAD); the write token reads too.
    pub read: Option<&'a str>,
    /// Writes (POST, PUT, DELETE).
    pub write: Option<&'a str>,
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in
/// any case, RFC 7235).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares in time independent of where the strings differ.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = (a.len() ^ b.len()) as u8 | (a.len() != b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// Why a request (a write or a read) with `headers` may not proceed: the
/// 401 (no or a wrong token) or 403 (a write where no write token is
/// configured) to answer; `None` when it may.
pub fn denial(tokens: Tokens<'_>, write: bool, headers: &HeaderMap) -> Option<Response> {
    if tokens.read.is_none() && tokens.write.is_none() {
        return None;
    }
    if write && tokens.write.is_none() {
        return Some(text(StatusCode::FORBIDDEN, messages::WRITES_DISABLED));
    }
    let given = bearer(headers);
    let matches = |t: Option<&str>| t.zip(given).is_some_and(|(t, g)| constant_time_eq(t, g));
    if matches(tokens.write) || (!write && matches(tokens.read)) {
        return None;
    }
    let mut r = text(StatusCode::UNAUTHORIZED, messages::UNAUTHORIZED);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq("secret", "secret"));
        assert!(!constant_time_eq("secret", "secreT"));
        assert!(!constant_time_eq("secret", "secret2"));
        assert!(!constant_time_eq("", "x"));
        assert!(constant_time_eq("", ""));
    }

    #[test]
    fn the_scheme_is_case_insensitive() {
        let mut h = HeaderMap::new();
        for v in ["Bearer t0k", "bearer t0k", "BEARER  t0k "] {
            h.insert(header::AUTHORIZATION, HeaderValue::from_static(v));
            assert_eq!(bearer(&h), Some("t0k"), "{v}");
        }
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic t0k"));
        assert_eq!(bearer(&h), None);
    }
}
