//! agentStatusTime: time in each agent state from the status log.
//! Hand-computed fixtures (carried fields, session resets, the state open at
//! startTime, clipping at endTime and now, zones), errors, and a property
//! test against a naive model that walks each state quarter hour by quarter
//! hour; per user, the times add up to the span the log covers.

use chrono::{Offset, TimeZone};
use proptest::prelude::*;
use rai_core::{parse_timestamp, timestamp_string, Endpoint, Engine, Format, Table};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const A: &str = "AC083B34470B4164A6A5968DD031B5E5";
const B: &str = "30BAC5C8C39A4CA5A5B1C5509EE4F12B";
const C: &str = "E936C474B22311D38FBE0090279A922E";
const GROUP: &str = "5E7DA34E9D15EA1180DB00505687F2FD";

fn t(s: &str) -> i64 {
    parse_timestamp(s).unwrap_or_else(|| panic!("{s}"))
}

/// One status-log row: (session, user, time, userStatus, status).
fn event(session: u32, user: &str, at: &str, user_status: Option<&str>, status: Option<&str>) -> String {
    let mut v = json!({
        "sessionId": format!("{session:032X}"), "userId": user, "changeTimestamp": at,
    });
    if let Some(u) = user_status {
        v["userStatus"] = json!(u);
    }
    if let Some(s) = status {
        v["status"] = json!(s);
    }
    v.to_string()
}

fn engine(now: &str) -> Engine {
    let e = Engine::new().with_fixed_now(t(now));
    let log = [
        // A: Ready and waiting, a call, wrap-up, waiting, a pause, log-out.
        event(1, A, "2026-01-05T08:00:00Z", Some("Ready"), Some("Waiting")),
        event(1, A, "2026-01-05T08:10:00Z", None, Some("Talking_Inbound")),
        event(1, A, "2026-01-05T08:25:00Z", None, Some("Wrap")),
        event(1, A, "2026-01-05T08:30:00Z", None, Some("Waiting")),
        event(1, A, "2026-01-05T09:00:00Z", Some("Pause"), None),
        event(1, A, "2026-01-05T09:20:00Z", Some("LoggedOut"), Some("LoggedOut")),
        // B: Ready since before the range, NotReady from 08:45 on.
        event(2, B, "2026-01-05T07:50:00Z", Some("Ready"), Some("Waiting")),
        event(2, B, "2026-01-05T08:45:00Z", Some("NotReady"), None),
        // C: a call in one session; the next session starts from nothing.
        event(3, C, "2026-01-05T08:00:00Z", Some("Ready"), Some("Talking_Inbound")),
        event(4, C, "2026-01-05T08:30:00Z", Some("Ready"), None),
    ];
    e.load(Table::AgentStatusEvents, Format::JsonLines, log.join("\n").as_bytes())
        .expect("events");
    let users = [
        json!({"userId": A, "userName": "Aalto, Anna", "reportingGroupId": GROUP, "reportingGroupName": "Sales", "changeTimestamp": "2026-01-01T00:00:00Z"}),
        json!({"userId": B, "userName": "Berg, Bo", "reportingGroupId": GROUP, "reportingGroupName": "Sales", "changeTimestamp": "2026-01-01T00:00:00Z"}),
        json!({"userId": C, "userName": "Carr, Cy", "changeTimestamp": "2026-01-01T00:00:00Z"}),
    ];
    let lines: Vec<String> = users.iter().map(Value::to_string).collect();
    e.load(Table::Users, Format::JsonLines, lines.join("\n").as_bytes())
        .expect("users");
    e
}

fn rows(e: &Engine, q: &str) -> Vec<Value> {
    let body = e
        .query(Endpoint::AgentStatusTime, q)
        .map(|r| r.to_json())
        .unwrap_or_else(|err| panic!("{q}: {err}"));
    serde_json::from_str(&body).expect("json")
}

/// (timeCategory, userName, userStatus, availability) → stateDuration.
fn table(rows: &[Value]) -> BTreeMap<(String, String, String, String), i64> {
    let s = |r: &Value, k: &str| r[k].as_str().unwrap_or("-").to_string();
    rows.iter()
        .map(|r| {
            let key = (
                s(r, "timeCategory"),
                s(r, "userName"),
                s(r, "userStatus"),
                s(r, "availability"),
            );
            (key, r["stateDuration"].as_i64().unwrap_or(-1))
        })
        .collect()
}

const MIN: i64 = 60_000;
const RANGE: &str = "startTime=2026-01-05T08:00:00Z&endTime=2026-01-05T10:00:00Z";

#[test]
fn time_in_state_by_hand() {
    let e = engine("2026-01-06T00:00:00Z");
    let got = table(&rows(&e, &format!("{RANGE}&timeCategory=hour&limit=1000")));
    let h8 = "2026-01-05T08:00:00.000Z";
    let h9 = "2026-01-05T09:00:00.000Z";
    let k = |h: &str, u: &str, s: &str, a: &str| (h.to_string(), u.to_string(), s.to_string(), a.to_string());
    let want: BTreeMap<_, _> = [
        // A: the call and its wrap-up keep the carried userStatus Ready.
        (k(h8, "Aalto, Anna", "Ready", "Free"), 40 * MIN),
        (k(h8, "Aalto, Anna", "Ready", "Busy"), 20 * MIN),
        // The pause keeps the carried status Waiting: Away, not Free.
        (k(h9, "Aalto, Anna", "Pause", "Away"), 20 * MIN),
        (k(h9, "Aalto, Anna", "LoggedOut", "LoggedOut"), 40 * MIN),
        // B: the state open at startTime counts from startTime.
        (k(h8, "Berg, Bo", "Ready", "Free"), 45 * MIN),
        (k(h8, "Berg, Bo", "NotReady", "Away"), 15 * MIN),
        (k(h9, "Berg, Bo", "NotReady", "Away"), 60 * MIN),
        // C: the second session does not inherit the first one's call.
        (k(h8, "Carr, Cy", "Ready", "Busy"), 30 * MIN),
        (k(h8, "Carr, Cy", "Ready", "Free"), 30 * MIN),
        (k(h9, "Carr, Cy", "Ready", "Free"), 60 * MIN),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);

    // Per user without dimensions: the whole range each.
    let totals = rows(
        &e,
        &format!("{RANGE}&showUserStatus=false&showAvailability=false&sort=userName"),
    );
    let per_user: Vec<(Value, Value)> = totals
        .iter()
        .map(|r| (r["userName"].clone(), r["stateDuration"].clone()))
        .collect();
    assert_eq!(
        per_user,
        [
            (json!("Aalto, Anna"), json!(120 * MIN)),
            (json!("Berg, Bo"), json!(120 * MIN)),
            (json!("Carr, Cy"), json!(120 * MIN))
        ]
    );
    // maxChangeTimestamp: the latest row whose state counts, also one
    // before the range (B's Ready since 07:50).
    let b_ready = rows(&e, &format!("{RANGE}&userId={B}&userStatus=Ready"));
    assert_eq!(b_ready.len(), 1);
    assert_eq!(b_ready[0]["maxChangeTimestamp"], json!("2026-01-05T07:50:00.000Z"));
    assert_eq!(b_ready[0]["stateDuration"], json!(45 * MIN));
    // A filter keeps whole states: Pause lasts until the (filtered-out) log-out.
    let pause = rows(&e, &format!("{RANGE}&userStatus=Pause"));
    assert_eq!(pause.len(), 1);
    assert_eq!(pause[0]["stateDuration"], json!(20 * MIN));
    // Availability only, all users, reporting group shown: C has no group.
    let team = rows(
        &e,
        &format!("{RANGE}&showUser=false&showUserStatus=false&showReportingGroup=true&availability=Free&sort=reportingGroupName"),
    );
    assert_eq!(team.len(), 2);
    assert!(team[0].get("reportingGroupid").is_none());
    assert_eq!(team[0]["stateDuration"], json!(90 * MIN));
    assert_eq!(team[1]["reportingGroupName"], json!("Sales"));
    assert_eq!(team[1]["reportingGroupid"], json!(GROUP));
    assert_eq!(team[1]["stateDuration"], json!((40 + 45) * MIN));
    // reportingGroupId filters by the user's group.
    let sales = rows(
        &e,
        &format!("{RANGE}&reportingGroupId={GROUP}&showUserStatus=false&showAvailability=false"),
    );
    assert_eq!(sales.len(), 2);
}

#[test]
fn the_open_state_ends_at_now_and_zones_cut_buckets() {
    // Now 09:30, no endTime: nothing counts past now.
    let e = engine("2026-01-05T09:30:00Z");
    let open = rows(
        &e,
        "startTime=2026-01-05T08:00:00Z&userId=AC083B34470B4164A6A5968DD031B5E5,30BAC5C8C39A4CA5A5B1C5509EE4F12B&showUserStatus=false&showAvailability=false&sort=userName",
    );
    assert_eq!(open[0]["stateDuration"], json!(90 * MIN));
    assert_eq!(open[1]["stateDuration"], json!(90 * MIN));
    // An endTime past now is clipped to now as well.
    let later = rows(
        &e,
        &format!("startTime=2026-01-05T08:00:00Z&endTime=2026-01-07T00:00:00Z&userId={B}&showUserStatus=false&showAvailability=false"),
    );
    assert_eq!(later[0]["stateDuration"], json!(90 * MIN));
    // Kathmandu (+05:45): hours start at :15 UTC.
    let e = engine("2026-01-06T00:00:00Z");
    let k = table(&rows(
        &e,
        &format!("{RANGE}&userId={B}&timeCategory=hour&timeZone=Asia/Kathmandu&showAvailability=false&limit=100"),
    ));
    let want: BTreeMap<_, _> = [
        ("2026-01-05T13:00:00.000+05:45", "Ready", 15 * MIN),
        ("2026-01-05T14:00:00.000+05:45", "Ready", 30 * MIN),
        ("2026-01-05T14:00:00.000+05:45", "NotReady", 30 * MIN),
        ("2026-01-05T15:00:00.000+05:45", "NotReady", 45 * MIN),
    ]
    .into_iter()
    .map(|(h, s, v)| {
        (
            (h.to_string(), "Berg, Bo".to_string(), s.to_string(), "-".to_string()),
            v,
        )
    })
    .collect();
    assert_eq!(k, want);
    // fill=zero: every quarter hour for every group present.
    let filled = rows(
        &e,
        &format!("{RANGE}&userId={B}&timeCategory=quarterHour&showUserStatus=false&showAvailability=false&fill=zero&limit=100"),
    );
    assert_eq!(filled.len(), 8);
    assert!(filled.iter().all(|r| r["stateDuration"] == json!(15 * MIN)));
    // XML and the typed builder.
    let xml = e
        .request(Endpoint::AgentStatusTime)
        .param("startTime", "2026-01-05T08:00:00Z")
        .param("endTime", "2026-01-05T10:00:00Z")
        .param("userId", B)
        .param("showAvailability", "false")
        .param("sort", "userStatus")
        .run()
        .map(|r| r.to_xml())
        .expect("builder");
    assert!(xml.contains("<agentStatusTimes>\n<agentStatusTime><userId>"), "{xml}");
    assert!(
        xml.contains("<userStatus>NotReady</userStatus><stateDuration>4500000</stateDuration>"),
        "{xml}"
    );
}

#[test]
fn agent_status_time_errors() {
    let e = engine("2026-01-06T00:00:00Z");
    let err = |q: &str| {
        e.query(Endpoint::AgentStatusTime, q)
            .map(|r| r.total())
            .map_err(|e| e.to_string())
    };
    assert_eq!(err("endTime=2026-01-05"), Err("Missing parameter: 'startTime'".into()));
    assert_eq!(
        err("startTime=2026-01-05&showUserStatus=yes"),
        Err("Invalid showUserStatus: 'yes'".into())
    );
    assert_eq!(
        err("startTime=2026-01-05&percentiles=50"),
        Err("Invalid field: 'percentiles'".into())
    );
    assert_eq!(
        err("startTime=2026-01-05&stateDuration=5"),
        Err("Invalid field: 'stateDuration'".into())
    );
    assert_eq!(
        err("startTime=2026-01-05&showUserStatus=false&sort=userStatus"),
        Err("Invalid sort field: 'userStatus'".into())
    );
    assert_eq!(
        err("startTime=2026-01-05&endTime=2026-01-04"),
        Err("endTime is before startTime".into())
    );
    assert_eq!(
        err("startTime=2026-01-05T10:00:00Z&endTime=2026-01-05T10:00:00Z"),
        Ok(0)
    );
    // A state of a millennium cut by quarter hours would make 36M rows: a
    // 400 naming timeCategory, as fill's limit is, not minutes of work; by
    // year (until 2026) it is 1026 rows.
    let old = event(9, A, "1000-01-01T00:00:00Z", Some("Ready"), None);
    e.load(Table::AgentStatusEvents, Format::JsonLines, old.as_bytes())
        .expect("old event");
    assert_eq!(
        err("startTime=1000-01-01&timeCategory=quarterHour"),
        Err("Invalid timeCategory: more than 1000000 rows".into())
    );
    assert_eq!(
        err("startTime=1000-01-01&endTime=2026-01-01&timeCategory=year"),
        Ok(1026)
    );
    // Many states of two millennia by week sum into few rows (one per week)
    // but are 10M cuts: a 400 too, within a second (found by schemathesis).
    let many: Vec<String> = (0..100u32)
        .map(|k| {
            event(
                100 + k,
                &format!("{:032X}", 0xABC000 + k),
                "0028-01-20T00:00:00Z",
                Some("Ready"),
                None,
            )
        })
        .collect();
    e.load(Table::AgentStatusEvents, Format::JsonLines, many.join("\n").as_bytes())
        .expect("ancient sessions");
    let started = std::time::Instant::now();
    assert_eq!(
        err("startTime=0028-01-20&timeCategory=week&showUser=false"),
        Err(format!(
            "Invalid timeCategory: states cut into more than {} buckets",
            rai_core::MAX_STATE_PARTS
        ))
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(
        err("startTime=0028-01-20&timeCategory=year&showUser=false")
            .map(|n| n > 1900)
            .map_err(|e| e.to_string()),
        Ok(true),
        "by year the same states are 200k parts"
    );
    // The other endpoints do not take the new flags.
    assert_eq!(
        e.query(Endpoint::AgentStatus, "startTime=2026-01-05&showUserStatus=true")
            .map(|r| r.total())
            .map_err(|e| e.to_string()),
        Err("Invalid field: 'showUserStatus'".into())
    );
}

// ---------------------------------------------------------------------------
// Property test: the engine against a naive model.

const BASE: i64 = 1_792_800_000_000; // 2026-10-24T00:00:00Z; Helsinki falls back 2026-10-25T01:00Z
const SPAN: i64 = 2 * 86_400_000;
const USERS: [&str; 3] = [A, B, C];
const USER_STATUSES: [&str; 4] = ["Ready", "NotReady", "Pause", "LoggedOut"];
const STATUSES: [&str; 5] = ["Waiting", "Talking_Inbound", "Wrap", "OBJoin", "LoggedOut"];

#[derive(Debug, Clone)]
struct Ev {
    session: u32,
    user: usize,
    at: i64,
    user_status: Option<usize>,
    status: Option<usize>,
}

fn ev() -> impl Strategy<Value = Ev> {
    (
        0..3u32,
        0..3usize,
        0..SPAN / 60_000,
        0..60_000i64,
        prop::option::weighted(0.6, 0..4usize),
        prop::option::weighted(0.6, 0..5usize),
    )
        .prop_map(|(session, user, minute, ms, user_status, status)| Ev {
            session,
            user,
            at: BASE + minute * 60_000 + if minute % 3 == 0 { 0 } else { ms },
            user_status,
            status,
        })
}

/// The model's availability: the rules of docs/beyond-rai-v1.md, written out.
fn availability(user_status: Option<&str>, status: Option<&str>) -> Option<&'static str> {
    let busy = matches!(status, Some("Talking_Inbound" | "Wrap"));
    if user_status == Some("LoggedOut") || status == Some("LoggedOut") {
        Some("LoggedOut")
    } else if busy {
        Some("Busy")
    } else if matches!(user_status, Some("NotReady" | "Pause")) {
        Some("Away")
    } else if user_status == Some("Ready") {
        Some("Free")
    } else {
        None
    }
}

/// (sort key, label) of the bucket of `t`.
fn bucket(cat: &str, tz: chrono_tz::Tz, t: i64) -> (i64, String) {
    let dt = chrono::Utc
        .timestamp_millis_opt(t)
        .single()
        .map(|d| d.with_timezone(&tz))
        .expect("instant");
    let off = dt.offset().fix().local_minus_utc() as i64 * 1000;
    let local = t + off;
    let stamp = |first: i64| {
        chrono::Utc
            .timestamp_millis_opt(first)
            .single()
            .map(|d| d.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string())
            .unwrap_or_default()
            .replace("+00:00", "Z")
    };
    match cat {
        "quarterHour" => {
            let first = local - local.rem_euclid(900_000) - off;
            (first, stamp(first))
        }
        "hour" => {
            let first = local - local.rem_euclid(3_600_000) - off;
            (first, stamp(first))
        }
        "day" => (local.div_euclid(86_400_000), dt.format("%Y-%m-%d").to_string()),
        "all" => (0, "all".into()),
        _ => (0, String::new()),
    }
}

#[derive(Debug, Clone)]
struct Q {
    start: i64,
    end: Option<i64>,
    now: i64,
    cat: &'static str,
    zone: &'static str,
    show_user: bool,
    show_status: bool,
    show_availability: bool,
    status_filter: Option<&'static str>,
}

fn query() -> impl Strategy<Value = Q> {
    (
        (0..SPAN / 60_000, prop::option::of(0..SPAN / 60_000), 0..SPAN / 60_000),
        prop::sample::select(vec!["null", "quarterHour", "hour", "day", "all"]),
        prop::sample::select(vec!["UTC", "Europe/Helsinki", "Asia/Kathmandu"]),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        prop::option::weighted(0.2, prop::sample::select(vec!["Ready", "Pa*", "LoggedOut"])),
    )
        .prop_map(|((s, e, n), cat, zone, (u, st, av), status_filter)| Q {
            start: BASE + s * 60_000 + 7_000,
            // endTime lies at least 53 s after startTime (an earlier one is a 400).
            end: e.map(|e| BASE + (s + e + 1) * 60_000),
            now: BASE + n * 60_000 + 30_000,
            cat,
            zone,
            show_user: u,
            show_status: st,
            show_availability: av,
            status_filter,
        })
}

type Group = (i64, Option<usize>, Option<&'static str>, Option<&'static str>);

/// The model: carried states walked quarter hour by quarter hour.
fn model(evs: &[Ev], q: &Q) -> BTreeMap<Group, (String, i64, i64)> {
    let tz: chrono_tz::Tz = q.zone.parse().expect("zone");
    let hi = q.end.unwrap_or(i64::MAX).min(q.now);
    let mut order: Vec<(usize, i64, usize)> = evs.iter().enumerate().map(|(i, e)| (e.user, e.at, i)).collect();
    order.sort_unstable();
    let mut out: BTreeMap<Group, (String, i64, i64)> = BTreeMap::new();
    let mut carried: (Option<u32>, Option<usize>, Option<usize>) = (None, None, None);
    let mut prev_user = None;
    for (k, &(user, at, i)) in order.iter().enumerate() {
        let e = &evs[i];
        if prev_user != Some(user) || carried.0 != Some(e.session) {
            carried = (Some(e.session), None, None);
        }
        prev_user = Some(user);
        carried.1 = e.user_status.or(carried.1);
        carried.2 = e.status.or(carried.2);
        if at >= hi {
            continue;
        }
        let next = order.get(k + 1).filter(|n| n.0 == user).map_or(hi, |n| n.1.min(hi));
        let us = carried.1.map(|s| USER_STATUSES[s]);
        let st = carried.2.map(|s| STATUSES[s]);
        if let Some(f) = q.status_filter {
            let ok = us.is_some_and(|v| match f.strip_suffix('*') {
                Some(prefix) => v.starts_with(prefix),
                None => v == f,
            });
            if !ok {
                continue;
            }
        }
        let mut a = at.max(q.start);
        while a < next {
            let b = ((a.div_euclid(900_000) + 1) * 900_000).min(next);
            let (key, label) = if q.cat == "null" {
                (0, String::new())
            } else {
                bucket(q.cat, tz, a)
            };
            let g = (
                key,
                q.show_user.then_some(user),
                if q.show_status { us } else { None },
                if q.show_availability {
                    availability(us, st)
                } else {
                    None
                },
            );
            let entry = out.entry(g).or_insert((label, 0, i64::MIN));
            entry.1 += b - a;
            entry.2 = entry.2.max(at);
            a = b;
        }
    }
    out
}

fn query_string(q: &Q) -> String {
    let mut s = format!("startTime={}", timestamp_string(q.start));
    if let Some(e) = q.end {
        s += &format!("&endTime={}", timestamp_string(e));
    }
    s += &format!(
        "&timeCategory={}&timeZone={}&showUser={}&showUserStatus={}&showAvailability={}&limit=10000",
        q.cat, q.zone, q.show_user, q.show_status, q.show_availability
    );
    if let Some(f) = q.status_filter {
        s += &format!("&userStatus={f}");
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn agent_status_time_equals_naive_model(evs in prop::collection::vec(ev(), 0..30), q in query()) {
        let e = Engine::new();
        let lines: Vec<String> = evs
            .iter()
            .map(|x| {
                let mut m = Map::new();
                m.insert("sessionId".into(), json!(format!("{:032X}", x.session + 1)));
                m.insert("userId".into(), json!(USERS[x.user]));
                m.insert("changeTimestamp".into(), json!(timestamp_string(x.at)));
                if let Some(u) = x.user_status {
                    m.insert("userStatus".into(), json!(USER_STATUSES[u]));
                }
                if let Some(s) = x.status {
                    m.insert("status".into(), json!(STATUSES[s]));
                }
                Value::Object(m).to_string()
            })
            .collect();
        // An empty batch is refused: no rows, no batch.
        if !lines.is_empty() {
            e.load(Table::AgentStatusEvents, Format::JsonLines, lines.join("\n").as_bytes())
                .map_err(|err| TestCaseError::fail(err.to_string()))?;
        }
        let qs = query_string(&q);
        let got = e
            .query_at(Endpoint::AgentStatusTime, &qs, q.now)
            .map_err(|err| TestCaseError::fail(format!("{qs}: {err}")))?;
        let body: Vec<Value> = serde_json::from_str(&got.to_json()).unwrap_or_default();
        // Compare as sets of rows (the order is checked by the sort tests).
        let mut got_rows: Vec<String> = body.iter().map(Value::to_string).collect();
        let mut want_rows: Vec<String> = model(&evs, &q)
            .into_iter()
            .map(|((_, user, us, av), (label, ms, latest))| {
                let mut m = Map::new();
                if q.cat != "null" {
                    m.insert("timeCategory".into(), json!(label));
                }
                if let Some(u) = user {
                    m.insert("userId".into(), json!(USERS[u]));
                }
                if let Some(s) = us {
                    m.insert("userStatus".into(), json!(s));
                }
                if let Some(a) = av {
                    m.insert("availability".into(), json!(a));
                }
                m.insert("stateDuration".into(), json!(ms));
                m.insert("maxChangeTimestamp".into(), json!(timestamp_string(latest)));
                Value::Object(m).to_string()
            })
            .collect();
        got_rows.sort();
        want_rows.sort();
        prop_assert_eq!(got.total(), want_rows.len(), "total for {}", qs);
        prop_assert_eq!(got_rows, want_rows, "rows for {}", qs);
        // Per user, without filters: the times add up to the span covered,
        // from the user's first row (or startTime) to the end of the range.
        if q.status_filter.is_none() && q.show_user {
            let hi = q.end.unwrap_or(i64::MAX).min(q.now);
            for (u, id) in USERS.iter().enumerate() {
                let first = evs.iter().filter(|x| x.user == u).map(|x| x.at).min();
                let covered = first.map_or(0, |f| (hi - f.max(q.start)).max(0));
                let sum: i64 = body
                    .iter()
                    .filter(|r| r["userId"] == json!(id))
                    .map(|r| r["stateDuration"].as_i64().unwrap_or(0))
                    .sum();
                prop_assert_eq!(sum, covered, "user {} for {}", id, qs);
            }
        }
    }
}
