"""The result cache seen from Python: a repeated query, keyword queries and
a write answer exactly as an engine without the cache does."""

from __future__ import annotations

import json

import rai

from conftest import load_examples

QUERY = "startTime=2026-06-15&endTime=2026-06-16&limit=3"


def test_cached_and_uncached_engines_answer_alike() -> None:
    now = "2026-10-24T09:45:59Z"
    cached, plain = rai.Engine(now=now), rai.Engine(now=now, cache_bytes=0)
    for engine in (cached, plain):
        load_examples(engine)
    for _ in range(2):
        assert cached.query("agentStatusHistory", QUERY).to_json() == plain.query("agentStatusHistory", QUERY).to_json()
        assert (
            cached.agent_status(start_time="2026-01-01", limit=2).to_pylist()
            == plain.agent_status(start_time="2026-01-01", limit=2).to_pylist()
        )
    before = cached.query("agentStatusHistory", QUERY).total
    # A write starts a new generation: the next answer sees it.
    row = {
        "sessionId": "1" * 32,
        "userId": "1" * 32,
        "userStatus": "Ready",
        "changeTimestamp": "2026-06-15T00:00:00Z",
    }
    line = json.dumps(row).encode()
    for engine in (cached, plain):
        engine.load("agentStatusEvents", line)
    after = cached.query("agentStatusHistory", QUERY)
    assert after.total == before + 1
    assert after.to_json() == plain.query("agentStatusHistory", QUERY).to_json()
