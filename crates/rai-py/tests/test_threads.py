"""One engine shared by threads; queries release the GIL, so other Python
threads run while rai computes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import rai

CSV_HEAD = "contactId,type,channel,queueId,queueName,arrivalTime,changeTimestamp,handlingDuration,queuingDuration\n"


def big_engine(rows: int = 200_000) -> rai.Engine:
    lines = [CSV_HEAD]
    for i in range(rows):
        q = i % 50
        minute = i % (60 * 24 * 28)
        day, rest = divmod(minute, 60 * 24)
        h, m = divmod(rest, 60)
        ts = f"2026-02-{day + 1:02d}T{h:02d}:{m:02d}:00Z"
        lines.append(f"{i + 1:032X},CallIn,Phone,{q + 1:032X},Queue {q},{ts},{ts},{i % 600000},{i % 90000}\n")
    e = rai.Engine()
    e.load("contacts", "".join(lines).encode())
    return e


QUERY = ("startTime=2026-02-01&endTime=2026-03-01&timeCategory=quarterHour&percentiles=50,90,99"
         "&sort=-countOfArrivedContacts&limit=10000")


def test_other_threads_run_during_a_query() -> None:
    e = big_engine()
    intervals = []
    done = threading.Event()

    def ask() -> None:
        for _ in range(5):
            t0 = time.perf_counter()
            e.query("contactHistory", QUERY)
            intervals.append((t0, time.perf_counter()))
        done.set()

    worker = threading.Thread(target=ask)
    ticks = []
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    worker.join()
    # With the GIL held for a whole query, this thread could not take a
    # single tick between a query's start and end.
    inside = sum(1 for t in ticks for a, b in intervals if a < t < b)
    assert inside > 100, (inside, intervals)


def test_one_engine_many_threads_same_answers() -> None:
    e = big_engine(20_000)
    want = e.query("contactHistory", QUERY).to_json()
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda _: e.query("contactHistory", QUERY).to_json(), range(32)))
    assert all(g == want for g in got)
