//! The handlers: the seven query endpoints, the write API of SPEC §10
//! (load, upsert, retract, retention) and the OpenAPI document. Engine
//! work runs on blocking threads holding the request's [`WorkPermit`];
//! queries carry the request's deadline into the engine.

use crate::guard::WorkPermit;
use crate::respond::{error, method_not_allowed, not_found, text};
use crate::server::Closer;
use crate::{idempotency, negotiate, openapi, sse, telemetry, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rai_core::{messages, Deadline, Endpoint, Format, Table};

/// `/RI/rai/<name>`: an endpoint, a table, the OpenAPI document.
pub async fn resource(State(st): State<AppState>, Path(name): Path<String>, method: Method, req: Request) -> Response {
    let permit = req.extensions().get::<WorkPermit>().cloned();
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
            Method::GET | Method::HEAD => query(st, ep, req, permit).await,
            _ => method_not_allowed("GET"),
        };
    }
    if name == "batches" {
        // A collection without methods of its own: DELETE /RI/rai/batches/<id>.
        return method_not_allowed("");
    }
    if let Some(table) = Table::from_name(&name) {
        return match method {
            Method::POST => {
                let (parts, body) = req.into_parts();
                load(st, table, &parts.headers, body, permit).await
            }
            Method::DELETE if table != Table::Translations => {
                retain(st, table, req.uri().query().unwrap_or(""), permit).await
            }
            _ if table == Table::Translations => method_not_allowed("POST"),
            _ => method_not_allowed("POST, DELETE"),
        };
    }
    not_found()
}

/// `/RI/rai/<name>/<id>`: a batch to retract, a row to upsert.
pub async fn sub_resource(
    State(st): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    method: Method,
    req: Request,
) -> Response {
    let permit = req.extensions().get::<WorkPermit>().cloned();
    match name.as_str() {
        "batches" => match method {
            Method::DELETE => {
                let Ok(batch) = id.parse::<u64>() else {
                    return not_found();
                };
                blocking(permit, move || st.engine.retract(batch))
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
                upsert(st, table, &id, &parts.headers, body, permit).await
            }
            _ => method_not_allowed("PUT"),
        },
        _ => not_found(),
    }
}

/// Runs engine work off the async threads, holding `permit` until it ends.
async fn blocking<T: Send + 'static>(
    permit: Option<WorkPermit>,
    f: impl FnOnce() -> rai_core::Result<T> + Send + 'static,
) -> rai_core::Result<T> {
    tokio::task::spawn_blocking(move || {
        let _held = permit;
        f()
    })
    .await
    .unwrap_or_else(|_| Err(rai_core::Error::internal(messages::INTERNAL)))
}

/// Pages of at most this many rows are rendered on the async thread when
/// the answer comes from the result cache (a larger one on a worker).
const INLINE_ROWS: usize = 1000;

async fn query(st: AppState, ep: Endpoint, req: Request, permit: Option<WorkPermit>) -> Response {
    let (parts, _) = req.into_parts();
    let (headers, raw) = (&parts.headers, parts.uri.query().unwrap_or(""));
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    if parts.method == Method::GET && sse::wanted(accept) {
        // A stream holds no work slot: its feed computes once for all watchers.
        drop(permit);
        let limits = sse::Limits {
            first_answer: st.config.request_timeout,
            stall: st.config.stream_stall_timeout,
        };
        let closer = parts.extensions.get::<Closer>().cloned();
        return sse::respond(&st.live, ep, raw, headers, closer, limits).await;
    }
    let Some(rep) = negotiate::choose(accept) else {
        return text(StatusCode::NOT_ACCEPTABLE, messages::NOT_ACCEPTABLE);
    };
    let res = match st.engine.cached(ep, raw) {
        // A cached answer: no worker thread unless its page is large.
        Some(hit) if hit.len() <= INLINE_ROWS => Ok((hit.total(), hit.rendered(rep))),
        Some(hit) => blocking(permit, move || Ok((hit.total(), hit.rendered(rep)))).await,
        None => {
            let raw = raw.to_string();
            // The engine stops at the same deadline the client's answer has.
            let deadline = Deadline::after(st.config.request_timeout);
            blocking(permit, move || {
                st.engine
                    .query_until(ep, &raw, deadline)
                    .map(|r| (r.total(), r.rendered(rep)))
            })
            .await
        }
    };
    match res {
        Ok((total, rendered)) => {
            let etag = format!("\"{:016x}\"", rendered.tag);
            let not_modified = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| etag_matches(v, &etag));
            let mut r = if not_modified {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                let body = Body::from(Bytes::from_owner(SharedBody(rendered.body)));
                (StatusCode::OK, [(header::CONTENT_TYPE, rep.content_type())], body).into_response()
            };
            let h = r.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&etag) {
                h.insert(header::ETAG, v);
            }
            // Revalidate every time: the answer changes with every write.
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            h.insert(header::VARY, HeaderValue::from_static("Accept"));
            if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
                h.insert("X-Total-Count", v);
            }
            r
        }
        Err(e) => error(e),
    }
}

/// A rendered body shared with the result cache (no copy per answer).
struct SharedBody(std::sync::Arc<String>);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `If-None-Match` (RFC 9110 §13.1.2): `*`, or a list of entity tags
/// compared weakly (`W/"x"` matches `"x"`).
fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// The whole body, within the size limit (413) and the body-read timeout (408).
async fn body_bytes(st: &AppState, body: Body) -> Result<Bytes, Response> {
    let limit = st.config.max_body_bytes;
    match tokio::time::timeout(st.config.body_read_timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(text(StatusCode::REQUEST_TIMEOUT, messages::BODY_TIMED_OUT)),
        Ok(Err(_)) => Err(text(StatusCode::PAYLOAD_TOO_LARGE, messages::body_too_large(limit))),
        Ok(Ok(b)) => Ok(b),
    }
}

/// The media type of a request body (`Content-Type` without parameters, lower case).
pub(crate) fn media_type(headers: &HeaderMap) -> String {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// An `Idempotency-Key` header's key: none, or 1 to 255 visible ASCII
/// characters; anything else is refused.
pub(crate) fn idempotency_key(given: Option<&str>) -> Result<Option<String>, ()> {
    match given {
        None => Ok(None),
        Some(k)
            if !k.is_empty() && k.len() <= idempotency::MAX_KEY_BYTES && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(k.to_string()))
        }
        Some(_) => Err(()),
    }
}

/// A 201 for batch `id` (a replay says so).
fn created(id: u64, replayed: bool) -> Response {
    let mut r = text(StatusCode::CREATED, id.to_string());
    if let Ok(v) = HeaderValue::from_str(&format!("/RI/rai/batches/{id}")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    if replayed {
        r.headers_mut()
            .insert("Idempotent-Replayed", HeaderValue::from_static("true"));
    }
    r
}

async fn load(st: AppState, table: Table, headers: &HeaderMap, body: Body, permit: Option<WorkPermit>) -> Response {
    let media = media_type(headers);
    let format = match media.as_str() {
        "application/json" => Some(Format::Json),
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" => Some(Format::JsonLines),
        "text/csv" => Some(Format::Csv),
        // Parquet: read into JSON Lines by the store layer, validated alike.
        "application/vnd.apache.parquet" => None,
        _ => return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, messages::UNSUPPORTED_MEDIA_TYPE),
    };
    let given = headers.get("idempotency-key").map(|v| v.to_str().unwrap_or("\u{0}"));
    let Ok(key) = idempotency_key(given) else {
        return text(
            StatusCode::BAD_REQUEST,
            messages::invalid_idempotency_key(idempotency::MAX_KEY_BYTES),
        );
    };
    let bytes = match body_bytes(&st, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let run = {
        let st = st.clone();
        let bytes = bytes.clone();
        move || {
            let info = match format {
                Some(format) => st.engine.load(table, format, &bytes),
                None => rai_store::load_parquet(&st.engine, table, bytes.to_vec()),
            }?;
            if st.config.metrics {
                telemetry::ingested(table, info.rows, bytes.len());
            }
            Ok(info)
        }
    };
    let Some(key) = key else {
        return match blocking(permit, run).await {
            Ok(info) => created(info.id, false),
            Err(e) => error(e),
        };
    };
    let Some(cell) = st
        .keys
        .cell(&key, idempotency::fingerprint(table.name(), &media, &bytes))
    else {
        return text(StatusCode::UNPROCESSABLE_ENTITY, messages::IDEMPOTENCY_KEY_REUSED);
    };
    let mut ran = false;
    let outcome = cell
        .get_or_try_init(|| {
            ran = true;
            async move { blocking(permit, run).await.map(|info| info.id) }
        })
        .await;
    match outcome {
        Ok(&id) => created(id, !ran),
        Err(e) => error(e),
    }
}

async fn upsert(
    st: AppState,
    table: Table,
    id: &str,
    headers: &HeaderMap,
    body: Body,
    permit: Option<WorkPermit>,
) -> Response {
    // One JSON object, and said so: PUT answers 415 as POST does.
    if media_type(headers) != "application/json" {
        return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, messages::UNSUPPORTED_UPSERT_TYPE);
    }
    let bytes = match body_bytes(&st, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = id.to_string();
    match blocking(permit, move || st.engine.upsert(table, Some(&id), &bytes)).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    }
}

async fn retain(st: AppState, table: Table, raw: &str, permit: Option<WorkPermit>) -> Response {
    let before = match rai_core::retention_before(raw) {
        Ok(t) => t,
        Err(e) => return error(e),
    };
    match blocking(permit, move || st.engine.retain_before(table, before)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    }
}
