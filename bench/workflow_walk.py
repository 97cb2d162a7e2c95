"""Walk plans through the whole lifecycle in one SQLite store, vs the store's raw append rate.

Every plan goes the longest way: quick test (judged by both market leaders, decided jointly),
worked-out plan, judgements, a joint proposal, the consultation window, a joint approval, funding,
the implementation with four milestones (each reported, judged, decided met and paid) and
completion — 58 events in 56 actions per plan, each action one transaction through the desk
(replayed record, guards, criteria result, policy, clocks, the budget-fit check and the ledger's
postings). The baseline appends exactly the same events with the same transaction grouping
straight through ``Store.append`` into a store of its own, in turns with the walk: after each step
(one action on every plan) it appends that step's events, so both stores grow alike and both meet
the same spells of machine noise. The figure that matters is the ratio of the two rates (events
per second). The run also prints the time Python's garbage collector took, in all and within the
walk's time. The benchmark's own work between the steps (reading each step's events back, copying
them, appending the copies raw) runs with the collector off, so that the copies it keeps for a
while do not bring the collector's sweeps of the desk's objects forward into the time between the
steps, where nobody counts them: the walk pays for its own collections, as a batch would.

The walk goes round every plan at each step, so its desk keeps every plan decoded, as a batch
over many plans should (``PlanCache(decoded=...)``, about 37 KiB a plan: some 370 MB for 10,000);
``--default-cache`` walks with the desk's default cache instead (1,024 decoded, the rest packed),
which then misses every plan at every step.

    python bench/workflow_walk.py [--plans 10000] [--repeat 1] [--default-cache]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from decimal import Decimal
from pathlib import Path

from beoordeling import Actor, Plan, Role, Store, load_plan
from beoordeling.desk import Desk, PlanCache
from beoordeling.money import Programme, load_programme
from beoordeling.money.programme import programme_from_document
from beoordeling.store import Event, NewEvent, PlanAppend
from beoordeling.workflow import AMSTERDAM, Trigger

ROOT = Path(__file__).resolve().parent.parent
SUBMITTER = Actor("A. Bakker", "Ziekenhuis Noordwest", Role.SUBMITTER)
VGZ = Actor("V. de Wit", "Coöperatie VGZ", Role.MARKET_LEADER)
ZK = Actor("Z. Kok", "Zilveren Kruis", Role.MARKET_LEADER)
NZA = Actor("N. Mulder", "NZa", Role.NZA)
BO_IZA = Actor("B. de Vries", "BO IZA", Role.BO_IZA)


class Clock:
    def __init__(self) -> None:
        self.day = date(2023, 3, 6)

    def __call__(self) -> datetime:
        return datetime.combine(self.day, day_time(12), AMSTERDAM).astimezone(UTC)


def _plans(count: int) -> list[Plan]:
    """Copies of the funded example plan, each asking a hundredth (EUR 246,000), so that the funds
    of one programme cover 10,000 of them."""
    base = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    assert base.funding is not None
    funding = base.funding.model_copy(
        update={
            "lines": [line.model_copy(update={"amount": line.amount / 100}) for line in base.funding.lines],
            "milestones": [m.model_copy(update={"amount": m.amount / 100}) for m in base.funding.milestones],
        }
    )
    return [base.model_copy(update={"id": f"TP-B-{i:05d}", "funding": funding}) for i in range(count)]


def _programme(plans: Sequence[Plan]) -> Programme:
    """The practice programme with exactly the money the plans ask (so that every one is funded)."""
    document = load_programme(ROOT / "programme" / "oefen.yaml").document()
    total = sum((plan.funding.total for plan in plans if plan.funding), Decimal(0))
    document.update(total={"amount": str(total), "source": "bench"}, earmarks=[])
    return programme_from_document(document, "bench")


def _by(act: Callable[..., object], *args: object, **kwargs: object) -> Callable[[str], object]:
    """``act`` for one plan, with the rest of its arguments bound now (not when the loop has moved on)."""
    return lambda plan_id: act(plan_id, *args, **kwargs)


def walk(desk: Desk, clock: Clock, plan_ids: list[str], between: Callable[[], None] = lambda: None) -> int:
    """The whole lifecycle for every plan, calling ``between`` after each step over all of them;
    returns the number of actions (transactions)."""
    actions = 0
    judged: dict[str, list[str]] = {}

    def step(day: date, fn: Callable[[str], object]) -> None:
        nonlocal actions
        clock.day = day
        for plan_id in plan_ids:
            fn(plan_id)
            actions += 1
        between()

    def judge_all(key: str, day: date) -> None:
        nonlocal actions
        clock.day = day
        for plan_id in plan_ids:
            ids = judged.get(key)
            if ids is None:
                ids = judged[key] = desk.open_judgements(plan_id)
            for criterion in ids:
                for leader in (VGZ, ZK):
                    desk.judge(plan_id, criterion, "pass", leader)
                    actions += 1
        between()

    d = date(2023, 3, 6)
    step(d, _by(desk.submit, SUBMITTER))
    judge_all("quick-test", d + timedelta(days=7))
    for leader in (VGZ, ZK):
        step(d + timedelta(days=8), _by(desk.decide, "positive", leader))
    step(d + timedelta(days=14), _by(desk.act, Trigger.PREPARE, SUBMITTER))
    step(d + timedelta(days=60), _by(desk.submit, SUBMITTER))
    judge_all("plan", d + timedelta(days=70))
    for leader in (VGZ, ZK):
        step(d + timedelta(days=71), _by(desk.propose, "approve", leader))
    for leader in (VGZ, ZK):
        step(d + timedelta(days=90), _by(desk.decide, "approve", leader))
    step(d + timedelta(days=100), _by(desk.act, Trigger.FUND, NZA))
    step(d + timedelta(days=110), _by(desk.act, Trigger.START, SUBMITTER))
    for n, milestone in enumerate(("M1", "M2", "M3", "M4")):
        day = d + timedelta(days=400 + 365 * n)
        step(day, _by(desk.act, Trigger.REPORT_MILESTONE, SUBMITTER, milestone=milestone))
        judge_all(f"milestone-{milestone}", day + timedelta(days=7))
        for leader in (VGZ, ZK):
            step(day + timedelta(days=8), _by(desk.decide, "met", leader))
        step(day + timedelta(days=20), _by(desk.pay, milestone, VGZ))
    step(d + timedelta(days=1900), _by(desk.act, Trigger.COMPLETE, VGZ))
    return actions


def run(
    folder: Path, count: int, *, default_cache: bool = False, collections: Collections | None = None
) -> tuple[float, float, int, int, float, float]:
    """The walk, and after each of its steps the baseline appending that step's events in the same
    transactions into a store of its own, so that both grow alike and run under the same spell of
    machine noise. Returns both rates (events per second), the events and the actions, and the
    garbage collector's seconds within the walk's time and within the baseline's."""
    collected = collections.total if collections is not None else lambda: 0.0
    plans = _plans(count)
    clock = Clock()
    with (
        Store.open(str(folder / "walk.db"), create=True, clock=clock) as store,
        Store.open(str(folder / "raw.db"), create=True, clock=clock) as raw,
    ):
        for opened in (store, raw):
            opened.initialise(VGZ, practice=True)
        store.save_plans(plans, SUBMITTER)
        plan_ids, programme = [plan.id for plan in plans], _programme(plans)
        # The desk reads the plans from the store, as a batch command does; the bench keeps none
        # of its own copies (some 110 objects a plan for the collector to walk, ours and the baseline's).
        del plans
        desk = Desk(store, plans=None if default_cache else PlanCache(decoded=count))
        desk.adopt_programme(programme, BO_IZA, reason="bench")
        sizes: list[int] = []  # events per transaction of the step under way
        append_to_plans = store.append_to_plans

        def recorded(batches: Sequence[PlanAppend], *, after: int | None = None) -> list[Event]:
            sizes.append(sum(len(batch.events) for batch in batches))
            return append_to_plans(batches, after=after)

        store.append_to_plans = recorded  # type: ignore[method-assign]  # count each transaction
        mark = store.last_seq()
        timing = {"walk": 0.0, "raw": 0.0, "events": 0, "walk_gc": 0.0, "raw_gc": 0.0}
        started, gc_started = time.perf_counter(), collected()

        def between() -> None:
            """The step's events appended raw, with the walk's clock stopped meanwhile."""
            nonlocal mark, started, gc_started
            timing["walk"] += time.perf_counter() - started
            timing["walk_gc"] += collected() - gc_started
            gc.disable()  # see _raw_step
            try:
                mark = _raw_step(store, raw, mark, sizes=sizes, timing=timing, collected=collected)
            finally:
                gc.enable()
            started, gc_started = time.perf_counter(), collected()

        actions = walk(desk, clock, plan_ids, between)
        assert store.verify().ok
        assert raw.verify().ok
        assert all(s.state.value == "afgerond" for s in store.plans())
    events = int(timing["events"])
    return events / timing["walk"], events / timing["raw"], events, actions, timing["walk_gc"], timing["raw_gc"]


def _raw_step(
    store: Store, raw: Store, mark: int, *, sizes: list[int], timing: dict[str, float], collected: Callable[[], float]
) -> int:
    """Read the step's events back (those after ``mark``), copy them and append the copies raw in
    the walk's transactions (``sizes``), timed; returns the new mark. The caller turns the collector
    off (see the module's docstring): the copies live until the last is appended, long enough for
    the collector to count them among the objects that last and to sweep the whole heap sooner.
    Once this returns they are gone. The baseline gains nothing it had not: with the collector on,
    its time held no collections (0.0 s at 3,000 and 10,000 plans)."""
    events = list(store.events(after=mark))
    # Under a type of their own: Store.append leaves workflow events to the desk.
    copies = [NewEvent(f"bench.{e.type}", e.actor, e.plan_id, e.plan_version, e.reason, e.payload,
                       e.groups, e.rules_version) for e in events]  # fmt: skip
    groups, at = [], 0
    for size in sizes:
        groups.append(copies[at : at + size])
        at += size
    sizes.clear()
    start, gc_start = time.perf_counter(), collected()
    for batch in groups:
        raw.append(batch)
    timing["raw"] += time.perf_counter() - start
    timing["raw_gc"] += collected() - gc_start
    timing["events"] += len(events)
    return events[-1].seq


class Collections:
    """Time Python's cyclic garbage collector spends while the benchmark runs, per generation."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self._start = 0.0

    def __enter__(self) -> Collections:
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._note)

    def total(self) -> float:
        """The seconds collected so far, in all generations."""
        return sum(self.seconds)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._start
            self.count[info["generation"]] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--default-cache", action="store_true", help="the desk's default plan cache")
    args = parser.parse_args()
    ratios = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder, Collections() as collections:
            walk_rate, raw_rate, events, actions, walk_gc, raw_gc = run(
                Path(folder), args.plans, default_cache=args.default_cache, collections=collections
            )
        ratios.append(walk_rate / raw_rate)
        print(
            f"run {i + 1}: {args.plans} plans, {events} events in {actions} actions; "
            f"workflow {walk_rate:,.0f} events/s, raw store append {raw_rate:,.0f} events/s, "
            f"ratio {ratios[-1]:.2f}; garbage collection {collections.total():.1f} s ({walk_gc:.1f} s of the "
            f"walk's time, {raw_gc:.1f} s of the baseline's, which runs with the collector off), "
            f"{collections.seconds[2]:.1f} s of it in {collections.count[2]} full collections"
        )
    print(f"ratio median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")


if __name__ == "__main__":
    main()
