//! What the data and the endpoints ARE, as data: SPEC §2's tables and
//! columns, and the one declaration of every endpoint's parameters and
//! output fields. Every other layer reads these; nothing here reads them.

pub mod endpoint;
pub mod table;

pub use endpoint::*;
pub use table::*;
