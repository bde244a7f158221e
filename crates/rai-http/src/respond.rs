//! Plain-text answers and the mechanical mapping of a core error (by kind)
//! to a status with its exact text.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rai_core::{messages, ErrorKind};

/// The media type of every plain-text answer.
pub const TEXT: &str = "text/plain; charset=utf-8";

/// A `text/plain` answer.
pub fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, TEXT)], body.into()).into_response()
}

/// 404 with its text.
pub fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, messages::NOT_FOUND)
}

/// 405 with the methods the resource allows.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut r = text(StatusCode::METHOD_NOT_ALLOWED, messages::METHOD_NOT_ALLOWED);
    r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

/// The status of a core error's kind.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidQuery | ErrorKind::InvalidData => StatusCode::BAD_REQUEST,
        ErrorKind::LimitExceeded => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Cancelled | ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Maps a core error mechanically (by kind) to a status with the exact text.
pub fn error(e: rai_core::Error) -> Response {
    text(status_of(e.kind()), e.message())
}

/// Writes a plain-text answer straight to a socket and closes it, for the
/// accept loop's answers before hyper serves the connection (over the
/// connection cap, a malformed first head). Best effort, within a second:
/// the client may not read it.
pub async fn write_text_and_close(stream: &mut tokio::net::TcpStream, status: StatusCode, body: &str) {
    use tokio::io::AsyncWriteExt;
    let head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {TEXT}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}
