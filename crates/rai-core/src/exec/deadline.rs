//! A query's deadline: the executor checks it before each chunk it scans
//! and before sorting, and stops with [`ErrorKind::Cancelled`] once it has
//! passed, so a caller's timeout bounds the work actually done, not only
//! the wait for it. Checking costs one clock read per 64K-row chunk.

use crate::error::{Error, ErrorKind, Result};
use crate::messages;
use std::time::{Duration, Instant};

/// When a query must stop (none: it runs to the end).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// No deadline.
    pub const NONE: Deadline = Deadline(None);

    /// Stop at `t`.
    pub fn at(t: Instant) -> Deadline {
        Deadline(Some(t))
    }

    /// Stop `d` from now.
    pub fn after(d: Duration) -> Deadline {
        Deadline(Instant::now().checked_add(d))
    }

    /// Whether it has passed.
    pub fn expired(&self) -> bool {
        self.0.is_some_and(|t| Instant::now() >= t)
    }

    /// `Err(Cancelled)` once it has passed.
    pub(crate) fn check(&self) -> Result<()> {
        if self.expired() {
            return Err(Error::new(ErrorKind::Cancelled, messages::DEADLINE_PASSED));
        }
        Ok(())
    }
}
