//! Every user-facing text of rai, in one place: SPEC.md's query errors (to
//! the byte), data errors (`line N: field: …`), write-API errors and the
//! adapters' own texts (HTTP, C API). Code elsewhere calls these; it never
//! spells a message itself.

use std::fmt::Display;

/// A value echoed in a message as written, except that control characters
/// are escaped (`\n`, `\u{1b}`), so every message stays one line.
struct Shown<'a>(&'a str);

impl Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

// --- query errors (SPEC §4, §5, §8, §11) -------------------------------------

/// A parameter that is neither accepted nor a filterable field.
pub fn invalid_field(name: &str) -> String {
    let name = Shown(name);
    format!("Invalid field: '{name}'")
}
/// A bad value of a parameter.
pub fn invalid_value(param: &str, value: &str) -> String {
    let value = Shown(value);
    format!("Invalid {param}: '{value}'")
}
/// A bad GUID in an id list.
pub fn invalid_guid(token: &str) -> String {
    invalid_value("GUID", token)
}
/// A bad channelType token.
pub fn invalid_channel_type(token: &str) -> String {
    invalid_value("channelType", token)
}
/// A required parameter is missing.
pub fn missing_parameter(name: &str) -> String {
    let name = Shown(name);
    format!("Missing parameter: '{name}'")
}
/// endTime < startTime.
pub const END_BEFORE_START: &str = "endTime is before startTime";
/// A bad `LOCALE-xx` tag.
pub fn invalid_locale(tag: &str) -> String {
    invalid_value("locale", tag)
}
/// A `derived=` token that is not a derived metric of the endpoint.
pub fn invalid_derived(token: &str) -> String {
    invalid_value("derived metric", token)
}
/// A bad `serviceLevelThresholds` value (not 1…3600 seconds, or the 21st).
pub fn invalid_threshold(token: &str) -> String {
    invalid_value("threshold", token)
}
/// A bad `percentiles` value (not a whole number 1…99, or the 21st).
pub fn invalid_percentile(token: &str) -> String {
    invalid_value("percentile", token)
}
/// `fill=zero` over more buckets × groups than allowed.
pub fn fill_too_large(max: usize) -> String {
    format!("Invalid fill: more than {max} rows")
}
/// agentStatusTime: states cut into more buckets × groups than allowed.
pub fn buckets_too_many(max: usize) -> String {
    format!("Invalid timeCategory: more than {max} rows")
}
/// agentStatusTime: states cut into more bucket parts than the limit.
pub fn state_parts_too_many(max: usize) -> String {
    format!("Invalid timeCategory: states cut into more than {max} buckets")
}
/// A sort key that is not a returned field.
pub fn invalid_sort_field(name: &str) -> String {
    let name = Shown(name);
    format!("Invalid sort field: '{name}'")
}

// --- data errors (loading) ----------------------------------------------------

/// The input could not be read.
pub fn unreadable(line: usize, e: impl Display) -> String {
    format!("line {line}: cannot read the input: {e}")
}
/// Malformed CSV.
pub fn invalid_csv(line: usize, e: impl Display) -> String {
    format!("line {line}: invalid CSV: {e}")
}
/// Malformed JSON.
pub fn invalid_json(line: usize, e: impl Display) -> String {
    format!("line {line}: invalid JSON: {e}")
}
/// A JSON value that is not an object where a row was expected.
pub fn expected_object(line: usize) -> String {
    format!("line {line}: expected a JSON object")
}
/// A column name the table does not have.
pub fn unknown_field(line: usize, name: &str) -> String {
    format!("line {line}: {name}: unknown field")
}
/// A CSV header naming a column twice.
pub fn duplicate_field(line: usize, name: &str) -> String {
    format!("line {line}: {name}: duplicate field")
}
/// A CSV record of the wrong width.
pub fn wrong_width(line: usize, expected: usize, found: usize) -> String {
    format!("line {line}: expected {expected} fields, found {found}")
}
/// A value not of its column's kind (`kind`: GUID, timestamp, duration, …).
pub fn invalid_cell(line: usize, column: &str, kind: &str, value: &str) -> String {
    let value = Shown(value);
    format!("line {line}: {column}: invalid {kind} '{value}'")
}
/// A required column without a value.
pub fn missing_value(line: usize, column: &str) -> String {
    format!("line {line}: {column}: missing required value")
}
/// A contact type of another channel.
pub fn type_disagrees(line: usize, ty: &str, channel: &str) -> String {
    let ty = Shown(ty);
    let channel = Shown(channel);
    format!("line {line}: type: '{ty}' does not agree with channel '{channel}'")
}
/// An agent interval that does not start on a quarter hour.
pub fn not_on_quarter_hour(line: usize, column: &str, value: &str) -> String {
    let value = Shown(value);
    format!("line {line}: {column}: not on a quarter hour '{value}'")
}
/// A batch without rows (an empty body, or a CSV header alone).
pub const EMPTY_BATCH: &str = "line 1: the batch has no rows";
/// A second backend for one engine.
pub const BACKEND_SET: &str = "the engine already has a backend";
/// `--data DIR` that is not a directory.
pub fn no_data_dir(dir: &str) -> String {
    format!("--data {dir}: not a directory")
}
/// `--data DIR` without any table file.
pub fn no_table_files(dir: &str) -> String {
    format!("--data {dir}: no table files (<table>.jsonl, .json, .csv or .parquet); the engine is empty")
}
/// A data error inside a named file of a data directory.
pub fn in_file(file: &str, e: impl Display) -> String {
    format!("{file}: {e}")
}
/// An upsert whose userId differs from the one it is addressed to.
pub fn user_id_differs(given: &str, path: &str) -> String {
    let given = Shown(given);
    let path = Shown(path);
    format!("line 1: userId: '{given}' differs from the path's '{path}'")
}

// --- write API ----------------------------------------------------------------

/// Retracting an upsert batch.
pub fn not_retractable(batch: u64) -> String {
    format!("Batch {batch} upserted rows and cannot be retracted")
}
/// An unknown batch id.
pub fn unknown_batch(batch: impl Display) -> String {
    format!("Unknown batch: '{batch}'")
}
/// Retention on a table without a time key.
pub fn no_retention(table: &str) -> String {
    let table = Shown(table);
    format!("Retention is not defined for '{table}'")
}
/// Upserting into a table that appends.
pub fn not_upsert_table(table: &str) -> String {
    let table = Shown(table);
    format!("Not an upsert table: '{table}'")
}
/// An unknown table name.
pub fn unknown_table(name: &str) -> String {
    let name = Shown(name);
    format!("Unknown table: '{name}'")
}
/// An unknown endpoint name.
pub fn unknown_endpoint(name: &str) -> String {
    let name = Shown(name);
    format!("Unknown endpoint: '{name}'")
}
/// An unknown durability mode name.
pub fn unknown_durability(name: &str) -> String {
    let name = Shown(name);
    format!("Unknown durability: '{name}' (sync, interval or off)")
}
/// An unknown data or result format name.
pub fn unknown_format(name: &str) -> String {
    let name = Shown(name);
    format!("Unknown format: '{name}'")
}

/// A stream that could not be read to its end.
pub fn read_failed(e: impl std::fmt::Display) -> String {
    format!("could not read the input: {e}")
}

// --- the write path and its journal --------------------------------------------

/// The writer lock was poisoned by a panic.
pub fn writer_poisoned() -> String {
    "Internal error: the writer lock is poisoned".into()
}
/// A thread reading a file panicked (a bug).
pub fn reader_panicked() -> String {
    "Internal error: a thread reading the input panicked".into()
}
/// A second journal for one engine.
pub fn journal_attached() -> String {
    "Internal error: the engine already has a journal".into()
}
/// A checkpoint file whose rows of a batch are not as many as its manifest lists.
pub fn restored_rows(part: &str, batch: u64, rows: usize, listed: usize) -> String {
    format!("{part}: read {rows} rows of batch {batch}, the checkpoint's manifest lists {listed}")
}
/// Writes after the journal failed.
pub fn journal_failed() -> String {
    "Writes are refused: the write-ahead log failed; restart to recover".into()
}

// --- internal errors (bugs, reported instead of hidden) ------------------------

/// A plan term the executor cannot run (the declaration test rules it out).
pub fn cannot_run(what: impl std::fmt::Debug) -> String {
    format!("Internal error: the columnar executor cannot run {what:?}")
}
/// A stored column whose length differs from its table's.
pub fn misaligned_column(column: &str, rows: usize, expected: usize) -> String {
    format!("Internal error: column {column} has {rows} rows, not {expected}")
}
/// A row that passed validation without a required value.
pub fn unvalidated(what: &str) -> String {
    format!("Internal error: {what} passed validation")
}

// --- HTTP ---------------------------------------------------------------------

/// 404.
pub const NOT_FOUND: &str = "Not found";
/// 405.
pub const METHOD_NOT_ALLOWED: &str = "Method not allowed";
/// 401.
pub const UNAUTHORIZED: &str = "Unauthorized";
/// A write to a server configured with a read token only.
pub const WRITES_DISABLED: &str = "Forbidden: this server takes no writes (it has a read token and no write token)";
/// 503, too many requests at once.
pub const SERVER_BUSY: &str = "Server busy";
/// 503 before the store is recovered (and `/readyz`'s body then).
pub const NOT_READY: &str = "Not ready: recovering the store";
/// `/readyz` once ready, `/livez` always.
pub const READY: &str = "ready";
/// `/livez`.
pub const LIVE: &str = "live";
/// 503, the request took too long.
pub const TIMED_OUT: &str = "Request timed out";
/// 406.
pub const NOT_ACCEPTABLE: &str = "Not acceptable: use application/json, application/xml or text/csv";
/// 415.
pub const UNSUPPORTED_MEDIA_TYPE: &str =
    "Unsupported Content-Type: use application/json, application/x-ndjson, text/csv or application/vnd.apache.parquet";
/// 408: the body did not arrive in time.
pub const BODY_TIMED_OUT: &str = "Request body timed out";
/// 503 to a connection over the cap.
pub const TOO_MANY_CONNECTIONS: &str = "Too many connections";
/// 422: an Idempotency-Key used before with another request.
pub const IDEMPOTENCY_KEY_REUSED: &str = "Idempotency-Key was used with a different request";
/// 400: an Idempotency-Key that is empty, too long or not visible ASCII.
pub fn invalid_idempotency_key(max: usize) -> String {
    format!("Invalid Idempotency-Key: 1 to {max} visible ASCII characters")
}
/// 415 on PUT (an upsert is one JSON object).
pub const UNSUPPORTED_UPSERT_TYPE: &str = "Unsupported Content-Type: use application/json";
/// 413, body.
pub fn body_too_large(limit: usize) -> String {
    format!("Body larger than {limit} bytes")
}
/// 414.
pub const URI_TOO_LONG: &str = "URI too long";
/// Raw bytes of a request head, echoed: visible ASCII as is, any other
/// byte as `\xNN`, the first 200 bytes (then `…`).
fn shown_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes.iter().take(200) {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > 200 {
        out.push('…');
    }
    out
}
/// 400: a request line HTTP forbids (raw bytes in the URL, say).
pub fn invalid_request_line(line: &[u8]) -> String {
    format!("Invalid request line: '{}'", shown_bytes(line))
}
/// 400: a header line HTTP forbids.
pub fn invalid_header_line(line: &[u8]) -> String {
    format!("Invalid header line: '{}'", shown_bytes(line))
}
/// 431: more header lines than the server reads.
pub fn too_many_headers(max: usize) -> String {
    format!("Too many header lines: at most {max}")
}
/// 500.
pub const INTERNAL: &str = "Internal error";

// --- C API --------------------------------------------------------------------

/// A null pointer argument.
pub fn null_argument(name: &str) -> String {
    format!("{name} is null")
}
/// A string argument that is not UTF-8.
pub fn not_utf8(name: &str) -> String {
    format!("{name} is not UTF-8")
}
/// A query stopped at its deadline (the library's text; HTTP answers 503 "Request timed out").
pub const DEADLINE_PASSED: &str = "the query passed its deadline and was stopped";
/// A call on a closed engine (the Python package).
pub const ENGINE_CLOSED: &str = "the engine is closed";
/// A panic caught at the FFI boundary (a bug).
pub const PANIC_AT_FFI: &str = "internal error (panic caught at the FFI boundary)";
