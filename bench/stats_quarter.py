"""The quarterly statistics of a big store, vs the same counts by hand-written SQL ``GROUP BY``.

A SQLite store (or the empty PostgreSQL database of ``--url``) gets ``--plans`` plans (default
100,000) and about ten events each, about 1,000,000 events: the demo's story is walked once
through the desk, and each of its plans' paths (submitted and passed, rejected, asked for more information, approved
and funded, paid, reworked) is then replayed for many plans, each on its own days over three years,
in its own region, theme, sectors, scale and pair of market leaders, its dates and clocks moved
with it. Most plans end at the quick test, as the national figures do (``_weight``). The store
appends them day by day, by its own (practice) clock, so that what it had recorded by a quarter's
end is what happened by then.

Then, in turns (``_timing.paired``): ``evaluate(store, quarter)`` as ``beoordeling stats --quarter``
computes it (the figures of the quarter and of the one before: counts, splits, clocks, pass rates
compared, criteria, burden, and the books at both ends), and hand-written SQL queries that count
the same plans per step and outcome, in the quarter and up to its end, where every quick test
stands, and the groups per region, theme and pair of market leaders. Both give the same counts
(checked first). The figures are the ratio of the two times and the statistics' peak memory: the
events are read as a stream, never all at once.

    python bench/stats_quarter.py [--plans 100000] [--quarter 2025Q2] [--repeat 3] [--url URL]
"""

from __future__ import annotations

import argparse
import heapq
import re
import tempfile
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, text

from _timing import paired
from beoordeling import Actor, PlanState, Role, Store, load_plans
from beoordeling._time import AMSTERDAM
from beoordeling.cli._demo_paths import DemoClock, adopt_practice_programme, tranches, walk_examples
from beoordeling.desk import Desk
from beoordeling.stats import OUTCOMES, evaluate, period_of
from beoordeling.store import Event, NewEvent, PlanAppend
from beoordeling.store._engine import normalise_url

ROOT = Path(__file__).resolve().parent.parent
SUBMITTER = Actor("A. Bakker", "Ziekenhuis Noordwest", Role.SUBMITTER)
HOLDER = "TP-2023-0014"
"""The one plan of the register the generated events are appended under (the store checks its
last event); the events themselves name their own plans."""
FIRST_DAY = date(2023, 2, 1)
SPAN_DAYS = 1_000
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REGIONS = [f"Regio {n:02d}" for n in range(31)]
THEMES = ["digitale-zorg", "mgn", "eerstelijnszorg", "spreiding-concentratie", "palliatieve-zorg", "overig"]
SECTORS = ["msz", "ggz", "huisartsenzorg", "wijkverpleging", "wlz", "sociaal-domein"]
SCALES = ["lokaal", "regionaal", "landelijk"]
PAIRS = [["CZ", "Zilveren Kruis"], ["Coöperatie VGZ", "Zilveren Kruis"], ["Coöperatie VGZ", "Menzis"]]
_WAITING = ("workflow.waitlist", "workflow.promote")
"""A path through the waiting list is left out: the waiting list reads each queued plan's request
from the register, which holds one plan here."""


@dataclass(frozen=True)
class _Step:
    offset: int
    """Days after the path's first event."""
    event: Event


def _paths() -> list[list[_Step]]:
    """The demo's story walked once: each plan's events, as a path to replay, each as often as
    its :func:`_weight`."""
    with tempfile.TemporaryDirectory() as folder:
        story = DemoClock()
        with Store.open(str(Path(folder) / "story.db"), create=True, clock=story) as store:
            store.initialise(Actor("bench", "beoordeling", Role.SYSTEM), practice=True)
            plans = load_plans(sorted((ROOT / "examples").glob("*.yaml")))
            plans = [*plans, *tranches(plans)]
            store.save_plans(plans, SUBMITTER)
            desk = Desk(store)
            adopt_practice_programme(desk)
            walk_examples(desk, story, {p.id for p in plans})
            by_plan: dict[str, list[Event]] = {}
            for event in store.events():
                if event.plan_id is not None and event.type.startswith("workflow."):
                    by_plan.setdefault(event.plan_id, []).append(event)
    paths = []
    for events in by_plan.values():
        if any(e.type.startswith(_WAITING) for e in events):
            continue
        first = events[0].occurred_at.date()
        path = [_Step((e.occurred_at.date() - first).days, e) for e in events]
        paths.extend([path] * _weight(path))
    return paths


def _weight(path: list[_Step]) -> int:
    """How many of the generated plans take ``path``: most end at the quick test, as nationally
    (183 quick tests to 14 approved plans by February 2024), which makes about ten events a plan."""
    return 1 if len(path) > 30 else 2 if len(path) > 10 else 4 if len(path) > 3 else 3


def _moved(value: Any, days: int, old: str, new: str) -> Any:
    """``value`` with every day in it ``days`` later and the path's plan id replaced."""
    if isinstance(value, str):
        if _DAY.match(value):
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        return new + value[len(old) :] if value.startswith(old) else value
    if isinstance(value, dict):
        return {key: _moved(item, days, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved(item, days, old, new) for item in value]
    return value


def _groups(template: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        **template,
        "region": REGIONS[n % len(REGIONS)], "region_reference": None, "theme": THEMES[n % len(THEMES)],
        "sectors": sorted({SECTORS[n % len(SECTORS)], SECTORS[(n // 7) % len(SECTORS)]}),
        "submitting_sector": SECTORS[n % len(SECTORS)], "scale": SCALES[n % len(SCALES)],
        "market_leaders": PAIRS[n % len(PAIRS)],
    }  # fmt: skip


def _days(paths: list[list[_Step]], plans: int) -> Iterator[tuple[date, list[NewEvent]]]:
    """Every generated event, day by day: plan ``n`` follows path ``n % len(paths)`` from its own day."""
    queue: list[tuple[date, int, int]] = []
    for n in range(plans):
        heapq.heappush(queue, (FIRST_DAY + timedelta(days=n * SPAN_DAYS // plans), n, 0))
    while queue:
        day = queue[0][0]
        batch: list[NewEvent] = []
        while queue and queue[0][0] == day:
            _day, n, k = heapq.heappop(queue)
            path = paths[n % len(paths)]
            step = path[k]
            start = day - timedelta(days=step.offset)
            shift = (start - path[0].event.occurred_at.date()).days
            old, new = str(step.event.plan_id), f"TP-G-{n:06d}"
            e = step.event
            batch.append(NewEvent(
                e.type, e.actor, new, e.plan_version, e.reason, _moved(e.payload, shift, old, new),
                _groups(e.groups, n), e.rules_version, e.occurred_at + timedelta(days=shift),
            ))  # fmt: skip
            if k + 1 < len(path):
                heapq.heappush(queue, (start + timedelta(days=path[k + 1].offset), n, k + 1))
        yield day, batch


class Clock:
    def __init__(self) -> None:
        self.day = FIRST_DAY

    def __call__(self) -> datetime:
        return datetime.combine(self.day, time(23, 30), AMSTERDAM).astimezone(UTC)


def fill(store: Store, clock: Clock, plans: int) -> None:
    """Initialise ``store`` (a practice store on ``clock``) and append ``plans`` generated plans'
    events, day by day by the store's clock."""
    paths = _paths()
    store.initialise(SUBMITTER, practice=True)
    store.save_plans(load_plans([ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml"]), SUBMITTER)
    adopt_practice_programme(Desk(store))
    last = [event.seq for event in store.events(HOLDER)][-1]
    for day, batch in _days(paths, plans):
        clock.day = max(day, clock.day)
        last = store.append_to_plans([PlanAppend(HOLDER, tuple(batch), last, PlanState.DRAFT)])[-1].seq


def _sql(quarter_start: date, quarter_end: date, postgres: bool) -> dict[str, Any]:
    """The counts by hand-written SQL: per step and outcome in the quarter and up to its end, where
    every quick test stands, and the groups per region, theme and market leaders."""

    def field(name: str, index: int | None = None) -> str:
        if postgres:
            return f"(groups::jsonb -> '{name}' ->> {index})" if index is not None else f"(groups::jsonb ->> '{name}')"
        return (
            f"json_extract(groups, '$.{name}[{index}]')" if index is not None else f"json_extract(groups, '$.{name}')"
        )

    submitted = "type = 'workflow.submit-quick-test' AND substr(recorded_at_text, 1, 10) <= :end"
    return {
        "counts": text("""
            SELECT type,
                   COUNT(DISTINCT CASE WHEN substr(recorded_at_text, 1, 10) >= :start THEN plan_id END),
                   COUNT(DISTINCT plan_id)
            FROM events WHERE substr(recorded_at_text, 1, 10) <= :end AND type IN :types GROUP BY type
        """).bindparams(bindparam("types", expanding=True)),
        "standing": text(f"""
            SELECT COUNT(*), SUM(passed), SUM(CASE WHEN rejected = 1 AND passed = 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN passed = 0 AND rejected = 0 AND asked = 1 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN passed = 0 AND rejected = 0 AND asked = 0 THEN 1 ELSE 0 END)
            FROM (SELECT plan_id,
                         MAX(CASE WHEN type = 'workflow.pass-quick-test' THEN 1 ELSE 0 END) AS passed,
                         MAX(CASE WHEN type = 'workflow.fail-quick-test' THEN 1 ELSE 0 END) AS rejected,
                         MAX(CASE WHEN type = 'workflow.request-info' THEN 1 ELSE 0 END) AS asked
                  FROM events WHERE substr(recorded_at_text, 1, 10) <= :end AND plan_id IN (
                      SELECT plan_id FROM events WHERE {submitted})
                  GROUP BY plan_id) AS per_plan
        """),
        "groups": text(f"""
            SELECT split, name, COUNT(*) FROM (
                SELECT DISTINCT plan_id, 'region' AS split, {field("region")} AS name FROM events WHERE {submitted}
                UNION ALL
                SELECT DISTINCT plan_id, 'theme', {field("theme")} FROM events WHERE {submitted}
                UNION ALL
                SELECT DISTINCT plan_id, 'insurers',
                       {field("market_leaders", 0)} || ' / ' || {field("market_leaders", 1)}
                FROM events WHERE {submitted}) AS plan_groups
            GROUP BY split, name
        """),
        "params": {"start": quarter_start.isoformat(), "end": quarter_end.isoformat()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--quarter", default="2025Q2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="an empty PostgreSQL database to use instead of a new SQLite file")
    args = parser.parse_args()
    quarter = period_of(args.quarter)
    assert quarter.start is not None
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or str(Path(folder) / "stats.db")
        clock = Clock()
        with Store.open(url, create=True, clock=clock) as store:
            fill(store, clock, args.plans)
            events = store.head().count
            engine = create_engine(normalise_url(url) if args.url else f"sqlite:///{url}")
            queries = _sql(quarter.start, quarter.end, engine.dialect.name == "postgresql")
            types = tuple(OUTCOMES)

            def by_sql() -> dict[str, Any]:
                with engine.connect() as conn:
                    counts = conn.execute(queries["counts"], {**queries["params"], "types": types}).all()
                    standing = conn.execute(queries["standing"], queries["params"]).one()
                    groups = conn.execute(queries["groups"], queries["params"]).all()
                return {
                    "counts": {OUTCOMES[kind]: (int(a), int(b)) for kind, a, b in counts},
                    "standing": tuple(int(x or 0) for x in standing),
                    "groups": {(split, name): int(count) for split, name, count in groups},
                }

            def ours() -> dict[str, Any]:
                found = evaluate(store, quarter).figures
                q = found.quick_tests
                return {
                    "counts": {k: (found.in_period.get(k, 0), v) for k, v in found.to_date.items() if v},
                    "standing": (q.submitted, q.passed, q.rejected, q.more_information, q.open),
                    "groups": {(g.split, g.name): g.quick_tests.submitted for g in found.groups
                               if g.split in ("region", "theme", "insurers")},
                }  # fmt: skip

            mine, theirs = ours(), by_sql()
            for key in mine:
                assert mine[key] == theirs[key], (key, mine[key], theirs[key])
            tracemalloc.start()
            ours()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            bare, ours_time, ratio = paired(by_sql, ours, args.repeat)
    where = "PostgreSQL" if args.url else "SQLite"
    print(
        f"{where}, {args.plans:,} plans, {events:,} events, quarter {quarter.label}: SQL GROUP BY {bare:.2f} s, "
        f"stats (the quarter and the one before, with the books) {ours_time:.2f} s, ratio {ratio:.2f} "
        f"(goal <= 2); peak memory {peak / 2**20:.0f} MiB; quick tests to date {mine['standing'][0]:,}"
    )


if __name__ == "__main__":
    main()
