//! rai's integration tests, one binary with topic modules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cache;
mod cli;
mod crash;
mod derived;
mod examples;
mod fill;
mod golden;
mod input_rules;
mod model;
mod model_rows;
mod percentiles;
mod restore;
mod rules;
mod serve;
mod status_time;

use std::path::{Path, PathBuf};

/// The SPEC worked-examples directory (copied verbatim from `shared/spec/examples/`).
pub fn examples_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/spec-examples"))
}

/// Starts `rai serve ARGS --port 0` with its log drained on a thread (a
/// closed pipe would take the server's log lines with it); returns the
/// child and the address it logged.
pub fn spawn_serve(args: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rai"))
        .args(["serve", "--port", "0"])
        .args(args)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn rai serve");
    let (tx, rx) = std::sync::mpsc::channel();
    if let Some(err) = child.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or("").to_string());
                }
            }
        });
    }
    let addr = rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap_or_default();
    assert!(!addr.is_empty(), "no address logged");
    (child, addr)
}

/// A fresh temporary directory under the target dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
