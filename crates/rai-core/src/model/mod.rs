//! The bottom layer: SPEC §1 values, time buckets, `*`/`?` patterns and
//! CLDR collation. Pure functions over values; it knows no table, endpoint
//! or snapshot.

pub mod collate;
mod hex;
pub mod pattern;
pub mod time;
pub mod value;

pub use collate::{parse_locale, Collation};
pub use pattern::Pattern;
pub use time::{offset_ms, parse_zone, zone_names, Bucketer, TimeCategory};
pub use value::*;
