"""Append 100,000 events through the store vs raw SQLite inserts, in one run, same durability.

Both sides use WAL with synchronous=NORMAL, the same table shape and indexes, the same batch size
per transaction, and rows of the same content: the raw side inserts rows precomputed outside the
timing (canonical JSON and real SHA-256 hashes, so its unique hash index sees the same random keys)
with one ``executemany`` per batch; the store side serialises, hashes and chains every event inside
the timing, through its public ``append``. The figure that matters
is the ratio of the two rates (machines here are noisy; absolute numbers are not comparable).

    python bench/store_append.py [--events 100000] [--batch 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from beoordeling._canonical import canonical_json
from beoordeling.model import Role
from beoordeling.store import Actor, NewEvent, Store

ACTOR = Actor("J. Jansen", "Zilveren Kruis", Role.MARKET_LEADER)
GROUPS = {"region": "Zeeland", "theme": "eerstelijnszorg", "sectors": ["huisartsenzorg"], "insurers": ["CZ"]}


def _events(count: int) -> list[NewEvent]:
    return [
        NewEvent(
            "bench.judged",
            ACTOR,
            plan_id=f"TP-{i % 500:04d}",
            plan_version=1,
            reason="Beoordeeld in benchmark",
            payload={"criterion": f"C{i % 17}", "verdict": "pass", "n": i},
            groups=GROUPS,
            rules_version="2023-01",
        )
        for i in range(count)
    ]


def run_store(folder: Path, events: list[NewEvent], batch: int) -> float:
    path = folder / "store.db"
    with Store.open(str(path), create=True) as store:
        store.initialise(ACTOR)
        start = time.perf_counter()
        for i in range(0, len(events), batch):
            store.append(events[i : i + batch])
        elapsed = time.perf_counter() - start
        assert store.verify().ok
    return len(events) / elapsed


RAW_SCHEMA = """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, type VARCHAR(64) NOT NULL, actor VARCHAR(300) NOT NULL,
    organisation VARCHAR(300) NOT NULL, role VARCHAR(40) NOT NULL, occurred_at DATETIME NOT NULL,
    occurred_at_text VARCHAR(40) NOT NULL, plan_id VARCHAR(64), plan_version INTEGER, reason TEXT,
    payload TEXT NOT NULL, groups TEXT NOT NULL, rules_version VARCHAR(100), prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL, recorded_at DATETIME, recorded_at_text VARCHAR(40)
);
CREATE INDEX ix_events_plan_id ON events (plan_id);
"""


def run_raw(folder: Path, events: list[NewEvent], batch: int) -> float:
    connection = sqlite3.connect(folder / "raw.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.executescript(RAW_SCHEMA)
    now = datetime.now(UTC)
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(len(events) + 1)]
    rows = [
        (
            i + 1, e.type, e.actor.name, e.actor.organisation, e.actor.role.value, now.isoformat(" "),
            now.isoformat(), e.plan_id, e.plan_version, e.reason, canonical_json(e.payload),
            canonical_json(e.groups), e.rules_version, hashes[i], hashes[i + 1], now.isoformat(" "), now.isoformat(),
        )
        for i, e in enumerate(events)
    ]  # fmt: skip
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows[i : i + batch])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return len(rows) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    events = _events(args.events)
    ratios, store_rates, raw_rates = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            raw = run_raw(Path(tmp), events, args.batch)
            ours = run_store(Path(tmp), events, args.batch)
        raw_rates.append(raw)
        store_rates.append(ours)
        ratios.append(ours / raw)
    print(f"events: {args.events:,}, batch: {args.batch:,}, runs: {args.repeat}")
    print(f"raw SQLite : {statistics.median(raw_rates):>10,.0f} events/s (median)")
    print(f"store      : {statistics.median(store_rates):>10,.0f} events/s (median)")
    print(f"ratio store/raw: median {statistics.median(ratios):.2f} (runs: {', '.join(f'{r:.2f}' for r in ratios)})")
    print("goal: at least 0.50")


if __name__ == "__main__":
    main()
