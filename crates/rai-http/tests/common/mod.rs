//! What the socket tests share: a server on an ephemeral port, a raw
//! HTTP/1.1 client, the SPEC examples engine, generated contacts.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rai_core::{parse_timestamp, Engine};
use rai_http::Config;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

pub const NOW: &str = "2026-10-24T09:45:59.000Z";

pub fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/spec-examples/data")
}

pub fn example_engine() -> Arc<Engine> {
    let e = Engine::new().with_fixed_now(parse_timestamp(NOW).expect("now"));
    e.load_dir(&examples()).expect("examples load");
    Arc::new(e)
}

/// Starts a server on an ephemeral port in its own thread and runtime.
pub fn start(engine: Arc<Engine>, config: Config) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(l.local_addr().expect("addr")).expect("send");
            let _ = rai_http::serve(l, engine, config, std::future::pending()).await;
        });
    });
    rx.recv_timeout(Duration::from_secs(10)).expect("server started")
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn request(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write body");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_string(),
    }
}

pub fn get(addr: SocketAddr, target: &str, accept: Option<&str>) -> Resp {
    let h: Vec<(&str, &str)> = accept.map(|a| vec![("Accept", a)]).unwrap_or_default();
    request(addr, "GET", target, &h, b"")
}

/// Contacts CSV of `n` rows (one queue, one day).
pub fn contacts_csv(n: usize, first: usize) -> String {
    let mut s = String::from("contactId,type,channel,queueId,queueName,arrivalTime,changeTimestamp,handlingDuration\n");
    for i in first..first + n {
        s.push_str(&format!(
            "{:032X},CallIn,Phone,249CEA29B6494EF1B1D16D23FE70E702,Sales,2026-01-01T{:02}:{:02}:00Z,2026-01-01T12:00:00Z,{}\n",
            i + 1,
            (i / 60) % 24,
            i % 60,
            i % 1000
        ));
    }
    s
}
