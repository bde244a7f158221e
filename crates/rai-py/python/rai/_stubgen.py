"""Writes ``__init__.pyi`` from rai's endpoint declaration, so the typed
signatures of the endpoint methods are never written by hand. A test checks
that the committed stub equals ``render()``; after a declaration change,
run ``python -m rai._stubgen > crates/rai-py/python/rai/__init__.pyi``."""

from __future__ import annotations

from typing import Any, Dict, List

from . import ENDPOINTS, _snake

_TYPES = {
    "time": "_Time",
    "bool": "bool",
    "int": "int",
    "ints": "_Ints",
    "strs": "_Strs",
    "str": "str",
}

_HEAD = '''"""Type stubs of rai, generated from its endpoint declaration by
``python -m rai._stubgen`` (do not edit by hand)."""

import datetime
import os
from typing import Any, Dict, Iterable, List, Optional, Union

__version__: str

_Time = Union[str, datetime.date, datetime.datetime]
_Strs = Union[str, Iterable[str]]
_Ints = Union[str, Iterable[int]]
_Row = Dict[str, Union[int, float, str]]

ENDPOINTS: List[Dict[str, Any]]

class Error(Exception):
    message: str
    def __init__(self, message: str) -> None: ...

class InvalidQuery(Error, ValueError):
    parameter: Optional[str]
    def __init__(self, message: str, parameter: Optional[str] = ...) -> None: ...

class InvalidData(Error, ValueError):
    line: Optional[int]
    field: Optional[str]
    value: Optional[str]
    def __init__(
        self,
        message: str,
        line: Optional[int] = ...,
        field: Optional[str] = ...,
        value: Optional[str] = ...,
    ) -> None: ...

class NotFound(Error, LookupError): ...
class LimitExceeded(Error, ValueError): ...
class InternalError(Error, RuntimeError): ...

class Result:
    """One query's page: ``total`` rows before paging, the rows as JSON, XML,
    CSV or dicts, and as an Arrow stream (``pyarrow.table(r)``,
    ``polars.DataFrame(r)``)."""
    @property
    def total(self) -> int: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def columns(self) -> List[str]: ...
    def __len__(self) -> int: ...
    def to_json(self) -> str: ...
    def to_xml(self) -> str: ...
    def to_csv(self) -> str: ...
    def to_pylist(self) -> List[_Row]: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

class Engine:
    def __init__(
        self,
        store: Optional[Union[str, "os.PathLike[str]"]] = None,
        *,
        durability: str = "sync",
        repair: bool = False,
        checkpoint_secs: int = 60,
        now: Optional[_Time] = None,
        default_language: Optional[str] = None,
        cache_bytes: int = 67108864,
    ) -> None: ...
    def __enter__(self) -> "Engine": ...
    def __exit__(self, *exc: object) -> None: ...
    def close(self) -> None: ...
    def load(self, table: str, source: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview], format: Optional[str] = None) -> int: ...
    def upsert(self, table: str, row: Union[Dict[str, Any], str, bytes], user_id: Optional[str] = None) -> int: ...
    def retract(self, batch: int) -> None: ...
    def retain(self, table: str, before: _Time) -> None: ...
    def checkpoint(self) -> None: ...
    def query(self, endpoint: str, query: str, *, now: Optional[_Time] = None) -> Result: ...
'''


def _method(ep: Dict[str, Any]) -> List[str]:
    lines = [f"    def {_snake(ep['name'])}(", "        self,", "        *,"]
    for name, kind, _required in ep["params"]:
        ty = _TYPES[kind]
        if name in ("startTime", "endTime"):
            # `start`/`end` are the short names of startTime/endTime.
            lines.append(f"        {name[:-4]}: Optional[{ty}] = None,")
        lines.append(f"        {_snake(name)}: Optional[{ty}] = None,")
    for f in ep["filters"]:
        lines.append(f"        {_snake(f)}: Optional[str] = None,")
    lines.append("        now: Optional[_Time] = None,")
    lines.append("    ) -> Result:")
    lines.append(f'        """``{ep["name"]}`` with keyword arguments; see ``Engine.query``."""')
    lines.append("        ...")
    return lines


def render() -> str:
    """The stub text."""
    out = [_HEAD.rstrip("\n")]
    for ep in ENDPOINTS:
        out.extend(_method(ep))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
