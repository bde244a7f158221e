//! The embedding API: an [`Engine`] that loads batches while queries run,
//! each query reading one consistent [`Snapshot`].

use crate::error::{Error, ErrorKind, Result};
use crate::load::Format;
use crate::messages;
use crate::model::{guid_string, parse_guid, Millis};
use crate::plan::{lower, LogicalPlan, Query};
use crate::render::QueryResult;
use crate::schema::{Endpoint, Table};
use crate::store::{BatchInfo, Snapshot};
use std::sync::{Arc, Mutex, RwLock};

mod request;
pub use request::Request;

/// Where "now" comes from (SPEC §3: injectable).
pub type Clock = Arc<dyn Fn() -> Millis + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// An in-memory RAI engine. `Send + Sync`: share it behind an `Arc`.
pub struct Engine {
    current: RwLock<Arc<Snapshot>>,
    writer: Mutex<()>,
    clock: Clock,
    default_language: Option<String>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("default_language", &self.default_language)
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An empty engine on the system clock.
    pub fn new() -> Engine {
        Engine {
            current: RwLock::new(Arc::new(Snapshot::default())),
            writer: Mutex::new(()),
            clock: system_clock(),
            default_language: None,
        }
    }

    /// Replaces the clock (tests pin it).
    pub fn with_clock(mut self, clock: Clock) -> Engine {
        self.clock = clock;
        self
    }

    /// Pins the clock at `now`.
    pub fn with_fixed_now(self, now: Millis) -> Engine {
        self.with_clock(Arc::new(move || now))
    }

    /// Sets the language used when a query names none (SPEC §7).
    pub fn with_default_language(mut self, language: Option<&str>) -> Engine {
        self.default_language = language.map(|l| l.to_ascii_lowercase());
        self
    }

    /// The language used when a query names none.
    pub fn default_language(&self) -> Option<&str> {
        self.default_language.as_deref()
    }

    /// The engine's current time.
    pub fn now(&self) -> Millis {
        (self.clock)()
    }

    /// The current snapshot (readers keep it as long as they like).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Serialises writers; readers never wait for it.
    fn write_lock(&self) -> Result<std::sync::MutexGuard<'_, ()>> {
        self.writer
            .lock()
            .map_err(|_| Error::new(ErrorKind::Internal, "writer lock poisoned"))
    }

    fn publish(&self, next: Snapshot) {
        let mut g = match self.current.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        *g = Arc::new(next);
    }

    /// Loads one atomic batch into `table`.
    pub fn load(&self, table: Table, format: Format, input: &[u8]) -> Result<BatchInfo> {
        self.load_reader(table, format, input)
    }

    /// Loads one atomic batch from a stream (CSV and JSON Lines are read
    /// incrementally, so a large file need not fit in memory twice).
    pub fn load_reader(&self, table: Table, format: Format, input: impl std::io::Read) -> Result<BatchInfo> {
        let _w = self.write_lock()?;
        let (next, info) = self.snapshot().with_batch(table, format, input)?;
        self.publish(next);
        Ok(info)
    }

    /// Loads a data directory (SPEC §11): every `<table>.jsonl`, `.json`
    /// and `.csv` in §2's table order; a missing file is an empty table.
    /// A data error names the file: `contacts.jsonl: line 3: …`.
    pub fn load_dir(&self, dir: &std::path::Path) -> Result<Vec<BatchInfo>> {
        let mut out = Vec::new();
        for table in Table::ALL {
            for format in [Format::JsonLines, Format::Json, Format::Csv] {
                let file = format!("{}.{}", table.name(), format.extension());
                let path = dir.join(&file);
                let reader = match std::fs::File::open(&path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::data(messages::in_file(&file, e))),
                };
                let info = self
                    .load_reader(table, format, reader)
                    .map_err(|e| Error::new(e.kind(), messages::in_file(&file, e)))?;
                out.push(info);
            }
        }
        Ok(out)
    }

    /// Retracts an appended batch.
    pub fn retract(&self, batch: u64) -> Result<()> {
        let _w = self.write_lock()?;
        let next = self.snapshot().without_batch(batch)?;
        self.publish(next);
        Ok(())
    }

    /// Retention: drops the rows of `table` whose time key is before `before`.
    pub fn retain_before(&self, table: Table, before: Millis) -> Result<()> {
        let _w = self.write_lock()?;
        let next = self.snapshot().without_before(table, before)?;
        self.publish(next);
        Ok(())
    }

    /// Upserts one row of agentStates or users, given as a JSON object. When
    /// `user_id` is given (the row is addressed to a user, as in
    /// `PUT …/users/<userId>`), the object's userId may be omitted; if
    /// present it must be the same id.
    pub fn upsert(&self, table: Table, user_id: Option<&str>, json: &[u8]) -> Result<BatchInfo> {
        if !table.is_upsert() {
            return Err(Error::query(messages::not_upsert_table(table.name())));
        }
        let path_user = match user_id {
            Some(id) => Some(parse_guid(id).ok_or_else(|| Error::query(messages::invalid_guid(id)))?),
            None => None,
        };
        let mut obj = match serde_json::from_slice::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => return Err(Error::data(messages::expected_object(1))),
            Err(e) => return Err(Error::data(messages::invalid_json(e.line().max(1), e))),
        };
        if let (Some(user), Some(path)) = (path_user, user_id) {
            match obj.get("userId") {
                None | Some(serde_json::Value::Null) => {
                    obj.insert("userId".into(), serde_json::Value::String(guid_string(user)));
                }
                Some(serde_json::Value::String(s)) if parse_guid(s) == Some(user) => {}
                Some(other) => {
                    let shown = other.as_str().map_or_else(|| other.to_string(), str::to_string);
                    return Err(Error::data(messages::user_id_differs(&shown, path)));
                }
            }
        }
        // One object on one line, as JSON Lines wants.
        let line = serde_json::Value::Object(obj).to_string();
        self.load(table, Format::JsonLines, line.as_bytes())
    }

    /// The logical plan of a raw query string for `endpoint` (what `rai explain` prints).
    pub fn plan(&self, endpoint: Endpoint, raw_query: &str) -> Result<LogicalPlan> {
        let q = Query::parse(endpoint, raw_query, self.default_language.as_deref())?;
        Ok(lower(&q))
    }

    /// Answers `endpoint` for a raw query string, at the engine's clock.
    pub fn query(&self, endpoint: Endpoint, raw_query: &str) -> Result<QueryResult> {
        self.query_at(endpoint, raw_query, self.now())
    }

    /// Answers `endpoint` for a raw query string at instant `now`.
    pub fn query_at(&self, endpoint: Endpoint, raw_query: &str, now: Millis) -> Result<QueryResult> {
        let plan = self.plan(endpoint, raw_query)?;
        self.execute(&plan, now)
    }

    /// Runs a logical plan on the current snapshot at instant `now`.
    pub fn execute(&self, plan: &LogicalPlan, now: Millis) -> Result<QueryResult> {
        run_on(&self.snapshot(), plan, now)
    }
}

/// Runs a logical plan on one snapshot.
pub fn run_on(snap: &Snapshot, plan: &LogicalPlan, now: Millis) -> Result<QueryResult> {
    crate::exec::execute(snap, plan, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "AC083B34470B4164A6A5968DD031B5E5";

    fn names(e: &Engine) -> String {
        e.query_at(Endpoint::AgentStatus, "startTime=2019-01-01", 0)
            .map(|r| r.to_json())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn upsert_fills_and_checks_the_addressed_user() {
        let e = Engine::new();
        let state = br#"{"userStatus":"Ready","availability":"Free","changeTimestamp":"2019-01-01T08:00:00Z"}"#;
        assert!(e.upsert(Table::AgentStates, Some(USER), state).is_ok());
        assert!(names(&e).starts_with(r#"[{"userId":"AC083B34470B4164A6A5968DD031B5E5","userStatus":"Ready""#));
        let other = br#"{"userId":"6BE639E35B75440C840881F04D260EF8","userStatus":"Ready","availability":"Free","changeTimestamp":"2019-01-01T09:00:00Z"}"#;
        let err = e.upsert(Table::AgentStates, Some(USER), other).map(|_| ());
        assert_eq!(
            err.map_err(|e| (e.kind(), e.to_string())),
            Err((
                ErrorKind::InvalidData,
                "line 1: userId: '6BE639E35B75440C840881F04D260EF8' differs from the path's 'AC083B34470B4164A6A5968DD031B5E5'".into()
            ))
        );
        let err = |t, u, b: &[u8]| e.upsert(t, u, b).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err(Table::Contacts, None, b"{}"),
            Err("Not an upsert table: 'contacts'".into())
        );
        assert_eq!(err(Table::Users, Some("x"), b"{}"), Err("Invalid GUID: 'x'".into()));
        assert_eq!(
            err(Table::Users, None, b"[1]"),
            Err("line 1: expected a JSON object".into())
        );
        // An object over several lines is one row.
        let multi = b"{\n\"userId\": \"AC083B34470B4164A6A5968DD031B5E5\",\n\"userName\": \"Ada\",\n\"changeTimestamp\": \"2019-01-01\"}";
        assert_eq!(err(Table::Users, None, multi), Ok(()));
        assert!(names(&e).contains(r#""userName":"Ada""#));
    }
}
