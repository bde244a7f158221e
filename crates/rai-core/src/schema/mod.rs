//! What the data and the endpoints ARE, as data: SPEC §2's tables and
//! columns, and the one declaration of every endpoint's parameters and
//! output fields. Every other layer reads these; nothing here reads them.

#[cfg(test)]
mod check;
pub mod derived;
pub mod endpoint;
mod fields;
pub(crate) mod ids;
mod metrics;
pub mod names;
pub mod table;

pub use derived::*;
pub use endpoint::*;
pub use names::*;
pub use table::*;
