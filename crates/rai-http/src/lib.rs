//! # rai-http
//!
//! The RAI REST API over [`rai_core::Engine`]: `GET /RI/rai/<endpoint>` in
//! JSON or XML, the write API of SPEC §10, bearer tokens, limits and an
//! OpenAPI document. A thin adapter: every answer comes from the engine.
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
mod negotiate;
mod openapi;
mod respond;

pub use negotiate::choose as negotiate;
pub use openapi::document as openapi_document;
use respond::{error, method_not_allowed, not_found, text};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use rai_core::messages;
use rai_core::{Endpoint, Engine, Format, Table};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Server settings (limits, tokens).
#[derive(Debug, Clone)]
pub struct Config {
    /// Bearer token for reads (GET); None = open. The write token also reads.
    pub read_token: Option<String>,
    /// Bearer token for writes (POST, PUT, DELETE); None = open.
    pub write_token: Option<String>,
    /// Largest request body in bytes (413 above).
    pub max_body_bytes: usize,
    /// Longest request target (path + query) in bytes (414 above).
    pub max_uri_bytes: usize,
    /// Longest time a request may take (503 after).
    pub request_timeout: Duration,
    /// Requests served at once; more are shed with 503.
    pub max_concurrency: usize,
    /// Whether the engine is ready (a durable store recovered): until it
    /// is, `/readyz` and every API route answer 503; `/livez` answers 200
    /// from the start.
    pub ready: Arc<AtomicBool>,
}

/// Default largest request body (bytes).
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 << 20;
/// Default longest request target (bytes).
pub const DEFAULT_MAX_URI_BYTES: usize = 16 << 10;
/// Default request timeout (seconds).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default number of requests served at once.
pub const DEFAULT_MAX_CONCURRENCY: usize = 256;

impl Default for Config {
    fn default() -> Self {
        Config {
            read_token: None,
            write_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_uri_bytes: DEFAULT_MAX_URI_BYTES,
            request_timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            ready: Arc::new(AtomicBool::new(true)),
        }
    }
}

#[derive(Clone)]
struct AppState {
    engine: Arc<Engine>,
    config: Arc<Config>,
    permits: Arc<Semaphore>,
}

/// The router of the whole API under `/RI/rai`.
pub fn router(engine: Arc<Engine>, config: Config) -> Router {
    let state = AppState {
        engine,
        permits: Arc::new(Semaphore::new(config.max_concurrency.max(1))),
        config: Arc::new(config),
    };
    Router::new()
        .route("/RI/rai/{name}", any(resource))
        .route("/RI/rai/{name}/{id}", any(sub_resource))
        .fallback(|| async { not_found() })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Limits and auth, before any handler: URI length, bearer token,
/// concurrency (shed with 503), request timeout.
async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
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
    let Ok(_permit) = st.permits.clone().try_acquire_owned() else {
        return text(StatusCode::SERVICE_UNAVAILABLE, messages::SERVER_BUSY);
    };
    match tokio::time::timeout(st.config.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => text(StatusCode::SERVICE_UNAVAILABLE, messages::TIMED_OUT),
    }
}

async fn resource(
    State(st): State<AppState>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    req: Request,
) -> Response {
    if name == "openapi.json" {
        return match method {
            Method::GET | Method::HEAD => (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                openapi::document().to_string(),
            )
                .into_response(),
            _ => method_not_allowed("GET"),
        };
    }
    if let Some(ep) = Endpoint::from_name(&name) {
        return match method {
            Method::GET | Method::HEAD => query(st, ep, &headers, req.uri().query().unwrap_or("")).await,
            _ => method_not_allowed("GET"),
        };
    }
    if name == "batches" {
        // A collection without methods of its own: DELETE /RI/rai/batches/<id>.
        return method_not_allowed("");
    }
    if let Some(table) = Table::from_name(&name) {
        return match method {
            Method::POST => load(st, table, &headers, req.into_body()).await,
            Method::DELETE if table != Table::Translations => retain(st, table, req.uri().query().unwrap_or("")).await,
            _ if table == Table::Translations => method_not_allowed("POST"),
            _ => method_not_allowed("POST, DELETE"),
        };
    }
    not_found()
}

async fn sub_resource(
    State(st): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    method: Method,
    req: Request,
) -> Response {
    match name.as_str() {
        "batches" => match method {
            Method::DELETE => {
                let Ok(batch) = id.parse::<u64>() else {
                    return not_found();
                };
                blocking(move || st.engine.retract(batch))
                    .await
                    .map_or_else(error, |()| StatusCode::NO_CONTENT.into_response())
            }
            _ => method_not_allowed("DELETE"),
        },
        "agentStates" | "users" => match method {
            Method::PUT => {
                let table = if name == "users" {
                    Table::Users
                } else {
                    Table::AgentStates
                };
                let (parts, body) = req.into_parts();
                upsert(st, table, &id, &parts.headers, body).await
            }
            _ => method_not_allowed("PUT"),
        },
        _ => not_found(),
    }
}

/// Runs engine work off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> rai_core::Result<T> + Send + 'static) -> rai_core::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(rai_core::Error::internal(messages::INTERNAL)))
}

async fn query(st: AppState, ep: Endpoint, headers: &HeaderMap, raw: &str) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let Some(rep) = negotiate::choose(accept) else {
        return text(StatusCode::NOT_ACCEPTABLE, messages::NOT_ACCEPTABLE);
    };
    let raw = raw.to_string();
    let res = blocking(move || st.engine.query(ep, &raw).map(|r| (r.total(), r.render(rep)))).await;
    match res {
        Ok((total, body)) => {
            let mut r = (StatusCode::OK, [(header::CONTENT_TYPE, rep.content_type())], body).into_response();
            if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
                r.headers_mut().insert("X-Total-Count", v);
            }
            r
        }
        Err(e) => error(e),
    }
}

async fn body_bytes(st: &AppState, body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, st.config.max_body_bytes).await.map_err(|_| {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            messages::body_too_large(st.config.max_body_bytes),
        )
    })
}

/// The media type of a request body (`Content-Type` without parameters, lower case).
fn media_type(headers: &HeaderMap) -> String {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

async fn load(st: AppState, table: Table, headers: &HeaderMap, body: Body) -> Response {
    let format = match media_type(headers).as_str() {
        "application/json" => Some(Format::Json),
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" => Some(Format::JsonLines),
        "text/csv" => Some(Format::Csv),
        // Parquet: read into JSON Lines by the store layer, validated alike.
        "application/vnd.apache.parquet" => None,
        _ => return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, messages::UNSUPPORTED_MEDIA_TYPE),
    };
    let bytes = match body_bytes(&st, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let loaded = blocking(move || match format {
        Some(format) => st.engine.load(table, format, &bytes),
        None => rai_store::load_parquet(&st.engine, table, bytes.to_vec()),
    });
    match loaded.await {
        Ok(info) => {
            let mut r = text(StatusCode::CREATED, info.id.to_string());
            if let Ok(v) = HeaderValue::from_str(&format!("/RI/rai/batches/{}", info.id)) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Err(e) => error(e),
    }
}

async fn upsert(st: AppState, table: Table, id: &str, headers: &HeaderMap, body: Body) -> Response {
    // One JSON object, and said so: PUT answers 415 as POST does.
    if media_type(headers) != "application/json" {
        return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, messages::UNSUPPORTED_UPSERT_TYPE);
    }
    let bytes = match body_bytes(&st, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = id.to_string();
    match blocking(move || st.engine.upsert(table, Some(&id), &bytes)).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    }
}

async fn retain(st: AppState, table: Table, raw: &str) -> Response {
    let before = match rai_core::retention_before(raw) {
        Ok(t) => t,
        Err(e) => return error(e),
    };
    match blocking(move || st.engine.retain_before(table, before)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    }
}

/// Serves the API on `listener` until `shutdown` completes (graceful).
pub async fn serve(
    listener: tokio::net::TcpListener,
    engine: Arc<Engine>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(engine, config))
        .with_graceful_shutdown(shutdown)
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
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_bound(listener.local_addr()?);
        serve(listener, engine, config, shutdown_signal()).await
    })
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
