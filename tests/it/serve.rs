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
