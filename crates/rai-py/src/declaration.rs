//! The endpoint declaration of `rai-core`, as Python data: the package
//! builds its keyword methods, their argument checks and its type stubs
//! from it, so no parameter is declared twice.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rai_core::{Endpoint, Kind, Param};

/// How a parameter's Python value is written into the query string (the
/// package's `_text`) and typed in the stubs.
fn value_type(p: Param) -> &'static str {
    match p {
        Param::StartTime | Param::EndTime => "time",
        Param::Flag(..) | Param::Require(..) => "bool",
        Param::Include(..) | Param::Offset | Param::Limit => "int",
        Param::Thresholds | Param::Percentiles => "ints",
        Param::Ids(..) | Param::ChannelType | Param::Derived | Param::Sort => "strs",
        _ => "str",
    }
}

/// The Arrow-and-Python type of an output field (see `crate::arrow`).
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Int => "int",
        Kind::Number => "float",
        Kind::Timestamp => "timestamp",
        _ => "str",
    }
}

/// `[{"name": "contactHistory", "params": [(name, type, required)],
/// "filters": [field names], "fields": [(name, type)]}, …]`: every
/// endpoint's parameters, filterable fields and output fields, in
/// declaration order.
#[pyfunction]
pub fn declaration(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for e in Endpoint::ALL {
        let d = e.decl();
        let ep = PyDict::new(py);
        ep.set_item("name", e.name())?;
        let params: Vec<(&str, &str, bool)> = d
            .params
            .iter()
            .map(|p| {
                let required = *p == Param::StartTime || (*p == Param::EndTime && d.end_required);
                (p.name(), value_type(*p), required)
            })
            .collect();
        ep.set_item("params", params)?;
        let filters: Vec<&str> = d.filterable_fields().collect();
        ep.set_item("filters", filters)?;
        let fields: Vec<(&str, &str)> = d.fields.iter().map(|f| (f.name, kind_name(f.kind))).collect();
        ep.set_item("fields", fields)?;
        out.append(ep)?;
    }
    Ok(out)
}
