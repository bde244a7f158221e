//! The wallboard page at `/` (and its script and style sheet): static
//! files compiled into the binary, so `rai serve` needs nothing on disk and
//! no build step. The page reads the API's event streams (see `sse.rs`).

use crate::respond::{method_not_allowed, not_found};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};

/// (path, media type, contents) of every file of the page.
const FILES: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", include_str!("../web/index.html")),
    (
        "/wallboard.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/wallboard.js"),
    ),
    (
        "/wallboard.css",
        "text/css; charset=utf-8",
        include_str!("../web/wallboard.css"),
    ),
];

/// A file of the page (GET or HEAD).
pub async fn file(req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return method_not_allowed("GET");
    }
    let Some((_, media, body)) = FILES.iter().find(|(p, _, _)| *p == req.uri().path()) else {
        return not_found();
    };
    let mut r = (*body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    // A new rai version may ship a new page: revalidate.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    r
}
