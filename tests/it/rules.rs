//! SPEC rules as worked examples on tiny data sets, one rule per test.

use rai_core::{parse_timestamp, Endpoint, Engine, Format, Table};
use serde_json::{json, Value};

const Q: &str = "249CEA29B6494EF1B1D16D23FE70E702";
const Q2: &str = "990556DC18244B4AB5BF35D75A89CDEF";
const U: &str = "AC083B34470B4164A6A5968DD031B5E5";
const U2: &str = "30BAC5C8C39A4CA5A5B1C5509EE4F12B";

fn engine(now: &str, batches: &[(Table, Vec<Value>)]) -> Engine {
    let e = Engine::new().with_fixed_now(parse_timestamp(now).expect("now"));
    for (t, rows) in batches {
        let body: Vec<String> = rows.iter().map(Value::to_string).collect();
        if let Err(err) = e.load(*t, Format::JsonLines, body.join("\n").as_bytes()) {
            panic!("{t:?}: {err}");
        }
    }
    e
}

fn get(e: &Engine, ep: Endpoint, q: &str) -> Value {
    match e.query(ep, q) {
        Ok(r) => serde_json::from_str(&r.to_json()).expect("json"),
        Err(err) => panic!("{q}: {err}"),
    }
}

fn err(e: &Engine, ep: Endpoint, q: &str) -> String {
    match e.query(ep, q) {
        Ok(_) => "OK".into(),
        Err(err) => err.to_string(),
    }
}

fn column<'a>(rows: &'a Value, field: &str) -> Vec<&'a Value> {
    rows.as_array()
        .map(|a| a.iter().map(|r| &r[field]).collect())
        .unwrap_or_default()
}

/// A completed, handled contact segment.
fn seg(id: u32, queue: Option<(&str, &str)>, arrival: &str, change: &str) -> Value {
    let mut v = json!({
        "contactId": format!("{id:032X}"), "channel": "Phone", "type": "CallIn",
        "arrivalTime": arrival, "connectTime": arrival, "disconnectTime": arrival,
        "waitingDuration": id * 10, "handlingDuration": id * 100, "changeTimestamp": change,
    });
    if let Some((qid, name)) = queue {
        v["queueId"] = json!(qid);
        v["queueName"] = json!(name);
    }
    v
}

const DAY: &str = "startTime=2019-01-01T00:00:00Z&endTime=2019-01-02T00:00:00Z";
const CH: Endpoint = Endpoint::ContactHistory;

#[test]
fn renamed_queue_is_one_group_with_its_newest_name() {
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[(
            Table::Contacts,
            vec![
                seg(1, Some((Q, "Old")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z"),
                seg(2, Some((Q, "New")), "2019-01-01T11:00:00Z", "2019-01-01T11:05:00Z"),
                seg(3, Some((Q, "Older")), "2019-01-01T12:00:00Z", "2019-01-01T09:00:00Z"),
            ],
        )],
    );
    let rows = get(&e, CH, &format!("{DAY}&showChannel=false&showChannelType=false"));
    assert_eq!(column(&rows, "queueName"), [&json!("New")]);
    assert_eq!(column(&rows, "countOfArrivedContacts"), [&json!(3)]);
    // Equal changeTimestamp: the later ingested row names the id.
    let e2 = engine(
        "2019-01-02T00:00:00Z",
        &[
            (
                Table::Contacts,
                vec![seg(
                    1,
                    Some((Q, "First")),
                    "2019-01-01T10:00:00Z",
                    "2019-01-01T10:05:00Z",
                )],
            ),
            (
                Table::Contacts,
                vec![seg(
                    2,
                    Some((Q, "Second")),
                    "2019-01-01T11:00:00Z",
                    "2019-01-01T10:05:00Z",
                )],
            ),
        ],
    );
    assert_eq!(column(&get(&e2, CH, DAY), "queueName"), [&json!("Second")]);
}

#[test]
fn names_come_from_every_table_and_a_replaced_upsert_row_names_nothing() {
    let mut s = seg(1, Some((Q, "Sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z");
    s["userId"] = json!(U);
    s["userName"] = json!("Fox, John");
    let users = |name: Option<&str>, ts: &str| {
        let mut v = json!({"userId": U, "changeTimestamp": ts});
        if let Some(n) = name {
            v["userName"] = json!(n);
        }
        v
    };
    let q = format!("{DAY}&showUser=true&showQueue=false&showChannel=false&showChannelType=false");
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[
            (Table::Contacts, vec![s.clone()]),
            (Table::Users, vec![users(Some("Wolf, Jane"), "2019-01-05T00:00:00Z")]),
        ],
    );
    assert_eq!(column(&get(&e, CH, &q), "userName"), [&json!("Wolf, Jane")]);
    // The users row is replaced by a newer one without a name: the contact's name is current again.
    e.load(
        Table::Users,
        Format::JsonLines,
        users(None, "2019-01-06T00:00:00Z").to_string().as_bytes(),
    )
    .expect("load");
    assert_eq!(column(&get(&e, CH, &q), "userName"), [&json!("Fox, John")]);
    // An older upsert row is ignored.
    e.load(
        Table::Users,
        Format::JsonLines,
        users(Some("Ignored"), "2019-01-01T00:00:00Z").to_string().as_bytes(),
    )
    .expect("load");
    assert_eq!(column(&get(&e, CH, &q), "userName"), [&json!("Fox, John")]);
}

#[test]
fn direct_internal_and_contact_center_filters() {
    let mut internal = seg(2, Some((Q, "Sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z");
    internal["internal"] = json!(true);
    let mut other_app = seg(3, Some((Q, "Sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z");
    other_app["contactCenter"] = json!(false);
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[(
            Table::Contacts,
            vec![
                seg(1, None, "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z"),
                internal,
                other_app,
            ],
        )],
    );
    let n = |extra: &str| {
        let rows = get(&e, CH, &format!("{DAY}&showDetails=true{extra}"));
        rows.as_array().map_or(0, |a| a.len())
    };
    assert_eq!(n(""), 2);
    assert_eq!(n("&showDirectContacts=0"), 1);
    assert_eq!(n("&showDirectContacts=2"), 1);
    assert_eq!(n("&showInternalContacts=0"), 1);
    assert_eq!(n("&showInternalContacts=2"), 1);
    assert_eq!(n("&showOnlyContactCenter=false"), 3);
    // A direct contact's queue fields are omitted: its own group.
    let rows = get(
        &e,
        CH,
        &format!("{DAY}&showChannel=false&showChannelType=false&sort=queueName"),
    );
    assert_eq!(rows[0].get("queueId"), None);
    assert_eq!(rows[1]["queueId"], json!(Q));
}

#[test]
fn contact_statistic_counts_active_segments_at_the_pinned_clock() {
    let active_queuing = json!({"contactId": format!("{:032X}", 10), "channel": "Chat", "type": "ChatIn",
        "queueId": Q, "arrivalTime": "2019-01-01T11:50:00Z", "queueArrivalTime": "2019-01-01T11:55:00Z",
        "changeTimestamp": "2019-01-01T11:55:00Z"});
    let active_in_process = json!({"contactId": format!("{:032X}", 11), "channel": "Chat", "type": "ChatIn",
        "queueId": Q, "arrivalTime": "2019-01-01T11:40:00Z", "queueArrivalTime": "2019-01-01T11:41:00Z",
        "connectTime": "2019-01-01T11:45:00Z", "changeTimestamp": "2019-01-01T11:45:00Z"});
    let future = json!({"contactId": format!("{:032X}", 12), "channel": "Chat", "type": "ChatIn",
        "queueId": Q, "arrivalTime": "2019-01-01T11:59:00Z", "queueArrivalTime": "2019-01-01T12:30:00Z",
        "changeTimestamp": "2019-01-01T11:59:00Z"});
    // Completed: counted by its disconnect time (12:10), not its arrival (09:00).
    let mut done = seg(1, Some((Q, "Chat")), "2019-01-01T09:00:00Z", "2019-01-01T12:10:00Z");
    done["disconnectTime"] = json!("2019-01-01T12:10:00Z");
    let e = engine(
        "2019-01-01T12:00:00Z",
        &[(Table::Contacts, vec![active_queuing, active_in_process, future, done])],
    );
    let rows = get(
        &e,
        Endpoint::ContactStatistic,
        "startTime=2019-01-01T11:00:00Z&showChannel=false&showChannelType=false",
    );
    let r = &rows[0];
    assert_eq!(r["countOfArrivedContacts"], json!(4));
    assert_eq!(r["countOfCompletedContacts"], json!(1));
    assert_eq!(r["countOfQueuingContacts"], json!(2));
    assert_eq!(r["countOfInProcessContacts"], json!(1));
    // 5 min queuing + the future queue arrival clamps to 0.
    assert_eq!(r["activeQueuingDuration"], json!(300_000));
    assert_eq!(r["activeMaxQueuingDuration"], json!(300_000));
    assert_eq!(r["activeHandlingDuration"], json!(900_000));
    assert_eq!(r.get("holdDuration"), None);
    // The completed segment's disconnect (12:10) is outside [11:00, 12:05).
    let rows = get(
        &e,
        Endpoint::ContactStatistic,
        "startTime=2019-01-01T11:00:00Z&endTime=2019-01-01T12:05:00Z",
    );
    assert_eq!(column(&rows, "countOfCompletedContacts"), [&json!(0)]);
    assert_eq!(
        err(&e, Endpoint::ContactStatistic, &format!("{DAY}&showInternalContacts=1")),
        "Invalid field: 'showInternalContacts'"
    );
}

#[test]
fn paging_total_limit_zero_offset_past_and_cap() {
    let rows: Vec<Value> = (0..10_005)
        .map(|i| seg(i, Some((Q, "Sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z"))
        .collect();
    let e = engine("2019-01-02T00:00:00Z", &[(Table::Contacts, rows)]);
    let res = e.query(CH, &format!("{DAY}&showDetails=true&limit=0")).expect("query");
    assert_eq!((res.total(), res.to_json().as_str()), (10_005, "[]"));
    let res = e
        .query(CH, &format!("{DAY}&showDetails=true&limit=20000"))
        .expect("query");
    assert_eq!(res.len(), 10_000);
    let res = e
        .query(CH, &format!("{DAY}&showDetails=true&offset=10005"))
        .expect("query");
    assert_eq!((res.total(), res.len()), (10_005, 0));
    // Stable paging: pages of a sort with ties concatenate to the full order.
    let all = get(
        &e,
        CH,
        &format!("{DAY}&showDetails=true&sort=-countOfArrivedContacts&limit=60"),
    );
    let mut paged = Vec::new();
    for off in (0..60).step_by(7) {
        let p = get(
            &e,
            CH,
            &format!("{DAY}&showDetails=true&sort=-countOfArrivedContacts&offset={off}&limit=7"),
        );
        paged.extend(p.as_array().cloned().unwrap_or_default());
    }
    paged.truncate(60);
    assert_eq!(Value::Array(paged), all);
    // Ties break by contactId: ascending ids.
    assert_eq!(all[0]["contactId"], json!(format!("{:032X}", 0)));
}

#[test]
fn details_rows_count_zero_or_one_and_max_is_own_value() {
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[(
            Table::Contacts,
            vec![seg(
                7,
                Some((Q, "Sales")),
                "2019-01-01T10:00:00Z",
                "2019-01-01T10:05:00Z",
            )],
        )],
    );
    let r = &get(&e, CH, &format!("{DAY}&showDetails=true&timeCategory=hour"))[0];
    assert_eq!(r["contactId"], json!(format!("{:032X}", 7)));
    assert_eq!(r["timeCategory"], json!("2019-01-01T10:00:00.000Z"));
    assert_eq!(r["countOfHandledContacts"], json!(1));
    assert_eq!(r["countOfAbandonedContacts"], json!(0));
    assert_eq!(r["maxHandlingDuration"], r["handlingDuration"]);
    assert_eq!(r["maxWaitingDurationForNotHandled"], json!(0));
}

#[test]
fn translations_replace_names_and_filters_see_them() {
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[
            (
                Table::Contacts,
                vec![
                    seg(1, Some((Q, "Sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z"),
                    seg(2, Some((Q2, "sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z"),
                ],
            ),
            (
                Table::Translations,
                vec![json!({"language": "FI", "field": "queueName", "value": "Sales", "text": "Myynti"})],
            ),
        ],
    );
    let base = format!("{DAY}&showChannel=false&showChannelType=false&sort=queueName");
    assert_eq!(
        column(&get(&e, CH, &format!("{base}&language=fi")), "queueName"),
        [&json!("Myynti"), &json!("sales")]
    );
    assert_eq!(
        column(&get(&e, CH, &format!("{base}&language=fi&queueName=myy*")), "queueId"),
        [&json!(Q)]
    );
    assert_eq!(
        column(&get(&e, CH, &format!("{base}&language=sv")), "queueName"),
        [&json!("sales"), &json!("Sales")]
    );
    let e = e.with_default_language(Some("fi"));
    assert_eq!(
        column(&get(&e, CH, &base), "queueName"),
        [&json!("Myynti"), &json!("sales")]
    );
}

#[test]
fn collation_per_locale_and_absent_values() {
    let names = ["Öljy", "Åbo", "Zeta", "Ärrä"];
    let rows: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            seg(
                i as u32,
                Some((&format!("{:032X}", i + 1), n)),
                "2019-01-01T10:00:00Z",
                "2019-01-01T10:05:00Z",
            )
        })
        .chain([seg(9, None, "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z")])
        .collect();
    let e = engine("2019-01-02T00:00:00Z", &[(Table::Contacts, rows)]);
    let order = |s: &str| {
        let rows = get(
            &e,
            CH,
            &format!("{DAY}&showChannel=false&showChannelType=false&sort={s}"),
        );
        column(&rows, "queueName")
            .iter()
            .map(|v| v.as_str().unwrap_or("-").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(order("queueName"), ["-", "Åbo", "Ärrä", "Öljy", "Zeta"]);
    assert_eq!(order("queueName,LOCALE-fi"), ["-", "Zeta", "Åbo", "Ärrä", "Öljy"]);
    assert_eq!(order("LOCALE-sv,queueName"), ["-", "Zeta", "Åbo", "Ärrä", "Öljy"]);
    assert_eq!(order("queueName,LOCALE-de"), ["-", "Åbo", "Ärrä", "Öljy", "Zeta"]);
    assert_eq!(order("-queueName,LOCALE-fi"), ["Öljy", "Ärrä", "Åbo", "Zeta", "-"]);
}

#[test]
fn agent_intervals_duplicates_add_up_and_serving_is_derived() {
    let iv = json!({"intervalStart": "2019-01-01T10:00:00Z", "userId": U, "userName": "Fox, John",
        "readyDuration": 100, "notReadyDuration": 20, "pauseDuration": 3, "changeTimestamp": "2019-01-01T10:15:00Z"});
    let e = engine("2019-01-02T00:00:00Z", &[(Table::AgentIntervals, vec![iv.clone(), iv])]);
    let r = &get(&e, Endpoint::AgentHistory, DAY)[0];
    assert_eq!(
        (r["readyDuration"].clone(), r["servingDuration"].clone()),
        (json!(200), json!(246))
    );
    assert_eq!(r["userName"], json!("Fox, John"));
    let bad = json!({"intervalStart": "2019-01-01T10:01:00Z", "userId": U, "changeTimestamp": "2019-01-01T10:15:00Z"});
    let res = e.load(Table::AgentIntervals, Format::JsonLines, bad.to_string().as_bytes());
    assert_eq!(
        res.map(|_| ()).map_err(|e| e.to_string()),
        Err("line 1: intervalStart: not on a quarter hour '2019-01-01T10:01:00.000Z'".into())
    );
}

#[test]
fn a_rejected_batch_changes_nothing_and_a_retracted_batch_disappears() {
    let e = engine("2019-01-02T00:00:00Z", &[]);
    let good = seg(1, Some((Q, "Sales")), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z").to_string();
    let body = format!("{good}\n{{\"contactId\":\"XYZ\"}}");
    let res = e.load(Table::Contacts, Format::JsonLines, body.as_bytes());
    assert_eq!(
        res.map(|_| ()).map_err(|e| e.to_string()),
        Err("line 2: contactId: invalid GUID 'XYZ'".into())
    );
    assert_eq!(get(&e, CH, DAY), json!([]));
    let info = e
        .load(Table::Contacts, Format::JsonLines, good.as_bytes())
        .expect("load");
    let renamed = seg(2, Some((Q, "Renamed")), "2019-01-01T10:00:00Z", "2019-01-01T11:05:00Z").to_string();
    let info2 = e
        .load(Table::Contacts, Format::JsonLines, renamed.as_bytes())
        .expect("load");
    assert_eq!(column(&get(&e, CH, DAY), "queueName"), [&json!("Renamed")]);
    e.retract(info2.id).expect("retract");
    assert_eq!(column(&get(&e, CH, DAY), "queueName"), [&json!("Sales")]);
    e.retract(info.id).expect("retract");
    assert_eq!(get(&e, CH, DAY), json!([]));
    assert!(e.retract(info.id).is_err());
}

#[test]
fn agent_status_durations_presence_and_logged_out_rows() {
    let states = vec![
        json!({"userId": U, "profileId": Q2, "profile": "Available", "profileType": "Presence",
            "profileStartTime": "2019-01-01T11:00:00Z", "userStatus": "Ready", "userStatusStartTime": "2019-01-01T11:59:00Z",
            "availability": "Busy", "contactHandlingStatus": "Talking_Inbound", "contactHandlingStatusStartTime": "2019-01-01T12:01:00Z",
            "phoneActiveInboundContacts": 1, "phoneActiveInboundStartTime": "2019-01-01T11:58:00Z",
            "chatActiveInboundContacts": 0, "chatActiveInboundStartTime": "2019-01-01T11:58:00Z",
            "changeTimestamp": "2019-01-01T11:59:00Z"}),
        json!({"userId": U2, "profile": "Away", "userStatus": "LoggedOut", "availability": "LoggedOut",
            "changeTimestamp": "2019-01-01T11:30:00Z"}),
        // Older than the stored row: ignored.
        json!({"userId": U2, "userStatus": "Ready", "availability": "Free", "changeTimestamp": "2019-01-01T11:00:00Z"}),
    ];
    let users = vec![
        json!({"userId": U2, "userName": "Wolf, Jane", "reportingGroupId": Q, "reportingGroupName": "Sales",
        "number": "320", "changeTimestamp": "2019-01-01T00:00:00Z"}),
    ];
    let e = engine(
        "2019-01-01T12:00:00Z",
        &[(Table::AgentStates, states), (Table::Users, users)],
    );
    let rows = get(
        &e,
        Endpoint::AgentStatus,
        "startTime=2019-01-01T00:00:00Z&showAgentInfo=true",
    );
    assert_eq!(
        rows,
        json!([
            {"userId": U2, "userName": "Wolf, Jane", "reportingGroupid": Q, "reportingGroupName": "Sales",
             "userStatus": "LoggedOut", "availability": "LoggedOut", "changeTimestamp": "2019-01-01T11:30:00.000Z"},
            {"userId": U, "profile": "Available", "profileType": "Presence", "profileDuration": 3_600_000,
             "userStatus": "Ready", "userStatusDuration": 60_000, "availability": "Busy",
             "contactHandlingStatus": "Talking_Inbound", "contactHandlingStatusDuration": 0,
             "phoneActiveInboundContacts": 1, "phoneActiveInboundDuration": 120_000,
             "changeTimestamp": "2019-01-01T11:59:00.000Z"}
        ])
    );
    // Filters see what the row shows: a LoggedOut user has no number.
    assert_eq!(
        get(&e, Endpoint::AgentStatus, "startTime=2019-01-01T00:00:00Z&number=*"),
        json!([])
    );
    assert_eq!(
        column(
            &get(
                &e,
                Endpoint::AgentStatus,
                &format!("startTime=2019-01-01&reportingGroupId={Q}")
            ),
            "userId"
        ),
        [&json!(U2)]
    );
}

#[test]
fn agent_status_history_is_sparse_and_in_change_then_ingestion_order() {
    let ev = |status: &str, ts: &str| json!({"sessionId": Q, "userId": U, "status": status, "changeTimestamp": ts});
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[
            (
                Table::AgentStatusEvents,
                vec![
                    ev("Waiting", "2019-01-01T10:00:02Z"),
                    ev("OBJoin", "2019-01-01T10:00:01Z"),
                ],
            ),
            (Table::AgentStatusEvents, vec![ev("Wrap", "2019-01-01T10:00:01Z")]),
        ],
    );
    let rows = get(&e, Endpoint::AgentStatusHistory, "startTime=2019-01-01");
    assert_eq!(
        column(&rows, "status"),
        [&json!("OBJoin"), &json!("Wrap"), &json!("Waiting")]
    );
    assert_eq!(
        rows[0],
        json!({"sessionId": Q, "userId": U, "status": "OBJoin", "changeTimestamp": "2019-01-01T10:00:01.000Z"})
    );
    let rows = get(&e, Endpoint::AgentStatusHistory, "startTime=2019-01-01&sort=-status");
    assert_eq!(
        column(&rows, "status"),
        [&json!("Wrap"), &json!("Waiting"), &json!("OBJoin")]
    );
}

#[test]
fn readers_never_see_half_a_batch() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    let e = std::sync::Arc::new(engine("2019-01-02T00:00:00Z", &[]));
    let batch = |k: u32| -> String {
        (0..500)
            .map(|i| {
                seg(
                    k * 1000 + i,
                    Some((Q, "Sales")),
                    "2019-01-01T10:00:00Z",
                    "2019-01-01T10:05:00Z",
                )
                .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let e = e.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let res = e.query(CH, &format!("{DAY}&showDetails=true&limit=0")).expect("query");
                    assert_eq!(res.total() % 500, 0, "saw a partial batch: {}", res.total());
                }
            })
        })
        .collect();
    for k in 0..20 {
        e.load(Table::Contacts, Format::JsonLines, batch(k).as_bytes())
            .expect("load");
    }
    for r in readers {
        r.join().expect("reader");
    }
    assert_eq!(e.query(CH, DAY).map(|r| r.total()).ok(), Some(1));
}

#[test]
fn retention_drops_old_rows_and_their_names() {
    let old = seg(1, Some((Q, "Old name")), "2019-01-01T08:00:00Z", "2019-01-01T23:00:00Z");
    let new = seg(2, Some((Q, "New name")), "2019-01-01T12:00:00Z", "2019-01-01T12:05:00Z");
    let ev = |ts: &str| json!({"sessionId": Q, "userId": U, "status": "Waiting", "changeTimestamp": ts});
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[
            (Table::Contacts, vec![old, new]),
            (
                Table::AgentStatusEvents,
                vec![ev("2019-01-01T08:00:00Z"), ev("2019-01-01T12:00:00Z")],
            ),
        ],
    );
    let q = format!("{DAY}&showChannel=false&showChannelType=false");
    // The older arrival has the newer changeTimestamp, so it names the queue.
    assert_eq!(column(&get(&e, CH, &q), "queueName"), [&json!("Old name")]);
    let t = parse_timestamp("2019-01-01T10:00:00Z").expect("ts");
    e.retain_before(Table::Contacts, t).expect("retain");
    e.retain_before(Table::AgentStatusEvents, t).expect("retain");
    let rows = get(&e, CH, &q);
    assert_eq!(column(&rows, "queueName"), [&json!("New name")]);
    assert_eq!(column(&rows, "countOfArrivedContacts"), [&json!(1)]);
    let hist = get(&e, Endpoint::AgentStatusHistory, "startTime=2019-01-01");
    assert_eq!(column(&hist, "changeTimestamp"), [&json!("2019-01-01T12:00:00.000Z")]);
    assert!(e.retain_before(Table::Translations, t).is_err());
}

#[test]
fn text_is_escaped_in_json_and_xml() {
    let name = "A&B <x> \"q\" \\ \u{1}\nÅ";
    let e = engine(
        "2019-01-02T00:00:00Z",
        &[(
            Table::Contacts,
            vec![seg(1, Some((Q, name)), "2019-01-01T10:00:00Z", "2019-01-01T10:05:00Z")],
        )],
    );
    let q = format!("{DAY}&showChannel=false&showChannelType=false");
    // JSON round-trips the exact text.
    assert_eq!(column(&get(&e, CH, &q), "queueName"), [&json!(name)]);
    let xml = e.query(CH, &q).expect("query").to_xml();
    assert!(
        xml.contains("<queueName>A&amp;B &lt;x&gt; \"q\" \\ \u{FFFD}\nÅ</queueName>"),
        "{xml}"
    );
}

/// An error carries what it is about as data: the query parameter, or the
/// input's line, field and value (what the message says, for callers such
/// as the Python package's exception attributes).
#[test]
fn errors_name_their_parameter_or_line_field_and_value() {
    let e = Engine::new();
    let about = |q: &str| {
        let err = e.query(Endpoint::ContactHistory, q).expect_err(q);
        (err.parameter().map(str::to_string), err.message().to_string())
    };
    let range = "startTime=2026-01-01&endTime=2026-01-02";
    let cases = [
        ("startTime=yesterday&endTime=2026-01-02", "startTime"),
        (&format!("{range}&limit=-1") as &str, "limit"),
        (&format!("{range}&queueId=nope"), "queueId"),
        (&format!("{range}&sort=nope"), "sort"),
        (&format!("{range}&nope=1"), "nope"),
        ("endTime=2026-01-02", "startTime"),
        ("startTime=2026-01-02&endTime=2026-01-01", "endTime"),
    ];
    for (q, param) in cases {
        let (p, message) = about(q);
        assert_eq!(p.as_deref(), Some(param), "{q}: {message}");
    }

    let csv = "contactId,type,channel,arrivalTime,changeTimestamp,handlingDuration\n\
               C0000000000000000000000000000001,CallIn,Phone,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,5.5\n";
    let err = e
        .load(Table::Contacts, Format::Csv, csv.as_bytes())
        .expect_err("bad duration");
    assert_eq!(
        (err.line(), err.field(), err.value()),
        (Some(2), Some("handlingDuration"), Some("5.5")),
        "{err}"
    );
    let err = e
        .load(Table::Contacts, Format::JsonLines, b"{\"nope\":1}")
        .expect_err("unknown field");
    assert_eq!(
        (err.line(), err.field(), err.value()),
        (Some(1), Some("nope"), None),
        "{err}"
    );
    assert_eq!(err.parameter(), None);
}
