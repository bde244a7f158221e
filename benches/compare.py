#!/usr/bin/env python3
"""rai against DuckDB, Polars, DataFusion and chDB in ONE sitting: generates
the data set (if missing), times rai's canonical queries Q1..Q8 (from
benches/peers/QUERIES.md) at each thread count, runs benches/peers/peers.py
on the same files right after, and prints one table of medians and ratios
(rai / fastest peer; lower is better).

    python3 benches/compare.py [--contacts 1000000] [--threads 1,2] [--runs 5]
                               [--data DIR] [--engines duckdb,polars,datafusion,chdb]

Needs: cargo (builds `rai` and the `bench_query` example in release mode),
python3 with venv (benches/peers/setup.sh makes a venv with the four peers
from PyPI on first use). The data set is `rai gen --format csv` over 90 days
from 2026-01-01 (1M segments: 380 MB of CSV, generated in a few seconds).

rai is timed in-process with the result cache off (every run computes and
renders JSON); each peer in its own worker process (see peers.py). Both
report the median of --runs runs; rai's first run is its warm-up.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUERIES_MD = os.path.join(ROOT, "benches", "peers", "QUERIES.md")


def canonical_queries():
    """Q1..Q8 as (endpoint, query string), read from QUERIES.md's table
    (`Q7 | Q3 + \\`&…\\`` extends another query)."""
    out = {}
    for line in open(QUERIES_MD, encoding="utf-8"):
        m = re.match(r"\|\s*(Q\d)\s*\|\s*(.+?)\s*\|", line)
        if not m:
            continue
        qid, cell = m.groups()
        base = re.match(r"(Q\d)\s*\+\s*`([^`]*)`", cell)
        if base:
            ep, q = out[base.group(1)]
            out[qid] = (ep, q + base.group(2))
            continue
        req = re.match(r"`([A-Za-z]+)\?([^`]*)`", cell)
        if req:
            out[qid] = (req.group(1), req.group(2))
    return out


def run(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, **kw)


def ensure_data(data, contacts):
    if os.path.exists(os.path.join(data, "contacts.csv")):
        return
    run([os.path.join(ROOT, "target", "release", "rai"), "gen", "--out", data, "--format", "csv",
         "--start", "2026-01-01", "--days", "90", "--contacts", str(contacts),
         "--now", "2026-03-31T12:00:00Z"])


def time_rai(data, queries, threads, runs):
    """{threads: {Q: median ms}} and the RSS line bench_query printed."""
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_query")
    ids = sorted(queries)
    out, rss = {}, ""
    for t in threads:
        args = [exe, data, str(runs)]
        for q in ids:
            args += list(queries[q])
        env = dict(os.environ, RAYON_NUM_THREADS=str(t))
        p = run(args, env=env, capture_output=True, text=True)
        lines = [l for l in p.stderr.splitlines() if " median " in l]
        rss = next((l for l in p.stderr.splitlines() if l.startswith("load:")), rss)
        out[t] = {q: float(re.search(r"median ([0-9.]+) ms", l).group(1)) for q, l in zip(ids, lines)}
    return out, rss


def time_peers(data, threads, runs, engines):
    py = subprocess.run(["bash", os.path.join(ROOT, "benches", "peers", "setup.sh")], check=True,
                        capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tf:
        path = tf.name
    run([py, os.path.join(ROOT, "benches", "peers", "peers.py"), data, "--threads",
         ",".join(map(str, threads)), "--runs", str(runs), "--engines", engines, "--quiet-wait", "2",
         "--out", path], stdout=subprocess.DEVNULL)
    doc = json.load(open(path))
    os.unlink(path)
    return doc["results"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", help="data directory (default target/bench-data-<contacts>)")
    ap.add_argument("--engines", default="duckdb,polars,datafusion,chdb")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    data = a.data or os.path.join(ROOT, "target", f"bench-data-{a.contacts}")
    run(["cargo", "build", "--release", "--quiet", "--bin", "rai", "--example", "bench_query"], cwd=ROOT)
    ensure_data(data, a.contacts)
    queries = canonical_queries()
    rai, rss = time_rai(data, queries, threads, a.runs)
    peers = time_peers(data, threads, a.runs, a.engines)
    print(f"\n{a.contacts} contact segments, {data}; rai {rss}\n")
    head = "| query |" + "".join(f" {t} thread{'s' if t > 1 else ''}: fastest peer | rai | ratio |" for t in threads)
    print(head)
    print("|---|" + "---|---|---|" * len(threads))
    for q in sorted(queries):
        row = f"| {q} |"
        for t in threads:
            best = min(((r["queries"][q]["median_ms"], r["engine"]) for r in peers
                        if r.get("threads") == t and "median_ms" in r.get("queries", {}).get(q, {})),
                       default=None)
            mine = rai[t].get(q)
            if best is None or mine is None:
                row += " - | - | - |"
            else:
                row += f" {best[1]} {best[0]:.1f} ms | {mine:.2f} ms | {mine / best[0]:.2f} |"
        print(row)
    for r in peers:
        if "error" in r:
            print(f"\n{r['engine']} t{r['threads']}: {r['error']}")


if __name__ == "__main__":
    main()
