//! Percentiles (`percentiles=`): hand-computed fixtures (exact below 256
//! ms), the error bound against exact nearest-rank quantiles on random
//! data spread over many batches (threads) and rolled up from quarter
//! hours to days, detail rows, fill, sorting, errors.

use rai_core::{parse_timestamp, Endpoint, Engine, Format, Table};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const Q: &str = "249CEA29B6494EF1B1D16D23FE70E702";
const Q2: &str = "990556DC18244B4AB5BF35D75A89CDEF";
const DAY: &str = "startTime=2026-01-05&endTime=2026-01-06&showChannel=false&showChannelType=false";

fn contact(n: u32, queue: &str, handled: bool, waiting: i64, queuing: i64, handling: i64) -> String {
    let mut v = json!({
        "contactId": format!("6BE639E35B75440C840881F04D26{n:04X}"),
        "channel": "Phone", "type": "CallIn", "queueId": queue,
        "queueName": if queue == Q { "Sales" } else { "Support" },
        "arrivalTime": "2026-01-05T10:00:00Z", "disconnectTime": "2026-01-05T10:20:00Z",
        "changeTimestamp": "2026-01-05T10:30:00Z",
        "waitingDuration": waiting, "queuingDuration": queuing, "handlingDuration": handling,
    });
    if handled {
        v["connectTime"] = json!("2026-01-05T10:00:10Z");
    }
    v.to_string()
}

fn engine(lines: &[String]) -> Engine {
    let e = Engine::new().with_fixed_now(parse_timestamp("2026-01-06T00:00:00Z").expect("now"));
    e.load(Table::Contacts, Format::JsonLines, lines.join("\n").as_bytes())
        .expect("contacts");
    e
}

fn rows(e: &Engine, q: &str) -> Vec<Value> {
    let body = e
        .query(Endpoint::ContactHistory, q)
        .map(|r| r.to_json())
        .unwrap_or_else(|err| panic!("{q}: {err}"));
    serde_json::from_str::<Vec<Value>>(&body).expect("json")
}

#[test]
fn percentiles_by_hand() {
    // Sales: waiting 10, 20, 30, 40 ms; handled only the first two (handling 100, 200).
    // Support: one segment, not handled.
    let e = engine(&[
        contact(1, Q, true, 10, 1, 100),
        contact(2, Q, true, 20, 2, 200),
        contact(3, Q, false, 30, 3, 0),
        contact(4, Q, false, 40, 4, 0),
        contact(5, Q2, false, 70, 7, 0),
    ]);
    let r = rows(&e, &format!("{DAY}&percentiles=50,25,99,50&sort=queueName"));
    let sales = &r[0];
    // Nearest rank: p25 of 4 values is the 1st, p50 the 2nd, p99 the 4th.
    for (field, want) in [
        ("p50WaitingDuration", 20),
        ("p25WaitingDuration", 10),
        ("p99WaitingDuration", 40),
        ("p50QueuingDuration", 2),
        ("p99QueuingDuration", 4),
        // Handling: over the handled segments only (100, 200).
        ("p25HandlingDuration", 100),
        ("p50HandlingDuration", 100),
        ("p99HandlingDuration", 200),
    ] {
        assert_eq!(sales[field], json!(want), "{field}");
    }
    // The fields follow the RAI v1 ones, per duration in the order given (a repeat counts once).
    let names: Vec<&str> = sales
        .as_object()
        .map_or(Vec::new(), |o| o.keys().map(String::as_str).collect());
    let tail: Vec<&str> = names[names.len() - 9..].to_vec();
    assert_eq!(
        tail,
        [
            "p50WaitingDuration",
            "p25WaitingDuration",
            "p99WaitingDuration",
            "p50QueuingDuration",
            "p25QueuingDuration",
            "p99QueuingDuration",
            "p50HandlingDuration",
            "p25HandlingDuration",
            "p99HandlingDuration"
        ]
    );
    // No handled segment: the handling percentiles are absent, the others present.
    assert_eq!(r[1]["p50WaitingDuration"], json!(70));
    assert!(r[1].get("p50HandlingDuration").is_none());
    // Sorting by a percentile field.
    let by = rows(&e, &format!("{DAY}&percentiles=50&sort=-p50WaitingDuration"));
    assert_eq!(by[0]["queueName"], "Support");
    // Detail rows: each segment's own (exact) value; handling only if handled.
    let d = rows(
        &e,
        &format!("{DAY}&showDetails=true&percentiles=90&sort=contactId&queueName=Sales"),
    );
    assert_eq!(
        d.iter().map(|r| r["p90WaitingDuration"].clone()).collect::<Vec<_>>(),
        [json!(10), json!(20), json!(30), json!(40)]
    );
    assert_eq!(d[0]["p90HandlingDuration"], json!(100));
    assert!(d[2].get("p90HandlingDuration").is_none());
    // fill=zero: an added bucket has no values, so no percentiles.
    let f = rows(
        &e,
        &format!("{DAY}&timeCategory=hour&fill=zero&percentiles=50&queueName=Sales&sort=timeCategory"),
    );
    assert_eq!(f.len(), 24);
    assert_eq!(f.iter().filter(|r| r.get("p50WaitingDuration").is_some()).count(), 1);
    // The builder and XML.
    let built = e
        .request(Endpoint::ContactHistory)
        .param("startTime", "2026-01-05")
        .param("endTime", "2026-01-06")
        .param("queueName", "Sales")
        .percentiles(&[50])
        .run()
        .map(|r| (r.to_json().contains("\"p50WaitingDuration\":20"), r.to_xml()));
    let (json_ok, xml) = built.expect("builder");
    assert!(json_ok);
    assert!(xml.contains("<p50WaitingDuration>20</p50WaitingDuration>"), "{xml}");
    // A large value: within 1/256 (not exact above 255 ms).
    let big = engine(&[contact(1, Q, true, 123_456, 0, 0)]);
    let v = rows(&big, &format!("{DAY}&percentiles=50"))[0]["p50WaitingDuration"]
        .as_i64()
        .unwrap_or(0);
    assert!((v - 123_456).abs() * 256 <= 123_456, "{v}");
}

#[test]
fn percentile_errors() {
    let e = engine(&[contact(1, Q, true, 10, 1, 100)]);
    let err = |q: &str| {
        e.query(Endpoint::ContactHistory, q)
            .map(|r| r.total())
            .map_err(|e| e.to_string())
    };
    for (raw, shown) in [
        ("0", "0"),
        ("100", "100"),
        ("x", "x"),
        ("%2B5", "+5"),
        ("-5", "-5"),
        ("99.9", "99.9"),
        ("", ""),
        ("256", "256"),
    ] {
        assert_eq!(
            err(&format!("{DAY}&percentiles=50,{raw}")),
            Err(format!("Invalid percentile: '{shown}'"))
        );
    }
    let many: Vec<String> = (1..=21).map(|s| s.to_string()).collect();
    assert_eq!(
        err(&format!("{DAY}&percentiles={}", many.join(","))),
        Err("Invalid percentile: '21'".into())
    );
    assert_eq!(
        err(&format!("{DAY}&sort=p50WaitingDuration")),
        Err("Invalid sort field: 'p50WaitingDuration'".into())
    );
    assert_eq!(
        err(&format!("{DAY}&percentiles=50&sort=p90WaitingDuration")),
        Err("Invalid sort field: 'p90WaitingDuration'".into())
    );
    for ep in [Endpoint::AgentHistory, Endpoint::AgentStatus] {
        assert_eq!(
            e.query(ep, "startTime=2026-01-05&endTime=2026-01-06&percentiles=50")
                .map(|r| r.total())
                .map_err(|e| e.to_string()),
            Err("Invalid field: 'percentiles'".into())
        );
    }
    // contactStatistic takes it too.
    assert!(e
        .query(Endpoint::ContactStatistic, "startTime=2026-01-05&percentiles=50")
        .is_ok());
}

/// A deterministic pseudo-random sequence (xorshift), so the test needs no seed handling.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Log-uniform over 0 … 2^27 ms (1.5 days), many orders of magnitude.
    fn duration(&mut self) -> i64 {
        let bits = self.next() % 28;
        (self.next() % (1u64 << bits)) as i64
    }
}

fn nearest_rank(values: &mut [i64], p: u64) -> i64 {
    values.sort_unstable();
    let rank = (p * values.len() as u64).div_ceil(100).max(1);
    values[rank as usize - 1]
}

#[test]
fn percentiles_stay_within_the_bound_after_roll_up_and_across_batches() {
    let queues = [Q, Q2];
    let base = parse_timestamp("2026-03-28T00:00:00Z").expect("base");
    // 30,000 segments over 3 days (a DST change in Helsinki), loaded as 7
    // batches so that partial states from several threads are merged.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut segs = Vec::new();
    for n in 0..30_000u32 {
        let arrival = base + (rng.next() % (3 * 86_400_000)) as i64;
        let q = queues[(rng.next() % 2) as usize];
        let handled = !rng.next().is_multiple_of(3);
        segs.push((arrival, q, handled, rng.duration(), rng.duration(), rng.duration(), n));
    }
    let e = Engine::new().with_fixed_now(base + 4 * 86_400_000);
    for part in segs.chunks(30_000 / 7 + 1) {
        let lines: Vec<String> = part
            .iter()
            .map(|&(arrival, q, handled, w, qu, h, n)| {
                let mut v = json!({
                    "contactId": format!("{:032X}", n as u128 + 1),
                    "channel": "Phone", "type": "CallIn", "queueId": q,
                    "arrivalTime": rai_core::timestamp_string(arrival),
                    "disconnectTime": rai_core::timestamp_string(arrival + 1),
                    "changeTimestamp": rai_core::timestamp_string(arrival + 1),
                    "waitingDuration": w, "queuingDuration": qu, "handlingDuration": h,
                });
                if handled {
                    v["connectTime"] = json!(rai_core::timestamp_string(arrival));
                }
                v.to_string()
            })
            .collect();
        e.load(Table::Contacts, Format::JsonLines, lines.join("\n").as_bytes())
            .expect("batch");
    }
    let ps = [1u64, 50, 90, 95, 99];
    let zone = chrono_tz::Europe::Helsinki;
    for cat in ["quarterHour", "hour", "day", "all"] {
        let q = format!(
            "startTime=2026-03-28&endTime=2026-03-31&timeCategory={cat}&timeZone=Europe/Helsinki\
             &showChannel=false&showChannelType=false&percentiles=1,50,90,95,99&limit=10000"
        );
        let got = rows(&e, &q);
        // The exact values per (label, queue) from the raw data.
        let mut exact: BTreeMap<(String, String), [Vec<i64>; 3]> = BTreeMap::new();
        let eng_bucket = rai_core::Bucketer::new(rai_core::TimeCategory::parse(cat).expect("cat"), zone);
        for &(arrival, q, handled, w, qu, h, _) in &segs {
            let label = if cat == "all" {
                "all".to_string()
            } else {
                eng_bucket.label(eng_bucket.bucket(arrival))
            };
            let entry = exact.entry((label, q.to_string())).or_default();
            entry[0].push(w);
            entry[1].push(qu);
            if handled {
                entry[2].push(h);
            }
        }
        assert_eq!(got.len(), exact.len(), "{cat}: groups");
        let mut checked = 0;
        for row in &got {
            let key = (
                row["timeCategory"].as_str().unwrap_or("").to_string(),
                row["queueId"].as_str().unwrap_or("").to_string(),
            );
            let mut values = exact.get(&key).cloned().unwrap_or_else(|| panic!("{cat}: {key:?}"));
            for (i, name) in ["WaitingDuration", "QueuingDuration", "HandlingDuration"]
                .iter()
                .enumerate()
            {
                for p in ps {
                    let field = format!("p{p}{name}");
                    if values[i].is_empty() {
                        assert!(row.get(&field).is_none(), "{cat} {key:?} {field}");
                        continue;
                    }
                    let want = nearest_rank(&mut values[i], p);
                    let v = row[&field].as_i64().unwrap_or(-1);
                    assert!(
                        (v - want).abs() * 256 <= want,
                        "{cat} {key:?} {field}: {v} vs exact {want}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "{cat}: {checked}");
    }
}
