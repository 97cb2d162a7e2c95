"""For random sequences of actions, a replay of the stored events equals the live state."""

from __future__ import annotations

import tempfile
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beoordeling import Actor, Plan, Role, Store
from beoordeling.desk import Desk
from beoordeling.errors import Refused
from beoordeling.workflow import TRANSITIONS, PlanRecord, Trigger

from .conftest import Clock
from .workflow_support import COORDINATOR, CZ, NZA, SUBMITTER, VGZ, ZK, judge_all, set_day

ACTORS = {
    Role.SUBMITTER: [SUBMITTER],
    Role.COORDINATING_INSURER: [COORDINATOR],
    Role.MARKET_LEADER: [VGZ, ZK],
    Role.OTHER_INSURER: [CZ],
    Role.NZA: [NZA],
}
MANUAL = [t for t in TRANSITIONS if not t.automatic and t.trigger is not Trigger.JUDGE]


def _step(desk: Desk, plan_id: str, data: st.DataObject) -> None:
    """One random action that the plan's state allows in principle; guards may still refuse it."""
    record = desk.current(plan_id)
    choices: list[tuple[str, Trigger | None, Actor]] = [("judge-all", None, VGZ)]
    for transition in MANUAL:
        if record.state in transition.sources:
            for role in transition.roles:
                for actor in ACTORS.get(role, []):
                    choices.append(("act", transition.trigger, actor))
    kind, trigger, actor = data.draw(st.sampled_from(choices), label="action")
    try:
        if kind == "judge-all":
            judge_all(desk, plan_id, data.draw(st.sampled_from(["pass", "fail"]), label="verdict"))
        else:
            assert trigger is not None
            milestone = data.draw(st.sampled_from(["M1", "M2", "M3", "M4"]), label="milestone")
            desk.act(plan_id, trigger, actor, reason="reden", milestone=milestone)
    except Refused:
        pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data(), steps=st.integers(min_value=1, max_value=40))
def test_replay_equals_live_state(data: st.DataObject, steps: int, example_plans: dict[str, Plan]) -> None:
    """The desk's record, a fresh replay and the store's register agree after every sequence."""
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder, Store.open(f"{folder}/s.db", create=True, clock=clock) as store:
        store.initialise(COORDINATOR)
        plan = example_plans["thuismonitoring-ziekenhuizen"]
        set_day(clock, date(2024, 3, 1))
        store.save_plan(plan, SUBMITTER)
        desk = Desk(store)
        for _ in range(steps):
            _step(desk, plan.id, data)
            clock.advance(days=data.draw(st.integers(min_value=0, max_value=20), label="days"))
        live = desk.current(plan.id)
        replayed = PlanRecord.replay(plan.id, store.events(plan.id))
        assert live == replayed
        [summary] = store.plans()
        assert replayed.state == summary.state
        assert store.verify().ok
