//! From a query string to a plan: [`Query`] (parsed, validated, SPEC's
//! exact 400 texts) and the [`LogicalPlan`] every backend runs.

pub mod logical;
mod lower;
pub mod query;

pub use logical::*;
pub(crate) use lower::lower;
pub use query::*;
