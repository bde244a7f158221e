//! # rai-http
//!
//! The RAI REST API over [`rai_core::Engine`]: `GET /RI/rai/<endpoint>` in
//! JSON, XML or CSV, the write API of SPEC §10, bearer tokens that fail
//! closed, limits and deadlines that bound the work, connection hygiene and
//! a graceful stop, and an OpenAPI document. A thin adapter: every answer
//! comes from the engine.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::sync::Arc;
//! let engine = Arc::new(rai_core::Engine::new());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! rai_http::serve(listener, engine, rai_http::Config::default(), std::future::pending()).await
//! # }
//! ```

mod auth;
mod first_head;
mod guard;
mod idempotency;
mod live;
mod negotiate;
mod openapi;
mod page;
mod respond;
mod routes;
mod server;
mod sse;
mod telemetry;

pub use negotiate::choose as negotiate;
pub use openapi::document as openapi_document;

use axum::routing::any;
use axum::Router;
use rai_core::Engine;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Server settings (limits, tokens, timeouts).
#[derive(Debug, Clone)]
pub struct Config {
    /// Bearer token for reads (GET, HEAD). With any token configured, every
    /// route but the probes needs one; the write token also reads.
    pub read_token: Option<String>,
    /// Bearer token for writes (POST, PUT, DELETE). With only a read token
    /// configured, writes are refused (403).
    pub write_token: Option<String>,
    /// Largest request body in bytes (413 above).
    pub max_body_bytes: usize,
    /// Longest request target (path + query) in bytes (414 above).
    pub max_uri_bytes: usize,
    /// Longest time a query may take: 503 after it, and the engine stops
    /// computing it. A write is not cut short once its body has arrived: it
    /// completes and answers with its outcome.
    pub request_timeout: Duration,
    /// A request body must arrive within this (408 after).
    pub body_read_timeout: Duration,
    /// A request header must arrive within this (the connection is closed).
    pub header_read_timeout: Duration,
    /// Engine work running at once (queries and writes); more requests are
    /// shed with 503. A timed-out request holds its slot until its work
    /// has stopped.
    pub max_concurrency: usize,
    /// Open connections at most (the next one gets 503 and is closed).
    pub max_connections: usize,
    /// On stop: how long in-flight requests may take to finish.
    pub shutdown_grace: Duration,
    /// Whether the engine is ready (a durable store recovered): until it
    /// is, `/readyz` and every API route answer 503; `/livez` answers 200
    /// from the start. A stop sets it back to false.
    pub ready: Arc<AtomicBool>,
    /// Record metrics and serve them at `GET /metrics` (Prometheus text;
    /// it needs the read token when tokens are configured).
    pub metrics: bool,
    /// Log every request at info level (else at debug; a 5xx at warn).
    pub access_log: bool,
    /// Event streams (`Accept: text/event-stream`): an answer that reads
    /// the clock is recomputed this often (others at each publish).
    pub stream_interval: Duration,
    /// Event streams: a client that leaves an event unread this long is
    /// disconnected.
    pub stream_stall_timeout: Duration,
}

/// Default largest request body (bytes).
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 << 20;
/// Default longest request target (bytes).
pub const DEFAULT_MAX_URI_BYTES: usize = 16 << 10;
/// Default request timeout (seconds).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default body-read timeout (seconds).
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 60;
/// Default header-read timeout (seconds).
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default engine work at once.
pub const DEFAULT_MAX_CONCURRENCY: usize = 256;
/// Default open connections at most.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default grace for in-flight requests on stop (seconds).
pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 5;
/// Default recompute interval of clock-dependent streamed answers (ms).
pub const DEFAULT_STREAM_INTERVAL_MS: u64 = 1000;
/// Default time a stream's client may leave an event unread (seconds).
pub const DEFAULT_STREAM_STALL_SECS: u64 = 10;

impl Default for Config {
    fn default() -> Self {
        Config {
            read_token: None,
            write_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_uri_bytes: DEFAULT_MAX_URI_BYTES,
            request_timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            body_read_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: Duration::from_secs(DEFAULT_SHUTDOWN_GRACE_SECS),
            ready: Arc::new(AtomicBool::new(true)),
            metrics: true,
            access_log: false,
            stream_interval: Duration::from_millis(DEFAULT_STREAM_INTERVAL_MS),
            stream_stall_timeout: Duration::from_secs(DEFAULT_STREAM_STALL_SECS),
        }
    }
}

/// Runs every parser of a request header the server reads (`Accept`,
/// `Authorization`, `Content-Type`, `X-Request-Id`, `Idempotency-Key`) on
/// `value`, for the fuzz target `http_headers`: none may panic.
#[doc(hidden)]
pub fn parse_headers_for_fuzzing(value: &str) {
    use axum::http::{header, HeaderMap, HeaderValue};
    let _ = negotiate::choose(Some(value));
    let _ = telemetry::request_id(Some(value));
    let _ = telemetry::route(value);
    let _ = routes::idempotency_key(Some(value));
    if let Ok(v) = HeaderValue::from_str(value) {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, v.clone());
        h.insert(header::CONTENT_TYPE, v);
        let tokens = auth::Tokens {
            read: Some("r"),
            write: Some("w"),
        };
        let _ = auth::denial(tokens, true, &h);
        let _ = routes::media_type(&h);
    }
}

/// Checks `bytes` as a connection's first request head, for the fuzz
/// target `http_headers`: the refusal text, if any (it must be one line).
#[doc(hidden)]
pub fn check_head_for_fuzzing(bytes: &[u8]) -> Option<String> {
    first_head::refusal(bytes)
}

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    engine: Arc<Engine>,
    config: Arc<Config>,
    permits: Arc<Semaphore>,
    keys: Arc<idempotency::Keys>,
    live: Arc<live::Hub>,
}

/// The router of the whole API under `/RI/rai` (and the probes).
pub fn router(engine: Arc<Engine>, config: Config) -> Router {
    app(engine, config).0
}

/// The router and its live-query hub (a stop ends the hub's streams).
fn app(engine: Arc<Engine>, config: Config) -> (Router, Arc<live::Hub>) {
    let live = live::Hub::new(engine.clone(), config.stream_interval, config.request_timeout);
    let state = AppState {
        engine,
        permits: Arc::new(Semaphore::new(config.max_concurrency.max(1))),
        config: Arc::new(config),
        keys: Arc::default(),
        live: live.clone(),
    };
    let router = Router::new()
        .route("/", any(page::file))
        .route("/wallboard.js", any(page::file))
        .route("/wallboard.css", any(page::file))
        .route("/RI/rai/{name}", any(routes::resource))
        .route("/RI/rai/{name}/{id}", any(routes::sub_resource))
        .fallback(|| async { respond::not_found() })
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .with_state(state);
    (router, live)
}

/// Serves the API on `listener` until `shutdown` completes, then stops
/// gracefully: no new connections, `/readyz` 503, in-flight requests
/// finish within `config.shutdown_grace`, idle and stalled connections are
/// closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    engine: Arc<Engine>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hygiene = server::Hygiene {
        header_read_timeout: config.header_read_timeout,
        max_connections: config.max_connections,
        shutdown_grace: config.shutdown_grace,
        metrics: config.metrics,
    };
    let ready = config.ready.clone();
    if config.metrics {
        let _ = telemetry::handle();
    }
    let (app, live) = app(engine, config);
    server::run(listener, app, hygiene, shutdown, move || {
        ready.store(false, Ordering::Release);
        live.stop();
    })
    .await
}

/// Binds `addr`, reports the bound address through `on_bound`, and serves
/// until Ctrl-C or SIGTERM, on a multi-threaded tokio runtime of its own.
pub fn serve_blocking(
    addr: std::net::SocketAddr,
    engine: Arc<Engine>,
    config: Config,
    on_bound: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let res = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_bound(listener.local_addr()?);
        serve(listener, engine, config, shutdown_signal()).await
    });
    // Work still running past the grace (a blocking load) is not waited for.
    rt.shutdown_timeout(Duration::from_millis(100));
    res
}

/// Resolves on Ctrl-C (or SIGTERM on Unix).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
