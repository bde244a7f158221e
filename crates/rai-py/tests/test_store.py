"""`rai.Engine(store=DIR)`: acknowledged writes survive closing and
reopening; Parquet loads; the stubs are the declaration's."""

from __future__ import annotations

import pathlib
import signal
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq

import rai
from conftest import load_examples

NOW = "2026-10-24T09:45:59.000Z"
QUERY = "startTime=2026-01-01&endTime=2026-12-31&timeCategory=month&showUser=true"


def test_store_round_trip(tmp_path: pathlib.Path) -> None:
    store = tmp_path / "store"
    with rai.Engine(store, now=NOW) as e:
        load_examples(e)
        before = e.query("contactHistory", QUERY).to_json()
        statuses = e.query("agentStatus", "startTime=2026-01-01&limit=1000").to_json()
        batch = e.load("contacts", b"contactId,type,channel,arrivalTime,changeTimestamp\n"
                                   b"C0000000000000000000000000000001,CallIn,Phone,2026-05-01T00:00:00Z,2026-05-01T00:00:00Z\n")
        e.retract(batch)
    assert (store / "manifest.json").exists()
    with rai.Engine(store, now=NOW) as again:
        assert again.query("contactHistory", QUERY).to_json() == before
        assert again.query("agentStatus", "startTime=2026-01-01&limit=1000").to_json() == statuses


def test_acknowledged_writes_survive_sigkill(tmp_path: pathlib.Path) -> None:
    """A process that loads and is then killed (no close, no checkpoint):
    the log alone brings every acknowledged batch back."""
    store = tmp_path / "store"
    code = (
        "import os, signal, sys, rai\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from conftest import load_examples\n"
        "e = rai.Engine(sys.argv[1], checkpoint_secs=3600)\n"
        "load_examples(e)\n"
        "print('loaded', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    here = str(pathlib.Path(__file__).parent)
    out = subprocess.run([sys.executable, "-c", code, str(store), here], capture_output=True, text=True)
    assert out.returncode == -signal.SIGKILL and out.stdout == "loaded\n", out.stderr
    assert not (store / "manifest.json").exists()
    reference = rai.Engine(now=NOW)
    load_examples(reference)
    with rai.Engine(store, now=NOW) as recovered:
        for endpoint, raw in [("contactHistory", QUERY), ("agentStatus", "startTime=2026-01-01&limit=1000")]:
            assert recovered.query(endpoint, raw).to_json() == reference.query(endpoint, raw).to_json()


def test_parquet_from_a_path_and_from_bytes(tmp_path: pathlib.Path) -> None:
    rows = {
        "contactId": ["C0000000000000000000000000000001", "C0000000000000000000000000000002"],
        "type": ["CallIn", "CallIn"],
        "channel": ["Phone", "Phone"],
        "arrivalTime": pa.array([1767225600000, 1767229200000], pa.timestamp("ms", tz="UTC")),
        "changeTimestamp": pa.array([1767225600000, 1767229200000], pa.timestamp("ms", tz="UTC")),
        "handlingDuration": [1000, 2000],
    }
    path = tmp_path / "contacts.parquet"
    pq.write_table(pa.table(rows), path)
    for source in (path, path.read_bytes()):
        e = rai.Engine()
        e.load("contacts", source)
        r = pa.table(e.contact_history(start="2026-01-01", end="2026-01-02", time_category="all", show_channel=False))
        assert r.column("countOfArrivedContacts").to_pylist() == [2]
        assert r.column("handlingDuration").to_pylist() == [3000]


def test_stub_is_generated_from_the_declaration() -> None:
    from rai import _stubgen

    committed = pathlib.Path(__file__).resolve().parents[1] / "python" / "rai" / "__init__.pyi"
    assert committed.read_text() == _stubgen.render()
    installed = pathlib.Path(rai.__file__).parent
    assert (installed / "py.typed").exists() and (installed / "__init__.pyi").exists()
