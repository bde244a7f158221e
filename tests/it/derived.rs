//! Derived metrics (`derived=`) on hand-computed fixtures: every contact
//! and agent metric, denominators of 0, detail rows, sorting, errors.

use rai_core::{parse_timestamp, Endpoint, Engine, Format, Table};
use serde_json::{json, Value};

const Q: &str = "249CEA29B6494EF1B1D16D23FE70E702";
const Q2: &str = "990556DC18244B4AB5BF35D75A89CDEF";
const U: &str = "AC083B34470B4164A6A5968DD031B5E5";

fn engine() -> Engine {
    let contact = |n: u32, queue: &str, extra: Value| {
        let mut v = json!({
            "contactId": format!("6BE639E35B75440C840881F04D260E{n:02X}"),
            "channel": "Phone", "type": "CallIn", "queueId": queue, "queueName": if queue == Q { "Sales" } else { "Support" },
            "arrivalTime": "2026-01-05T10:00:00Z", "changeTimestamp": "2026-01-05T10:30:00Z",
        });
        if let (Some(m), Some(x)) = (v.as_object_mut(), extra.as_object()) {
            m.extend(x.clone());
        }
        v.to_string()
    };
    let done = "2026-01-05T10:20:00Z";
    let contacts = [
        contact(
            1,
            Q,
            json!({"connectTime": "2026-01-05T10:00:10Z", "disconnectTime": done, "answeredOnTime": true,
            "waitingDuration": 10000, "queuingDuration": 4000, "handlingDuration": 60000, "afterworkDuration": 20000}),
        ),
        contact(
            2,
            Q,
            json!({"connectTime": "2026-01-05T10:00:30Z", "disconnectTime": done,
            "waitingDuration": 30000, "queuingDuration": 20000, "handlingDuration": 100000}),
        ),
        contact(
            3,
            Q,
            json!({"disconnectTime": done, "abandoned": true, "waitingDuration": 50000, "queuingDuration": 45000}),
        ),
        contact(
            4,
            Q,
            json!({"disconnectTime": done, "falseAttempt": true, "waitingDuration": 1000}),
        ),
        // Not completed and not handled: every service-level denominator is 0.
        contact(
            5,
            Q2,
            json!({"queueArrivalTime": "2026-01-05T10:00:05Z", "waitingDuration": 7000}),
        ),
    ];
    let interval = json!({
        "intervalStart": "2026-01-05T10:00:00Z", "userId": U, "changeTimestamp": "2026-01-05T10:15:00Z",
        "readyDuration": 900000, "freeDuration": 280000, "contactHandlingDuration": 600000,
        "afterworkDuration": 120000, "countOfHandledCallIn": 3, "countOfHandledChatIn": 1,
    });
    let e = Engine::new().with_fixed_now(parse_timestamp("2026-01-06T00:00:00Z").expect("now"));
    e.load(Table::Contacts, Format::JsonLines, contacts.join("\n").as_bytes())
        .expect("contacts");
    e.load(
        Table::AgentIntervals,
        Format::JsonLines,
        interval.to_string().as_bytes(),
    )
    .expect("intervals");
    e
}

fn rows(e: &Engine, ep: Endpoint, q: &str) -> Vec<Value> {
    let body = e
        .query(ep, q)
        .map(|r| r.to_json())
        .unwrap_or_else(|err| panic!("{q}: {err}"));
    serde_json::from_str::<Vec<Value>>(&body).expect("json")
}

const DAY: &str = "startTime=2026-01-05&endTime=2026-01-06&showChannel=false&showChannelType=false";
const ALL: &str = "serviceLevel,handledRatio,abandonRatio,averageSpeedOfAnswer,averageHandlingTime,averageQueuingTime,averageWaitingTime";

#[test]
fn contact_metrics_by_hand() {
    let e = engine();
    let r = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{DAY}&derived={ALL}&sort=queueName"),
    );
    assert_eq!(r.len(), 2);
    let sales = &r[0];
    assert_eq!(sales["queueName"], "Sales");
    // offered = completed 4 − false attempts 1 − service closed 0 = 3.
    for (name, num, den, value) in [
        ("serviceLevel", 1, 3, json!(1.0 / 3.0)),
        ("handledRatio", 2, 3, json!(2.0 / 3.0)),
        ("abandonRatio", 1, 3, json!(1.0 / 3.0)),
        ("averageSpeedOfAnswer", 40000, 2, json!(20000)),
        ("averageHandlingTime", 180000, 2, json!(90000)),
        ("averageQueuingTime", 69000, 4, json!(17250)),
        ("averageWaitingTime", 91000, 4, json!(22750)),
    ] {
        assert_eq!(sales[format!("{name}Numerator")], json!(num), "{name}");
        assert_eq!(sales[format!("{name}Denominator")], json!(den), "{name}");
        assert_eq!(sales[name].as_f64(), value.as_f64(), "{name}");
    }
    // A denominator of 0: the quotient is absent, its parts are 0.
    let support = &r[1];
    for name in [
        "serviceLevel",
        "handledRatio",
        "abandonRatio",
        "averageSpeedOfAnswer",
        "averageHandlingTime",
    ] {
        assert!(support.get(name).is_none(), "{name}: {support}");
        assert_eq!(support[format!("{name}Denominator")], json!(0), "{name}");
    }
    assert_eq!(support["averageWaitingTime"].as_f64(), Some(7000.0));
    // Without derived= no derived field is there (RAI v1 answers unchanged).
    let plain = rows(&e, Endpoint::ContactHistory, DAY);
    assert!(plain[0].get("serviceLevel").is_none() && plain[0].get("serviceLevelNumerator").is_none());
}

#[test]
fn derived_fields_sort_and_detail_rows() {
    let e = engine();
    let r = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{DAY}&derived=serviceLevel&sort=-serviceLevel"),
    );
    assert_eq!(
        (r[0]["queueName"].clone(), r[1].get("serviceLevel")),
        (json!("Sales"), None)
    );
    let r = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{DAY}&derived=serviceLevel&sort=serviceLevel"),
    );
    assert_eq!(r[0]["queueName"], "Support", "an absent value sorts first ascending");
    // Detail rows: each row is its own group.
    let d = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{DAY}&showDetails=true&derived=handledRatio,averageHandlingTime&sort=contactId"),
    );
    assert_eq!(d.len(), 5);
    assert_eq!(
        (d[0]["handledRatio"].as_f64(), d[0]["averageHandlingTime"].as_f64()),
        (Some(1.0), Some(80000.0))
    );
    assert_eq!(d[2]["handledRatio"].as_f64(), Some(0.0));
    assert!(d[3].get("handledRatio").is_none(), "a false attempt offers nothing");
    // contactStatistic has the same metrics.
    let s = rows(
        &e,
        Endpoint::ContactStatistic,
        "startTime=2026-01-05&showChannel=false&showChannelType=false&derived=abandonRatio&sort=queueName",
    );
    assert_eq!(s[0]["abandonRatioNumerator"], 1);
}

#[test]
fn agent_metrics_by_hand() {
    let e = engine();
    let q = "startTime=2026-01-05&endTime=2026-01-06&derived=occupancy,utilization,averageHandlingTime";
    for ep in [Endpoint::AgentHistory, Endpoint::AgentStatistic] {
        let r = rows(&e, ep, q);
        assert_eq!(r.len(), 1, "{ep:?}");
        assert_eq!(
            (r[0]["occupancyNumerator"].clone(), r[0]["occupancyDenominator"].clone()),
            (json!(720000), json!(1000000))
        );
        assert_eq!(r[0]["occupancy"].as_f64(), Some(0.72));
        assert_eq!(r[0]["utilizationDenominator"], 900000);
        assert_eq!(r[0]["utilization"].as_f64(), Some(0.8));
        assert_eq!(r[0]["averageHandlingTimeDenominator"], 4);
        assert_eq!(r[0]["averageHandlingTime"].as_f64(), Some(180000.0));
    }
}

#[test]
fn bad_derived_values_are_400s() {
    let e = engine();
    let err = |ep, q: &str| e.query(ep, q).map(|r| r.total()).map_err(|e| e.to_string());
    assert_eq!(
        err(Endpoint::ContactHistory, &format!("{DAY}&derived=serviceLevel,sl")),
        Err("Invalid derived metric: 'sl'".into())
    );
    assert_eq!(
        err(Endpoint::ContactHistory, &format!("{DAY}&derived=serviceLevel,")),
        Err("Invalid derived metric: ''".into())
    );
    assert_eq!(
        err(
            Endpoint::AgentHistory,
            "startTime=2026-01-05&endTime=2026-01-06&derived=serviceLevel"
        ),
        Err("Invalid derived metric: 'serviceLevel'".into())
    );
    assert_eq!(
        err(Endpoint::ContactHistory, &format!("{DAY}&sort=serviceLevel")),
        Err("Invalid sort field: 'serviceLevel'".into())
    );
    assert_eq!(
        err(Endpoint::AgentStatus, "startTime=2026-01-05&derived=occupancy"),
        Err("Invalid field: 'derived'".into())
    );
    // The typed builder says the same.
    let built = e
        .request(Endpoint::ContactHistory)
        .param("startTime", "2026-01-05")
        .param("endTime", "2026-01-06")
        .derived(&["serviceLevel"])
        .run();
    assert_eq!(
        built.map(|r| r.to_json().contains("\"serviceLevelDenominator\":3")),
        Ok(true)
    );
}

#[test]
fn service_level_thresholds_by_hand() {
    let e = engine();
    // Handled Sales segments queued 4 s and 20 s; offered = 3.
    let q = format!("{DAY}&serviceLevelThresholds=5,20,5,60&sort=queueName");
    let r = rows(&e, Endpoint::ContactHistory, &q);
    let sales = &r[0];
    for (secs, within) in [(5, 1), (20, 2), (60, 2)] {
        let name = format!("serviceLevel{secs}s");
        assert_eq!(sales[format!("{name}Numerator")], json!(within), "{name}");
        assert_eq!(sales[format!("{name}Denominator")], json!(3), "{name}");
        assert_eq!(sales[name.as_str()].as_f64(), Some(within as f64 / 3.0), "{name}");
    }
    let keys: Vec<&str> = sales.as_object().map_or(Vec::new(), |o| {
        o.keys()
            .map(String::as_str)
            .filter(|k| k.starts_with("serviceLevel"))
            .collect()
    });
    assert_eq!(keys.len(), 9, "a repeated threshold is one: {keys:?}");
    assert!(r[1].get("serviceLevel20s").is_none(), "nothing offered: absent");
    // Sorting by a threshold field, detail rows, the builder.
    let by = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{DAY}&serviceLevelThresholds=20&sort=-serviceLevel20sNumerator"),
    );
    assert_eq!(by[0]["queueName"], "Sales");
    let d = rows(
        &e,
        Endpoint::ContactHistory,
        &format!("{DAY}&showDetails=true&serviceLevelThresholds=5&sort=contactId"),
    );
    assert_eq!(
        (
            d[0]["serviceLevel5sNumerator"].clone(),
            d[1]["serviceLevel5sNumerator"].clone()
        ),
        (json!(1), json!(0))
    );
    let built = e
        .request(Endpoint::ContactHistory)
        .param("startTime", "2026-01-05")
        .param("endTime", "2026-01-06")
        .service_level_thresholds(&[20])
        .run()
        .map(|r| r.to_json().contains("\"serviceLevel20sNumerator\":2"));
    assert_eq!(built, Ok(true));
    // Errors.
    let err = |q: &str| {
        e.query(Endpoint::ContactHistory, q)
            .map(|r| r.total())
            .map_err(|e| e.to_string())
    };
    for (raw, shown) in [
        ("0", "0"),
        ("3601", "3601"),
        ("x", "x"),
        ("%2B5", "+5"),
        ("1.5", "1.5"),
        ("", ""),
    ] {
        assert_eq!(
            err(&format!("{DAY}&serviceLevelThresholds=20,{raw}")),
            Err(format!("Invalid threshold: '{shown}'"))
        );
    }
    let many: Vec<String> = (1..=21).map(|s| s.to_string()).collect();
    assert_eq!(
        err(&format!("{DAY}&serviceLevelThresholds={}", many.join(","))),
        Err("Invalid threshold: '21'".into())
    );
    assert_eq!(
        err(&format!("{DAY}&sort=serviceLevel20s")),
        Err("Invalid sort field: 'serviceLevel20s'".into())
    );
    let agents = e.query(
        Endpoint::AgentHistory,
        "startTime=2026-01-05&endTime=2026-01-06&serviceLevelThresholds=20",
    );
    assert_eq!(
        agents.map(|r| r.total()).map_err(|e| e.to_string()),
        Err("Invalid field: 'serviceLevelThresholds'".into())
    );
}
