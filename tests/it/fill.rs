//! `fill=zero`: every bucket of the range for every group present, with
//! zero counts and sums and absent maxima, on hand-made data.

use rai_core::{parse_timestamp, Endpoint, Engine, Format, Table};
use serde_json::{json, Value};

const Q1: &str = "249CEA29B6494EF1B1D16D23FE70E702";
const Q2: &str = "990556DC18244B4AB5BF35D75A89CDEF";

fn engine(now: &str) -> Engine {
    let contact = |n: u32, queue: &str, at: &str| {
        json!({
            "contactId": format!("6BE639E35B75440C840881F04D260E{n:02X}"), "channel": "Phone", "type": "CallIn",
            "queueId": queue, "queueName": if queue == Q1 { "Sales" } else { "Support" },
            "arrivalTime": at, "disconnectTime": at, "waitingDuration": 5000, "changeTimestamp": at,
        })
        .to_string()
    };
    let rows = [
        contact(1, Q1, "2026-01-05T10:00:00Z"),
        contact(2, Q1, "2026-01-07T10:00:00Z"),
        contact(3, Q2, "2026-01-07T11:00:00Z"),
    ];
    let e = Engine::new().with_fixed_now(parse_timestamp(now).expect("now"));
    e.load(Table::Contacts, Format::JsonLines, rows.join("\n").as_bytes())
        .expect("load");
    e
}

fn rows(e: &Engine, ep: Endpoint, q: &str) -> (usize, Vec<Value>) {
    let r = e.query(ep, q).unwrap_or_else(|err| panic!("{q}: {err}"));
    (r.total(), serde_json::from_str(&r.to_json()).expect("json"))
}

const BY_DAY: &str = "startTime=2026-01-05&endTime=2026-01-08&timeCategory=day&showChannel=false&showChannelType=false&sort=queueName,timeCategory";

#[test]
fn every_bucket_for_every_group_with_zeros() {
    let e = engine("2026-02-01T00:00:00Z");
    let (total, plain) = rows(&e, Endpoint::ContactHistory, BY_DAY);
    assert_eq!(total, 3);
    let (total, r) = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{BY_DAY}&fill=zero&derived=averageWaitingTime"),
    );
    assert_eq!(total, 6, "3 days × 2 queues");
    let days: Vec<(&str, &str)> = r
        .iter()
        .map(|x| {
            (
                x["queueName"].as_str().unwrap_or(""),
                x["timeCategory"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("Sales", "2026-01-05"),
            ("Sales", "2026-01-06"),
            ("Sales", "2026-01-07"),
            ("Support", "2026-01-05"),
            ("Support", "2026-01-06"),
            ("Support", "2026-01-07"),
        ]
    );
    // Rows with data are as without fill; filled rows have zeros, no maxima, no quotient.
    assert_eq!(r[0]["waitingDuration"], plain[0]["waitingDuration"]);
    let gap = &r[1];
    assert_eq!(
        (gap["countOfArrivedContacts"].clone(), gap["waitingDuration"].clone()),
        (json!(0), json!(0))
    );
    for absent in ["maxWaitingDuration", "maxChangeTimestamp", "averageWaitingTime"] {
        assert!(gap.get(absent).is_none(), "{absent}: {gap}");
    }
    assert_eq!(gap["queueId"], Q1);
    assert_eq!(gap["averageWaitingTimeDenominator"], 0);
    assert_eq!(r[2]["averageWaitingTime"].as_f64(), Some(5000.0));
    // The typed builder says the same.
    let built = e
        .request(Endpoint::ContactHistory)
        .param("startTime", "2026-01-05")
        .param("endTime", "2026-01-08")
        .time_category(rai_core::TimeCategory::Day)
        .fill_zero(true)
        .run()
        .map(|r| r.total());
    assert_eq!(built, Ok(6));
    // Case-insensitive; `none` is the default; paging counts filled rows.
    assert_eq!(
        rows(&e, Endpoint::ContactHistory, &format!("{BY_DAY}&fill=none")).1,
        plain
    );
    assert_eq!(
        rows(&e, Endpoint::ContactHistory, &format!("{BY_DAY}&fill=ZERO&limit=2")).0,
        6
    );
}

#[test]
fn local_buckets_and_open_ranges() {
    // The Helsinki fall-back day has 25 hours.
    let e = engine("2026-02-01T00:00:00Z");
    let q = "startTime=2025-10-25T21:00:00Z&endTime=2025-10-26T22:00:00Z&timeCategory=hour&timeZone=Europe/Helsinki&fill=zero";
    assert_eq!(
        rows(&e, Endpoint::ContactHistory, q).0,
        0,
        "no group in range: nothing to fill"
    );
    let e2 = Engine::new();
    let one = json!({"contactId": "6BE639E35B75440C840881F04D260E01", "channel": "Chat", "type": "ChatIn",
        "arrivalTime": "2025-10-26T05:00:00Z", "changeTimestamp": "2025-10-26T05:00:00Z"});
    e2.load(Table::Contacts, Format::JsonLines, one.to_string().as_bytes())
        .expect("load");
    assert_eq!(rows(&e2, Endpoint::ContactHistory, q).0, 25);
    // contactStatistic's open range is filled up to now.
    let e = engine("2026-01-07T12:30:00Z");
    let stat = "startTime=2026-01-07T09:00:00Z&timeCategory=hour&showChannel=false&showChannelType=false&showQueue=false&fill=zero";
    let (total, r) = rows(&e, Endpoint::ContactStatistic, &format!("{stat}&sort=timeCategory"));
    assert_eq!(total, 4, "09:00, 10:00, 11:00 and 12:00 (now)");
    assert_eq!(r[3]["timeCategory"], "2026-01-07T12:00:00.000Z");
    // No time dimension or detail rows: nothing to fill.
    let null = "startTime=2026-01-05&endTime=2026-01-08&fill=zero";
    assert_eq!(rows(&e, Endpoint::ContactHistory, null).0, 2);
    assert_eq!(
        rows(
            &e,
            Endpoint::ContactHistory,
            &format!("{null}&timeCategory=day&showDetails=true")
        )
        .0,
        3
    );
}

#[test]
fn bad_fills_are_400s() {
    let e = engine("2026-02-01T00:00:00Z");
    let err = |q: &str| {
        e.query(Endpoint::ContactHistory, q)
            .map(|r| r.total())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        err(&format!("{BY_DAY}&fill=maybe")),
        Err("Invalid fill: 'maybe'".into())
    );
    assert_eq!(
        err("startTime=2000-01-01&endTime=2100-01-01&timeCategory=quarterHour&fill=zero"),
        Err("Invalid fill: more than 1000000 rows".into())
    );
    let status = e
        .query(Endpoint::AgentStatus, "startTime=2026-01-01&fill=zero")
        .map(|r| r.total());
    assert_eq!(status.map_err(|e| e.to_string()), Err("Invalid field: 'fill'".into()));
}
