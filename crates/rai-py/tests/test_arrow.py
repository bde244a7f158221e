"""Results as Arrow through `__arrow_c_stream__`: pyarrow and Polars get the
right columns, types and values without rai importing either."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pyarrow as pa
import polars as pl

import rai

NOW = "2026-10-24T09:45:59.000Z"
UTC = dt.timezone.utc


def parse_ts(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def expected_types() -> dict:
    kinds = {"int": pa.int64(), "float": pa.float64(), "timestamp": pa.timestamp("ms", tz="UTC"), "str": pa.string()}
    out = {}
    for e in rai.ENDPOINTS:
        for name, kind in e["fields"]:
            out[(e["name"], name)] = kinds[kind]
    return out


QUERIES = [
    ("contactHistory", "startTime=2026-01-01&endTime=2026-10-25&timeCategory=day&showUser=true"
                       "&derived=serviceLevel,averageHandlingTime&percentiles=50,95&serviceLevelThresholds=20&limit=500"),
    ("contactStatistic", "startTime=2026-10-24&showDetails=true&limit=500"),
    ("agentHistory", "startTime=2026-01-01&endTime=2026-12-31&timeCategory=week&showProfile=true"),
    ("agentStatus", "startTime=2026-01-01&limit=500"),
    ("agentStatusHistory", "startTime=2026-01-01&endTime=2026-12-31&limit=500"),
    ("agentStatusTime", "startTime=2026-10-01&endTime=2026-10-25&timeCategory=day"),
]


def test_pyarrow_table_has_the_declared_types_and_the_json_values(examples: rai.Engine) -> None:
    declared = expected_types()
    for endpoint, raw in QUERIES:
        r = examples.query(endpoint, raw, now=NOW)
        assert len(r) > 0, (endpoint, raw)
        t = pa.table(r)
        assert t.column_names == r.columns
        assert t.num_rows == len(r)
        rows = json.loads(r.to_json())
        for name in t.column_names:
            field = t.schema.field(name)
            assert field.nullable
            if (endpoint, name) in declared:
                assert field.type == declared[(endpoint, name)], (endpoint, name)
            column = t.column(name).to_pylist()
            want = [row.get(name) for row in rows]
            if field.type == pa.timestamp("ms", tz="UTC"):
                want = [None if v is None else parse_ts(v) for v in want]
            assert column == want, (endpoint, name)


def test_derived_and_percentile_fields_are_typed(examples: rai.Engine) -> None:
    r = examples.query("contactHistory", QUERIES[0][1], now=NOW)
    t = pa.table(r)
    assert t.schema.field("serviceLevel").type == pa.float64()
    assert t.schema.field("serviceLevelNumerator").type == pa.int64()
    assert t.schema.field("p95WaitingDuration").type == pa.int64()


def test_polars_dataframe_equals_pyarrow(examples: rai.Engine) -> None:
    for endpoint, raw in QUERIES:
        r = examples.query(endpoint, raw, now=NOW)
        df = pl.DataFrame(r)
        assert df.columns == r.columns
        assert df.height == len(r)
        assert df.to_arrow().to_pylist() == pa.table(r).to_pylist()
    df = pl.DataFrame(examples.query(*QUERIES[3], now=NOW))
    assert df.schema["changeTimestamp"] == pl.Datetime("ms", "UTC")
    assert df.schema["userId"] == pl.String


def test_empty_answer_keeps_its_columns(examples: rai.Engine) -> None:
    r = examples.query("contactHistory", "startTime=1999-01-01&endTime=1999-01-02", now=NOW)
    assert (r.total, len(r)) == (0, 0)
    t = pa.table(r)
    assert t.num_rows == 0 and t.column_names == r.columns and len(r.columns) > 0
    assert t.schema.field("countOfArrivedContacts").type == pa.int64()


def test_a_stream_can_be_taken_twice_and_rai_imports_no_arrow_library(examples: rai.Engine) -> None:
    r = examples.query(*QUERIES[1], now=NOW)
    assert pa.table(r).equals(pa.table(r))
    code = "import sys, rai; e = rai.Engine(); r = e.query('agentStatus', 'startTime=2026-01-01'); " \
           "r.__arrow_c_stream__(); print(sorted(m for m in ('pyarrow', 'polars') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
