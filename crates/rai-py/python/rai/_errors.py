"""rai's exceptions. Each carries rai's exact one-line message as its text
(SPEC.md's texts for queries) and, where known, what it is about."""

from __future__ import annotations

from typing import Optional


class Error(Exception):
    """Base class of rai's errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuery(Error, ValueError):
    """A query (or an argument) was rejected: the HTTP API's 400.

    ``parameter`` names the query parameter (or filtered field) at fault.

    >>> try:
    ...     engine.contact_history(start="yesterday", end="2026-01-02")
    ... except rai.InvalidQuery as e:
    ...     print(e.parameter, e)
    startTime Invalid startTime: 'yesterday'
    """

    def __init__(self, message: str, parameter: Optional[str] = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class InvalidData(Error, ValueError):
    """A batch was rejected; nothing of it was loaded.

    ``line`` is the input line (1-based; a Parquet input's row), ``field``
    and ``value`` what the message names, when it names them.
    """

    def __init__(
        self,
        message: str,
        line: Optional[int] = None,
        field: Optional[str] = None,
        value: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.value = value


class NotFound(Error, LookupError):
    """An unknown batch id, table or endpoint."""


class LimitExceeded(Error, ValueError):
    """A configured limit was exceeded."""


class InternalError(Error, RuntimeError):
    """A bug in rai (or a failed disk write of the store): please report it."""
