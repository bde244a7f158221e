"""rai: an embedded, in-memory analytics engine for contact-center data.

>>> import rai
>>> with rai.Engine() as engine:
...     engine.load("contacts", "data/contacts.csv")
...     r = engine.contact_history(start="2026-01-01", end="2026-02-01",
...                                time_category="day", queue_name="Sales*",
...                                sort="queueName,LOCALE-fi", limit=100)
...     r.total, r.to_pylist()[:1]
...     table = pyarrow.table(r)        # no copy, no JSON

One keyword method per endpoint (``contact_history``, ``agent_history``,
``contact_statistic``, ``agent_statistic``, ``agent_status``,
``agent_status_history``, ``agent_status_time``) takes the endpoint's
parameters and field filters in snake_case; ``engine.query(endpoint,
raw_query_string)`` takes the exact RAI string. Both are built from rai's
endpoint declaration, and a keyword call equals its query string.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
import re as _re
from typing import Any, Dict, List, Optional, Tuple

from . import _rai
from ._errors import Error, InternalError, InvalidData, InvalidQuery, LimitExceeded, NotFound
from ._rai import Result

__version__: str = _rai.__version__
__all__ = [
    "Engine",
    "Result",
    "Error",
    "InvalidQuery",
    "InvalidData",
    "NotFound",
    "LimitExceeded",
    "InternalError",
    "ENDPOINTS",
]


def _snake(name: str) -> str:
    """``showOnlyContactCenter`` → ``show_only_contact_center``."""
    return _re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


#: Every endpoint as rai declares it: name, parameters (name, value type,
#: required), filterable fields and output fields (name, type).
ENDPOINTS: List[Dict[str, Any]] = _rai.declaration()

# keyword → query parameter, per endpoint method.
_KEYWORDS: Dict[str, Tuple[str, Dict[str, str]]] = {}
for _ep in ENDPOINTS:
    _names = [p[0] for p in _ep["params"]] + list(_ep["filters"])
    _KEYWORDS[_snake(_ep["name"])] = (_ep["name"], {_snake(n): n for n in _names})
# The stubs and docs call startTime/endTime `start`/`end` too.
for _method, (_name, _kw) in _KEYWORDS.items():
    _kw["start"] = "startTime"
    _kw["end"] = "endTime"


def _text(method: str, key: str, value: Any) -> str:
    """A keyword argument's value as it is written in a query string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_text(method, key, v) for v in value)
    raise TypeError(f"{method}() argument {key!r}: unsupported type {type(value).__name__}")


def _now_text(now: Any) -> Optional[str]:
    return None if now is None else _text("now", "now", now)


class Engine:
    """An engine: load batches, ask RAI queries, get JSON, XML, CSV, dicts or
    Arrow. Safe to share between threads; queries release the GIL.

    ``store=DIR`` keeps everything in a durable store directory (created if
    missing): each write is logged and synced before the call returns
    (``durability="sync"``; ``"interval"`` syncs within a second,
    ``"off"`` leaves it to the OS), and opening it again recovers every
    acknowledged write. ``now`` pins the clock (RFC 3339 text or an aware
    ``datetime``); ``default_language`` is used when a query names none;
    ``cache_bytes`` bounds the result cache (answers kept until the next
    write, or for the millisecond they read the clock; 0 turns it off).

    >>> with rai.Engine(store="/var/lib/rai") as engine:
    ...     batch = engine.load("contacts", "contacts.csv")
    """

    def __init__(
        self,
        store: Optional["_os.PathLike[str] | str"] = None,
        *,
        durability: str = "sync",
        repair: bool = False,
        checkpoint_secs: int = 60,
        now: Any = None,
        default_language: Optional[str] = None,
        cache_bytes: int = 67108864,
    ) -> None:
        self._engine = _rai._Engine(
            store=None if store is None else _os.fspath(store),
            durability=durability,
            repair=repair,
            checkpoint_secs=checkpoint_secs,
            now=_now_text(now),
            default_language=default_language,
            cache_bytes=cache_bytes,
        )

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoints the store, if any, and closes the engine; later calls
        raise ``ValueError``."""
        self._engine.close()

    def load(self, table: str, source: Any, format: Optional[str] = None) -> int:
        """Loads one batch into ``table`` and returns its id.

        ``source`` is a path (``str`` or ``os.PathLike``; the format from its
        extension: ``.csv``, ``.jsonl``/``.ndjson``, ``.json``, ``.parquet``)
        or ``bytes`` (the format sniffed: Parquet's magic, a JSON array, JSON
        Lines, else CSV). A batch is atomic: on ``rai.InvalidData`` nothing
        of it was loaded.

        >>> engine.load("contacts", b"contactId,type,channel,...\\n...")
        1
        """
        if isinstance(source, (bytearray, memoryview)):
            source = bytes(source)
        return self._engine.load(table, source, format)

    def upsert(self, table: str, row: Any, user_id: Optional[str] = None) -> int:
        """Upserts one row of ``agentStates`` or ``users`` (a dict, or JSON
        text) and returns the batch id. With ``user_id`` the row may omit
        its ``userId``."""
        if not isinstance(row, (str, bytes)):
            row = _json.dumps(row)
        if isinstance(row, bytes):
            row = row.decode("utf-8")
        return self._engine.upsert(table, row, user_id)

    def retract(self, batch: int) -> None:
        """Retracts a loaded batch (``rai.NotFound`` if there is none)."""
        self._engine.retract(batch)

    def retain(self, table: str, before: Any) -> None:
        """Retention: drops the rows of ``table`` whose time key is before
        ``before``."""
        self._engine.retain(table, _text("retain", "before", before))

    def checkpoint(self) -> None:
        """Writes a checkpoint of the store now (nothing without a store)."""
        self._engine.checkpoint()

    def query(self, endpoint: str, query: str, *, now: Any = None) -> Result:
        """Answers the exact RAI query string of ``endpoint``.

        >>> engine.query("contactHistory", "startTime=2026-01-01&endTime=2026-01-02&timeCategory=day")
        """
        return self._engine.query(endpoint, query, now=_now_text(now))

    def _ask(self, method: str, kwargs: Dict[str, Any]) -> Result:
        endpoint, keywords = _KEYWORDS[method]
        now = _now_text(kwargs.pop("now", None))
        pairs = []
        for key, value in kwargs.items():
            name = keywords.get(key)
            if name is None:
                raise TypeError(f"{method}() got an unexpected keyword argument {key!r}")
            if value is None:
                continue
            pairs.append((name, _text(method, key, value)))
        return self._engine.request(endpoint, pairs, now=now)


def _endpoint_method(method: str, ep: Dict[str, Any]) -> Any:
    def ask(self: Engine, **kwargs: Any) -> Result:
        return self._ask(method, kwargs)

    params = ", ".join(_snake(p[0]) for p in ep["params"])
    filters = ", ".join(_snake(f) for f in ep["filters"])
    ask.__name__ = method
    ask.__qualname__ = f"Engine.{method}"
    ask.__doc__ = (
        f"Answers ``{ep['name']}``: the keyword form of ``engine.query({ep['name']!r}, ...)``.\n\n"
        f"Parameters: {params} (``start``/``end`` for startTime/endTime; ``now`` pins the clock).\n"
        f"Field filters (``*`` any run, ``?`` one character): {filters or 'none'}.\n"
        "Lists become comma-separated values, booleans true/false, dates and datetimes ISO 8601."
    )
    return ask


for _method, (_name, _kw) in _KEYWORDS.items():
    setattr(Engine, _method, _endpoint_method(_method, next(e for e in ENDPOINTS if e["name"] == _name)))
