//! One error type for the core, with a kind that adapters map mechanically
//! (HTTP status, FFI code, CLI exit code). Messages are SPEC.md's exact texts.

use std::fmt;

/// What went wrong, by phase. Adapters map this, never the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A query parameter is missing or malformed (HTTP 400).
    InvalidQuery,
    /// A data batch was rejected (HTTP 400 on the write API, CLI exit 3).
    InvalidData,
    /// A configured limit was exceeded (HTTP 413).
    LimitExceeded,
    /// The thing asked for does not exist (an unknown batch id, endpoint or table).
    NotFound,
    /// A bug: should never happen (HTTP 500).
    Internal,
}

/// An error with its kind and its one-line, user-facing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// A new error of `kind` with the exact `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// An [`ErrorKind::InvalidQuery`] error.
    pub fn query(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidQuery, message)
    }

    /// An [`ErrorKind::InvalidData`] error.
    pub fn data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidData, message)
    }

    /// An [`ErrorKind::Internal`] error: a bug, reported instead of hidden.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// The kind of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The one-line message (SPEC.md's text for query errors).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
