//! What runs before any handler: the probes, the URI length, the tokens,
//! the concurrency slots (shed with 503) and, for reads, the request
//! timeout. A slot is a [`WorkPermit`] handed on to the engine work, so
//! it is held until that work has stopped, not only while the client waits.

use crate::respond::text;
use crate::{auth, telemetry, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rai_core::messages;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;

/// One of `--max-concurrency` slots; the engine work holds a clone.
#[derive(Clone)]
pub struct WorkPermit(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

/// The middleware: admission, then the request id, metrics and log event
/// of the answer, whatever it was.
pub async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let route = telemetry::route(req.uri().path());
    let method = req.method().clone();
    let id = telemetry::request_id(req.headers().get("x-request-id").and_then(|v| v.to_str().ok()));
    let mut res = admit(st.clone(), req, next).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    if st.config.metrics {
        telemetry::record(route, method.as_str(), status, seconds);
    }
    let micros = (seconds * 1e6) as u64;
    let route = telemetry::route_name(route);
    if status >= 500 {
        tracing::warn!(request_id = %id, %method, route, status, micros, "request failed");
    } else if st.config.access_log {
        tracing::info!(request_id = %id, %method, route, status, micros, "request");
    } else {
        tracing::debug!(request_id = %id, %method, route, status, micros, "request");
    }
    res
}

/// Probes, limits, tokens, `/metrics`, slots and the read timeout.
async fn admit(st: AppState, mut req: Request, next: Next) -> Response {
    // Probes: no token, no limits (they reveal only liveness and readiness).
    let ready = st.config.ready.load(Ordering::Acquire);
    match req.uri().path() {
        "/livez" => return text(StatusCode::OK, messages::LIVE),
        "/readyz" if ready => return text(StatusCode::OK, messages::READY),
        "/readyz" => return text(StatusCode::SERVICE_UNAVAILABLE, messages::NOT_READY),
        _ if !ready => return text(StatusCode::SERVICE_UNAVAILABLE, messages::NOT_READY),
        _ => {}
    }
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > st.config.max_uri_bytes {
        return text(StatusCode::URI_TOO_LONG, messages::URI_TOO_LONG);
    }
    let write = !matches!(*req.method(), Method::GET | Method::HEAD);
    let tokens = auth::Tokens {
        read: st.config.read_token.as_deref(),
        write: st.config.write_token.as_deref(),
    };
    if let Some(r) = auth::denial(tokens, write, req.headers()) {
        return r;
    }
    if req.uri().path() == "/metrics" {
        return match (req.method(), st.config.metrics) {
            (&Method::GET | &Method::HEAD, true) => match telemetry::render(&st.engine, &st.live.stats) {
                Some(body) => (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                    body,
                )
                    .into_response(),
                None => crate::respond::not_found(),
            },
            (_, true) => crate::respond::method_not_allowed("GET"),
            (_, false) => crate::respond::not_found(),
        };
    }
    let Ok(permit) = st.permits.clone().try_acquire_owned() else {
        return text(StatusCode::SERVICE_UNAVAILABLE, messages::SERVER_BUSY);
    };
    req.extensions_mut().insert(WorkPermit(Arc::new(permit)));
    if write {
        // A write is bounded by the body-read timeout; once its body is in,
        // it completes and answers with its outcome.
        return next.run(req).await;
    }
    match tokio::time::timeout(st.config.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => text(StatusCode::SERVICE_UNAVAILABLE, messages::TIMED_OUT),
    }
}
