//! The first request head of a connection, read and checked before hyper
//! sees it, so that a head HTTP forbids gets a 400 whose text names the
//! line — hyper answers such a head with an empty 400 and no way to add one.
//!
//! The verdict is hyper's own: the same parser (`httparse`, hyper's default
//! configuration and its 100-header limit) and the same request-target rule
//! (`http::Uri`), so a head that passes here passes hyper, and one refused
//! here is one hyper would have refused. What passes is handed on unread:
//! [`Prefixed`] replays the bytes read so far, then reads the socket.
//!
//! Only a connection's first head is checked (later heads on a kept-alive
//! connection could be found only by following each body's framing, which
//! is hyper's job); a client sending raw bytes in a second pipelined request
//! still gets hyper's empty 400.

use crate::respond;
use axum::http::StatusCode;
use rai_core::messages;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The header lines hyper accepts at most (its `DEFAULT_MAX_HEADERS`).
const MAX_HEADERS: usize = 100;
/// Heads longer than this are handed to hyper unchecked (it applies its
/// own size limit).
const MAX_CHECKED_HEAD: usize = 64 * 1024;

/// A stream that yields `read` bytes first, then the socket's.
pub struct Prefixed {
    read: Vec<u8>,
    at: usize,
    stream: TcpStream,
}

/// Reads the first request head of `stream` (within `timeout`, the
/// header-read timeout) and either
/// answers a malformed one with a texted 400 (or 431) and closes — `None` —
/// or returns the stream, the bytes read so far replayed first. A client
/// that closes or stalls before its head is complete is closed (`None`), as
/// hyper's header-read timeout would.
pub async fn screen(mut stream: TcpStream, timeout: Duration, count_in_metrics: bool) -> Option<Prefixed> {
    let mut read = Vec::with_capacity(1024);
    let verdict = tokio::time::timeout(timeout, async {
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            read.extend_from_slice(&chunk[..n]);
            match check(&read) {
                Check::Incomplete if read.len() < MAX_CHECKED_HEAD => continue,
                Check::Incomplete | Check::Fine => return Some(None),
                Check::Refused(status, text) => return Some(Some((status, text))),
            }
        }
    })
    .await
    .ok()??;
    match verdict {
        None => Some(Prefixed { read, at: 0, stream }),
        Some((status, text)) => {
            // Counted as route "other": the head names no route one can trust.
            if count_in_metrics {
                crate::telemetry::record(usize::MAX, "other", status.as_u16(), 0.0);
            }
            tracing::debug!(status = status.as_u16(), text, "malformed request head");
            respond::write_text_and_close(&mut stream, status, &text).await;
            None
        }
    }
}

/// What the bytes read so far make of a request head.
#[derive(Debug, PartialEq)]
enum Check {
    /// Not all of the head yet.
    Incomplete,
    /// A head hyper accepts.
    Fine,
    /// A head hyper refuses: the status and the text.
    Refused(StatusCode, String),
}

fn check(bytes: &[u8]) -> Check {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(bytes) {
        Ok(httparse::Status::Partial) => Check::Incomplete,
        Ok(httparse::Status::Complete(_)) => match req.path.map(axum::http::Uri::try_from) {
            Some(Ok(_)) => Check::Fine,
            _ => Check::Refused(
                StatusCode::BAD_REQUEST,
                messages::invalid_request_line(first_line(bytes)),
            ),
        },
        Err(httparse::Error::TooManyHeaders) => Check::Refused(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            messages::too_many_headers(MAX_HEADERS),
        ),
        Err(_) => Check::Refused(StatusCode::BAD_REQUEST, malformed(bytes)),
    }
}

/// The text a head is refused with, if it is (for the fuzz target).
pub fn refusal(bytes: &[u8]) -> Option<String> {
    match check(bytes) {
        Check::Refused(_, text) => Some(text),
        _ => None,
    }
}

/// The request line, without its line end.
fn first_line(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
    bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end])
}

/// The text for a head httparse refused: the request line when it alone is
/// refused, else the first header line that is.
fn malformed(bytes: &[u8]) -> String {
    let line = first_line(bytes);
    let mut alone = line.to_vec();
    alone.extend_from_slice(b"\r\n");
    if httparse::Request::new(&mut []).parse(&alone).is_err() {
        return messages::invalid_request_line(line);
    }
    let headers = bytes.get(line.len()..).unwrap_or_default();
    for header in headers.split(|&b| b == b'\n').skip(1) {
        let header = header.strip_suffix(b"\r").unwrap_or(header);
        if header.is_empty() {
            break;
        }
        let mut one = header.to_vec();
        one.extend_from_slice(b"\r\n\r\n");
        if httparse::parse_headers(&one, &mut [httparse::EMPTY_HEADER; 1]).is_err() {
            return messages::invalid_header_line(header);
        }
    }
    // The bytes between lines (a bare CR, say).
    messages::invalid_request_line(line)
}

impl AsyncRead for Prefixed {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.at < this.read.len() {
            let n = buf.remaining().min(this.read.len() - this.at);
            buf.put_slice(&this.read[this.at..this.at + n]);
            this.at += n;
            if this.at == this.read.len() {
                this.read = Vec::new();
                this.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(head: &[u8]) -> (u16, String) {
        match check(head) {
            Check::Refused(status, text) => (status.as_u16(), text),
            other => (0, format!("{other:?}")),
        }
    }

    #[test]
    fn good_heads_pass_and_partial_ones_wait() {
        assert_eq!(check(b"GET /RI/rai/users HTTP/1.1\r\nHost: a\r\n\r\n"), Check::Fine);
        assert_eq!(
            check(b"GET /RI/rai/contactHistory?a=%01 HTTP/1.1\r\n\r\nbody"),
            Check::Fine
        );
        assert_eq!(check(b"GET /RI/rai/users HTTP/1.1\r\nHost: a\r\n"), Check::Incomplete);
        assert_eq!(check(b"GE"), Check::Incomplete);
    }

    #[test]
    fn a_bad_request_line_is_named() {
        assert_eq!(
            refused(b"GET /RI/rai/users?x=\x01 HTTP/1.1\r\nHost: a\r\n\r\n"),
            (400, r"Invalid request line: 'GET /RI/rai/users?x=\x01 HTTP/1.1'".into())
        );
        assert_eq!(
            refused(b"GET /a?x=\xff HTTP/1.1\r\n\r\n").1,
            r"Invalid request line: 'GET /a?x=\xff HTTP/1.1'"
        );
        // httparse takes `{` but http::Uri does not: the same verdict as hyper's.
        assert_eq!(
            refused(b"GET /a?x={\"a\"} HTTP/1.1\r\n\r\n").1,
            "Invalid request line: 'GET /a?x={\"a\"} HTTP/1.1'"
        );
        assert_eq!(
            refused(b"GET /a b HTTP/1.1\r\n\r\n").1,
            "Invalid request line: 'GET /a b HTTP/1.1'"
        );
        assert_eq!(
            refused(b"GET / HTTP/9.1\r\n\r\n").1,
            "Invalid request line: 'GET / HTTP/9.1'"
        );
    }

    #[test]
    fn a_bad_header_line_is_named() {
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"),
            (400, "Invalid header line: 'Bad Header'".into())
        );
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("X-{i}: 1\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(refused(&many), (431, "Too many header lines: at most 100".into()));
    }
}
