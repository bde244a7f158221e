//! C programs against include/rai.h and the built static library: compiled
//! with the system `cc`, run, their transcript compared with
//! `tests/c/expected.txt` (`RAI_BLESS=1` rewrites it) and every body with
//! the engine's own answer; under valgrind too when it is installed. The
//! Python ctypes example runs against the shared library.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rai_core::{Endpoint, Engine};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: i64 = 1_792_835_159_000;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data_dir() -> PathBuf {
    crate_dir().join("../../tests/spec-examples/data")
}

/// The directory holding librai_ffi.a/.so built for this test run.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    let deps = exe.parent().expect("deps").to_path_buf();
    for d in [deps.clone(), deps.parent().map(Path::to_path_buf).unwrap_or_default()] {
        if d.join("librai_ffi.a").exists() {
            return d;
        }
    }
    panic!("librai_ffi.a not found next to {}", exe.display());
}

/// The C test program, compiled once per test binary: tests run in
/// parallel, and one rewriting the executable while another runs it fails
/// with "Text file busy".
fn compile() -> PathBuf {
    static EXE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EXE.get_or_init(compile_once).clone()
}

fn compile_once() -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rai_test_c");
    let status = Command::new("cc")
        .arg("-std=c11")
        .arg("-Wall")
        .arg("-Werror")
        .arg("-O1")
        .arg("-g")
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join("tests/c/rai_test.c"))
        .arg(lib_dir().join("librai_ffi.a"))
        .args(["-lpthread", "-ldl", "-lm", "-lrt", "-lutil", "-lgcc_s", "-lc"])
        .arg("-o")
        .arg(&out)
        .status()
        .expect("cc runs");
    assert!(status.success(), "cc failed");
    out
}

#[test]
fn c_program_transcript() {
    let exe = compile();
    let store = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("c-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&store);
    let out = Command::new(&exe)
        .arg(data_dir())
        .arg(&store)
        .output()
        .expect("run C test");
    let transcript = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "C test failed:\n{transcript}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every successful body equals the engine's own answer.
    let engine = Engine::new();
    engine.load_dir(&data_dir()).expect("load");
    let lines: Vec<&str> = transcript.lines().collect();
    let mut checked = 0;
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l.strip_prefix("QUERY ") else { continue };
        let mut parts = rest.splitn(3, ' ');
        let (ep, fmt, q) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        if !lines.get(i + 1).is_some_and(|s| s.starts_with("STATUS 0 ")) || q.contains("2030") {
            continue;
        }
        let want = engine
            .query_at(Endpoint::from_name(ep).expect("endpoint"), q, NOW)
            .expect("query");
        let body = match fmt {
            "xml" => want.to_xml(),
            // The transcript is read by lines: CSV's CRLF ends become LF.
            "csv" => want.to_csv().replace("\r\n", "\n"),
            _ => want.to_json(),
        };
        let got: String = lines[i + 2..]
            .iter()
            .take(body.lines().count())
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(got, body.trim_end(), "{ep} {q}");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} bodies checked");
    let expected = crate_dir().join("tests/c/expected.txt");
    if std::env::var_os("RAI_BLESS").is_some() {
        std::fs::write(&expected, &transcript).expect("bless");
    }
    let want = std::fs::read_to_string(&expected).unwrap_or_default();
    assert!(
        want == transcript,
        "transcript differs from tests/c/expected.txt:\n{transcript}"
    );
}

#[test]
fn c_program_is_clean_under_valgrind() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("valgrind not installed: skipped");
        return;
    }
    let exe = compile();
    let out = Command::new("valgrind")
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--quiet",
        ])
        .arg(&exe)
        .arg(data_dir())
        .output()
        .expect("valgrind runs");
    assert!(
        out.status.success(),
        "valgrind: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn python_ctypes_example() {
    let Ok(py) = Command::new("python3").arg("--version").output() else {
        eprintln!("python3 not installed: skipped");
        return;
    };
    assert!(py.status.success());
    let script = crate_dir().join("../../examples/python/rai_example.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(lib_dir().join("librai_ffi.so"))
        .arg(data_dir())
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let engine = Engine::new();
    engine.load_dir(&data_dir()).expect("load");
    let want = engine
        .query_at(
            Endpoint::AgentStatus,
            "startTime=2026-01-01&sort=userName,LOCALE-fi&limit=3",
            NOW,
        )
        .expect("query");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().next(),
        Some(format!("{} agents in all", want.total()).as_str())
    );
    assert!(stdout.contains(want.to_json().as_str()), "{stdout}");
}
