"""A constructed event log that reproduces the national position of 6 March 2026: 180 plans funded
and 48 on the waiting list (Kamerbrief voortgang IZA, March 2026), on the shipped programme file.

The plans' approvals are written straight into a practice store as the workflow's events (so that
228 plans need not be judged criterion by criterion); the budget-fit check of each is the desk's,
on the day of its approval, as the NZa records it. The money follows the published sequence: from
1 July 2025 (after the AZWA shift) 57 priority plans draw on the BO IZA's reservation and 123 others
on their sectors' earmarks and the open part, until too little is left; what the reservation did not
use comes back on 1 January 2026; the 48 plans approved in January 2026 go on the waiting list.
The Kamerbrief also counts 224 approved plans, which cannot hold 180 funded and 48 queued ones; the
test reproduces the two figures that agree.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling import Actor, Plan, PlanState, Role, Store
from beoordeling.cli import cli
from beoordeling.desk import Desk
from beoordeling.errors import Refused
from beoordeling.model import Sector, Theme
from beoordeling.money.books import Books
from beoordeling.store import NewEvent, PlanAppend
from beoordeling.workflow import Trigger
from beoordeling.workflow.definition import transition_for

from .conftest import Clock
from .workflow_support import NZA, set_day

POSITION_ON = date(2026, 3, 6)
PATH = (
    Trigger.SUBMIT_QUICK_TEST, Trigger.PASS_QUICK_TEST, Trigger.SUBMIT_PLAN, Trigger.PROPOSE_APPROVAL,
    Trigger.OPEN_CONSULTATION, Trigger.CLOSE_CONSULTATION, Trigger.APPROVE,
)  # fmt: skip
LEADER = Actor("beoordelaar", "Coöperatie VGZ", Role.MARKET_LEADER)
PRIORITY = (("mgn", 38), ("zorgcoordinatie", 12), ("spreiding-en-concentratie", 7))
"""The 57 plans of the 2025 reservation, per theme (Kamerbrief voortgang IZA, March 2026)."""
FUNDED = (
    ("msz", 72, "13000000.00"), ("ggz", 12, "13000000.00"), ("huisartsenzorg", 12, "13000000.00"),
    ("wijkverpleging", 10, "13000000.00"), ("elv-grz-gzsp", 3, "13000000.00"), ("overig", 14, "11000000.00"),
)  # fmt: skip
"""The other 123 funded plans: per sector, how many and what each asks (their earmark first, then the open part)."""


def _plan(base: Plan, plan_id: str, theme: str, sector: str, amount: str) -> Plan:
    assert base.funding is not None
    line = base.funding.lines[1].model_copy(update={"sector": Sector(sector), "amount": Decimal(amount), "year": 2026})
    milestone = base.funding.milestones[0].model_copy(update={"amount": Decimal(amount)})
    funding = base.funding.model_copy(update={"lines": [line], "milestones": [milestone]})
    return base.model_copy(update={"id": plan_id, "theme": Theme(theme), "funding": funding})


def _schedule(base: Plan) -> list[tuple[date, Plan]]:
    """Every plan with the day of its approval: the funded ones one a day from 1 July 2025, the
    queued ones two a day from 5 January 2026 (before the February halt of assessments)."""
    funded = [(theme, "msz", "6400000.00") for theme, count in PRIORITY for _ in range(count)]
    funded += [("digitale-zorg", sector, amount) for sector, count, amount in FUNDED for _ in range(count)]
    queued = [("digitale-zorg", "msz", "13000000.00")] * 48
    plans = [
        (date(2025, 7, 1) + timedelta(days=i), _plan(base, f"TP-N-{i:04d}", *spec)) for i, spec in enumerate(funded)
    ]
    plans += [
        (date(2026, 1, 5) + timedelta(days=i // 2), _plan(base, f"TP-N-{len(funded) + i:04d}", *spec))
        for i, spec in enumerate(queued)
    ]
    return plans


@pytest.fixture(scope="module")
def national(example_plans: dict[str, Plan], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("national") / "landelijk.db"
    clock = Clock()
    schedule = _schedule(example_plans["thuismonitoring-ziekenhuizen"])
    with Store.open(str(path), create=True, clock=clock) as store:
        set_day(clock, date(2025, 6, 2))
        store.initialise(LEADER, practice=True)
        store.save_plans([plan for _day, plan in schedule], LEADER)
        desk = Desk(store)
        for day, plan in schedule:
            set_day(clock, day)
            state, events = PlanState.DRAFT, []
            for trigger in PATH:
                transition = transition_for(trigger, state)
                assert transition is not None
                assert transition.dest is not None
                payload = {"trigger": trigger.value, "from": state.value, "to": transition.dest.value}
                events.append(NewEvent(trigger.event_type, LEADER, plan.id, 1, payload=payload))
                state = transition.dest
            store.append_to_plans([PlanAppend(plan.id, tuple(events), desk.current(plan.id).basis_seq, state)])
            desk.record(plan.id)  # read afresh: the approval was written around the desk
            try:
                desk.act(plan.id, Trigger.FUND, NZA)
            except Refused:
                desk.act(plan.id, Trigger.WAITLIST, NZA)
    return path


def test_the_position_of_6_march_2026(national: Path) -> None:
    with Store.open(str(national)) as store:
        states = [summary.state for summary in store.plans()]
        books = Books.of(store, POSITION_ON)
        assert store.verify().ok
    assert (180, 48) == (states.count(PlanState.FUNDED), states.count(PlanState.WAITLISTED))
    assert 48 == len(books.queue)
    assert [] == books.ledger.conservation_problems()


def test_budget_and_waitlist_say_so(national: Path) -> None:
    runner = CliRunner()
    found = json.loads(runner.invoke(cli, ["--store", str(national), "budget", "--on", "2026-03-06",
                                           "--format", "json"]).output)  # fmt: skip
    committed = [line for line in found["lines"] if line["kind"] == "committed"]
    assert (180, {"plans": 48, "amount": "624000000.00"}) == (len(committed), found["waiting_list"])
    assert "364800000.00" == str(sum(Decimal(line["amount"]) for line in committed if line["part"] < "TP-N-0057"))
    queue = json.loads(runner.invoke(cli, ["--store", str(national), "waitlist", "--on", "2026-03-06",
                                           "--format", "json"]).output)  # fmt: skip
    assert (48, "TP-N-0180", "0.00", "611000000.00") == (len(queue), queue[0]["plan"], queue[0]["ahead"],
                                                       queue[-1]["ahead"])  # fmt: skip
    assert [] == found["problems"]
