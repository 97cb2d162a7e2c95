"""For random sequences of actions, a replay of the stored events equals the live state."""

from __future__ import annotations

import copy
import tempfile
from datetime import date

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from beoordeling import Actor, Plan, PlanState, Role, Store
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
ENDINGS = {Trigger.WITHDRAW, Trigger.FAIL_QUICK_TEST, Trigger.PROPOSE_REJECTION, Trigger.REJECT}


def _step(desk: Desk, plan_id: str, data: st.DataObject, *, endings: bool) -> None:
    """One random action that the plan's state allows in principle; guards may still refuse it."""
    record = desk.current(plan_id)
    choices: list[tuple[str, Trigger | None, Actor]] = [("judge-all", None, VGZ)]
    for transition in MANUAL:
        if transition.trigger in ENDINGS and not endings:
            continue
        # A final decision after the window closes the consultation first (the desk does that).
        reachable = (
            {record.state, PlanState.FINAL_DECISION} if record.state is PlanState.CONSULTATION else {record.state}
        )
        if reachable & set(transition.sources):
            for role in transition.roles:
                for actor in ACTORS.get(role, []):
                    choices.append(("act", transition.trigger, actor))
    kind, trigger, actor = data.draw(st.sampled_from(choices), label="action")
    try:
        if kind == "judge-all":
            judge_all(desk, plan_id, data.draw(st.sampled_from(["pass", "pass", "pass", "fail"]), label="verdict"))
        else:
            assert trigger is not None
            milestone = data.draw(st.sampled_from(["M1", "M2", "M3", "M4"]), label="milestone")
            desk.act(plan_id, trigger, actor, reason="reden", milestone=milestone)
    except Refused:
        pass


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data(), steps=st.integers(min_value=1, max_value=80))
def test_replay_equals_live_state(data: st.DataObject, steps: int, example_plans: dict[str, Plan]) -> None:
    """The desk's record, a fresh replay and the store's register agree after every sequence."""
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder, Store.open(f"{folder}/s.db", create=True, clock=clock) as store:
        store.initialise(COORDINATOR, practice=True)
        plan = example_plans["thuismonitoring-ziekenhuizen"]
        set_day(clock, date(2024, 3, 1))
        store.save_plan(plan, SUBMITTER)
        desk = Desk(store)
        # Moves that end a plan come in one sequence out of four; offered always, they would end
        # most sequences before the later states are reached.
        endings = data.draw(st.integers(min_value=0, max_value=3), label="endings?") == 0
        for _ in range(steps):
            _step(desk, plan.id, data, endings=endings)
            clock.advance(days=data.draw(st.integers(min_value=0, max_value=20), label="days"))
        live = desk.current(plan.id)
        event(f"ended in {live.state.value}")
        events = list(store.events(plan.id))
        replayed = PlanRecord.replay(plan.id, events)
        assert live == replayed
        # A copy goes on from where the record stood without changing it (the statistics' two periods).
        cut = data.draw(st.integers(min_value=0, max_value=len(events)), label="copied after")
        early = PlanRecord.replay(plan.id, events[:cut])
        kept = copy.deepcopy(early)
        going_on = early.copy()
        for stored in events[cut:]:
            going_on.apply(stored)
        assert (kept, replayed) == (early, going_on)
        [summary] = store.plans()
        assert replayed.state == summary.state
        assert store.verify().ok
