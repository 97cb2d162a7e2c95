"""A state machine over the money: random fundings, waiting-list places, withdrawals, milestones,
payments, completions, days passing (a reservation's deadline among them) and daily moves of the
list, on a real store. After every step: the books balance, the queue is in order, nobody is
funded past an earlier plan that fits, the desk's books equal books built afresh, and every cent
committed to a plan is traceable to its own events."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from beoordeling import Plan, PlanState, Store
from beoordeling.desk import Desk
from beoordeling.errors import Refused
from beoordeling.money import Account, AccountKind, cents
from beoordeling.money.audit import books_problems
from beoordeling.money.books import Books
from beoordeling.workflow import Trigger

from .conftest import Clock
from .test_money_desk import SMALL, _approve, _programme, _scaled
from .workflow_support import BO_IZA, COORDINATOR, NZA, SUBMITTER, both, judge_all, set_day

S = PlanState
K = AccountKind
PLANS = ("TP-2023-0014", "TP-2023-0015", "TP-2023-0016", "TP-2023-0017", SMALL)
MILESTONES = ("M1", "M2", "M3", "M4")
START = date(2025, 1, 6)
RESERVED = [{"id": "mgn", "on": "2024-01-02", "themes": ["mgn"], "amount": "10000000.00", "until": "2025-03-31",
             "source": "test"}]  # fmt: skip
"""EUR 10m held for another theme until 31 March 2025: it returns to the open part the day after."""


@pytest.fixture(scope="module")
def template(example_plans: dict[str, Plan]) -> Any:
    """A store with the five plans approved and a programme of EUR 60m (EUR 10m reserved for MGN),
    made once and copied for every example."""
    folder = Path(tempfile.mkdtemp())
    clock = Clock()
    plan = example_plans["thuismonitoring-ziekenhuizen"]
    plans = [plan.model_copy(update={"id": plan_id}) for plan_id in PLANS[:-1]] + [_scaled(plan, SMALL, 100)]
    with Store.open(str(folder / "template.db"), create=True, clock=clock) as store:
        clock.now = clock.now.replace(year=2020)
        store.initialise(SUBMITTER, practice=True)
        set_day(clock, date(2024, 1, 2))
        for each in plans:
            store.save_plan(each, SUBMITTER)
        desk = Desk(store)
        desk.adopt_programme(_programme("60000000.00", reservations=RESERVED), BO_IZA, reason="Oefenbudget")
        for number, plan_id in enumerate(PLANS):
            _approve(desk, clock, plan_id, date(2024, 2, 5) + timedelta(weeks=6 * number))
    MoneyMachine.template = folder / "template.db"
    yield
    shutil.rmtree(folder, ignore_errors=True)


class MoneyMachine(RuleBasedStateMachine):
    template: ClassVar[Path]

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        shutil.copyfile(self.template, self.folder / "s.db")
        self.clock = Clock()
        set_day(self.clock, START)
        self.store = Store.open(str(self.folder / "s.db"), clock=self.clock)
        self.desk = Desk(self.store)
        self.day = START

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _state(self, plan_id: str) -> PlanState:
        return self.desk.current(plan_id).state

    def _try(self, plan_id: str, trigger: Trigger, actor: Any, **kwargs: Any) -> bool:
        try:
            result = self.desk.act(plan_id, trigger, actor, **kwargs)
        except Refused:
            return False
        event(f"{trigger.value}" + (" (the list moved)" if result.moved else ""))
        return True

    # --- steps -------------------------------------------------------------------------------------

    @rule(plan_id=st.sampled_from(PLANS))
    def fund(self, plan_id: str) -> None:
        before = Books.of(self.store)
        plan = self.desk._plan(plan_id, None)
        queued = self._state(plan_id) is S.WAITLISTED
        if self._try(plan_id, Trigger.FUND, NZA):
            assert before.fit(plan).fits
            assert not before.ahead_of(plan_id if queued else None), "funded past a plan ahead on the list"

    @rule(plan_id=st.sampled_from(PLANS))
    def waitlist(self, plan_id: str) -> None:
        before = Books.of(self.store)
        plan = self.desk._plan(plan_id, None)
        if self._try(plan_id, Trigger.WAITLIST, NZA):
            assert not before.fit(plan).fits or before.queue, "queued a plan that fits with nobody ahead"

    @rule(plan_id=st.sampled_from(PLANS), outcomes=st.lists(st.booleans(), min_size=1, max_size=4))
    def next_steps(self, plan_id: str, outcomes: list[bool]) -> None:
        """The plan's next steps as its parties would take them (a milestone met or missed as
        ``outcomes`` say): the NZa's check (funds, else the list), the start, the next milestone
        reported and decided, its payment, the completion."""
        for met in outcomes:
            self._next_step(plan_id, met)

    def _next_step(self, plan_id: str, met: bool) -> None:
        state, record = self._state(plan_id), self.desk.current(plan_id)
        if state is S.APPROVED:
            if not self._try(plan_id, Trigger.FUND, NZA):
                assert self._try(plan_id, Trigger.WAITLIST, NZA), "neither funded nor queued"
        elif state is S.FUNDED:
            self._try(plan_id, Trigger.START, SUBMITTER)
        elif state is S.IMPLEMENTATION:
            unpaid = [m for m in MILESTONES if record.milestones.get(m) and m not in record.paid]
            open_ = [m for m in MILESTONES if m not in record.milestones]
            if unpaid:
                self.pay(plan_id, unpaid[0])
            elif open_:
                self.milestone(plan_id, open_[0], met)
            else:
                self.complete(plan_id)

    @rule(plan_id=st.sampled_from(PLANS))
    def withdraw(self, plan_id: str) -> None:
        if self._try(plan_id, Trigger.WITHDRAW, SUBMITTER, reason="De partijen stoppen."):
            self._head_cannot_be_funded()

    @rule(plan_id=st.sampled_from(PLANS), milestone=st.sampled_from(MILESTONES), euros=st.integers(1, 3_000_000))
    def reduce(self, plan_id: str, milestone: str, euros: int) -> None:
        """A milestone found to need less than approved: the difference comes back, and the list moves."""
        reason = "Goedkoper dan goedgekeurd"
        if self._try(plan_id, Trigger.REDUCE, COORDINATOR, milestone=milestone, reason=reason, amount=euros * 100):
            self._head_cannot_be_funded()

    def milestone(self, plan_id: str, milestone: str, met: bool) -> None:
        if not self._try(plan_id, Trigger.REPORT_MILESTONE, SUBMITTER, milestone=milestone):
            return
        if met:
            judge_all(self.desk, plan_id)
            both(self.desk, "decide", "met", plan_id=plan_id)
        else:
            both(self.desk, "decide", "missed", "Niet gehaald", plan_id=plan_id)

    def pay(self, plan_id: str, milestone: str) -> None:
        try:
            self.desk.pay(plan_id, milestone, COORDINATOR)
        except Refused:
            return
        event("pay")

    def complete(self, plan_id: str) -> None:
        if self._try(plan_id, Trigger.COMPLETE, COORDINATOR):
            self._head_cannot_be_funded()

    @precondition(lambda self: self.day < date(2026, 6, 1))
    @rule(days=st.integers(min_value=1, max_value=120))
    def days_pass(self, days: int) -> None:
        self.day += timedelta(days=days)
        set_day(self.clock, self.day)

    @rule()
    def move(self) -> None:
        self.desk.move_waiting_list()
        self._head_cannot_be_funded()

    # --- what holds after every step ---------------------------------------------------------------

    def _head_cannot_be_funded(self) -> None:
        """Strict order: after money came back and the list moved, its head does not fit."""
        books = Books.of(self.store)
        if books.queue:
            head = self.desk._plan(books.queue[0].plan_id, None)
            assert not books.fit(head).fits, f"{head.id} fits but waits"

    @invariant()
    def the_books_balance_and_every_cent_is_traced(self) -> None:
        assert [] == books_problems(self.store.events(), date.max)
        books = Books.of(self.store)  # read from the events that make the books (Folding.read)
        kept = self.desk._books(self.desk.today())
        assert (books.ledger.balances(), books.queue) == (kept.ledger.balances(), kept.queue)
        whole = Books.of_events(self.store.events(), self.desk.today(), self.desk._requested)
        assert (books.ledger.balances(), books.queue, books.postings) == (
            whole.ledger.balances(), whole.queue, whole.postings
        )  # fmt: skip
        assert [(q.since, q.seq) for q in books.queue] == sorted((q.since, q.seq) for q in books.queue)
        for plan_id in PLANS:
            committed = books.ledger.balance(Account(K.COMMITTED, None, plan_id))
            paid = sum(books.ledger.balance(Account(K.PAID, None, f"{plan_id}/{m}")) for m in MILESTONES)
            traced = 0  # what the plan's own events moved into its commitment, less what they took out
            for stored in self.store.events(plan_id):
                for kind, _year, part, amount in stored.payload.get("postings", []):
                    if kind == "committed" and part == plan_id:
                        traced += amount
            assert committed == traced
            plan = self.desk._plan(plan_id, None)
            assert 0 <= committed + paid <= cents(plan.funding.total if plan.funding else 0)


LONG = os.environ.get("BEOORDELING_FUZZ") == "long"
MoneyMachine.TestCase.settings = settings(
    max_examples=200 if LONG else 15,
    stateful_step_count=30,
    derandomize=not LONG,  # make test runs the same cases every time; make fuzz explores afresh
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.usefixtures("template")
class TestMoney(MoneyMachine.TestCase):  # type: ignore[misc, valid-type]
    """The machine, run by pytest with the template store made once."""
