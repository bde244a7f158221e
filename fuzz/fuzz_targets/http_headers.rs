//! Any bytes as the value of every request header the server reads
//! (Accept, Authorization, Content-Type, X-Request-Id, Idempotency-Key),
//! and as a DELETE retention query: never a panic. The same bytes as a
//! connection's first request head: never a panic, and a refusal's text is
//! one line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = rai_http::check_head_for_fuzzing(data) {
        assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
    }
    let Ok(s) = std::str::from_utf8(data) else { return };
    rai_http::parse_headers_for_fuzzing(s);
    let _ = rai_core::retention_before(s);
});
