"""A store in which the example plans went through the workflow (the demo's walks), plus one plan that
went to the waiting list and was funded from it: every kind of letter has a decision to announce."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from beoordeling import Actor, Role, Store, load_plans
from beoordeling._demo_paths import DemoClock, Walk, walk_examples
from beoordeling.desk import Desk
from beoordeling.workflow import Trigger

from .conftest import EXAMPLES
from .workflow_support import LEADERS, NZA, SUBMITTER

WAITLISTED = "TP-2023-0015"
ISSUER = Actor("P. Post", "Coöperatie VGZ", Role.COORDINATING_INSURER)


def build_walked_store(path: Path) -> None:
    story = DemoClock()
    with Store.open(str(path), create=True, clock=story) as store:
        store.initialise(Actor("test", "beoordeling", Role.SYSTEM), practice=True)
        plans = load_plans(EXAMPLES)
        queued = next(p for p in plans if p.id == "TP-2023-0014").model_copy(
            update={"id": WAITLISTED, "title": "Thuismonitoring, tweede tranche"}
        )
        store.save_plans([*plans, queued], SUBMITTER)
        desk = Desk(store)
        walk_examples(desk, story, {p.id for p in plans} | {WAITLISTED}, [(WAITLISTED, _to_the_waiting_list)])


def _to_the_waiting_list(w: Walk) -> str:
    """Approved in February 2025, on the waiting list in September, funded from it in November 2025."""

    def both(method: str, outcome: str) -> None:
        w.both(getattr(w.desk, method), outcome)

    leaders = w.people.leaders
    assert (leaders[0].organisation, leaders[1].organisation) == (LEADERS[0].organisation, LEADERS[1].organisation)
    w.on(date(2024, 9, 2)).act(Trigger.SUBMIT_QUICK_TEST, SUBMITTER)
    w.on(date(2024, 9, 23)).judge_all()
    both("decide", "positive")
    w.on(date(2025, 1, 13)).act(Trigger.SUBMIT_PLAN, SUBMITTER)
    w.on(date(2025, 2, 3)).judge_all()
    both("propose", "approve")
    w.on(date(2025, 2, 24))
    both("decide", "approve")
    w.on(date(2025, 9, 22)).act(Trigger.WAITLIST, NZA)
    w.on(date(2025, 11, 3)).act(Trigger.FUND, NZA)
    return "goedgekeurd, op de wachtrij, daarna gefinancierd"


def copy_store(source: Path, target: Path) -> str:
    """A copy of a built store for a test that records letters in it."""
    shutil.copy(source, target)
    return str(target)
