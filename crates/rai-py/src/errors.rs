//! rai's errors as the package's exceptions (defined in Python, in
//! `rai/_errors.py`, so that `InvalidQuery` can be both a `rai.Error` and a
//! `ValueError`), with what the error is about as attributes.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rai_core::{Error, ErrorKind};

/// The exception class of an error kind, by name in `rai._errors`.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidQuery => "InvalidQuery",
        ErrorKind::InvalidData => "InvalidData",
        ErrorKind::LimitExceeded => "LimitExceeded",
        ErrorKind::NotFound => "NotFound",
        _ => "InternalError",
    }
}

/// The Python exception for a rai error: its class by kind, the message
/// as its text, and `parameter` or `line`, `field`, `value` as attributes.
pub fn to_py(e: Error) -> PyErr {
    Python::attach(|py| match build(py, &e) {
        Ok(err) => err,
        Err(failed) => PyRuntimeError::new_err(format!("{} (and {failed})", e.message())),
    })
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let class = py.import("rai._errors")?.getattr(class_name(e.kind()))?;
    let kwargs = PyDict::new(py);
    match e.kind() {
        ErrorKind::InvalidQuery => kwargs.set_item("parameter", e.parameter())?,
        ErrorKind::InvalidData => {
            kwargs.set_item("line", e.line())?;
            kwargs.set_item("field", e.field())?;
            kwargs.set_item("value", e.value())?;
        }
        _ => {}
    }
    let instance = class.call((e.message(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// `Result<T, rai_core::Error>` into a `PyResult<T>`.
pub trait IntoPy<T> {
    /// The value, or the error as the package's exception.
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for rai_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
