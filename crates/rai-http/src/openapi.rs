//! The OpenAPI 3.1 description, generated from rai-core's endpoint and table
//! declarations (nothing here is written twice).

use rai_core::tables::{ColKind, Table};
use rai_core::{Endpoint, EndpointDecl, Kind, Param, TimeCategory, DEFAULT_LIMIT, MAX_LIMIT};
use serde_json::{json, Map, Value};

/// One GUID as SPEC §1 writes it: 32 hex digits, or dashed 8-4-4-4-12.
const GUID: &str = "([0-9A-Fa-f]{32}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})";

/// A comma-separated list of `item` (a regex group).
fn list_of(item: &str) -> String {
    format!("^{item}(,{item})*$")
}

/// Whole numbers `lo..=hi` as a regex group (lo ≥ 1).
fn whole_numbers(hi: u32) -> String {
    // 1–99 and 1–3600 are the ranges the declaration uses.
    match hi {
        99 => "([1-9][0-9]?)".into(),
        _ => "([1-9][0-9]{0,2}|[1-2][0-9]{3}|3[0-5][0-9]{2}|3600)".into(),
    }
}

fn param_schema(p: Param, d: &EndpointDecl) -> (Value, String) {
    match p {
        Param::StartTime | Param::EndTime => (
            json!({"type": "string", "format": "date-time"}),
            "RFC 3339 instant (a bare date is its midnight UTC)".into(),
        ),
        Param::TimeCategory => (
            json!({"type": "string", "enum": TimeCategory::ALL.map(TimeCategory::name)}),
            "Aggregation level (case-insensitive)".into(),
        ),
        Param::TimeZone => (
            json!({"type": "string", "enum": rai_core::zone_names()}),
            "IANA time zone of buckets and labels; default UTC".into(),
        ),
        Param::Language => (
            json!({"type": "string", "pattern": "^[A-Za-z]{2}$"}),
            "Translation language".into(),
        ),
        Param::Ids(..) => (
            json!({"type": "string", "pattern": list_of(GUID)}),
            "Comma-separated GUIDs; a row matches any".into(),
        ),
        Param::ChannelType => (
            json!({"type": "string", "pattern": format!("^({0})(,({0}))*$", rai_core::tables::CHANNELS.iter().chain(rai_core::tables::TYPES.iter()).copied().collect::<Vec<_>>().join("|"))}),
            "Comma-separated channels and/or types".into(),
        ),
        Param::Flag(_, d) | Param::Require(_, _, d) => {
            (json!({"type": "boolean", "default": d}), "true/false, any case".into())
        }
        Param::Include(..) => (
            json!({"type": "integer", "enum": [0, 1, 2], "default": rai_core::DEFAULT_INCLUDE}),
            "0 drop, 1 keep, 2 only".into(),
        ),
        Param::Derived => {
            let names: Vec<&str> = d.derived.iter().map(|m| m.name).collect();
            (
                json!({"type": "string", "pattern": format!("^({0})(,({0}))*$", names.join("|"))}),
                format!(
                    "Comma-separated derived metrics, each adding <name>, <name>Numerator and <name>Denominator: {}",
                    names.join(", ")
                ),
            )
        }
        Param::Thresholds => (
            json!({"type": "string", "pattern": list_of(&whole_numbers(rai_core::MAX_THRESHOLD_SECS))}),
            format!(
                "Up to {} service-level thresholds in seconds (1–{}); each T adds {p}Ts, {p}TsNumerator and {p}TsDenominator",
                rai_core::MAX_THRESHOLDS,
                rai_core::MAX_THRESHOLD_SECS,
                p = d.thresholds.map_or("", |t| t.prefix)
            ),
        ),
        Param::Percentiles => (
            json!({"type": "string", "pattern": list_of(&whole_numbers(99))}),
            format!(
                "Up to {} percentiles (whole numbers 1–99; nearest rank, within 1/256); each P adds {}",
                rai_core::MAX_PERCENTILES,
                d.percentiles
                    .iter()
                    .map(|m| format!("p<P>{}", m.suffix))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Param::Fill => (
            json!({"type": "string", "enum": rai_core::FILL_VALUES, "default": rai_core::FILL_VALUES[0]}),
            "zero: every bucket of the range for every group, zero counts and sums, maxima absent".into(),
        ),
        Param::Sort => (
            json!({"type": "string"}),
            "Comma-separated returned fields, '-' for descending, optional LOCALE-xx".into(),
        ),
        Param::Offset => (
            json!({"type": "integer", "minimum": 0, "default": 0}),
            "Rows to skip".into(),
        ),
        Param::Limit => (
            json!({"type": "integer", "minimum": 0, "default": DEFAULT_LIMIT}),
            format!("Rows to return (a larger value is taken as {MAX_LIMIT})"),
        ),
        _ => (json!({"type": "string"}), String::new()),
    }
}

fn field_schema(k: Kind) -> Value {
    match k {
        Kind::Int => json!({"type": "integer"}),
        Kind::Id => json!({"type": "string", "pattern": "^[0-9A-F]{32}$"}),
        Kind::Timestamp => json!({"type": "string", "format": "date-time"}),
        Kind::Number => json!({"type": "number"}),
        _ => json!({"type": "string"}),
    }
}

fn col_schema(k: ColKind) -> Value {
    match k {
        ColKind::Guid => json!({"type": "string", "pattern": format!("^{GUID}$")}),
        ColKind::Timestamp => json!({"type": "string", "format": "date-time"}),
        ColKind::Duration | ColKind::Count => json!({"type": "integer", "minimum": 0}),
        ColKind::Bool => json!({"type": "boolean"}),
        ColKind::Enum(v) => json!({"type": "string", "enum": v}),
        _ => json!({"type": "string"}),
    }
}

fn text(s: &str) -> Value {
    json!({"description": s, "content": {"text/plain": {"schema": {"type": "string"}}}})
}

/// An upsert's row: the path names the user, so `userId` may be left out.
fn upsert_row(row: &Value) -> Value {
    let mut r = row.clone();
    if let Some(req) = r.get_mut("required").and_then(Value::as_array_mut) {
        req.retain(|c| c != "userId");
    }
    if let Some(id) = r.pointer_mut("/properties/userId") {
        *id = json!({"anyOf": [id.clone(), {"type": "null"}]});
    }
    r
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for e in Endpoint::ALL {
        let d = e.decl();
        let mut params: Vec<Value> = d
            .params
            .iter()
            .map(|p| {
                let (schema, desc) = param_schema(*p, d);
                // An empty value is as if the parameter were absent (SPEC §11).
                let schema = json!({"anyOf": [schema, {"type": "string", "maxLength": 0}]});
                let required = *p == Param::StartTime || (*p == Param::EndTime && d.end_required);
                json!({"name": p.name(), "in": "query", "required": required, "schema": schema, "description": desc})
            })
            .collect();
        let filterable: Vec<&str> = d.filterable_fields().collect();
        params.push(json!({
            "name": "fieldFilters", "in": "query", "required": false, "style": "form", "explode": true,
            "schema": {
                "type": "object",
                "properties": filterable.iter().map(|f| (f.to_string(), json!({"type": "string"}))).collect::<Map<String, Value>>(),
                // Any other name only with an empty value (an empty value is no parameter, SPEC §11).
                "additionalProperties": {"type": "string", "maxLength": 0}
            },
            "description": "field=pattern filters on text fields: * any run, ? one character, case-insensitive"
        }));
        params.push(json!({
            "name": "If-None-Match", "in": "header", "required": false, "schema": {"type": "string"},
            "description": "ETag values of answers the client holds: the same answer is a 304 without a body"
        }));
        params.push(json!({
            "name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "string"},
            "description": "With Accept: text/event-stream, the id of the last event a reconnecting client received: an unchanged answer is not sent again"
        }));
        let props: Map<String, Value> = d
            .fields
            .iter()
            .map(|f| (f.name.to_string(), field_schema(f.kind)))
            .collect();
        let mut item = json!({"type": "object", "properties": props, "xml": {"name": e.name()}});
        let mut patterns = Map::new();
        if let Some(t) = d.thresholds {
            patterns.insert(format!("^{}[0-9]+s$", t.prefix), json!({"type": "number"}));
            patterns.insert(
                format!("^{}[0-9]+s(Numerator|Denominator)$", t.prefix),
                json!({"type": "integer"}),
            );
        }
        if !d.percentiles.is_empty() {
            let suffixes: Vec<&str> = d.percentiles.iter().map(|m| m.suffix).collect();
            patterns.insert(
                format!("^p[0-9]+({})$", suffixes.join("|")),
                json!({"type": "integer", "minimum": 0}),
            );
        }
        if !patterns.is_empty() {
            item["patternProperties"] = Value::Object(patterns);
        }
        paths.insert(
            format!("/{}", e.name()),
            json!({"get": {
                "operationId": e.name(),
                "parameters": params,
                "responses": {
                    "200": {
                        "description": "Rows of the page; X-Total-Count carries the rows before paging, ETag the answer's tag",
                        "headers": {"X-Total-Count": {"schema": {"type": "integer"}}, "ETag": {"schema": {"type": "string"}}},
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": item}},
                            "application/xml": {"schema": {"type": "array", "items": item, "xml": {"name": d.xml_root(), "wrapped": true}}},
                            "text/csv": {"schema": {"type": "string"}, "description": "RFC 4180: a header row of the returned fields, then one record per row"},
                            "text/event-stream": {"schema": {"type": "string"}, "description": format!("Server-sent events (ask with Accept: text/event-stream): the JSON answer at once, then again whenever a write changes it; an answer that reads the clock is recomputed every stream interval (rai serve --stream-interval-ms, default {}). Each event's id is the answer's ETag; data lines join into the JSON body; a failed recomputation is an `error` event with the error text.", crate::DEFAULT_STREAM_INTERVAL_MS)}
                        }
                    },
                    "304": {"description": "The answer has the ETag If-None-Match named", "headers": {"ETag": {"schema": {"type": "string"}}}},
                    "400": text("Invalid parameter (SPEC's one-line text)"),
                    "401": text("Missing or wrong bearer token"),
                    "406": text("Neither JSON, XML nor CSV is acceptable"),
                    "414": text("URI too long"),
                    "503": text("Server busy, not ready, or the request timed out")
                }
            }}),
        );
    }
    for t in Table::ALL {
        // A column that may be absent may also be null.
        let props: Map<String, Value> = t
            .columns()
            .iter()
            .map(|c| {
                let s = col_schema(c.kind);
                let s = if c.required {
                    s
                } else {
                    json!({"anyOf": [s, {"type": "null"}]})
                };
                (c.name.to_string(), s)
            })
            .collect();
        let required: Vec<&str> = t.columns().iter().filter(|c| c.required).map(|c| c.name).collect();
        let row = json!({"type": "object", "properties": props, "required": required, "additionalProperties": false});
        let mut ops = json!({
            "post": {
                "operationId": format!("load_{}", t.name()),
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false,
                    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
                    "description": "A retry with the same key and body returns the first batch id"}],
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"type": "array", "items": row.clone(), "minItems": 1}},
                    "application/x-ndjson": {"schema": {"type": "string", "minLength": 2}},
                    "text/csv": {"schema": {"type": "string", "minLength": 1}},
                    "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}
                }},
                "responses": {
                    "201": {"description": "The batch id", "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {"text/plain": {"schema": {"type": "string"}}}},
                    "400": text("Rejected batch (line N: field: message; an empty batch too) or a bad Idempotency-Key"),
                    "401": text("Missing or wrong bearer token"),
                    "403": text("No write token is configured: writes are off"),
                    "408": text("The body did not arrive in time"),
                    "413": text("Body too large"),
                    "415": text("Unsupported Content-Type"),
                    "422": text("Idempotency-Key used with another request"),
                    "503": text("Server busy or not ready")
                }
            }
        });
        if t != Table::Translations {
            ops["delete"] = json!({
                "operationId": format!("retain_{}", t.name()),
                "parameters": [{"name": "before", "in": "query", "required": true, "schema": {"type": "string", "format": "date-time"}}],
                "responses": {"204": {"description": "Rows before the instant dropped"}, "400": text("Bad 'before'"),
                    "401": text("Missing or wrong bearer token"), "403": text("No write token is configured: writes are off"),
                    "503": text("Server busy or not ready")}
            });
        }
        paths.insert(format!("/{}", t.name()), ops);
        if matches!(t, Table::AgentStates | Table::Users) {
            paths.insert(
                format!("/{}/{{userId}}", t.name()),
                json!({"put": {
                    "operationId": format!("upsert_{}", t.name()),
                    "parameters": [{"name": "userId", "in": "path", "required": true, "schema": {"type": "string", "pattern": format!("^{GUID}$")}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": upsert_row(&row)}}},
                    "responses": {"204": {"description": "Upserted"}, "400": text("Rejected row"),
                        "401": text("Missing or wrong bearer token"), "403": text("No write token is configured: writes are off"),
                        "408": text("The body did not arrive in time"), "413": text("Body too large"),
                        "415": text("Not application/json"), "503": text("Server busy or not ready")}
                }}),
            );
        }
    }
    paths.insert(
        "/batches/{id}".into(),
        json!({"delete": {
            "operationId": "retract",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "Retracted"}, "400": text("An upsert batch cannot be retracted"),
                "401": text("Missing or wrong bearer token"), "403": text("No write token is configured: writes are off"),
                "404": text("Unknown batch"), "503": text("Server busy or not ready")}
        }}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "rai — Restful Analytics Interface", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": "/RI/rai"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths
    })
}
