//! # rai for Python
//!
//! The extension module `rai._rai` behind the `rai` package: an
//! [`engine::PyEngine`] over `rai_core::Engine` (and, with `store=`, the
//! durable store of `rai_store`), query results as [`result::Answer`]
//! that hand their rows to pyarrow or Polars through the Arrow C stream
//! interface, and errors as the package's exceptions. The package's Python
//! layer (`python/rai/__init__.py`) adds one keyword method per endpoint,
//! built from [`declaration`] — the endpoint declaration of `rai-core`,
//! so parameters are declared once, there.
//!
//! Every call that does engine work releases the GIL, so one engine serves
//! many Python threads and other threads run meanwhile.

mod arrow;
mod declaration;
mod engine;
mod errors;
mod result;

use pyo3::prelude::*;

/// The native half of the `rai` package.
#[pymodule]
fn _rai(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<result::Answer>()?;
    m.add_function(wrap_pyfunction!(declaration::declaration, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
