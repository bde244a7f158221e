//! The input rules a careless or hostile client meets (issue "hardening"):
//! empty batches, numbers that could make sums wrap, years outside
//! 0001–9999, duplicate JSON keys, values echoed as written and on one
//! line, and a retention query read as strictly as a GET.

use rai_core::{retention_before, Endpoint, Engine, Format, Table, MAX_NUMBER};

const HEAD: &str = "contactId,type,channel,arrivalTime,changeTimestamp,handlingDuration\n";

fn row(id: u32, handling: &str) -> String {
    format!("{id:032X},CallIn,Phone,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,{handling}\n")
}

/// One contact as a JSON line, its handlingDuration written as `handling`.
fn json_row(handling: &str) -> String {
    format!(
        r#"{{"contactId":"{:032X}","type":"CallIn","channel":"Phone","arrivalTime":"2026-01-01T10:00:00Z","changeTimestamp":"2026-01-01T10:00:00Z","handlingDuration":{handling}}}"#,
        1
    )
}

#[test]
fn an_empty_batch_is_refused_and_makes_no_batch() {
    let e = Engine::new();
    for (format, body) in [
        (Format::Csv, HEAD),
        (Format::Csv, ""),
        (Format::JsonLines, ""),
        (Format::JsonLines, "\n\n"),
        (Format::Json, "[]"),
    ] {
        let err = e.load(Table::Contacts, format, body.as_bytes()).expect_err(body);
        assert_eq!(err.message(), "line 1: the batch has no rows", "{format:?} {body:?}");
        assert_eq!(err.kind(), rai_core::ErrorKind::InvalidData);
    }
    let err = e
        .load_reader(Table::Contacts, Format::Csv, HEAD.as_bytes())
        .expect_err("stream");
    assert_eq!(err.message(), "line 1: the batch has no rows");
    // No batch was made: the first real one is batch 1.
    let info = e
        .load(
            Table::Contacts,
            Format::Csv,
            format!("{HEAD}{}", row(1, "5")).as_bytes(),
        )
        .expect("one row");
    assert_eq!(info.id, 1);
    // In a data directory a file without rows is an empty table, as a missing one is.
    let dir = crate::temp_dir("empty-file");
    std::fs::write(dir.join("contacts.csv"), HEAD).expect("write");
    let loaded = Engine::new().load_dir(&dir).expect("load_dir");
    assert!(loaded.is_empty());
}

#[test]
fn numbers_beyond_the_maximum_are_invalid_and_sums_never_wrap() {
    let e = Engine::new();
    let big = (MAX_NUMBER + 1).to_string();
    for v in [big.as_str(), "9223372036854775807", "99999999999999999999"] {
        let err = e
            .load(Table::Contacts, Format::Csv, format!("{HEAD}{}", row(1, v)).as_bytes())
            .expect_err(v);
        assert_eq!(
            err.message(),
            format!("line 2: handlingDuration: invalid duration '{v}'")
        );
        let json = json_row(v);
        let err = e
            .load(Table::Contacts, Format::JsonLines, json.as_bytes())
            .expect_err(v);
        assert_eq!(
            err.message(),
            format!("line 1: handlingDuration: invalid duration '{v}'")
        );
    }
    // The maximum itself loads, and a sum of many stays at the ceiling, never negative.
    let rows: String = (0..10_000u32).map(|i| row(i + 1, &MAX_NUMBER.to_string())).collect();
    e.load(Table::Contacts, Format::Csv, format!("{HEAD}{rows}").as_bytes())
        .expect("maximum loads");
    let r = e
        .query(
            Endpoint::ContactHistory,
            "startTime=2026-01-01&endTime=2026-01-02&timeCategory=all&showChannel=false&showChannelType=false",
        )
        .expect("query");
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    assert_eq!(v[0]["handlingDuration"], serde_json::json!(MAX_NUMBER * 10_000));
}

#[test]
fn timestamps_outside_years_1_to_9999_are_invalid() {
    let e = Engine::new();
    let err = e
        .query(
            Endpoint::ContactHistory,
            "startTime=9999-12-31T23:59:59.999-23:59&endTime=9999-12-31T23:59:59.999Z",
        )
        .expect_err("past 9999");
    assert_eq!(err.message(), "Invalid startTime: '9999-12-31T23:59:59.999-23:59'");
    let csv = format!(
        "{HEAD}{:032X},CallIn,Phone,0000-12-31T10:00:00Z,2026-01-01T10:00:00Z,5\n",
        1
    );
    let err = e
        .load(Table::Contacts, Format::Csv, csv.as_bytes())
        .expect_err("year 0");
    assert_eq!(
        err.message(),
        "line 2: arrivalTime: invalid timestamp '0000-12-31T10:00:00Z'"
    );
}

#[test]
fn a_json_key_given_twice_is_refused_as_a_csv_column_given_twice_is() {
    let e = Engine::new();
    let json = format!(
        r#"{{"contactId":"{:032X}","type":"CallIn","channel":"Phone","arrivalTime":"2026-01-01T10:00:00Z","changeTimestamp":"2026-01-01T10:00:00Z","type":"CallOut"}}"#,
        1
    );
    let err = e
        .load(Table::Contacts, Format::JsonLines, json.as_bytes())
        .expect_err("dup");
    assert_eq!(err.message(), "line 1: type: duplicate field");
    let csv = "contactId,type,type\n";
    let err = e
        .load(Table::Contacts, Format::Csv, csv.as_bytes())
        .expect_err("dup csv");
    assert_eq!(err.message(), "line 1: type: duplicate field");
}

#[test]
fn values_are_echoed_as_written_and_on_one_line() {
    let e = Engine::new();
    for (written, shown) in [("5.0", "5.0"), ("1e3", "1e3"), ("-0", "-0"), ("5.50", "5.50")] {
        let json = json_row(written);
        let err = e
            .load(Table::Contacts, Format::JsonLines, json.as_bytes())
            .expect_err(written);
        assert_eq!(
            err.message(),
            format!("line 1: handlingDuration: invalid duration '{shown}'")
        );
        assert_eq!(err.value(), Some(shown));
    }
    // A control character in an echoed value is escaped: one line.
    let err = e
        .query(Endpoint::ContactHistory, "startTime=2026-01-01%0AX&endTime=2026-01-02")
        .expect_err("newline");
    assert_eq!(err.message(), "Invalid startTime: '2026-01-01\\nX'");
    assert!(!err.message().contains('\n'));
}

#[test]
fn retention_reads_every_before_and_refuses_other_names() {
    let t = |q: &str| retention_before(q).map_err(|e| e.message().to_string());
    assert_eq!(t("before=2026-01-01&before=2026-02-01"), t("before=2026-01-01"));
    assert!(t("before=2026-01-01").is_ok());
    assert_eq!(
        t("before=2026-01-01&before=nope"),
        Err("Invalid before: 'nope'".to_string())
    );
    assert_eq!(t("befor=2026-01-01"), Err("Invalid field: 'befor'".to_string()));
    assert_eq!(t("before="), Err("Missing parameter: 'before'".to_string()));
    assert_eq!(t(""), Err("Missing parameter: 'before'".to_string()));
}
