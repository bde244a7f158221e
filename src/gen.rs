//! `rai gen`: placeholder, filled in below.
use rai_core::{Format, Millis};
use std::path::Path;

/// Options of `rai gen`.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// First instant (midnight UTC of the first day).
    pub start: Millis,
    /// Days to cover.
    pub days: u32,
    /// Contact segments to write.
    pub contacts: u64,
    /// Seed.
    pub seed: u64,
    /// Output format.
    pub format: Format,
    /// The generation's now.
    pub now: Option<Millis>,
}

/// Generates the data set into `dir`.
pub fn generate(_dir: &Path, _opts: &GenOptions) -> std::io::Result<String> {
    Ok(String::new())
}
