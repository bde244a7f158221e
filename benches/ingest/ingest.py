#!/usr/bin/env python3
"""Durable ingest: C concurrent clients POST N-row contact batches to a running
`rai serve` for S seconds; prints acknowledged rows/s and latency percentiles.

    rai serve --no-demo --store /tmp/rai-store --port 8080 --durability sync &
    python3 benches/ingest/ingest.py --port 8080 --clients 64 --rows 1000 --seconds 10
"""
import argparse
import http.client
import threading
import time


def body(client: int, batch: int, rows: int) -> bytes:
    lines = ["contactId,channel,type,queueId,arrivalTime,disconnectTime,waitingDuration,changeTimestamp"]
    for r in range(rows):
        cid = f"{client:08X}{batch:012X}{r:012X}"
        m = (batch * rows + r) % 60
        lines.append(f"{cid},Phone,CallIn,249CEA29B6494EF1B1D16D23FE70E702,"
                     f"2026-01-05T10:{m:02d}:00Z,2026-01-05T10:{m:02d}:30Z,{r},2026-01-05T11:00:00Z")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=10.0)
    a = ap.parse_args()
    bodies = [body(c, 0, a.rows) for c in range(a.clients)]
    lat: list[float] = []
    acked = [0]
    lock = threading.Lock()
    stop = time.time() + a.seconds

    def run(c: int) -> None:
        conn = http.client.HTTPConnection(a.host, a.port, timeout=60)
        mine = []
        n = 0
        while time.time() < stop:
            t0 = time.perf_counter()
            conn.request("POST", "/RI/rai/contacts", body=bodies[c], headers={"Content-Type": "text/csv"})
            r = conn.getresponse()
            r.read()
            if r.status != 201:
                raise SystemExit(f"POST answered {r.status}")
            mine.append(time.perf_counter() - t0)
            n += 1
        with lock:
            lat.extend(mine)
            acked[0] += n

    t0 = time.time()
    ts = [threading.Thread(target=run, args=(c,)) for c in range(a.clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.time() - t0
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000
    print(f"clients={a.clients} rows/batch={a.rows} batches={acked[0]} "
          f"rows/s={acked[0] * a.rows / took:,.0f} p50={pct(50):.1f}ms p99={pct(99):.1f}ms")


if __name__ == "__main__":
    main()
