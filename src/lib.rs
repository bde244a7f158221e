//! The `rai` program's library part: the synthetic data generator behind
//! `rai gen` (also used by the benches and tests).

pub mod gen;
