//! The HTTP adapter over real sockets on 127.0.0.1 (ephemeral ports).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rai_core::{parse_timestamp, Endpoint, Engine, Format, Table};
use rai_http::Config;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::*;

#[test]
fn every_endpoint_in_json_and_xml_equals_the_engine() {
    let engine = example_engine();
    let addr = start(engine.clone(), Config::default());
    let cases = [
        (
            Endpoint::ContactHistory,
            "startTime=2026-10-24&endTime=2026-10-26&timeCategory=hour&timeZone=Europe%2FHelsinki",
        ),
        (
            Endpoint::AgentHistory,
            "startTime=2026-06-15&endTime=2026-06-16&showProfile=true",
        ),
        (
            Endpoint::ContactStatistic,
            "startTime=2026-10-24&showUser=true&sort=userName,LOCALE-fi",
        ),
        (Endpoint::AgentStatistic, "startTime=2026-03-08&timeCategory=day"),
        (
            Endpoint::AgentStatus,
            "startTime=2026-01-01&showAgentInfo=true&language=fi",
        ),
        (
            Endpoint::AgentStatusHistory,
            "startTime=2026-06-15&endTime=2026-06-16&limit=7",
        ),
    ];
    for (ep, q) in cases {
        let want = engine.query(ep, q).expect("query");
        let r = get(addr, &format!("/RI/rai/{}?{q}", ep.name()), Some("application/json"));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("application/json; charset=utf-8"));
        assert_eq!(r.header("x-total-count"), Some(want.total().to_string().as_str()));
        assert_eq!(r.body, want.to_json());
        let r = get(addr, &format!("/RI/rai/{}?{q}", ep.name()), Some("application/xml"));
        assert_eq!(
            (r.status, r.header("content-type")),
            (200, Some("application/xml; charset=utf-8"))
        );
        assert_eq!(r.body, want.to_xml());
        assert!(r
            .body
            .starts_with(&format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{}s>", ep.name())));
        let r = get(addr, &format!("/RI/rai/{}?{q}", ep.name()), Some("text/csv"));
        assert_eq!(
            (r.status, r.header("content-type")),
            (200, Some("text/csv; charset=utf-8; header=present"))
        );
        assert_eq!(r.body, want.to_csv());
        // The header row is the returned fields in declared order.
        let header: Vec<&str> = r.body.split("\r\n").next().unwrap_or("").split(',').collect();
        let plan = engine.plan(ep, q).expect("plan");
        let fields: Vec<&str> = plan.output.iter().map(|f| f.name).collect();
        assert_eq!(header, fields);
        assert_eq!(r.body.matches("\r\n").count(), want.len() + 1, "{}", r.body);
    }
    // No Accept, */* and application/* are JSON.
    for accept in [
        None,
        Some("*/*"),
        Some("application/*"),
        Some("text/html, application/json;q=0.5"),
    ] {
        let r = get(addr, "/RI/rai/agentStatus?startTime=2026-01-01&limit=1", accept);
        assert!(r.body.starts_with("[{"), "{accept:?}: {}", r.body);
    }
}

#[test]
fn status_codes() {
    let addr = start(example_engine(), Config::default());
    let r = get(addr, "/RI/rai/contactHistory?startTime=2019-01-01&queueId=XYZ", None);
    assert_eq!((r.status, r.body.as_str()), (400, "Invalid GUID: 'XYZ'"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        get(addr, "/RI/rai/agentHistory?endTime=2019-01-01", None).body,
        "Missing parameter: 'startTime'"
    );
    assert_eq!(get(addr, "/RI/rai/nothing", None).status, 404);
    assert_eq!(get(addr, "/elsewhere", None).status, 404);
    assert_eq!(get(addr, "/RI/rai/batches/1/2", None).status, 404);
    let r = request(addr, "POST", "/RI/rai/agentStatus", &[], b"");
    assert_eq!((r.status, r.header("allow")), (405, Some("GET")));
    assert_eq!(get(addr, "/RI/rai/contacts", None).status, 405);
    assert_eq!(request(addr, "GET", "/RI/rai/batches/1", &[], b"").status, 405);
    assert_eq!(
        get(addr, "/RI/rai/agentStatus?startTime=2026-01-01", Some("text/html")).status,
        406
    );
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "application/pdf")],
        b"x",
    );
    assert_eq!(r.status, 415);
    let doc = get(addr, "/RI/rai/openapi.json", None);
    let v: serde_json::Value = serde_json::from_str(&doc.body).expect("openapi json");
    assert_eq!(v["openapi"], "3.1.0");
    for ep in Endpoint::ALL {
        assert!(
            v["paths"][format!("/{}", ep.name())]["get"].is_object(),
            "{}",
            ep.name()
        );
    }
    let params = &v["paths"]["/contactHistory"]["get"]["parameters"];
    assert!(params
        .as_array()
        .is_some_and(|p| p.iter().any(|p| p["name"] == "showInternalContacts")));
    let derived = params
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "derived"))
        .map(|p| p["schema"]["anyOf"][0]["pattern"].to_string())
        .unwrap_or_default();
    assert!(derived.contains("serviceLevel|handledRatio"), "{derived}");
    let item =
        &v["paths"]["/agentHistory"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"];
    assert_eq!(item["properties"]["occupancy"]["type"], "number");
    assert_eq!(item["properties"]["occupancyNumerator"]["type"], "integer");
    let contact =
        &v["paths"]["/contactHistory"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"];
    assert_eq!(contact["patternProperties"]["^serviceLevel[0-9]+s$"]["type"], "number");
}

#[test]
fn limits_at_the_edge() {
    let config = Config {
        max_body_bytes: 100,
        max_uri_bytes: 200,
        ..Config::default()
    };
    let addr = start(Arc::new(Engine::new()), config);
    let row = b"language,field,value,text\nfi,queueName,a,b\n";
    let exact = [row.as_slice(), &vec![b'\n'; 100 - row.len()]].concat();
    let r = request(
        addr,
        "POST",
        "/RI/rai/translations",
        &[("Content-Type", "text/csv")],
        &exact,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let over = [exact.as_slice(), b"\n"].concat();
    let r = request(
        addr,
        "POST",
        "/RI/rai/translations",
        &[("Content-Type", "text/csv")],
        &over,
    );
    assert_eq!(r.status, 413);
    let base = "/RI/rai/agentStatus?startTime=2026-01-01&limit=1&x=";
    let fits = format!("{base}{}", "1".repeat(200 - base.len()));
    assert_eq!(get(addr, &fits, None).status, 400); // reaches the engine: `x` is no field
    assert_eq!(get(addr, &format!("{fits}1"), None).status, 414);
}

#[test]
fn concurrency_is_shed_and_slow_bodies_time_out() {
    let config = Config {
        max_concurrency: 1,
        body_read_timeout: Duration::from_millis(700),
        ..Config::default()
    };
    let addr = start(Arc::new(Engine::new()), config);
    // A request whose body never finishes holds the only permit.
    let mut slow = TcpStream::connect(addr).expect("connect");
    slow.write_all(
        b"POST /RI/rai/users HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\nContent-Length: 100\r\n\r\nuserId",
    )
    .expect("write");
    std::thread::sleep(Duration::from_millis(200));
    let r = get(addr, "/RI/rai/agentStatus?startTime=2026-01-01", None);
    assert_eq!((r.status, r.body.as_str()), (503, "Server busy"));
    let mut rest = String::new();
    slow.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let _ = slow.read_to_string(&mut rest);
    assert!(rest.starts_with("HTTP/1.1 408"), "{rest}");
    assert!(rest.ends_with("Request body timed out"), "{rest}");
    // The permit is back.
    assert_eq!(get(addr, "/RI/rai/agentStatus?startTime=2026-01-01", None).status, 200);
}

/// A server configuration with read token `r3ad` and write token `wr1te`.
fn both_tokens() -> Config {
    Config {
        read_token: Some("r3ad".into()),
        write_token: Some("wr1te".into()),
        ..Config::default()
    }
}

#[test]
fn tokens_guard_reads_and_writes() {
    let config = both_tokens();
    let addr = start(Arc::new(Engine::new()), config);
    let q = "/RI/rai/agentStatus?startTime=2026-01-01";
    let r = get(addr, q, None);
    assert_eq!((r.status, r.header("www-authenticate")), (401, Some("Bearer")));
    assert_eq!(
        request(addr, "GET", q, &[("Authorization", "Bearer nope")], b"").status,
        401
    );
    assert_eq!(
        request(addr, "GET", q, &[("Authorization", "Bearer r3ad")], b"").status,
        200
    );
    assert_eq!(
        request(addr, "GET", q, &[("Authorization", "Bearer wr1te")], b"").status,
        200
    );
    let csv = b"userId,changeTimestamp\n249CEA29B6494EF1B1D16D23FE70E702,2026-01-01\n";
    let post = |auth: &str| {
        request(
            addr,
            "POST",
            "/RI/rai/users",
            &[("Content-Type", "text/csv"), ("Authorization", auth)],
            csv,
        )
        .status
    };
    assert_eq!(post("Bearer r3ad"), 401);
    assert_eq!(post("Bearer wr1te"), 201);
    assert_eq!(post("bearer wr1te"), 201, "the scheme is case-insensitive");
}

/// Every route × every token configuration × every token sent: with any
/// token configured, every route but the probes needs one; writes need the
/// write token, so a read token alone leaves no write open (403).
#[test]
fn every_route_fails_closed_when_any_token_is_configured() {
    const USER: &str = "249CEA29B6494EF1B1D16D23FE70E702";
    let csv = format!("userId,changeTimestamp\n{USER},2026-01-01\n");
    let upsert = r#"{"changeTimestamp":"2026-01-01T00:00:00Z"}"#.to_string();
    // (method, target, content type, body, is a write)
    let routes: Vec<(&str, String, &str, String, bool)> = vec![
        (
            "GET",
            "/RI/rai/agentStatus?startTime=2026-01-01".into(),
            "",
            String::new(),
            false,
        ),
        (
            "HEAD",
            "/RI/rai/agentStatus?startTime=2026-01-01".into(),
            "",
            String::new(),
            false,
        ),
        ("GET", "/RI/rai/openapi.json".into(), "", String::new(), false),
        ("POST", "/RI/rai/users".into(), "text/csv", csv, true),
        ("PUT", format!("/RI/rai/users/{USER}"), "application/json", upsert, true),
        (
            "DELETE",
            "/RI/rai/agentStatusEvents?before=2000-01-01".into(),
            "",
            String::new(),
            true,
        ),
        ("DELETE", "/RI/rai/batches/999".into(), "", String::new(), true),
    ];
    let configs = [
        (Some("r3ad"), None),
        (None, Some("wr1te")),
        (Some("r3ad"), Some("wr1te")),
        (None, None),
    ];
    for (read, write) in configs {
        let config = Config {
            read_token: read.map(String::from),
            write_token: write.map(String::from),
            ..Config::default()
        };
        let addr = start(Arc::new(Engine::new()), config);
        for (method, target, ct, body, is_write) in &routes {
            for sent in [None, Some("r3ad"), Some("wr1te"), Some("wrong")] {
                let auth = sent.map(|t| format!("Bearer {t}"));
                let mut h: Vec<(&str, &str)> = Vec::new();
                if !ct.is_empty() {
                    h.push(("Content-Type", ct));
                }
                if let Some(a) = &auth {
                    h.push(("Authorization", a));
                }
                let got = request(addr, method, target, &h, body.as_bytes()).status;
                let open = read.is_none() && write.is_none();
                let want_denied = if open {
                    None
                } else if *is_write && write.is_none() {
                    Some(403)
                } else if sent.is_some() && (sent == write || (!is_write && sent == read)) {
                    None
                } else {
                    Some(401)
                };
                match want_denied {
                    Some(code) => assert_eq!(
                        got, code,
                        "{method} {target} read={read:?} write={write:?} sent={sent:?}"
                    ),
                    None => assert!(
                        got != 401 && got != 403 && got != 0,
                        "{method} {target} read={read:?} write={write:?} sent={sent:?}: {got}"
                    ),
                }
            }
        }
        for probe in ["/livez", "/readyz"] {
            assert_eq!(get(addr, probe, None).status, 200, "{probe} needs no token");
        }
    }
}

#[test]
fn write_read_round_trips_retract_upsert_and_retention() {
    let engine = Arc::new(Engine::new().with_fixed_now(parse_timestamp("2026-01-02T00:00:00Z").expect("now")));
    let addr = start(engine, Config::default());
    let q = "/RI/rai/contactHistory?startTime=2026-01-01&endTime=2026-01-02&showDetails=true";
    let row = |i: u32, t: &str| {
        format!(
            "{{\"contactId\":\"{i:032X}\",\"channel\":\"Chat\",\"type\":\"ChatIn\",\"queueId\":\"249CEA29B6494EF1B1D16D23FE70E702\",\"queueName\":\"Sales\",\"arrivalTime\":\"{t}\",\"changeTimestamp\":\"{t}\"}}"
        )
    };
    let body = format!(
        "[{},\n{}]",
        row(1, "2026-01-01T08:00:00Z"),
        row(2, "2026-01-01T12:00:00Z")
    );
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body.clone();
    assert_eq!(
        r.header("location").map(str::to_string),
        Some(format!("/RI/rai/batches/{id}"))
    );
    assert_eq!(get(addr, q, None).header("x-total-count"), Some("2"));
    // A rejected batch names the line and changes nothing.
    let bad = format!("{}\n{{\"contactId\":\"XYZ\"}}", row(3, "2026-01-01T09:00:00Z"));
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "application/x-ndjson")],
        bad.as_bytes(),
    );
    assert_eq!(
        (r.status, r.body.as_str()),
        (400, "line 2: contactId: invalid GUID 'XYZ'")
    );
    assert_eq!(get(addr, q, None).header("x-total-count"), Some("2"));
    // Retention drops the 08:00 segment.
    assert_eq!(
        request(addr, "DELETE", "/RI/rai/contacts?before=2026-01-01T10:00:00Z", &[], b"").status,
        204
    );
    assert_eq!(get(addr, q, None).header("x-total-count"), Some("1"));
    assert_eq!(
        request(addr, "DELETE", "/RI/rai/contacts", &[], b"").body,
        "Missing parameter: 'before'"
    );
    // Retract the batch.
    assert_eq!(
        request(addr, "DELETE", &format!("/RI/rai/batches/{id}"), &[], b"").status,
        204
    );
    assert_eq!(get(addr, q, None).header("x-total-count"), Some("0"));
    assert_eq!(
        request(addr, "DELETE", &format!("/RI/rai/batches/{id}"), &[], b"").status,
        404
    );
    // Upserts through PUT.
    let user = "AC083B34-470B-4164-A6A5-968DD031B5E5";
    let put = |path: &str, body: &str| {
        request(
            addr,
            "PUT",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    };
    let r = put(
        &format!("/RI/rai/users/{user}"),
        r#"{"userName":"Fox, John","changeTimestamp":"2026-01-01T00:00:00Z"}"#,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let r = put(
        &format!("/RI/rai/agentStates/{user}"),
        r#"{"userStatus":"Ready","availability":"Free","userStatusStartTime":"2026-01-01T23:00:00Z","changeTimestamp":"2026-01-01T23:00:00Z"}"#,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let r = get(addr, "/RI/rai/agentStatus?startTime=2026-01-01", None);
    assert_eq!(
        r.body,
        r#"[{"userId":"AC083B34470B4164A6A5968DD031B5E5","userName":"Fox, John","userStatus":"Ready","userStatusDuration":3600000,"availability":"Free","changeTimestamp":"2026-01-01T23:00:00.000Z"}]"#
    );
    let r = put(
        "/RI/rai/users/249CEA29B6494EF1B1D16D23FE70E702",
        &format!(r#"{{"userId":"{user}","changeTimestamp":"2026-01-01"}}"#),
    );
    assert_eq!(r.status, 400);
    assert_eq!(put("/RI/rai/users/XYZ", "{}").body, "Invalid GUID: 'XYZ'");
}

#[test]
fn readers_never_see_part_of_a_large_post() {
    let engine = Arc::new(Engine::new());
    let addr = start(engine, Config::default());
    let mut csv = String::from("contactId,channel,type,arrivalTime,changeTimestamp\n");
    for i in 0..50_000u32 {
        csv.push_str(&format!(
            "{i:032X},Phone,CallIn,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z\n"
        ));
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = get(
                        addr,
                        "/RI/rai/contactHistory?startTime=2026-01-01&endTime=2026-01-02&showDetails=true&limit=0",
                        None,
                    );
                    seen.push(r.header("x-total-count").unwrap_or("?").to_string());
                }
                seen
            })
        })
        .collect();
    for _ in 0..3 {
        let r = request(
            addr,
            "POST",
            "/RI/rai/contacts",
            &[("Content-Type", "text/csv")],
            csv.as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        for total in r.join().expect("reader") {
            assert!(
                ["0", "50000", "100000", "150000"].contains(&total.as_str()),
                "saw {total}"
            );
        }
    }
}

#[test]
fn serve_answers_what_the_engine_answers_for_every_table_format() {
    // The same data through POST in each format equals load_dir.
    let addr = start(
        Arc::new(Engine::new().with_fixed_now(parse_timestamp(NOW).expect("now"))),
        Config::default(),
    );
    for t in Table::ALL {
        for (ext, ct) in [
            ("jsonl", "application/x-ndjson"),
            ("json", "application/json"),
            ("csv", "text/csv"),
        ] {
            let p = examples().join(format!("{}.{ext}", t.name()));
            if let Ok(bytes) = std::fs::read(&p) {
                let r = request(
                    addr,
                    "POST",
                    &format!("/RI/rai/{}", t.name()),
                    &[("Content-Type", ct)],
                    &bytes,
                );
                assert_eq!(r.status, 201, "{}: {}", p.display(), r.body);
            }
        }
    }
    let want = example_engine();
    let q = "startTime=2026-01-01&endTime=2027-12-31&timeCategory=month&showUser=true";
    let r = get(addr, &format!("/RI/rai/contactHistory?{q}"), None);
    assert_eq!(r.body, want.query(Endpoint::ContactHistory, q).expect("q").to_json());
    let _ = Format::Csv;
}

#[test]
fn parquet_posts_load_like_the_other_formats() {
    // The example contacts written as Parquet (a checkpoint's own file format).
    let src = example_engine();
    let snap = src.snapshot();
    let b = snap
        .stored_batches()
        .into_iter()
        .find(|b| b.table == Table::Contacts)
        .expect("contacts batch");
    let path = std::env::temp_dir().join(format!("rai-http-{}.parquet", std::process::id()));
    rai_store::parquet_rows::write_batch(&path, &snap, b.id).expect("write parquet");
    let bytes = std::fs::read(&path).expect("read parquet");
    let _ = std::fs::remove_file(&path);
    let addr = start(
        Arc::new(Engine::new().with_fixed_now(parse_timestamp(NOW).expect("now"))),
        Config::default(),
    );
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "application/vnd.apache.parquet")],
        &bytes,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let q = "startTime=2019-01-01&endTime=2031-01-01&timeCategory=day&limit=10000";
    // Names come from the other tables too: compare with contacts alone.
    let only = Engine::new().with_fixed_now(parse_timestamp(NOW).expect("now"));
    let csv = examples().join("contacts.jsonl");
    only.load(
        Table::Contacts,
        Format::JsonLines,
        &std::fs::read(csv).expect("contacts"),
    )
    .expect("load");
    let r = get(addr, &format!("/RI/rai/contactHistory?{q}"), None);
    assert_eq!(r.body, only.query(Endpoint::ContactHistory, q).expect("q").to_json());
    // Not Parquet: a 400 naming the problem.
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "application/vnd.apache.parquet")],
        b"not parquet",
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.starts_with("invalid Parquet:"), "{}", r.body);
}

/// The write API's input rules over sockets: an empty body is a 400 that
/// makes no batch; PUT wants JSON as POST wants a known type; the batches
/// collection itself allows no method.
#[test]
fn empty_bodies_put_types_and_the_batches_collection() {
    let addr = start(Arc::new(Engine::new()), Config::default());
    for (ct, body) in [
        ("text/csv", ""),
        ("text/csv", "userId,changeTimestamp\n"),
        ("application/x-ndjson", ""),
        ("application/json", "[]"),
    ] {
        let r = request(addr, "POST", "/RI/rai/users", &[("Content-Type", ct)], body.as_bytes());
        assert_eq!(
            (r.status, r.body.as_str()),
            (400, "line 1: the batch has no rows"),
            "{ct} {body:?}"
        );
    }
    let csv = b"userId,changeTimestamp\n249CEA29B6494EF1B1D16D23FE70E702,2026-01-01\n";
    let r = request(addr, "POST", "/RI/rai/users", &[("Content-Type", "text/csv")], csv);
    assert_eq!((r.status, r.body.as_str()), (201, "1"), "the empty posts made no batch");
    let user = "/RI/rai/users/249CEA29B6494EF1B1D16D23FE70E702";
    let upsert = br#"{"changeTimestamp":"2026-01-02T00:00:00Z"}"#;
    for ct in [None, Some("text/plain"), Some("text/csv")] {
        let h: Vec<(&str, &str)> = ct.map(|c| vec![("Content-Type", c)]).unwrap_or_default();
        let r = request(addr, "PUT", user, &h, upsert);
        assert_eq!(
            (r.status, r.body.as_str()),
            (415, "Unsupported Content-Type: use application/json"),
            "{ct:?}"
        );
    }
    let r = request(
        addr,
        "PUT",
        user,
        &[("Content-Type", "application/json; charset=utf-8")],
        upsert,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    for method in ["DELETE", "GET", "POST"] {
        let r = request(addr, method, "/RI/rai/batches", &[], b"");
        assert_eq!((r.status, r.body.as_str()), (405, "Method not allowed"), "{method}");
    }
    let r = request(addr, "DELETE", "/RI/rai/users?before=2026-01-01&before=nope", &[], b"");
    assert_eq!((r.status, r.body.as_str()), (400, "Invalid before: 'nope'"));
}

/// The request timeout bounds queries (503, and the engine stops), never
/// writes: a write whose body arrived completes and answers with its id.
#[test]
fn a_timeout_stops_queries_but_never_a_write_half_way() {
    let engine = Arc::new(Engine::new());
    // Every query here must compute (a cached answer costs no work to stop).
    engine.set_cache_bytes(0);
    let config = Config {
        request_timeout: Duration::from_millis(1),
        ..Config::default()
    };
    let addr = start(engine.clone(), config);
    let csv = contacts_csv(200_000, 0);
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "text/csv")],
        csv.as_bytes(),
    );
    assert_eq!((r.status, r.body.as_str()), (201, "1"), "a write is not cut short");
    let q = "startTime=2026-01-01&endTime=2026-01-02&timeCategory=quarterHour&percentiles=50,99&limit=10000";
    assert_eq!(engine.query(Endpoint::ContactHistory, q).expect("query").total(), 96);
    let r = get(addr, &format!("/RI/rai/contactHistory?{q}"), None);
    assert_eq!((r.status, r.body.as_str()), (503, "Request timed out"));
    // The library: an expired deadline stops the engine itself.
    let past = rai_core::Deadline::at(std::time::Instant::now());
    let err = engine
        .query_until(Endpoint::ContactHistory, q, past)
        .expect_err("cancelled");
    assert_eq!(err.kind(), rai_core::ErrorKind::Cancelled);
    let far = rai_core::Deadline::after(Duration::from_secs(3600));
    let ok = engine.query_until(Endpoint::ContactHistory, q, far).expect("in time");
    assert_eq!(
        ok.to_json(),
        engine.query(Endpoint::ContactHistory, q).expect("query").to_json()
    );
}

/// `Idempotency-Key`: a retry returns the first batch id; the key with
/// another body is a 422; concurrent retries load once.
#[test]
fn idempotency_keys_make_retries_load_once() {
    let engine = Arc::new(Engine::new());
    let addr = start(engine.clone(), Config::default());
    let body = contacts_csv(10, 0);
    let post = |key: &str, body: &str| {
        request(
            addr,
            "POST",
            "/RI/rai/contacts",
            &[("Content-Type", "text/csv"), ("Idempotency-Key", key)],
            body.as_bytes(),
        )
    };
    let first = post("k-1", &body);
    assert_eq!(
        (first.status, first.body.as_str(), first.header("idempotent-replayed")),
        (201, "1", None)
    );
    let again = post("k-1", &body);
    assert_eq!((again.status, again.body.as_str()), (201, "1"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("location"), Some("/RI/rai/batches/1"));
    let other = post("k-1", &contacts_csv(10, 100));
    assert_eq!(
        (other.status, other.body.as_str()),
        (422, "Idempotency-Key was used with a different request")
    );
    // Eight concurrent retries of a new key: one batch.
    let body2 = contacts_csv(50_000, 1000);
    let ids: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8).map(|_| s.spawn(|| post("k-2", &body2).body)).collect();
        hs.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert!(ids.iter().all(|id| id == "2"), "{ids:?}");
    let r = request(
        addr,
        "POST",
        "/RI/rai/contacts",
        &[("Content-Type", "text/csv")],
        contacts_csv(1, 90_000).as_bytes(),
    );
    assert_eq!(r.body, "3", "no batch was loaded twice");
    // A failed load is not remembered: the retry loads.
    assert_eq!(post("k-3", "contactId\nnot-a-guid\n").status, 400);
    assert_eq!(
        post("k-3", &contacts_csv(1, 95_000)).status,
        422,
        "the key stays bound to its body"
    );
    assert_eq!(post("k-4", "").status, 400);
    assert_eq!(post("k-4", "").status, 400, "still not loaded");
    assert_eq!(post("", &body).status, 400, "an empty key");
}

/// Connection hygiene: a header that never ends is cut off; connections
/// over the cap get a 503.
#[test]
fn stalled_headers_are_cut_and_connections_are_capped() {
    let config = Config {
        header_read_timeout: Duration::from_millis(500),
        max_connections: 2,
        ..Config::default()
    };
    let addr = start(Arc::new(Engine::new()), config);
    let mut stalled = TcpStream::connect(addr).expect("connect");
    stalled
        .write_all(b"GET /RI/rai/agentStatus?startTime=2026-01-01 HTTP/1.1\r\nHost:")
        .expect("write");
    let mut second = TcpStream::connect(addr).expect("connect");
    second.write_all(b"GET /livez HTTP/1.1\r\nHost:").expect("write");
    std::thread::sleep(Duration::from_millis(100));
    // The third connection is over the cap.
    let r = get(addr, "/livez", None);
    assert_eq!((r.status, r.body.as_str()), (503, "Too many connections"));
    // Both stalled connections are closed by the server within the header timeout.
    for s in [&mut stalled, &mut second] {
        s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let started = std::time::Instant::now();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "closed by the server, not by our timeout"
        );
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(get(addr, "/livez", None).status, 200, "slots are free again");
}

/// Operations: `/metrics` in the Prometheus text format (behind the read
/// token when tokens are set), a request id on every answer.
#[test]
fn metrics_and_request_ids() {
    let config = both_tokens();
    let addr = start(Arc::new(Engine::new()), config);
    let auth = [("Authorization", "Bearer wr1te"), ("Content-Type", "text/csv")];
    let r = request(addr, "POST", "/RI/rai/contacts", &auth, contacts_csv(7, 0).as_bytes());
    assert_eq!(r.status, 201);
    let q = "/RI/rai/agentStatus?startTime=2026-01-01";
    let r = request(
        addr,
        "GET",
        q,
        &[("Authorization", "Bearer r3ad"), ("X-Request-Id", "trace-42")],
        b"",
    );
    assert_eq!((r.status, r.header("x-request-id")), (200, Some("trace-42")));
    let r = request(addr, "GET", q, &[("Authorization", "Bearer r3ad")], b"");
    let id = r.header("x-request-id").expect("an id is made").to_string();
    assert!(!id.is_empty());
    assert_eq!(get(addr, "/metrics", None).status, 401, "metrics need a token too");
    let m = request(addr, "GET", "/metrics", &[("Authorization", "Bearer r3ad")], b"");
    assert_eq!(m.status, 200);
    assert!(m
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/plain; version=0.0.4"));
    for needle in [
        "rai_http_requests_total{route=\"agentStatus\",method=\"GET\",status=\"200\"}",
        "rai_http_request_duration_seconds_bucket{route=\"agentStatus\",le=\"0.005\"}",
        "rai_ingested_rows_total{table=\"contacts\"}",
        "rai_ingested_bytes_total{table=\"contacts\"}",
        "rai_rows{table=\"contacts\"} 7",
        "rai_http_requests_total{route=\"metrics\",method=\"GET\",status=\"401\"}",
        // (Values are process-wide: other tests' engines scrape too.)
        "rai_cache_misses_total ",
        "rai_cache_hits_total ",
        "rai_cache_entries ",
        "rai_memory_bytes{table=\"contacts\",column=\"contact_id\"}",
    ] {
        assert!(m.body.contains(needle), "{needle} missing from\n{}", m.body);
    }
    // Switched off: no /metrics.
    let off = start(
        Arc::new(Engine::new()),
        Config {
            metrics: false,
            ..Config::default()
        },
    );
    assert_eq!(get(off, "/metrics", None).status, 404);
}

/// Sends raw bytes on a new connection and reads the answer to its end.
fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(bytes).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A request head HTTP forbids gets a 400 whose text names the line (not
/// hyper's empty 400), counted in /metrics; good heads, bodies and kept-alive
/// requests after the first pass on unchanged.
#[test]
fn malformed_request_heads_get_a_text() {
    let addr = start(example_engine(), Config::default());
    let answer = |head: &[u8]| {
        let r = raw(addr, head);
        let (status, body) = r.split_once("\r\n\r\n").unwrap_or((&r, ""));
        (status.lines().next().unwrap_or("").to_string(), body.to_string())
    };
    assert_eq!(
        answer(b"GET /RI/rai/agentStatus?startTime=\x01 HTTP/1.1\r\nHost: a\r\n\r\n"),
        (
            "HTTP/1.1 400 Bad Request".into(),
            r"Invalid request line: 'GET /RI/rai/agentStatus?startTime=\x01 HTTP/1.1'".into()
        )
    );
    assert_eq!(
        answer(b"GET /livez HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n").1,
        "Invalid header line: 'no colon here'"
    );
    assert_eq!(
        answer(b"GET /RI/rai/agentStatus?x=\"a\" HTTP/1.1\r\n\r\n").1,
        "Invalid request line: 'GET /RI/rai/agentStatus?x=\"a\" HTTP/1.1'"
    );
    // A good head split over several writes, with a body, then a second
    // request on the same connection.
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    for part in [
        &b"POST /RI/rai/users HTTP/1.1\r\nHost: a\r\n"[..],
        b"Content-Type: application/x-ndjson\r\nContent-Length: 86\r\n\r\n",
        br#"{"userId":"AC08DE7B69D447ADA22DBAF9A8A6B9F5","changeTimestamp":"2026-01-01T00:00:00Z"}"#,
        b"GET /livez HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    ] {
        s.write_all(part).expect("write");
        std::thread::sleep(Duration::from_millis(30));
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out);
    assert!(out.starts_with("HTTP/1.1 201 Created"), "{out}");
    assert!(out.contains("HTTP/1.1 200 OK") && out.ends_with("live"), "{out}");
    let m = get(addr, "/metrics", None);
    assert!(
        m.body
            .contains("rai_http_requests_total{route=\"other\",method=\"other\",status=\"400\"} 3"),
        "{}",
        m.body
    );
}

/// ETag and If-None-Match over a socket: the same answer is a 304 without
/// a body (per representation); a repeat is served from the result cache;
/// a write that changes the answer changes the tag.
#[test]
fn etags_revalidate_answers() {
    let engine = example_engine();
    let addr = start(engine.clone(), Config::default());
    let q = "/RI/rai/agentStatusHistory?startTime=2019-01-01&limit=5";
    let first = get(addr, q, None);
    assert_eq!(first.status, 200);
    let tag = first.header("etag").expect("an ETag").to_string();
    assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 18, "{tag}");
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let again = get(addr, q, None);
    assert_eq!(
        (again.body.as_str(), again.header("etag")),
        (first.body.as_str(), Some(tag.as_str()))
    );
    let cond = |inm: &str, accept: Option<&str>| {
        let mut h = vec![("If-None-Match", inm)];
        if let Some(a) = accept {
            h.push(("Accept", a));
        }
        request(addr, "GET", q, &h, b"")
    };
    let r = cond(&tag, None);
    assert_eq!(
        (r.status, r.body.as_str(), r.header("etag")),
        (304, "", Some(tag.as_str()))
    );
    assert_eq!(r.header("x-total-count"), first.header("x-total-count"));
    assert_eq!(
        cond(&format!("W/{tag}, \"other\""), None).status,
        304,
        "weak and listed tags match"
    );
    assert_eq!(cond("*", None).status, 304);
    assert_eq!(cond("\"0000000000000000\"", None).status, 200);
    // XML is another answer with another tag.
    let xml = cond(&tag, Some("application/xml"));
    assert_eq!(xml.status, 200);
    assert_ne!(xml.header("etag"), Some(tag.as_str()));
    // A write that changes the answer changes the tag.
    let line = format!(
        r#"{{"sessionId":"{0}","userId":"{0}","userStatus":"Ready","changeTimestamp":"2019-01-01T00:00:00Z"}}"#,
        "11111111111111111111111111111111"
    );
    let w = request(
        addr,
        "POST",
        "/RI/rai/agentStatusEvents",
        &[("Content-Type", "application/x-ndjson")],
        line.as_bytes(),
    );
    assert_eq!(w.status, 201);
    let after = cond(&tag, None);
    assert_eq!(after.status, 200, "the new row is the first of the page");
    assert_ne!(after.header("etag"), Some(tag.as_str()));
    assert!(engine.cache_stats().hits >= 2, "{:?}", engine.cache_stats());
}
