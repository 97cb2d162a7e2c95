"""A store in which the example plans went through the workflow (the demo's walks), plus one plan that
went to the waiting list and was funded from it: every kind of letter has a decision to announce."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from beoordeling import Actor, Role, Store, load_plans
from beoordeling._demo_paths import DemoClock, walk_examples
from beoordeling.desk import Desk
from beoordeling.workflow import Trigger

from .conftest import EXAMPLES
from .workflow_support import LEADERS, NZA, SUBMITTER, judge_all

WAITLISTED = "TP-2023-0015"
ISSUER = Actor("P. Post", "Coöperatie VGZ", Role.COORDINATING_INSURER)


def build_walked_store(path: Path) -> None:
    story = DemoClock()
    with Store.open(str(path), create=True, clock=story) as store:
        store.initialise(Actor("test", "beoordeling", Role.SYSTEM))
        plans = load_plans(EXAMPLES)
        queued = next(p for p in plans if p.id == "TP-2023-0014").model_copy(
            update={"id": WAITLISTED, "title": "Thuismonitoring, tweede tranche"}
        )
        store.save_plans([*plans, queued], SUBMITTER)
        desk = Desk(store)
        walk_examples(desk, story, {p.id for p in plans})
        _walk_to_waiting_list(desk, story)


def _walk_to_waiting_list(desk: Desk, story: DemoClock) -> None:
    def on(day: date) -> None:
        story.day = day

    def both(method: str, outcome: str) -> None:
        for leader in LEADERS:
            getattr(desk, method)(WAITLISTED, outcome, leader)

    on(date(2024, 9, 2))
    desk.act(WAITLISTED, Trigger.SUBMIT_QUICK_TEST, SUBMITTER)
    on(date(2024, 9, 23))
    judge_all(desk, WAITLISTED)
    both("decide", "positive")
    on(date(2025, 1, 13))
    desk.act(WAITLISTED, Trigger.SUBMIT_PLAN, SUBMITTER)
    on(date(2025, 2, 3))
    judge_all(desk, WAITLISTED)
    both("propose", "approve")
    on(date(2025, 2, 24))
    both("decide", "approve")
    on(date(2025, 9, 22))
    desk.act(WAITLISTED, Trigger.WAITLIST, NZA)
    on(date(2026, 2, 16))
    desk.act(WAITLISTED, Trigger.FUND, NZA)


def copy_store(source: Path, target: Path) -> str:
    """A copy of a built store for a test that records letters in it."""
    shutil.copy(source, target)
    return str(target)
