//! Every case of SPEC.md's worked examples (`tests/spec-examples/`, copied
//! verbatim from `shared/spec/examples/`): the data set, 240 requests and
//! their exact answers. JSON bodies compare as parsed values with row and
//! field order; XML bodies compare as text.

use crate::examples_dir as examples;
use rai_core::{Endpoint, Engine, ErrorKind};
use serde_json::Value;

pub fn engine() -> Engine {
    let engine = Engine::new();
    if let Err(e) = engine.load_dir(&examples().join("data")) {
        panic!("loading the examples: {e}");
    }
    engine
}

#[test]
fn all_spec_examples() {
    let engine = engine();
    let cases = std::fs::read_to_string(examples().join("cases.jsonl")).expect("cases.jsonl");
    let only: Option<String> = std::env::var("RAI_CASE").ok();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in cases.lines().enumerate() {
        let case: Value = serde_json::from_str(line).expect("case");
        let line_no = i + 1;
        if only.as_deref().is_some_and(|o| o != line_no.to_string()) {
            continue;
        }
        n += 1;
        let endpoint = Endpoint::from_name(case["endpoint"].as_str().unwrap_or("")).expect("endpoint");
        let query = case["query"].as_str().unwrap_or("");
        let now = rai_core::parse_timestamp(case["now"].as_str().unwrap_or("")).expect("now");
        let xml = case["accept"] == "application/xml";
        let got = engine.query_at(endpoint, query, now);
        let verdict = match (case["status"].as_u64(), got) {
            (Some(200), Ok(res)) => {
                if xml {
                    let body = res.to_xml();
                    (body == case["body"].as_str().unwrap_or(""))
                        .then_some(())
                        .ok_or_else(|| {
                            format!(
                                "XML differs\n got: {}\nwant: {}",
                                body,
                                case["body"].as_str().unwrap_or("")
                            )
                        })
                } else {
                    let body: Value = serde_json::from_str(&res.to_json()).expect("our JSON parses");
                    (body == case["body"])
                        .then_some(())
                        .ok_or_else(|| format!("JSON differs\n got: {}\nwant: {}", body, case["body"]))
                }
            }
            (Some(400), Err(e)) if e.kind() == ErrorKind::InvalidQuery => (e.message() == case["error"])
                .then_some(())
                .ok_or_else(|| format!("error text: got {:?}, want {}", e.message(), case["error"])),
            (want, Ok(res)) => Err(format!("want status {want:?}, got 200 with {} rows", res.total())),
            (want, Err(e)) => Err(format!("want status {want:?}, got error {e}")),
        };
        if let Err(msg) = verdict {
            failures.push(format!(
                "case line {line_no}: {} ?{}\n  {}",
                endpoint.name(),
                query,
                msg
            ));
        }
    }
    if !failures.is_empty() {
        let shown: Vec<String> = failures
            .iter()
            .take(8)
            .map(|f| f.chars().take(3000).collect())
            .collect();
        panic!("{} of {} cases failed:\n{}", failures.len(), n, shown.join("\n\n"));
    }
}
