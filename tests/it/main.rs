//! rai's integration tests, one binary with topic modules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod crash;
mod derived;
mod examples;
mod fill;
mod golden;
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

/// A fresh temporary directory under the target dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
