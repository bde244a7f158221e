//! Property test for the row endpoints (agentStatus, agentStatusHistory):
//! the engine equals a naive model of SPEC §2.3–§2.5, §2.7, §7 and §8 on
//! random states, users, events and queries.

use crate::model::matches;
use proptest::prelude::*;
use rai_core::{timestamp_string, Collation, Endpoint, Engine, Format, Table};
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

const BASE: i64 = 1_792_800_000_000; // 2026-10-24T00:00:00Z
const NOW: i64 = BASE + 86_400_000;
const IDS: [u128; 4] = [0x11, 0xAA00, 0xBEEF_0000_0000_0000_0000_0000_0000_0001, 0x22];
const NAMES: [&str; 6] = ["Sales", "sales", "Äpple", "Zürich", "Support", "Ångström"];
const STATUSES: [&str; 4] = ["Ready", "NotReady", "Pause", "LoggedOut"];
const AVAIL: [&str; 4] = ["LoggedOut", "Away", "Busy", "Free"];
const PTYPES: [&str; 3] = ["Presence", "Absence", "Conference"];
const EV_STATUS: [&str; 4] = ["Waiting", "OBJoin", "Wrap", "LoggedOut"];
const COUNTERS: [&str; 6] = [
    "phoneActiveInbound",
    "phoneActiveOutbound",
    "chatActiveInbound",
    "chatActiveOutbound",
    "emailActiveInbound",
    "emailActiveOutbound",
];

fn g(id: u128) -> String {
    format!("{id:032X}")
}
fn ts(t: i64) -> String {
    timestamp_string(t)
}

#[derive(Debug, Clone)]
struct State {
    user: u128,
    profile_id: Option<u128>,
    profile: Option<usize>,
    reason: Option<usize>,
    ptype: Option<usize>,
    starts: [Option<i64>; 3],
    status: usize,
    avail: usize,
    handling: Option<usize>,
    counters: [i64; 6],
    counter_starts: [Option<i64>; 6],
    change: i64,
}

#[derive(Debug, Clone)]
struct User {
    user: u128,
    name: Option<usize>,
    group: Option<(u128, Option<usize>)>,
    number: Option<usize>,
    capacity: Option<i64>,
    change: i64,
}

#[derive(Debug, Clone)]
struct Event {
    session: u128,
    user: u128,
    profile: Option<usize>,
    reason: Option<usize>,
    status: Option<usize>,
    change: i64,
}

fn opt_t() -> impl Strategy<Value = Option<i64>> {
    prop::option::of((0..2 * 86_400i64).prop_map(|s| BASE + s * 1000))
}

fn state() -> impl Strategy<Value = State> {
    (
        (
            prop::sample::select(IDS.to_vec()),
            prop::option::of(prop::sample::select(IDS.to_vec())),
        ),
        (
            prop::option::of(0..6usize),
            prop::option::of(0..6usize),
            prop::option::of(0..3usize),
        ),
        (opt_t(), opt_t(), opt_t()),
        (0..4usize, 0..4usize, prop::option::of(0..12usize)),
        (
            prop::array::uniform6(prop::sample::select(vec![0i64, 0, 1, 3])),
            prop::array::uniform6(opt_t()),
        ),
        0..86_400i64,
    )
        .prop_map(
            |(
                (user, profile_id),
                (profile, reason, ptype),
                (a, b, c),
                (status, avail, handling),
                (counters, cs),
                ch,
            )| State {
                user,
                profile_id,
                profile,
                reason,
                ptype,
                starts: [a, b, c],
                status,
                avail,
                handling,
                counters,
                counter_starts: cs,
                change: BASE + (ch / 60) * 60_000,
            },
        )
}

fn user() -> impl Strategy<Value = User> {
    (
        prop::sample::select(IDS.to_vec()),
        prop::option::of(0..6usize),
        prop::option::of((prop::sample::select(IDS.to_vec()), prop::option::of(0..6usize))),
        prop::option::of(0..6usize),
        prop::option::of(0..5i64),
        0..3i64,
    )
        .prop_map(|(user, name, group, number, capacity, ch)| User {
            user,
            name,
            group,
            number,
            capacity,
            change: BASE + ch * 3_600_000,
        })
}

fn event() -> impl Strategy<Value = Event> {
    (
        prop::sample::select(IDS.to_vec()),
        prop::sample::select(IDS.to_vec()),
        prop::option::of(0..6usize),
        prop::option::of(0..6usize),
        prop::option::of(0..4usize),
        0..200i64,
    )
        .prop_map(|(session, user, profile, reason, status, ch)| Event {
            session,
            user,
            profile,
            reason,
            status,
            change: BASE + ch * 600_000,
        })
}

fn state_json(s: &State) -> String {
    let mut m = Map::new();
    m.insert("userId".into(), json!(g(s.user)));
    if let Some(p) = s.profile_id {
        m.insert("profileId".into(), json!(g(p)));
    }
    if let Some(p) = s.profile {
        m.insert("profile".into(), json!(NAMES[p]));
    }
    if let Some(p) = s.reason {
        m.insert("profileReason".into(), json!(NAMES[p]));
    }
    if let Some(p) = s.ptype {
        m.insert("profileType".into(), json!(PTYPES[p]));
    }
    for (k, v) in [
        "profileStartTime",
        "userStatusStartTime",
        "contactHandlingStatusStartTime",
    ]
    .iter()
    .zip(s.starts)
    {
        if let Some(t) = v {
            m.insert((*k).into(), json!(ts(t)));
        }
    }
    m.insert("userStatus".into(), json!(STATUSES[s.status]));
    m.insert("availability".into(), json!(AVAIL[s.avail]));
    if let Some(h) = s.handling {
        m.insert(
            "contactHandlingStatus".into(),
            json!(rai_core::tables::CONTACT_HANDLING_STATUSES[h]),
        );
    }
    for (i, c) in COUNTERS.iter().enumerate() {
        m.insert(format!("{c}Contacts"), json!(s.counters[i]));
        if let Some(t) = s.counter_starts[i] {
            m.insert(format!("{c}StartTime"), json!(ts(t)));
        }
    }
    m.insert("changeTimestamp".into(), json!(ts(s.change)));
    Value::Object(m).to_string()
}

fn user_json(u: &User) -> String {
    let mut m = Map::new();
    m.insert("userId".into(), json!(g(u.user)));
    if let Some(n) = u.name {
        m.insert("userName".into(), json!(NAMES[n]));
    }
    if let Some((gid, gname)) = u.group {
        m.insert("reportingGroupId".into(), json!(g(gid)));
        if let Some(n) = gname {
            m.insert("reportingGroupName".into(), json!(NAMES[n]));
        }
    }
    if let Some(n) = u.number {
        m.insert("number".into(), json!(format!("0{n}")));
    }
    if let Some(c) = u.capacity {
        m.insert("chatCapacity".into(), json!(c));
    }
    m.insert("changeTimestamp".into(), json!(ts(u.change)));
    Value::Object(m).to_string()
}

fn event_json(e: &Event) -> String {
    let mut m = Map::new();
    m.insert("sessionId".into(), json!(g(e.session)));
    m.insert("userId".into(), json!(g(e.user)));
    if let Some(p) = e.profile {
        m.insert("profile".into(), json!(NAMES[p]));
    }
    if let Some(p) = e.reason {
        m.insert("profileReason".into(), json!(NAMES[p]));
    }
    if let Some(s) = e.status {
        m.insert("status".into(), json!(EV_STATUS[s]));
    }
    m.insert("changeTimestamp".into(), json!(ts(e.change)));
    Value::Object(m).to_string()
}

#[derive(Debug, Clone)]
struct Q {
    history: bool,
    start: i64,
    end: Option<i64>,
    info: bool,
    ids: Vec<(&'static str, Vec<u128>)>,
    filters: Vec<(&'static str, &'static str)>,
    sort: Vec<(usize, bool)>,
    locale: Option<&'static str>,
    language: Option<&'static str>,
    offset: u64,
    limit: u64,
}

fn query() -> impl Strategy<Value = Q> {
    (
        (
            any::<bool>(),
            prop_oneof![Just(0i64), 0..20i64],
            prop::option::of(0..48i64),
            any::<bool>(),
        ),
        prop::collection::vec((0..3usize, prop::sample::subsequence(IDS.to_vec(), 2..4)), 0..2),
        prop::collection::vec(
            (
                0..6usize,
                prop::sample::select(vec!["*", "s*", "*a*", "?ales", "Zürich", "0?", "r*"]),
            ),
            0..2,
        ),
        prop::collection::vec((0..40usize, any::<bool>()), 0..3),
        (
            prop::option::of(prop::sample::select(vec!["fi", "sv", "de"])),
            prop::option::weighted(0.3, prop::sample::select(vec!["fi", "sv"])),
        ),
        (0..3u64, prop::sample::select(vec![0u64, 2, 100])),
    )
        .prop_map(
            |((history, s, e, info), ids, filters, sort, (locale, language), (offset, limit))| {
                let id_params: &[&str] = if history {
                    &["userId", "sessionId", "userId"]
                } else {
                    &["userId", "reportingGroupId", "profileId"]
                };
                let fields: &[&str] = if history {
                    &[
                        "userName",
                        "profile",
                        "profileReason",
                        "status",
                        "userStatus",
                        "userName",
                    ]
                } else {
                    &[
                        "userName",
                        "profile",
                        "profileReason",
                        "reportingGroupName",
                        "number",
                        "userStatus",
                    ]
                };
                let start = BASE + s * 3_600_000;
                Q {
                    history,
                    start,
                    end: e.map(|e| start + e * 3_600_000),
                    info,
                    ids: ids.into_iter().map(|(p, l)| (id_params[p], l)).collect(),
                    filters: filters.into_iter().map(|(f, p)| (fields[f], p)).collect(),
                    sort,
                    locale,
                    language,
                    offset,
                    limit,
                }
            },
        )
}

const TRANSLATIONS: [(&str, &str, &str, &str); 4] = [
    ("fi", "profileName", "Sales", "Myynti"),
    ("sv", "profileReason", "Äpple", "Zzz"),
    ("fi", "reportingGroupName", "Support", "Tuki"),
    ("fi", "profileReason", "sales", "aaa"),
];

struct Model<'a> {
    states: Vec<(&'a State, usize)>,
    users: Vec<(&'a User, usize)>,
    events: &'a [Event],
    q: &'a Q,
}

/// Upserts in ingestion order: an older changeTimestamp is ignored; equal replaces.
fn upsert<T>(rows: &[T], key: impl Fn(&T) -> u128, change: impl Fn(&T) -> i64) -> Vec<(&T, usize)> {
    let mut out: Vec<(&T, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match out.iter().position(|(o, _)| key(o) == key(r)) {
            Some(p) if change(out[p].0) > change(r) => {}
            Some(p) => out[p] = (r, i),
            None => out.push((r, i)),
        }
    }
    out
}

impl Model<'_> {
    fn tr(&self, field: &str, text: &str) -> String {
        if let Some(l) = self.q.language {
            for (lang, f, v, t) in TRANSLATIONS {
                if lang == l && f == field && v == text {
                    return t.into();
                }
            }
        }
        text.into()
    }

    fn user_name(&self, id: u128) -> Option<String> {
        // Stored users rows only (no contacts or intervals here): the newest names it.
        self.users
            .iter()
            .filter(|(u, _)| u.user == id && u.name.is_some())
            .max_by_key(|(u, seq)| (u.change, *seq))
            .and_then(|(u, _)| u.name.map(|n| NAMES[n].to_string()))
    }

    fn group_name(&self, id: u128) -> Option<String> {
        self.users
            .iter()
            .filter_map(|(u, seq)| match u.group {
                Some((gid, Some(n))) if gid == id => Some((u.change, *seq, n)),
                _ => None,
            })
            .max()
            .map(|(_, _, n)| self.tr("reportingGroupName", NAMES[n]))
    }

    fn profile_name(&self, id: u128) -> Option<String> {
        self.states
            .iter()
            .filter_map(|(s, seq)| match (s.profile_id, s.profile) {
                (Some(p), Some(n)) if p == id => Some((s.change, *seq, n)),
                _ => None,
            })
            .max()
            .map(|(_, _, n)| NAMES[n].to_string())
    }

    fn fields(&self) -> Vec<String> {
        if self.q.history {
            return [
                "sessionId",
                "userId",
                "userName",
                "signOn",
                "profile",
                "profileReason",
                "profileType",
                "userStatus",
                "userStatusTimestamp",
                "status",
                "statusTimestamp",
                "outboundServing",
                "changeTimestamp",
            ]
            .map(String::from)
            .to_vec();
        }
        let mut f: Vec<String> = [
            "userId",
            "userName",
            "reportingGroupid",
            "reportingGroupName",
            "profile",
            "profileReason",
            "profileType",
            "profileDuration",
            "userStatus",
            "userStatusDuration",
            "availability",
            "contactHandlingStatus",
            "contactHandlingStatusDuration",
        ]
        .map(String::from)
        .to_vec();
        for c in COUNTERS {
            f.push(format!("{c}Contacts"));
            f.push(format!("{c}Duration"));
        }
        if self.q.info {
            f.extend(
                [
                    "number",
                    "mobileNumber",
                    "externalNumber",
                    "email",
                    "chatName",
                    "chat",
                    "chatCapacity",
                    "location",
                ]
                .map(String::from),
            );
        }
        f.push("changeTimestamp".into());
        f
    }

    fn sort_keys(&self, fields: &[String]) -> Vec<(usize, bool)> {
        let mut keys: Vec<(usize, bool)> = Vec::new();
        for &(i, d) in &self.q.sort {
            let fi = i % fields.len();
            if !keys.iter().any(|k| k.0 == fi) {
                keys.push((fi, d));
            }
        }
        if keys.is_empty() {
            keys.push((fields.len() - 1, false));
        }
        keys
    }

    fn in_range(&self, t: i64) -> bool {
        t >= self.q.start && self.q.end.is_none_or(|e| t < e)
    }

    /// (row as field → value, tie-break key)
    fn rows(&self) -> Vec<(Map<String, Value>, (u128, usize))> {
        let mut out = Vec::new();
        if self.q.history {
            for (i, e) in self.events.iter().enumerate() {
                if !self.in_range(e.change) {
                    continue;
                }
                let mut m = Map::new();
                m.insert("sessionId".into(), json!(g(e.session)));
                m.insert("userId".into(), json!(g(e.user)));
                if let Some(n) = self.user_name(e.user) {
                    m.insert("userName".into(), json!(n));
                }
                if let Some(p) = e.profile {
                    m.insert("profile".into(), json!(self.tr("profileName", NAMES[p])));
                }
                if let Some(p) = e.reason {
                    m.insert("profileReason".into(), json!(self.tr("profileReason", NAMES[p])));
                }
                if let Some(s) = e.status {
                    m.insert("status".into(), json!(EV_STATUS[s]));
                }
                m.insert("changeTimestamp".into(), json!(ts(e.change)));
                // Repeated id lists are a union; different ones combine with AND.
                let ids_ok = self.q.ids.iter().all(|(p, _)| {
                    let v = if *p == "userId" { e.user } else { e.session };
                    self.q.ids.iter().filter(|(q, _)| q == p).any(|(_, l)| l.contains(&v))
                });
                if ids_ok {
                    out.push((m, (0, i)));
                }
            }
        } else {
            for (s, _) in &self.states {
                if !self.in_range(s.change) {
                    continue;
                }
                let u = self.users.iter().find(|(u, _)| u.user == s.user).map(|(u, _)| *u);
                let ok = self.q.ids.iter().all(|(p, _)| {
                    let v = match *p {
                        "userId" => Some(s.user),
                        "profileId" => s.profile_id,
                        _ => u.and_then(|u| u.group.map(|g| g.0)),
                    };
                    self.q
                        .ids
                        .iter()
                        .filter(|(q, _)| q == p)
                        .any(|(_, l)| v.is_some_and(|v| l.contains(&v)))
                });
                if !ok {
                    continue;
                }
                let mut m = Map::new();
                m.insert("userId".into(), json!(g(s.user)));
                if let Some(n) = self.user_name(s.user) {
                    m.insert("userName".into(), json!(n));
                }
                if let Some((gid, _)) = u.and_then(|u| u.group) {
                    m.insert("reportingGroupid".into(), json!(g(gid)));
                    if let Some(n) = self.group_name(gid) {
                        m.insert("reportingGroupName".into(), json!(n));
                    }
                }
                let logged_out = s.status == 3;
                if !logged_out {
                    let profile = s
                        .profile_id
                        .and_then(|p| self.profile_name(p))
                        .or(s.profile.map(|p| NAMES[p].to_string()));
                    if let Some(p) = profile {
                        m.insert("profile".into(), json!(self.tr("profileName", &p)));
                    }
                    if let Some(p) = s.reason {
                        m.insert("profileReason".into(), json!(self.tr("profileReason", NAMES[p])));
                    }
                    if let Some(p) = s.ptype {
                        m.insert("profileType".into(), json!(PTYPES[p]));
                    }
                    let dur = |t: Option<i64>| t.map(|t| json!((NOW - t).max(0)));
                    if let Some(d) = dur(s.starts[0]) {
                        m.insert("profileDuration".into(), d);
                    }
                }
                m.insert("userStatus".into(), json!(STATUSES[s.status]));
                if !logged_out {
                    if let Some(t) = s.starts[1] {
                        m.insert("userStatusDuration".into(), json!((NOW - t).max(0)));
                    }
                }
                m.insert("availability".into(), json!(AVAIL[s.avail]));
                if !logged_out {
                    if let Some(h) = s.handling {
                        m.insert(
                            "contactHandlingStatus".into(),
                            json!(rai_core::tables::CONTACT_HANDLING_STATUSES[h]),
                        );
                    }
                    if let Some(t) = s.starts[2] {
                        m.insert("contactHandlingStatusDuration".into(), json!((NOW - t).max(0)));
                    }
                    for (i, c) in COUNTERS.iter().enumerate() {
                        if s.counters[i] > 0 {
                            m.insert(format!("{c}Contacts"), json!(s.counters[i]));
                            if let Some(t) = s.counter_starts[i] {
                                m.insert(format!("{c}Duration"), json!((NOW - t).max(0)));
                            }
                        }
                    }
                    if let Some(u) = u {
                        if let Some(n) = u.number {
                            m.insert("number".into(), json!(format!("0{n}")));
                        }
                        if let Some(c) = u.capacity {
                            m.insert("chatCapacity".into(), json!(c));
                        }
                    }
                }
                m.insert("changeTimestamp".into(), json!(ts(s.change)));
                out.push((m, (s.user, 0)));
            }
        }
        // Field filters see the row as shown (before showAgentInfo).
        let mut fields: Vec<&str> = self.q.filters.iter().map(|f| f.0).collect();
        fields.sort();
        fields.dedup();
        out.retain(|(m, _)| {
            fields.iter().all(|f| {
                let v = m.get(*f).and_then(|v| v.as_str());
                self.q
                    .filters
                    .iter()
                    .filter(|(g, _)| g == f)
                    .any(|(_, p)| v.is_some_and(|v| matches(p, v)))
            })
        });
        out
    }

    fn run(&self) -> (usize, Vec<Value>) {
        let fields = self.fields();
        let sort = self.sort_keys(&fields);
        let coll = Collation::new(self.q.locale.and_then(rai_core::parse_locale).as_ref());
        let mut rows = self.rows();
        let timestamp = |f: &str| f.ends_with("Timestamp") || f == "signOn";
        rows.sort_by(|(a, ka), (b, kb)| {
            for &(fi, desc) in &sort {
                let f = &fields[fi];
                let o = match (a.get(f), b.get(f)) {
                    (None, None) => Ordering::Equal,
                    (None, _) => Ordering::Less,
                    (_, None) => Ordering::Greater,
                    (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_i64().cmp(&y.as_i64()),
                    (Some(Value::String(x)), Some(Value::String(y))) if timestamp(f) => x.cmp(y),
                    (Some(Value::String(x)), Some(Value::String(y))) => coll.compare(x, y),
                    _ => Ordering::Equal,
                };
                let o = if desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            ka.cmp(kb)
        });
        let total = rows.len();
        let page = rows
            .into_iter()
            .skip(self.q.offset as usize)
            .take(self.q.limit as usize)
            .map(|(mut m, _)| {
                if !self.q.info {
                    for f in ["number", "chatCapacity"] {
                        m.remove(f);
                    }
                }
                // Field order is the declaration's.
                let mut ordered = Map::new();
                for f in &fields {
                    if let Some(v) = m.remove(f) {
                        ordered.insert(f.clone(), v);
                    }
                }
                Value::Object(ordered)
            })
            .collect();
        (total, page)
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' | b',' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query_string(q: &Q, fields: &[String], sort: &[(usize, bool)]) -> String {
    let mut p = vec![format!("startTime={}", encode(&ts(q.start)))];
    if let Some(e) = q.end {
        p.push(format!("endTime={}", encode(&ts(e))));
    }
    if !q.history {
        p.push(format!("showAgentInfo={}", q.info));
    }
    for (n, l) in &q.ids {
        p.push(format!("{n}={}", l.iter().map(|i| g(*i)).collect::<Vec<_>>().join(",")));
    }
    for (f, pat) in &q.filters {
        p.push(format!("{f}={}", encode(pat)));
    }
    let mut s: Vec<String> = sort
        .iter()
        .map(|&(i, d)| format!("{}{}", if d { "-" } else { "" }, fields[i]))
        .collect();
    if let Some(l) = q.locale {
        s.push(format!("LOCALE-{l}"));
    }
    if !q.sort.is_empty() || q.locale.is_some() {
        p.push(format!("sort={}", s.join(",")));
    }
    if let Some(l) = q.language {
        p.push(format!("language={l}"));
    }
    p.push(format!("offset={}&limit={}", q.offset, q.limit));
    p.join("&")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn row_endpoints_equal_naive_model(
        states in prop::collection::vec(state(), 0..12),
        users in prop::collection::vec(user(), 0..10),
        events in prop::collection::vec(event(), 0..25),
        q in query(),
    ) {
        let engine = Engine::new();
        let tr: Vec<String> = TRANSLATIONS.iter().map(|(l, f, v, t)| json!({"language": l, "field": f, "value": v, "text": t}).to_string()).collect();
        for (table, lines) in [
            (Table::AgentStates, states.iter().map(state_json).collect::<Vec<_>>()),
            (Table::Users, users.iter().map(user_json).collect()),
            (Table::AgentStatusEvents, events.iter().map(event_json).collect()),
            (Table::Translations, tr),
        ] {
            // An empty batch is refused: a table without rows gets none.
            if lines.is_empty() {
                continue;
            }
            if let Err(e) = engine.load(table, Format::JsonLines, lines.join("\n").as_bytes()) {
                return Err(TestCaseError::fail(format!("load {table:?}: {e}")));
            }
        }
        let model = Model {
            states: upsert(&states, |s| s.user, |s| s.change),
            users: upsert(&users, |u| u.user, |u| u.change),
            events: &events,
            q: &q,
        };
        let fields = model.fields();
        let sort = model.sort_keys(&fields);
        let given: Vec<(usize, bool)> = if q.sort.is_empty() { vec![] } else { sort.clone() };
        let qs = query_string(&q, &fields, &given);
        let (total, want) = model.run();
        let ep = if q.history { Endpoint::AgentStatusHistory } else { Endpoint::AgentStatus };
        let got = match engine.query_at(ep, &qs, NOW) {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("{qs}: {e}"))),
        };
        let body: Value = serde_json::from_str(&got.to_json()).unwrap_or(Value::Null);
        prop_assert_eq!(got.total(), total, "total for {}", qs);
        prop_assert_eq!(body, Value::Array(want), "body for {}", qs);
    }
}
