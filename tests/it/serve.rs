//! `rai serve --data DIR --port 0 --now TS` serves what `rai query --data DIR --now TS` prints.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

const NOW: &str = "2026-10-24T09:45:59.000Z";

fn http_get(addr: &str, target: &str, accept: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: t\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn serve_equals_query() {
    let data = crate::examples_dir().join("data").display().to_string();
    let (mut child, addr) = crate::spawn_serve(&["--data".as_ref(), data.as_ref(), "--now".as_ref(), NOW.as_ref()]);
    let cases = [
        (
            "contactHistory",
            "startTime=2026-10-24T00:00:00Z&endTime=2026-10-26T00:00:00Z&timeCategory=hour&timeZone=Europe/Helsinki",
        ),
        ("contactStatistic", "startTime=2026-10-24&showUser=true"),
        ("agentStatus", "startTime=2026-01-01&showAgentInfo=true"),
        ("agentStatusHistory", "startTime=2026-12-31&limit=4"),
    ];
    for (ep, q) in cases {
        for accept in ["application/json", "application/xml"] {
            let out = Command::new(env!("CARGO_BIN_EXE_rai"))
                .args(["query", "--data", &data, "--now", NOW, "--accept", accept, ep, q])
                .output()
                .expect("rai query");
            let want = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
            let (head, body) = http_get(&addr, &format!("/RI/rai/{ep}?{q}"), accept);
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert_eq!(body.trim_end(), want, "{ep} {accept}");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// SIGTERM with a client stalled half-way through its request header and
/// another idle on a kept-alive connection: the server stops accepting,
/// drains, and exits 0 within 10 s (it used to wait for the clients).
#[test]
fn sigterm_exits_0_within_10_s_even_with_stalled_clients() {
    let dir = crate::temp_dir("graceful");
    let store = dir.join("store");
    let (mut child, addr) = crate::spawn_serve(&[
        "--no-demo".as_ref(),
        "--store".as_ref(),
        store.as_os_str(),
        "--header-timeout-secs".as_ref(),
        "600".as_ref(),
    ]);
    // Wait for recovery (the store is empty, so at once).
    for _ in 0..100 {
        if http_get(&addr, "/readyz", "text/plain").0.contains(" 200 ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // One write, so the stop has something to checkpoint.
    let mut w = TcpStream::connect(&addr).expect("connect");
    let body = "userId,changeTimestamp\n249CEA29B6494EF1B1D16D23FE70E702,2026-01-01\n";
    write!(
        w,
        "POST /RI/rai/users HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    let _ = w.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let mut stalled = TcpStream::connect(&addr).expect("connect");
    stalled
        .write_all(b"GET /RI/rai/agentStatus?startTime=2026-01-01 HTTP/1.1\r\nHost: t\r\nAcc")
        .expect("write");
    let mut idle = TcpStream::connect(&addr).expect("connect");
    write!(idle, "GET /livez HTTP/1.1\r\nHost: t\r\n\r\n").expect("write");
    let mut buf = [0u8; 256];
    let _ = idle.read(&mut buf);
    let started = std::time::Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("rai serve did not stop within 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "a clean stop");
    // The clean stop checkpointed the store.
    assert!(store.join("manifest.json").exists());
    drop((stalled, idle));
}

/// `--log-format json`: every log line is one JSON object.
#[test]
fn json_logs_are_one_object_per_line() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rai"))
        .args(["--port", "0", "--no-demo", "--log-format", "json", "--access-log"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&first).expect("a JSON log line");
    assert_eq!(v["level"], "INFO", "{first}");
    let message = v["fields"]["message"].as_str().unwrap_or("");
    let addr = message
        .split("serving http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("")
        .to_string();
    assert!(!addr.is_empty(), "{first}");
    let (head, _) = http_get(&addr, "/RI/rai/agentStatus?startTime=2026-01-01", "application/json");
    assert!(head.contains(" 200 "), "{head}");
    // The access log line of that request.
    let logged = lines
        .map_while(Result::ok)
        .map(|l| serde_json::from_str::<serde_json::Value>(&l).expect("JSON"))
        .find(|v| v["fields"]["message"] == "request")
        .expect("an access log line");
    assert_eq!(logged["fields"]["route"], "agentStatus");
    assert_eq!(logged["fields"]["status"], 200);
    assert!(logged["fields"]["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    let _ = child.kill();
    let _ = child.wait();
}
