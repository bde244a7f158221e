"""Time to a Polars DataFrame for Q8 (contactHistory, 90 days by day ×
channel × type × queue, limit=10000): through the Arrow C stream
(`polars.DataFrame(result)`) against `to_json()` + `json.loads` +
`polars.DataFrame`. A benchmark, not a test.

Usage (in a venv with rai, polars and pyarrow installed, e.g. the one
`bash crates/rai-py/test.sh` leaves in target/py-venv):

    target/release/rai gen --out /tmp/d1m --contacts 1000000 --format csv --now 2026-04-01T00:00:00Z
    target/py-venv/bin/python benches/python_arrow.py /tmp/d1m [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import time

import polars as pl

import rai

Q8 = "startTime=2026-01-01T00:00:00.000Z&endTime=2026-04-01T00:00:00.000Z&timeCategory=day&limit=10000"


def median_ms(f, runs: int) -> float:
    f()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=pathlib.Path)
    ap.add_argument("--runs", type=int, default=20)
    a = ap.parse_args()
    engine = rai.Engine(now="2026-04-01T00:00:00Z", cache_bytes=0)  # time the query, not the cache
    t0 = time.perf_counter()
    engine.load("contacts", a.data / "contacts.csv")
    print(f"loaded contacts.csv in {time.perf_counter() - t0:.2f} s")
    r = engine.query("contactHistory", Q8)
    print(f"Q8: {len(r)} rows of {r.total}, {len(r.columns)} columns")

    rows = [
        ("query only", lambda: engine.query("contactHistory", Q8)),
        ("query + polars.DataFrame(r)  [Arrow]", lambda: pl.DataFrame(engine.query("contactHistory", Q8))),
        ("query + to_json + json.loads + DataFrame",
         lambda: pl.DataFrame(json.loads(engine.query("contactHistory", Q8).to_json()))),
        ("conversion only: polars.DataFrame(r)", lambda: pl.DataFrame(r)),
        ("conversion only: JSON route", lambda: pl.DataFrame(json.loads(r.to_json()))),
    ]
    for name, f in rows:
        print(f"{name:45s} {median_ms(f, a.runs):8.2f} ms (median of {a.runs})")


if __name__ == "__main__":
    main()
