//! Any bytes as the value of every request header the server reads
//! (Accept, Authorization, Content-Type, X-Request-Id, Idempotency-Key),
//! and as a DELETE retention query: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    rai_http::parse_headers_for_fuzzing(s);
    let _ = rai_core::retention_before(s);
});
