//! `rai._rai._Engine`: the engine (and its durable store) behind
//! `rai.Engine`. Every method that does engine work releases the GIL; the
//! engine is shared by threads as `rai_core::Engine` is.

use crate::errors::IntoPy;
use crate::result::Answer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use rai_core::{messages, parse_timestamp, Endpoint, Engine, Error, ErrorKind, Format, LogicalPlan, Table};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// An open engine; `None` in [`PyEngine::open`] once closed.
struct Open {
    engine: Arc<Engine>,
    store: Option<Arc<rai_store::Store>>,
}

/// The native engine; see `rai.Engine` for the documented API.
#[pyclass(name = "_Engine", module = "rai._rai", frozen)]
pub struct PyEngine {
    open: RwLock<Option<Open>>,
}

/// How an input is given to `load`.
enum Input {
    Bytes(PyBackedBytes),
    Path(PathBuf),
}

/// `Parquet` or one of the core's text formats.
#[derive(Clone, Copy)]
enum LoadFormat {
    Text(Format),
    Parquet,
}

fn invalid(param: &str, value: &str) -> PyErr {
    crate::errors::to_py(Error::query(messages::invalid_value(param, value)).with_parameter(param))
}

fn format_named(name: &str) -> Option<LoadFormat> {
    if name.eq_ignore_ascii_case("parquet") {
        return Some(LoadFormat::Parquet);
    }
    Format::from_name(&name.to_ascii_lowercase()).map(LoadFormat::Text)
}

/// The format of bytes given without one: Parquet's magic number, a JSON
/// array, JSON Lines, else CSV.
fn sniff(bytes: &[u8]) -> LoadFormat {
    if bytes.starts_with(b"PAR1") {
        return LoadFormat::Parquet;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => LoadFormat::Text(Format::Json),
        Some(b'{') => LoadFormat::Text(Format::JsonLines),
        _ => LoadFormat::Text(Format::Csv),
    }
}

fn table_named(name: &str) -> PyResult<Table> {
    Table::from_name(name)
        .ok_or_else(|| crate::errors::to_py(Error::new(ErrorKind::NotFound, messages::unknown_table(name))))
}

fn endpoint_named(name: &str) -> PyResult<Endpoint> {
    Endpoint::from_name(name)
        .ok_or_else(|| crate::errors::to_py(Error::new(ErrorKind::NotFound, messages::unknown_endpoint(name))))
}

fn load_bytes(engine: &Engine, table: Table, format: LoadFormat, bytes: &[u8]) -> rai_core::Result<u64> {
    let info = match format {
        LoadFormat::Text(f) => engine.load(table, f, bytes)?,
        LoadFormat::Parquet => rai_store::load_parquet(engine, table, bytes.to_vec())?,
    };
    Ok(info.id)
}

fn load_path(engine: &Engine, table: Table, format: Option<LoadFormat>, path: &Path) -> rai_core::Result<u64> {
    let shown = path.display().to_string();
    let format = match format {
        Some(f) => f,
        None => path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(format_named)
            .ok_or_else(|| Error::query(messages::unknown_format(&shown)).with_parameter("format"))?,
    };
    let bytes = std::fs::read(path).map_err(|e| Error::data(messages::in_file(&shown, e)))?;
    load_bytes(engine, table, format, &bytes).map_err(|e| {
        let message = messages::in_file(&shown, &e);
        e.with_message(message)
    })
}

impl PyEngine {
    /// Runs `f` on the open engine with the GIL released.
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&Open) -> rai_core::Result<T> + Send) -> PyResult<T> {
        py.detach(|| {
            let guard = self
                .open
                .read()
                .map_err(|_| Some(Error::internal(messages::writer_poisoned())))?;
            let open = guard.as_ref().ok_or(None)?;
            f(open).map_err(Some)
        })
        .map_err(|e| match e {
            Some(e) => crate::errors::to_py(e),
            None => PyValueError::new_err(messages::ENGINE_CLOSED),
        })
    }

    /// Answers the query string `raw` of `endpoint` (through the engine's
    /// result cache), typing the answer's fields by the plan's output.
    fn run(
        &self,
        py: Python<'_>,
        endpoint: &str,
        now: Option<&str>,
        raw: impl FnOnce(&Engine, Endpoint) -> String + Send,
    ) -> PyResult<Answer> {
        let ep = endpoint_named(endpoint)?;
        let now = now
            .map(|t| parse_timestamp(t).ok_or_else(|| invalid("now", t)))
            .transpose()?;
        self.with(py, |o| {
            let raw = raw(&o.engine, ep);
            let plan: LogicalPlan = o.engine.plan(ep, &raw)?;
            let kinds = plan.output.iter().map(|f| f.kind).collect();
            let res = o.engine.query_at(ep, &raw, now.unwrap_or_else(|| o.engine.now()))?;
            Ok(Answer::new(ep.name(), res, kinds))
        })
    }
}

#[pymethods]
impl PyEngine {
    #[new]
    // Python's keyword arguments, one each: a struct would only move them.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (store=None, durability="sync", repair=false, checkpoint_secs=60, now=None, default_language=None, cache_bytes=rai_core::DEFAULT_CACHE_BYTES))]
    fn new(
        py: Python<'_>,
        store: Option<PathBuf>,
        durability: &str,
        repair: bool,
        checkpoint_secs: u64,
        now: Option<&str>,
        default_language: Option<&str>,
        cache_bytes: usize,
    ) -> PyResult<PyEngine> {
        let mut engine = Engine::new();
        if let Some(t) = now {
            engine = engine.with_fixed_now(parse_timestamp(t).ok_or_else(|| invalid("now", t))?);
        }
        if let Some(l) = default_language {
            if rai_core::parse_language(l).is_none() {
                return Err(invalid("default_language", l));
            }
            engine = engine.with_default_language(Some(l));
        }
        let durability = rai_store::Durability::from_name(durability).ok_or_else(|| {
            crate::errors::to_py(Error::query(messages::unknown_durability(durability)).with_parameter("durability"))
        })?;
        engine.set_cache_bytes(cache_bytes);
        let engine = Arc::new(engine);
        let store = match store {
            None => None,
            Some(dir) => {
                let options = rai_store::Options::new(durability).with_repair(repair);
                let opened = py
                    .detach(|| rai_store::open(&dir, options, &engine))
                    .py()
                    .map(Arc::new)?;
                opened
                    .checkpoint_every(engine.clone(), Duration::from_secs(checkpoint_secs.max(1)))
                    .py()?;
                Some(opened)
            }
        };
        Ok(PyEngine {
            open: RwLock::new(Some(Open { engine, store })),
        })
    }

    /// Loads one batch into `table`; returns its id.
    #[pyo3(signature = (table, source, format=None))]
    fn load(&self, py: Python<'_>, table: &str, source: &Bound<'_, PyAny>, format: Option<&str>) -> PyResult<u64> {
        let table = table_named(table)?;
        let format = format
            .map(|f| format_named(f).ok_or_else(|| invalid("format", f)))
            .transpose()?;
        let input = if let Ok(b) = source.extract::<PyBackedBytes>() {
            Input::Bytes(b)
        } else {
            Input::Path(source.extract::<PathBuf>()?)
        };
        self.with(py, |o| match &input {
            Input::Bytes(b) => load_bytes(&o.engine, table, format.unwrap_or_else(|| sniff(b)), b),
            Input::Path(p) => load_path(&o.engine, table, format, p),
        })
    }

    /// Upserts one row (a JSON object) of agentStates or users; returns the batch id.
    #[pyo3(signature = (table, row, user_id=None))]
    fn upsert(&self, py: Python<'_>, table: &str, row: &str, user_id: Option<&str>) -> PyResult<u64> {
        let table = table_named(table)?;
        self.with(py, |o| Ok(o.engine.upsert(table, user_id, row.as_bytes())?.id))
    }

    /// Retracts a loaded batch.
    fn retract(&self, py: Python<'_>, batch: u64) -> PyResult<()> {
        self.with(py, |o| o.engine.retract(batch))
    }

    /// Retention: drops the rows of `table` before `before` (RFC 3339).
    fn retain(&self, py: Python<'_>, table: &str, before: &str) -> PyResult<()> {
        let table = table_named(table)?;
        let t = parse_timestamp(before).ok_or_else(|| invalid("before", before))?;
        self.with(py, |o| o.engine.retain_before(table, t))
    }

    /// Answers the raw RAI query string `query` of `endpoint`.
    #[pyo3(signature = (endpoint, query, now=None))]
    fn query(&self, py: Python<'_>, endpoint: &str, query: &str, now: Option<&str>) -> PyResult<Answer> {
        self.run(py, endpoint, now, |_, _| query.to_string())
    }

    /// Answers decoded (name, value) pairs of `endpoint`.
    #[pyo3(signature = (endpoint, pairs, now=None))]
    fn request(
        &self,
        py: Python<'_>,
        endpoint: &str,
        pairs: Vec<(String, String)>,
        now: Option<&str>,
    ) -> PyResult<Answer> {
        self.run(py, endpoint, now, |e, ep| {
            let mut req = e.request(ep);
            for (k, v) in &pairs {
                req = req.param(k, v.as_str());
            }
            req.query_string()
        })
    }

    /// Writes a checkpoint of the store (nothing without one).
    fn checkpoint(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |o| match &o.store {
            Some(s) => s.checkpoint(&o.engine).map(|_| ()),
            None => Ok(()),
        })
    }

    /// Checkpoints the store (a clean stop) and closes the engine; later
    /// calls raise `ValueError`. Closing twice does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| {
            let mut guard = self
                .open
                .write()
                .map_err(|_| Error::internal(messages::writer_poisoned()))?;
            match guard.take() {
                Some(Open { engine, store: Some(s) }) => s.checkpoint(&engine).map(|_| ()),
                _ => Ok(()),
            }
        })
        .py()
    }
}
