//! The durable store: torn tails at every byte of the last record, flipped
//! bits anywhere, repair, and a store reopened answering every endpoint
//! exactly as the engine that wrote it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rai_core::{Endpoint, Engine, Format, Journal, Table, Write};
use rai_store::record::Record;
use rai_store::recover::recover;
use rai_store::wal::{segments, Durability, Wal};
use rai_store::{open, Options};
use std::path::{Path, PathBuf};

/// A batch of one row (an empty batch is refused).
const ONE_TRANSLATION: &[u8] = br#"[{"language":"fi","field":"queueName","value":"Sales","text":"Myynti"}]"#;

/// A fresh scratch directory, removed when the test that made it ends
/// well (a failing test leaves it to look at).
fn temp(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("rai-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A log of `n` records: loads of different sizes, a retraction, retention.
fn write_log(dir: &Path, n: u64) -> Vec<Record> {
    let wal = Wal::open(dir, 1, None, Durability::Sync).unwrap();
    let mut out = Vec::new();
    for i in 0..n {
        let rec = match i % 3 {
            0 => Record::Load {
                table: Table::Users,
                format: Format::JsonLines,
                bytes: vec![b'x'; i as usize * 7],
            },
            1 => Record::Retract(i),
            _ => Record::Retain(Table::Contacts, i as i64 * 1000),
        };
        let pos = wal.append(&rec.write()).unwrap();
        wal.commit(pos).unwrap();
        assert_eq!(pos, i + 1);
        out.push(rec);
    }
    out
}

fn read_all(dir: &Path, repair: bool) -> rai_core::Result<(Vec<Record>, rai_store::Recovery)> {
    let mut got = Vec::new();
    let rec = recover(dir, 1, repair, |_, r| {
        got.push(r.clone());
        Ok(())
    })?;
    Ok((got, rec))
}

fn only_segment(dir: &Path) -> PathBuf {
    let segs = segments(dir).unwrap();
    assert_eq!(segs.len(), 1);
    segs[0].1.clone()
}

#[test]
fn a_torn_last_record_is_dropped_at_every_byte() {
    let dir = temp("torn");
    let records = write_log(&dir, 6);
    let path = only_segment(&dir);
    let full = std::fs::read(&path).unwrap();
    let last_len = rai_store::record::encode(6, &records[5].write()).len();
    let last_at = full.len() - last_len;
    for cut in last_at..full.len() {
        std::fs::write(&path, &full[..cut]).unwrap();
        let (got, rec) = read_all(&dir, false).unwrap();
        assert_eq!(got, records[..5], "cut at {cut}");
        assert_eq!(rec.next_seq, 6);
        if cut > last_at {
            assert_eq!(rec.notes.len(), 1, "cut at {cut}");
            assert!(
                rec.notes[0].contains(&format!("torn last record at offset {last_at}")),
                "{:?}",
                rec.notes
            );
        }
        // The tail is truncated away: appending continues cleanly.
        assert_eq!(std::fs::metadata(&path).unwrap().len(), last_at as u64);
        let wal = Wal::open(&dir, rec.next_seq, rec.last.clone(), Durability::Off).unwrap();
        let again = Record::Retract(99);
        assert_eq!(wal.append(&again.write()).unwrap(), 6);
        drop(wal);
        let (got, _) = read_all(&dir, false).unwrap();
        assert_eq!(got.len(), 6);
        assert_eq!(got[5], again);
    }
}

#[test]
fn flipped_bits_are_detected_everywhere() {
    let dir = temp("flips");
    let records = write_log(&dir, 5);
    let path = only_segment(&dir);
    let full = std::fs::read(&path).unwrap();
    let last_at = full.len() - rai_store::record::encode(5, &records[4].write()).len();
    for bit in (0..full.len() * 8).step_by(3) {
        let mut b = full.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        std::fs::write(&path, &b).unwrap();
        match read_all(&dir, false) {
            // In the last record: a torn tail, dropped and reported.
            Ok((got, rec)) => {
                assert!(bit / 8 >= last_at, "bit {bit} in an earlier record passed");
                assert_eq!(got, records[..4], "bit {bit}");
                assert_eq!(rec.notes.len(), 1);
            }
            // Earlier: refused, naming the file and the offset.
            Err(e) => {
                assert!(bit / 8 < last_at, "bit {bit}: {e}");
                let msg = e.to_string();
                assert!(msg.contains(&path.display().to_string()), "{msg}");
                assert!(msg.contains("corrupt log record at offset"), "{msg}");
                assert!(msg.contains("--repair"), "{msg}");
            }
        }
    }
}

#[test]
fn repair_truncates_at_the_first_bad_record() {
    let dir = temp("repair");
    let records = write_log(&dir, 6);
    let path = only_segment(&dir);
    let mut b = std::fs::read(&path).unwrap();
    let second = rai_store::record::encode(1, &records[0].write()).len();
    b[second + 20] ^= 0x40; // inside record 2's payload
    std::fs::write(&path, &b).unwrap();
    let err = read_all(&dir, false).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains(&format!("offset {second}")), "{err}");
    let (got, rec) = read_all(&dir, true).unwrap();
    assert_eq!(got, records[..1]);
    assert!(rec.notes[0].contains("--repair truncated the log"), "{:?}", rec.notes);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), second as u64);
    // Afterwards the log reads cleanly.
    assert_eq!(read_all(&dir, false).unwrap().0, records[..1]);
}

#[test]
fn segments_roll_and_read_in_order() {
    let dir = temp("roll");
    let wal = Wal::open(&dir, 1, None, Durability::Off).unwrap();
    let big = vec![b'y'; 9 << 20];
    for _ in 0..16 {
        let w = Write::Load {
            table: Table::Contacts,
            format: Format::Csv,
            bytes: &big,
        };
        let _ = wal.append(&w).unwrap();
    }
    drop(wal);
    assert!(segments(&dir).unwrap().len() >= 2);
    let (got, rec) = read_all(&dir, false).unwrap();
    assert_eq!(got.len(), 16);
    assert_eq!(rec.next_seq, 17);
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/spec-examples/data")
}

/// The writes of the example data set, plus an upsert, a retraction and retention.
fn write_everything(engine: &Engine) {
    engine.load_dir(&examples()).unwrap();
    let extra = engine
        .load(
            Table::Translations,
            Format::Json,
            br#"[{"language":"fi","field":"queueName","value":"Sales","text":"Myynti"}]"#,
        )
        .unwrap();
    engine
        .upsert(
            Table::AgentStates,
            Some("AC083B34470B4164A6A5968DD031B5E5"),
            br#"{"userStatus":"Ready","availability":"Free","changeTimestamp":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
    engine.retract(extra.id).unwrap();
    engine
        .retain_before(
            Table::Contacts,
            rai_core::parse_timestamp("2026-01-01T00:00:00Z").unwrap(),
        )
        .unwrap();
}

const QUERIES: &[(Endpoint, &str)] = &[
    (
        Endpoint::ContactHistory,
        "startTime=2019-01-01&endTime=2031-01-01&timeCategory=day&limit=10000",
    ),
    (
        Endpoint::ContactStatistic,
        "startTime=2019-01-01&showUser=true&limit=10000",
    ),
    (
        Endpoint::AgentHistory,
        "startTime=2019-01-01&endTime=2031-01-01&timeCategory=hour&showProfile=true&limit=10000",
    ),
    (Endpoint::AgentStatistic, "startTime=2019-01-01&limit=10000"),
    (
        Endpoint::AgentStatus,
        "startTime=2019-01-01&showAgentInfo=true&limit=10000",
    ),
    (Endpoint::AgentStatusHistory, "startTime=2019-01-01&limit=10000"),
    (
        Endpoint::AgentStatusTime,
        "startTime=2026-01-01&endTime=2027-01-01&timeCategory=day&limit=10000",
    ),
];

fn answers(engine: &Engine) -> Vec<String> {
    QUERIES
        .iter()
        .map(|(ep, q)| engine.query_at(*ep, q, 1_800_000_000_000).map(|r| r.to_json()).unwrap())
        .collect()
}

#[test]
fn a_reopened_store_answers_as_the_engine_that_wrote_it() {
    let dir = temp("reopen");
    let reference = Engine::new();
    write_everything(&reference);
    {
        let engine = Engine::new();
        let rec = open(&dir, Options::new(Durability::Sync), &engine).unwrap().recovery;
        assert_eq!(rec.records, 0);
        write_everything(&engine);
        assert_eq!(answers(&engine), answers(&reference));
        // A write the engine refuses is not logged.
        assert!(engine.retract(999).is_err());
    }
    let engine = Engine::new();
    let rec = open(&dir, Options::new(Durability::Sync), &engine).unwrap().recovery;
    assert_eq!(rec.records, 6 + 4);
    assert!(rec.notes.is_empty());
    assert_eq!(answers(&engine), answers(&reference));
    // Batch ids continue where they left off.
    let next = engine.load(Table::Translations, Format::Json, ONE_TRANSLATION).unwrap();
    let next_ref = reference
        .load(Table::Translations, Format::Json, ONE_TRANSLATION)
        .unwrap();
    assert_eq!(next.id, next_ref.id);
}

#[test]
fn concurrent_writers_share_syncs_and_all_land() {
    let dir = temp("concurrent");
    let engine = std::sync::Arc::new(Engine::new());
    open(&dir, Options::new(Durability::Sync), &engine).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let row = format!(
                        r#"{{"userId":"{:032X}","userName":"u{t}-{i}","changeTimestamp":"2030-01-01T00:00:00Z"}}"#,
                        t * 100 + i + 1
                    );
                    engine.load(Table::Users, Format::JsonLines, row.as_bytes()).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(engine);
    let engine = Engine::new();
    let rec = open(&dir, Options::new(Durability::Sync), &engine).unwrap().recovery;
    assert_eq!(rec.records, 200);
    assert_eq!(
        engine
            .snapshot()
            .row_counts()
            .iter()
            .find(|(t, _)| *t == Table::Users)
            .map(|c| c.1),
        Some(200)
    );
}

use rai_store::checkpoint::{read_manifest, Until};

/// More writes after a checkpoint: a load, its retraction, retention, an upsert.
fn write_more(engine: &Engine, round: u64) {
    let t = format!(r#"[{{"language":"sv","field":"queueName","value":"Sales{round}","text":"Försäljning"}}]"#);
    let b = engine.load(Table::Translations, Format::Json, t.as_bytes()).unwrap();
    let c = engine.load(Table::Translations, Format::Json, t.as_bytes()).unwrap();
    engine.retract(c.id).unwrap();
    let _ = b;
    engine
        .retain_before(
            Table::AgentStatusEvents,
            rai_core::parse_timestamp(&format!("2026-0{}-01T00:00:00Z", round + 1)).unwrap(),
        )
        .unwrap();
    engine
        .upsert(
            Table::Users,
            Some("30BAC5C8C39A4CA5A5B1C5509EE4F12B"),
            format!(
                r#"{{"userName":"Bo {round}","changeTimestamp":"2031-01-0{}T00:00:00Z"}}"#,
                round + 1
            )
            .as_bytes(),
        )
        .unwrap();
}

#[test]
fn checkpoints_restore_and_the_log_replays_on_top() {
    let dir = temp("checkpoint");
    let reference = Engine::new();
    write_everything(&reference);
    {
        let engine = Engine::new();
        let store = open(&dir, Options::new(Durability::Sync), &engine).unwrap();
        write_everything(&engine);
        let first = store.checkpoint(&engine).unwrap();
        assert!(first.written > 0);
        assert_eq!(first.kept, 0);
        // Nothing new: nothing written.
        assert_eq!(store.checkpoint(&engine).unwrap().written, 0);
        write_more(&engine, 1);
        write_more(&reference, 1);
        let second = store.checkpoint(&engine).unwrap();
        // Unchanged batches keep their files; the events batch cut by retention is rewritten.
        assert!(second.kept > 0, "{second:?}");
        assert!(second.deleted > 0, "{second:?}");
        write_more(&engine, 2);
        write_more(&reference, 2);
        assert_eq!(answers(&engine), answers(&reference));
    }
    let m = read_manifest(&dir).unwrap();
    assert!(m.position > 0 && !m.files.is_empty());
    assert!(
        m.files.iter().any(|f| f.path.starts_with("contacts/day=")),
        "{:?}",
        m.files
    );
    // Reopened: the checkpoint restored, the writes after it replayed.
    let engine = Engine::new();
    let store = open(&dir, Options::new(Durability::Sync), &engine).unwrap();
    assert_eq!(store.recovery.records, 5, "only the writes after the checkpoint replay");
    assert_eq!(answers(&engine), answers(&reference));
    let next = engine.load(Table::Translations, Format::Json, ONE_TRANSLATION).unwrap();
    assert_eq!(
        next.id,
        reference
            .load(Table::Translations, Format::Json, ONE_TRANSLATION)
            .unwrap()
            .id
    );
}

#[test]
fn a_crash_between_checkpoint_steps_recovers() {
    for until in [Until::Files, Until::Manifest] {
        let dir = temp(&format!("ckpt-crash-{until:?}"));
        let reference = Engine::new();
        write_everything(&reference);
        write_more(&reference, 1);
        {
            let engine = Engine::new();
            let store = open(&dir, Options::new(Durability::Sync), &engine).unwrap();
            write_everything(&engine);
            store.checkpoint(&engine).unwrap();
            write_more(&engine, 1);
            store.checkpoint_until(&engine, until).unwrap();
            // The process dies here.
        }
        let engine = Engine::new();
        let _store = open(&dir, Options::new(Durability::Sync), &engine).unwrap();
        assert_eq!(answers(&engine), answers(&reference), "{until:?}");
        // What the manifest does not list is gone.
        let m = read_manifest(&dir).unwrap();
        let mut on_disk = 0;
        for table in Table::ALL {
            let mut stack = vec![dir.join(table.name())];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    if e.path().is_dir() {
                        stack.push(e.path());
                    } else {
                        on_disk += 1;
                    }
                }
            }
        }
        assert_eq!(on_disk, m.files.len(), "{until:?}");
    }
}

/// A manifest that lists other rows for a day file than the file holds
/// (a file replaced by hand, a manifest edited) refuses to open, naming
/// the file, instead of restoring a batch with rows missing or zeroed.
#[test]
fn a_day_file_with_other_rows_than_listed_refuses_to_open() {
    for delta in [1i64, -1] {
        let dir = temp(&format!("listed-{delta}"));
        {
            let engine = Engine::new();
            let store = open(&dir, Options::new(Durability::Sync), &engine).unwrap();
            write_everything(&engine);
            store.checkpoint(&engine).unwrap();
        }
        let mut m = read_manifest(&dir).unwrap();
        let file = m
            .files
            .iter_mut()
            .find(|f| f.path.starts_with("contacts/day="))
            .unwrap();
        let (batch, rows) = file.batches[0];
        file.batches[0].1 = (rows as i64 + delta) as usize;
        let path = dir.join(&file.path).display().to_string();
        std::fs::write(dir.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
        let err = open(&dir, Options::new(Durability::Sync), &Engine::new())
            .err()
            .unwrap();
        // Too few listed: refused at the first row past the count; too many: at the end.
        assert_eq!(
            err.to_string(),
            format!(
                "{path}: read {rows} rows of batch {batch}, the checkpoint's manifest lists {}",
                (rows as i64 + delta)
            ),
        );
    }
}

/// The checkpoint's Parquet files read back by pyarrow (a Hive-partitioned
/// dataset): the same rows per table and the same duration sums.
#[test]
fn pyarrow_reads_the_checkpoint() {
    if !has_pyarrow() {
        return;
    }
    let dir = temp("pyarrow");
    let engine = Engine::new();
    let store = open(&dir, Options::new(Durability::Off), &engine).unwrap();
    write_everything(&engine);
    store.checkpoint(&engine).unwrap();
    let script = r#"
import json, sys, pyarrow.dataset as ds
root = sys.argv[1]
out = {}
for t in ["contacts", "agentIntervals", "agentStatusEvents", "translations", "agentStates", "users"]:
    try:
        d = ds.dataset(f"{root}/{t}", format="parquet", partitioning="hive")
    except FileNotFoundError:
        continue
    tab = d.to_table()
    r = {"rows": tab.num_rows}
    if t == "contacts":
        r["waitingDuration"] = int(tab.column("waitingDuration").to_pylist().count(None) * 0 + sum(v or 0 for v in tab.column("waitingDuration").to_pylist()))
        r["days"] = len(set(tab.column("day").to_pylist()))
    out[t] = r
print(json.dumps(out))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let counts = engine.snapshot().row_counts();
    for (t, n) in counts {
        if n > 0 {
            assert_eq!(got[t.name()]["rows"], serde_json::json!(n), "{}", t.name());
        }
    }
    let sum = engine
        .query_at(Endpoint::ContactHistory, "startTime=2000-01-01&endTime=2100-01-01&timeCategory=all&showChannel=false&showChannelType=false&showQueue=false&showDirectContacts=1&showInternalContacts=1&showOnlyContactCenter=false", 0)
        .unwrap()
        .to_json();
    let v: serde_json::Value = serde_json::from_str(&sum).unwrap();
    assert_eq!(got["contacts"]["waitingDuration"], v[0]["waitingDuration"], "{sum}");
    assert!(got["contacts"]["days"].as_u64().unwrap_or(0) > 1);
}

/// A Parquet file written by pyarrow (other types than a checkpoint's:
/// timestamps in microseconds, 32-bit integers, a column order of its own)
/// loads as the same rows in JSON Lines would; a bad value names its row.
#[test]
fn pyarrow_written_parquet_loads() {
    if !has_pyarrow() {
        return;
    }
    let dir = temp("pyarrow-in");
    let script = r#"
import sys, datetime as dt, pyarrow as pa, pyarrow.parquet as pq
utc = dt.timezone.utc
t = pa.table({
    "waitingDuration": pa.array([1500, None, 20], pa.int32()),
    "contactId": ["6BE639E35B75440C840881F04D260EF8", "6BE639E35B75440C840881F04D260EF9", "6BE639E35B75440C840881F04D260EFA"],
    "channel": ["Phone", "Chat", "Phone"],
    "type": ["CallIn", "ChatIn", "CallOut"],
    "queueName": ["Sales", None, "Sales"],
    "queueId": ["249CEA29B6494EF1B1D16D23FE70E702", None, "249CEA29B6494EF1B1D16D23FE70E702"],
    "abandoned": [True, False, None],
    "arrivalTime": pa.array([dt.datetime(2026, 1, 5, 10, 0, 0, 123000, tzinfo=utc)] * 3, pa.timestamp("us", tz="UTC")),
    "changeTimestamp": ["2026-01-05T11:00:00Z"] * 3,
})
pq.write_table(t, sys.argv[1] + "/ok.parquet")
pq.write_table(t.set_column(2, "channel", pa.array(["Phone", "Fax", "Phone"])), sys.argv[1] + "/bad.parquet")
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let engine = Engine::new();
    let lines = rai_store::parquet_rows::to_json_lines(std::fs::read(dir.join("ok.parquet")).unwrap()).unwrap();
    engine.load(Table::Contacts, Format::JsonLines, &lines).unwrap();
    let q = "startTime=2026-01-05&endTime=2026-01-06&showChannel=false&showChannelType=false&showQueue=false&showDirectContacts=1";
    let body = engine.query_at(Endpoint::ContactHistory, q, 0).unwrap().to_json();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v[0]["countOfArrivedContacts"], 3, "{body}");
    assert_eq!(v[0]["waitingDuration"], 1520, "{body}");
    assert_eq!(v[0]["countOfAbandonedContacts"], 1, "{body}");
    let bad = rai_store::parquet_rows::to_json_lines(std::fs::read(dir.join("bad.parquet")).unwrap()).unwrap();
    let err = engine
        .load(Table::Contacts, Format::JsonLines, &bad)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert_eq!(err, "line 2: channel: invalid value 'Fax'");
}

/// Whether python3 with pyarrow runs here (CI installs it: there its
/// absence fails the test instead of skipping it).
fn has_pyarrow() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import pyarrow.dataset, pyarrow.parquet"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI must install pyarrow");
        eprintln!("skipped: python3 with pyarrow not found");
    }
    ok
}
