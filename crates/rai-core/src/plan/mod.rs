//! From a query string to a plan: [`Query`] (parsed, validated) and the
//! [`LogicalPlan`] the executor runs.

pub mod query;

pub use query::*;
