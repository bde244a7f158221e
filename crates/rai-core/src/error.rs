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
    /// The work was stopped at its deadline (HTTP 503); nothing was changed.
    Cancelled,
    /// A backend the engine depends on (the cluster) did not answer (HTTP 503).
    Unavailable,
    /// A bug: should never happen (HTTP 500).
    Internal,
}

/// An error with its kind and its one-line, user-facing message, and where
/// it is known, what it is about: the query parameter, or the input's line,
/// field and value. The context repeats what the message says, for callers
/// that want it as data (the Python package's exception attributes), so two
/// errors are equal when their kinds and messages are.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    context: Option<Box<Context>>,
}

/// What an error is about.
#[derive(Debug, Clone, Default)]
struct Context {
    parameter: Option<String>,
    line: Option<usize>,
    field: Option<String>,
    value: Option<String>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for Error {}

impl Error {
    /// A new error of `kind` with the exact `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            context: None,
        }
    }

    /// A data error at input line `line` (1-based), about `field` with
    /// `value` when the message names them.
    pub fn data_at(line: usize, field: Option<&str>, value: Option<&str>, message: impl Into<String>) -> Self {
        let mut e = Self::data(message);
        let c = e.context_mut();
        c.line = Some(line);
        c.field = field.map(str::to_string);
        c.value = value.map(str::to_string);
        e
    }

    /// The same error about the query parameter `name` (kept if already set).
    pub fn with_parameter(mut self, name: &str) -> Self {
        let c = self.context_mut();
        c.parameter.get_or_insert_with(|| name.to_string());
        self
    }

    /// The same kind and context with another message (a file name put in
    /// front, say).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    fn context_mut(&mut self) -> &mut Context {
        self.context.get_or_insert_with(Default::default)
    }

    fn context(&self) -> Option<&Context> {
        self.context.as_deref()
    }

    /// The query parameter (or filtered field) an [`ErrorKind::InvalidQuery`] error is about.
    pub fn parameter(&self) -> Option<&str> {
        self.context()?.parameter.as_deref()
    }

    /// The input line (1-based) an [`ErrorKind::InvalidData`] error is at.
    pub fn line(&self) -> Option<usize> {
        self.context()?.line
    }

    /// The input field a data error is about, when it names one.
    pub fn field(&self) -> Option<&str> {
        self.context()?.field.as_deref()
    }

    /// The offending value of a data error, when it names one.
    pub fn value(&self) -> Option<&str> {
        self.context()?.value.as_deref()
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
