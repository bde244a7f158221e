//! What runs before any handler: the probes, the URI length, the tokens,
//! the concurrency slots (shed with 503) and, for reads, the request
//! timeout. A slot is a [`WorkPermit`] handed on to the engine work, so
//! it is held until that work has stopped, not only while the client waits.

use crate::respond::text;
use crate::{auth, AppState};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use rai_core::messages;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;

/// One of `--max-concurrency` slots; the engine work holds a clone.
#[derive(Clone)]
pub struct WorkPermit(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

/// The middleware.
pub async fn guard(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
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
