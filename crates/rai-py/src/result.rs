//! `rai.Result`: one query's page, its total before paging, its JSON, XML,
//! CSV and Python renderings, and its rows as an Arrow stream
//! (`__arrow_c_stream__`, the Arrow PyCapsule interface) that pyarrow and
//! Polars take without copying and without rai importing either.

use crate::arrow::record_batch;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use rai_core::{Kind, QueryResult, Value};
use std::sync::OnceLock;

/// The answer to a query: the page of rows (absent values omitted) and the
/// number of rows before paging.
///
/// >>> r = engine.query("contactHistory", "startTime=2026-01-01&endTime=2026-01-02")
/// >>> r.total, len(r), r.columns[:2]
/// >>> pyarrow.table(r)      # or polars.DataFrame(r): no copy, no JSON
#[pyclass(name = "Result", module = "rai", frozen)]
pub struct Answer {
    endpoint: &'static str,
    res: QueryResult,
    kinds: Vec<Kind>,
    batch: OnceLock<RecordBatch>,
}

impl Answer {
    /// The answer `res` of `endpoint`, its fields typed by `kinds`.
    pub fn new(endpoint: &'static str, res: QueryResult, kinds: Vec<Kind>) -> Answer {
        Answer {
            endpoint,
            res,
            kinds,
            batch: OnceLock::new(),
        }
    }

    fn batch(&self) -> PyResult<RecordBatch> {
        if let Some(b) = self.batch.get() {
            return Ok(b.clone());
        }
        let b = record_batch(&self.res, &self.kinds).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok(self.batch.get_or_init(|| b).clone())
    }
}

fn py_value<'py>(py: Python<'py>, v: Value<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(x) => x.into_pyobject(py)?.into_any(),
        Value::Str(s) => s.into_pyobject(py)?.into_any(),
        _ => py.None().into_bound(py),
    })
}

#[pymethods]
impl Answer {
    /// Rows before paging (the HTTP `X-Total-Count`).
    #[getter]
    fn total(&self) -> usize {
        self.res.total()
    }

    /// The endpoint answered (`contactHistory`).
    #[getter]
    fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// The returned fields in output order (the Arrow schema's columns).
    #[getter]
    fn columns(&self) -> Vec<&'static str> {
        self.res.names().to_vec()
    }

    /// Rows in the page.
    fn __len__(&self) -> usize {
        self.res.len()
    }

    /// The JSON body the HTTP API sends (SPEC §9).
    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| self.res.to_json())
    }

    /// The XML body the HTTP API sends (SPEC §9, §11).
    fn to_xml(&self, py: Python<'_>) -> String {
        py.detach(|| self.res.to_xml())
    }

    /// RFC 4180 CSV with a header row (`text/csv`).
    fn to_csv(&self, py: Python<'_>) -> String {
        py.detach(|| self.res.to_csv())
    }

    /// The rows as dicts, as `json.loads(result.to_json())` gives them
    /// (absent values omitted, timestamps as text).
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for row in self.res.rows() {
            let d = PyDict::new(py);
            for (name, v) in row {
                d.set_item(name, py_value(py, v)?)?;
            }
            out.append(d)?;
        }
        Ok(out)
    }

    /// The Arrow PyCapsule interface: the page as an Arrow C stream of one
    /// record batch (`pyarrow.table(r)`, `polars.DataFrame(r)`). The
    /// requested schema, if any, is not applied (the interface allows it).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batch = py.detach(|| self.batch())?;
        let schema = batch.schema();
        let reader = RecordBatchIterator::new(std::iter::once(Ok(batch)), schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    fn __repr__(&self) -> String {
        format!(
            "<rai.Result {}: {} of {} rows, {} columns>",
            self.endpoint,
            self.res.len(),
            self.res.total(),
            self.res.names().len()
        )
    }
}
