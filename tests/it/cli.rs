//! The `rai` program: exit codes, stdout/stderr, and `rai gen`.

use std::process::Command;

fn rai(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rai"))
        .args(args)
        .output()
        .expect("run rai");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn data() -> String {
    crate::examples_dir().join("data").display().to_string()
}

#[test]
fn query_prints_the_body_and_exits_0() {
    let (code, out, _) = rai(&[
        "query",
        "--data",
        &data(),
        "--now",
        "2026-10-24T09:45:59Z",
        "agentStatus",
        "startTime=2026-01-01&userId=12B2584A3F28C53DC9794627698D290C",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(r#"[{"userId":"12B2584A3F28C53DC9794627698D290C","userName":"Åberg, Anna""#),
        "{out}"
    );
    let (code, out, _) = rai(&[
        "query",
        "--data",
        &data(),
        "--accept",
        "application/xml",
        "agentStatistic",
        "startTime=2030-01-01",
    ]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<agentStatistics>\n</agentStatistics>\n"
        )
    );
}

#[test]
fn query_answers_csv_as_the_server_does() {
    let (code, out, _) = rai(&[
        "query",
        "--data",
        &data(),
        "--accept",
        "text/csv",
        "agentStatus",
        "startTime=2026-01-01&userId=12B2584A3F28C53DC9794627698D290C",
    ]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("userId,userName,reportingGroupid,")),
        "{out}"
    );
    assert!(
        lines
            .next()
            .is_some_and(|r| r.starts_with("12B2584A3F28C53DC9794627698D290C,\"Åberg, Anna\",")),
        "{out}"
    );
    let (code, _, err) = rai(&[
        "query",
        "--data",
        &data(),
        "--accept",
        "text/html",
        "agentStatus",
        "startTime=2026-01-01",
    ]);
    assert_eq!(
        (code, err.trim()),
        (2, "Not acceptable: use application/json, application/xml or text/csv")
    );
}

#[test]
fn query_error_prints_the_spec_text_and_exits_2() {
    let (code, out, err) = rai(&[
        "query",
        "--data",
        &data(),
        "contactHistory",
        "startTime=2019-01-01&queueId=XYZ",
    ]);
    assert_eq!((code, out.as_str(), err.as_str()), (2, "", "Invalid GUID: 'XYZ'\n"));
    let (code, _, err) = rai(&["query", "--data", &data(), "contactHistory", "endTime=2019-01-01"]);
    assert_eq!((code, err.as_str()), (2, "Missing parameter: 'startTime'\n"));
}

#[test]
fn explain_prints_the_logical_plan() {
    let (code, out, err) = rai(&[
        "explain",
        "contactHistory",
        "startTime=2026-01-01&endTime=2026-01-08&timeCategory=day&timeZone=Europe/Helsinki&showChannel=false&showDirectContacts=0&queueName=Sales*&sort=-countOfHandledContacts&limit=5",
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    let plan: serde_json::Value = serde_json::from_str(&out).expect("the plan is JSON");
    assert_eq!(plan["table"], "contacts");
    assert_eq!(plan["time"]["key"], "contacts.arrivalTime");
    assert_eq!(plan["time"]["end"], "2026-01-08T00:00:00.000Z");
    assert_eq!(
        plan["groupBy"][0]["bucket"],
        serde_json::json!({"key": "contacts.arrivalTime", "category": "day", "zone": "Europe/Helsinki"})
    );
    assert_eq!(plan["groupBy"][1]["column"], "contacts.type");
    let predicates = plan["predicates"].to_string();
    assert!(
        predicates.contains(r#"{"is":{"column":"contacts.direct","value":false}}"#),
        "{predicates}"
    );
    assert!(predicates.contains(r#""patterns":["Sales*"]"#), "{predicates}");
    let names: Vec<&str> = plan["output"]
        .as_array()
        .map_or(Vec::new(), |o| o.iter().filter_map(|f| f["name"].as_str()).collect());
    assert_eq!(names[..3], ["timeCategory", "type", "applicationId"]);
    let sorted = &plan["output"][plan["order"][0]["field"].as_u64().unwrap_or(0) as usize];
    assert_eq!(sorted["name"], "countOfHandledContacts");
    assert_eq!(plan["order"][0]["descending"], true);
    assert_eq!(plan["limit"], 5);
    let (code, out, err) = rai(&["explain", "agentHistory", "startTime=2026-01-01"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (2, "", "Missing parameter: 'endTime'\n")
    );
}

#[test]
fn data_error_exits_3_naming_file_line_and_field() {
    let dir = crate::temp_dir("cli-bad-data");
    std::fs::write(dir.join("users.csv"), "userId,changeTimestamp\nXYZ,2019-01-01\n").expect("write");
    let (code, _, err) = rai(&[
        "query",
        "--data",
        &dir.display().to_string(),
        "agentStatus",
        "startTime=2019-01-01",
    ]);
    assert_eq!(
        (code, err.as_str()),
        (3, "users.csv: line 2: userId: invalid GUID 'XYZ'\n")
    );
}

#[test]
fn gen_is_deterministic_and_loads() {
    let a = crate::temp_dir("cli-gen-a");
    let b = crate::temp_dir("cli-gen-b");
    for (d, fmt) in [(&a, "csv"), (&b, "csv")] {
        let (code, _, err) = rai(&[
            "gen",
            "--out",
            &d.display().to_string(),
            "--days",
            "3",
            "--contacts",
            "2000",
            "--seed",
            "7",
            "--now",
            "2026-01-03T12:00:00Z",
            "--format",
            fmt,
        ]);
        assert_eq!(code, 0, "{err}");
    }
    for t in [
        "contacts",
        "agentIntervals",
        "agentStates",
        "agentStatusEvents",
        "users",
        "translations",
    ] {
        let x = std::fs::read(a.join(format!("{t}.csv"))).expect("read");
        let y = std::fs::read(b.join(format!("{t}.csv"))).expect("read");
        assert!(x == y && !x.is_empty(), "{t} differs or is empty");
    }
    let (code, out, err) = rai(&[
        "query",
        "--data",
        &a.display().to_string(),
        "contactHistory",
        "startTime=2026-01-01&endTime=2026-01-04&timeCategory=all&showChannel=false&showChannelType=false&showQueue=false&showOnlyContactCenter=false",
    ]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(rows[0]["countOfArrivedContacts"], serde_json::json!(2000));
    // JSON Lines output loads as well.
    let (code, _, err) = rai(&[
        "gen",
        "--out",
        &b.display().to_string(),
        "--days",
        "2",
        "--contacts",
        "500",
        "--format",
        "jsonl",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = rai(&[
        "query",
        "--data",
        &b.display().to_string(),
        "agentStatus",
        "startTime=2026-01-01",
    ]);
    assert_eq!(code, 0, "{err}");
    // Without tokens a non-loopback bind is refused.
    let (code, _, err) = rai(&["serve", "--bind", "0.0.0.0", "--port", "0", "--no-demo"]);
    assert_eq!(code, 2);
    assert!(err.contains("--insecure-open"), "{err}");
}

#[test]
fn query_reads_parquet_files_of_a_data_directory() {
    let src = crate::examples::engine();
    let snap = src.snapshot();
    let b = snap
        .stored_batches()
        .into_iter()
        .find(|b| b.table == rai_core::Table::Contacts)
        .expect("contacts batch");
    let dir = crate::temp_dir("cli-parquet");
    rai_store::parquet_rows::write_batch(&dir.join("contacts.parquet"), &snap, b.id).expect("parquet");
    let q = "startTime=2019-01-01&endTime=2031-01-01&timeCategory=day&limit=10000";
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rai"))
        .args(["query", "--data"])
        .arg(&dir)
        .args(["--now", "2026-10-24T09:45:59Z", "contactHistory", q])
        .output()
        .expect("rai query");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let only = rai_core::Engine::new();
    let jsonl = std::fs::read(crate::examples_dir().join("data/contacts.jsonl")).expect("contacts");
    only.load(rai_core::Table::Contacts, rai_core::Format::JsonLines, &jsonl)
        .expect("load");
    let want = only
        .query_at(
            rai_core::Endpoint::ContactHistory,
            q,
            rai_core::parse_timestamp("2026-10-24T09:45:59Z").expect("now"),
        )
        .expect("query")
        .to_json();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), want);
}

#[test]
fn a_missing_data_directory_or_a_bad_language_exits_2() {
    let (code, out, err) = rai(&[
        "query",
        "--data",
        "/nonexistent-rai-dir",
        "agentStatus",
        "startTime=2026-01-01",
    ]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(err.trim(), "--data /nonexistent-rai-dir: not a directory");
    let (code, _, err) = rai(&["serve", "--port", "0", "--data", "/nonexistent-rai-dir"]);
    assert_eq!((code, err.trim()), (2, "--data /nonexistent-rai-dir: not a directory"));
    let (code, _, err) = rai(&["serve", "--port", "0", "--default-language", "finnish"]);
    assert_eq!((code, err.trim()), (2, "Invalid --default-language: 'finnish'"));
    let (code, _, err) = rai(&[
        "query",
        "--data",
        &data(),
        "--default-language",
        "finnish",
        "agentStatus",
        "startTime=2026-01-01",
    ]);
    assert_eq!((code, err.trim()), (2, "Invalid --default-language: 'finnish'"));
    // An empty directory is a warning, not an error.
    let empty = crate::temp_dir("empty-data");
    let (code, out, err) = rai(&[
        "query",
        "--data",
        &empty.display().to_string(),
        "agentStatus",
        "startTime=2026-01-01",
    ]);
    assert_eq!((code, out.trim()), (0, "[]"));
    assert!(err.contains("warning") && err.contains("no table files"), "{err}");
}

#[test]
fn serve_options_work_without_the_word_serve() {
    let out = Command::new(env!("CARGO_BIN_EXE_rai"))
        .args(["--port", "0", "--no-demo", "--help"])
        .output()
        .expect("run rai");
    // `--help` wins, but only after the serve options were accepted at top level.
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (code, _, err) = rai(&["--port", "not-a-port"]);
    assert_eq!(code, 2);
    assert!(err.contains("--port"), "{err}");
    let (code, _, err) = rai(&["--default-language", "finnish", "--no-demo", "--port", "0"]);
    assert_eq!((code, err.trim()), (2, "Invalid --default-language: 'finnish'"));
}
