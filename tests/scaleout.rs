//! Scale-out on Ballista: a scheduler and two executors on 127.0.0.1 (in
//! this process), a store of 45 days checkpointed to Parquet by day, and
//! 240 seeded queries over the four aggregating endpoints answered through
//! the cluster and by the local engine — the same bytes, JSON and XML,
//! with rows written after the checkpoint and a retraction in between;
//! tasks ran on both executors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rai::gen::{generate_tables, GenOptions, Rng};
use rai_core::{Backend, Deadline, Endpoint, Engine, Format, Table};
use rai_scaleout::Cluster;
use rai_store::{Durability, Options};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

const START: i64 = 1_798_761_600_000; // 2027-01-01T00:00:00Z
const DAYS: i64 = 45;
const NOW: i64 = START + (DAYS - 1) * 86_400_000 + 36_000_000;

fn temp_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Every generated table, each cut into `parts` batches of JSON lines.
fn batches(parts: usize) -> Vec<(Table, Vec<u8>)> {
    let opts = GenOptions {
        start: START,
        days: DAYS as u32,
        contacts: 30_000,
        seed: 11,
        format: Format::JsonLines,
        now: Some(NOW),
    };
    let mut out = Vec::new();
    for g in generate_tables(&opts) {
        out.extend(g.batches(parts).into_iter().map(|b| (g.table, b)));
    }
    out
}

/// A percent chance.
fn chance(r: &mut Rng, percent: u64) -> bool {
    r.below(100) < percent
}

fn day(d: i64) -> String {
    rai_core::timestamp_string(START + d * 86_400_000)[..10].to_string()
}

/// A seeded query over one of the four aggregating endpoints.
fn query(r: &mut Rng, ids: &Ids) -> (Endpoint, String) {
    let ep = *r.pick(&[
        Endpoint::ContactHistory,
        Endpoint::ContactHistory,
        Endpoint::AgentHistory,
        Endpoint::ContactStatistic,
        Endpoint::AgentStatistic,
    ]);
    let mut p: Vec<String> = Vec::new();
    let from = (r.bits() % DAYS as u64) as i64;
    let to = from + 1 + (r.bits() % (DAYS as u64 - from as u64)) as i64;
    p.push(format!("startTime={}", day(from)));
    let history = matches!(ep, Endpoint::ContactHistory | Endpoint::AgentHistory);
    if history || chance(r, 80) {
        p.push(format!("endTime={}", day(to)));
    }
    let cat = *r.pick(&["quarterHour", "hour", "day", "week", "month", "year", "all", "null"]);
    if cat != "null" {
        p.push(format!("timeCategory={cat}"));
    }
    let zone = *r.pick(&[
        "UTC",
        "Europe%2FHelsinki",
        "America%2FNew_York",
        "Asia%2FKolkata",
        "Australia%2FLord_Howe",
    ]);
    p.push(format!("timeZone={zone}"));
    let contacts = matches!(ep, Endpoint::ContactHistory | Endpoint::ContactStatistic);
    let shows: &[&str] = if contacts {
        &[
            "showQueue",
            "showChannel",
            "showChannelType",
            "showUser",
            "showDirectContacts",
            "showOnlyContactCenter",
        ]
    } else if ep == Endpoint::AgentHistory {
        &["showUser", "showProfile", "showCampaign"]
    } else {
        &["showUser"]
    };
    let mut by_user = false;
    for s in shows {
        if chance(r, 35) {
            let on = chance(r, 70);
            by_user |= on && *s == "showUser";
            let numeric = matches!(*s, "showDirectContacts");
            p.push(format!(
                "{s}={}",
                if numeric {
                    ["0", "1"][on as usize]
                } else {
                    ["false", "true"][on as usize]
                }
            ));
        }
    }
    if contacts {
        if chance(r, 25) {
            p.push(format!("queueName={}", r.pick(&["S*", "*e*", "Sales", "?u*"])));
        }
        if chance(r, 15) {
            p.push(format!("queueId={}", r.pick(&ids.queues)));
        }
        if chance(r, 15) {
            p.push(format!("channelType={}", r.pick(&["Phone", "Chat", "Email"])));
        }
        if chance(r, 10) {
            p.push(format!("type={}", r.pick(&["CallIn", "ChatIn", "CallOut"])));
        }
        if chance(r, 10) {
            p.push(format!("contactId={}", r.pick(&["A*", "*7", "?B*"])));
        }
        if chance(r, 10) {
            p.push("serviceLevelThresholds=20,60".into());
        }
    } else if chance(r, 20) {
        p.push(format!("userId={}", r.pick(&ids.users)));
    }
    if chance(r, 20) {
        p.push(format!("userName={}", r.pick(&["A*", "*a*"])));
    }
    if chance(r, 15) && cat != "null" && cat != "all" && cat != "quarterHour" {
        p.push("fill=zero".into());
    }
    if chance(r, 10) {
        p.push("language=fi".into());
    }
    let sorts: &[&str] = if contacts {
        &[
            "-countOfArrivedContacts",
            "-maxHandlingDuration",
            "-handlingDuration",
            "countOfHandledContacts",
        ]
    } else {
        &["-servingDuration", "-readyDuration", "pauseDuration"]
    };
    if chance(r, 60) {
        let then = if by_user { "-userName" } else { "Locale-en" };
        p.push(format!(
            "sort={},{then},{}",
            r.pick(sorts),
            r.pick(&["Locale-fi", "Locale-en"])
        ));
    }
    if chance(r, 40) {
        p.push(format!("offset={}", r.bits() % 20));
    }
    p.push(format!("limit={}", r.pick(&[5, 50, 10000])));
    (ep, p.join("&"))
}

struct Ids {
    queues: Vec<String>,
    users: Vec<String>,
}

fn ids(e: &Engine) -> Ids {
    let json = e
        .query_at(
            Endpoint::ContactHistory,
            "startTime=2027-01-01&endTime=2027-03-01&showQueue=true&showUser=true&limit=10000",
            NOW,
        )
        .expect("ids")
        .to_json();
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let col = |k: &str| -> Vec<String> {
        let mut out: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r[k].as_str().map(String::from))
            .collect();
        out.sort();
        out.dedup();
        out.truncate(8);
        out
    };
    Ids {
        queues: col("queueId"),
        users: col("userId"),
    }
}

/// Fails with the first difference of two bodies in context.
fn same(cluster: &str, local: &str, what: &str) {
    if cluster != local {
        let at = cluster.bytes().zip(local.bytes()).take_while(|(a, b)| a == b).count();
        let around = |s: &str| {
            s.get(at.saturating_sub(120)..(at + 120).min(s.len()))
                .unwrap_or(s)
                .to_string()
        };
        panic!(
            "{what}: the cluster's answer differs at byte {at}\n cluster: …{}…\n local:   …{}…",
            around(cluster),
            around(local)
        );
    }
}

fn answer(r: rai_core::Result<rai_core::QueryResult>) -> (String, String) {
    match r {
        Ok(res) => (res.to_json(), res.to_xml()),
        Err(e) => (format!("error {:?}: {e}", e.kind()), String::new()),
    }
}

#[test]
fn the_cluster_answers_byte_for_byte_as_the_local_engine() {
    let dir = temp_dir("scaleout");
    let engine = Arc::new(Engine::new().with_fixed_now(NOW));
    let store = rai_store::open(&dir, Options::new(Durability::Off), &engine).expect("store");
    let all = batches(4);
    // All but the last contacts batch and the last intervals batch go into
    // the checkpoint; those two come after it (fresh rows, local only).
    let last = |t: Table| all.iter().rposition(|(tb, _)| *tb == t).expect("a batch");
    let fresh = [last(Table::Contacts), last(Table::AgentIntervals)];
    let mut ids_loaded = Vec::new();
    for (i, (t, body)) in all.iter().enumerate() {
        if !fresh.contains(&i) {
            ids_loaded.push((*t, engine.load(*t, Format::JsonLines, body).expect("load").id));
        }
    }
    let report = store.checkpoint(&engine).expect("checkpoint");
    let manifest = rai_store::checkpoint::read_manifest(&dir).expect("manifest");
    let contact_days = manifest.files.iter().filter(|f| f.table == "contacts").count();
    assert!(contact_days >= 40, "{contact_days} day partitions ({report:?})");
    for i in fresh {
        engine.load(all[i].0, Format::JsonLines, &all[i].1).expect("fresh load");
    }
    // A checkpointed contacts batch retracted: the cluster must not count it.
    let (_, retracted) = ids_loaded
        .iter()
        .find(|(t, _)| *t == Table::Contacts)
        .expect("contacts");
    engine.retract(*retracted).expect("retract");

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (url, executors) = rt.block_on(rai_scaleout::local_cluster(2, 2)).expect("cluster");
    let cluster = Cluster::connect(&url, &dir, Duration::from_secs(60)).expect("connect");
    let ids = ids(&engine);
    let snap = engine.snapshot();
    let mut rng = Rng::new(2026, 0);
    let (mut through_cluster, mut nonempty) = (0, 0);
    for n in 0..300 {
        let (ep, q) = query(&mut rng, &ids);
        let local = answer(engine.query_at(ep, &q, NOW));
        let Ok(plan) = engine.plan(ep, &q) else {
            assert!(local.0.starts_with("error InvalidQuery"), "{q}: {}", local.0);
            continue; // refused alike before any scan
        };
        let Some(remote) = cluster.execute(&snap, &plan, NOW, Deadline::NONE) else {
            continue;
        };
        through_cluster += 1;
        nonempty += usize::from(local.0.len() > 2);
        let remote = answer(remote);
        same(&remote.0, &local.0, &format!("query {n}: {}?{q}", ep.name()));
        same(&remote.1, &local.1, &format!("query {n} (XML): {}?{q}", ep.name()));
    }
    eprintln!("{through_cluster} queries through the cluster, {nonempty} with rows");
    assert!(through_cluster >= 200, "{through_cluster} queries through the cluster");
    assert!(nonempty >= 150, "only {nonempty} answers with rows");
    let rows: Vec<u64> = executors.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    assert!(rows.iter().all(|&r| r > 0), "rows bucketed per executor: {rows:?}");
    assert!(cluster.counters.files.load(Ordering::Relaxed) > 0);
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A free TCP port on 127.0.0.1 (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `rai scheduler` or `rai executor` child process, killed when dropped.
struct Node(std::process::Child);
impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn node(args: &[&str]) -> Node {
    Node(
        std::process::Command::new(env!("CARGO_BIN_EXE_rai"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn"),
    )
}

/// A scheduler and two executors as processes (`rai scheduler`, `rai
/// executor`); one executor is killed with SIGKILL while queries run: every
/// answer is the local engine's, or a clear Unavailable error — never a
/// wrong one — and once the cluster has settled, answers come again.
#[test]
fn an_executor_killed_mid_query_never_gives_a_wrong_answer() {
    let dir = temp_dir("scaleout-fault");
    let engine = Arc::new(Engine::new().with_fixed_now(NOW));
    let store = rai_store::open(&dir, Options::new(Durability::Off), &engine).expect("store");
    for (t, body) in batches(3) {
        engine.load(t, Format::JsonLines, &body).expect("load");
    }
    store.checkpoint(&engine).expect("checkpoint");
    let sport = free_port();
    let _scheduler = node(&["scheduler", "--port", &sport.to_string()]);
    let sched = format!("127.0.0.1:{sport}");
    let mut executors: Vec<Node> = (0..2)
        .map(|_| {
            let port = free_port().to_string();
            node(&["executor", "--scheduler", &sched, "--port", &port, "--vcores", "2"])
        })
        .collect();
    // Both executors registered: poll with a query until one answers.
    let cluster = Cluster::connect(&format!("df://127.0.0.1:{sport}"), &dir, Duration::from_secs(15)).expect("connect");
    let snap = engine.snapshot();
    let q = "startTime=2027-01-01&endTime=2027-02-15&timeCategory=day&timeZone=Europe%2FHelsinki&showQueue=true&limit=10000";
    let plan = engine.plan(Endpoint::ContactHistory, q).expect("plan");
    let local = engine
        .query_at(Endpoint::ContactHistory, q, NOW)
        .expect("local")
        .to_json();
    let ask = || cluster.execute(&snap, &plan, NOW, Deadline::NONE).expect("split");
    let started = std::time::Instant::now();
    loop {
        match ask() {
            Ok(r) => {
                assert_eq!(r.to_json(), local);
                break;
            }
            Err(e) => assert!(
                started.elapsed() < Duration::from_secs(60),
                "cluster never answered: {e}"
            ),
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let (mut ok, mut unavailable) = (0, 0);
    for i in 0..12 {
        if i == 3 {
            let victim = executors.remove(0);
            drop(victim); // SIGKILL
        }
        match ask() {
            Ok(r) => {
                assert_eq!(r.to_json(), local, "answer {i}");
                ok += 1;
            }
            Err(e) => {
                assert_eq!(e.kind(), rai_core::ErrorKind::Unavailable, "answer {i}: {e}");
                assert!(e.message().starts_with("the cluster did not answer"), "{e}");
                unavailable += 1;
            }
        }
    }
    assert!(ok >= 4, "{ok} answers, {unavailable} unavailable");
    let _ = std::fs::remove_dir_all(&dir);
}

fn http_get(addr: &str, target: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(s, "GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").expect("write");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.to_string(), body.to_string())
}

/// `rai serve --store DIR --scaleout df://…` against `rai scheduler` and
/// `rai executor` processes answers an aggregating endpoint as the local
/// engine does; with the cluster gone, the same kind of query is a 503
/// naming it (so the answers came through the cluster).
#[test]
fn rai_serve_scaleout_answers_through_the_cluster() {
    use std::io::BufRead;
    let dir = temp_dir("scaleout-serve");
    let engine = Engine::new().with_fixed_now(NOW);
    {
        let store = rai_store::open(&dir, Options::new(Durability::Sync), &engine).expect("store");
        for (t, body) in batches(2) {
            engine.load(t, Format::JsonLines, &body).expect("load");
        }
        store.checkpoint(&engine).expect("checkpoint");
    }
    let sport = free_port();
    let mut scheduler = Some(node(&["scheduler", "--port", &sport.to_string()]));
    let sched = format!("127.0.0.1:{sport}");
    let port = free_port().to_string();
    let mut executor = Some(node(&[
        "executor",
        "--scheduler",
        &sched,
        "--port",
        &port,
        "--vcores",
        "2",
    ]));
    let now = rai_core::timestamp_string(NOW);
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_rai"))
        .args(["serve", "--port", "0", "--now", &now, "--scaleout-timeout-secs", "10"])
        .arg("--store")
        .arg(&dir)
        .args(["--scaleout", &format!("df://127.0.0.1:{sport}")])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("rai serve");
    let (tx, rx) = std::sync::mpsc::channel();
    let err = serve.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap_or("").to_string());
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(60)).expect("rai serve address");
    let started = std::time::Instant::now();
    while !http_get(&addr, "/readyz").0.contains(" 200") {
        assert!(started.elapsed() < Duration::from_secs(60), "never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let q = "startTime=2027-01-03&endTime=2027-02-10&timeCategory=week&timeZone=America%2FNew_York&showQueue=true";
    let local = engine
        .query_at(Endpoint::ContactHistory, q, NOW)
        .expect("local")
        .to_json();
    // The executor registers within a few seconds: until then a 503.
    let body = loop {
        let (head, body) = http_get(&addr, &format!("/RI/rai/contactHistory?{q}"));
        if head.contains(" 200") {
            break body;
        }
        assert!(head.contains(" 503"), "{head}\n{body}");
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the cluster never answered: {body}"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(body, local);
    // The cluster gone: an aggregating query not cached is a 503 naming it.
    drop(executor.take());
    drop(scheduler.take());
    let (head, body) = http_get(&addr, &format!("/RI/rai/contactHistory?{q}&limit=7"));
    assert!(head.contains(" 503"), "{head}\n{body}");
    assert!(body.starts_with("the cluster did not answer"), "{body}");
    // A row endpoint stays local.
    let (head, _) = http_get(&addr, "/RI/rai/agentStatus?startTime=2027-01-01");
    assert!(head.contains(" 200"), "{head}");
    let _ = serve.kill();
    let _ = serve.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
