"""Policy dates at their boundaries, the theme reservation, and broken policy files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from beoordeling import Desk, Plan, Store
from beoordeling.errors import PolicyError, Refused
from beoordeling.model import Theme
from beoordeling.workflow import Trigger, default_policy, load_policy

from .conftest import ROOT, Clock
from .workflow_support import NZA, PLAN_ID, SUBMITTER, VGZ, ZK, both, judge_all, set_day, stored_desk

BROKEN = ROOT / "tests" / "broken" / "policy"
INTAKE = (
    "submit-quick-test is refused since 1 July 2025 by policy intake-closed-2025 (De mailbox voor nieuwe snelle "
    "toetsen is per 1 juli 2025 gesloten; https://icthealth.nl/nieuws/voorlopige-stop-op-aanvragen-snelle-toets-iza); "
    "only plans announced to the coordinating insurer before 1 July 2025 (intake_announced_on) could still be "
    "submitted up to and including 15 July 2025"
)


def _submit(store: Store, clock: Clock, plan: Plan, day: date) -> None:
    desk = stored_desk(store, plan, clock, day)
    desk.submit(plan.id, SUBMITTER)


@pytest.mark.parametrize(
    ("day", "announced", "refusal"),
    [
        (date(2023, 1, 31), None, "submit-quick-test is refused until 31 January 2023 by policy submissions-open"),
        (date(2023, 2, 1), None, None),
        (date(2025, 6, 30), None, None),
        (date(2025, 7, 1), None, INTAKE),
        (date(2025, 7, 1), date(2025, 6, 30), None),
        (date(2025, 7, 15), date(2025, 6, 30), None),
        (date(2025, 7, 16), date(2025, 6, 30), INTAKE),
        (date(2025, 7, 10), date(2025, 7, 1), INTAKE),
        (date(2026, 2, 1), date(2025, 6, 1), "submit-quick-test is refused since 1 July 2025"),
    ],
)
def test_submitting_a_quick_test_on_the_policy_boundaries(
    day: date, announced: date | None, refusal: str | None, store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """Submissions open on 1 Feb 2023; intake closes on 1 Jul 2025 but for plans announced before it."""
    plan = example_plans["thuismonitoring-ziekenhuizen"].model_copy(update={"intake_announced_on": announced})
    if refusal is None:
        _submit(store, clock, plan, day)
        return
    with pytest.raises(Refused) as refused:
        _submit(store, clock, plan, day)
    [reason] = refused.value.reasons
    assert reason.startswith(refusal)


def test_the_february_2026_halt_stops_decisions_on_plans_not_yet_approved(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """On 31 Jan 2026 a proposal is still taken; from 1 Feb 2026 it is refused, naming the policy."""
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2025, 1, 6))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    both(desk, "decide", "positive")
    set_day(clock, date(2026, 1, 5))
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    set_day(clock, date(2026, 1, 31))
    desk.propose(PLAN_ID, "approve", VGZ)
    set_day(clock, date(2026, 2, 1))
    with pytest.raises(Refused) as refused:
        desk.propose(PLAN_ID, "approve", ZK)
    assert (
        "propose-approval is refused since 1 February 2026 by policy assessment-halt-2026 (Het BO IZA heeft de "
        "beoordeling van nog niet goedgekeurde plannen stopgezet (februari 2026); "
        "https://www.icthealth.nl/nieuws/beoordeling-nog-niet-goedgekeurde-transformatieplannen-stopgezet)",
    ) == refused.value.reasons
    [deadline] = desk.deadlines(date(2026, 3, 1))
    assert ("halted by policy assessment-halt-2026 (since 1 February 2026)", False) == (
        deadline.note,
        deadline.overdue,
    )


def _approve(desk: Desk, clock: Clock) -> None:
    """Quick test, plan and proposal on the desk's date; the final approval on 1 July 2025."""
    judge_all(desk)
    both(desk, "decide", "positive")
    desk.submit(PLAN_ID, SUBMITTER)
    judge_all(desk)
    both(desk, "propose", "approve")
    set_day(clock, date(2025, 7, 1))
    both(desk, "decide", "approve")


def test_an_approved_plan_goes_on_after_the_halt(store: Store, clock: Clock, example_plans: dict[str, Plan]) -> None:
    """Funding and implementation are not assessment: they continue after February 2026."""
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2025, 6, 2))
    desk.submit(PLAN_ID, SUBMITTER)
    _approve(desk, clock)
    set_day(clock, date(2026, 3, 2))
    assert "gefinancierd" == desk.act(PLAN_ID, Trigger.FUND, NZA).state.value


def test_the_theme_reservation_deadline_is_listed_and_recorded(
    store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """A plan with a reserved theme sees the 31 Dec 2025 deadline; its approval records whether it made it."""
    plan = example_plans["thuismonitoring-ziekenhuizen"].model_copy(update={"theme": Theme.MGN})
    desk = stored_desk(store, plan, clock, date(2025, 6, 2))
    desk.submit(PLAN_ID, SUBMITTER)
    titles = [(d.what, d.due_on) for d in desk.deadlines(date(2025, 6, 20))]
    assert (
        "Reservering voor de thema's MGN, ZC en S&C; besluit uiterlijk 31 december 2025",
        date(2025, 12, 31),
    ) in titles
    assert 1 == len(desk.deadlines(date(2025, 6, 10)))  # the reservation starts on 16 June 2025
    _approve(desk, clock)
    approval = desk.history(PLAN_ID)[-1]
    assert {"theme-reservation-2025": True} == approval.payload["deadlines"]


def test_the_shipped_policy_file_loads() -> None:
    policy = default_policy()
    assert ["submissions-open", "intake-closed-2025", "theme-reservation-2025", "assessment-halt-2026"] == [
        rule.id for rule in policy.spec.policies
    ]


BROKEN_MESSAGES = {
    "deadline-that-refuses.yaml": "12: policies[0]: a deadline refuses nothing: leave out refuses, before and grace",
    "duplicate-key.yaml": "10: clocks.consultation: duplicate key 'consultation' (first given on line 9); give each key once",  # noqa: E501
    "impossible-date.yaml": "17: policies[0].from: expected a date written as YYYY-MM-DD (for example 2025-02-01); found '2026-02-30'",  # noqa: E501
    "no-dates.yaml": "12: policies[0]: a policy that refuses needs from and/or before",
    "unknown-pause-setting.yaml": "6: clocks.on_information_request: expected one of 'suspend', 'restart' or 'continue'; found 'pause'",  # noqa: E501
    "unknown-trigger.yaml": "16: policies[0].refuses[0]: expected one of 'submit-quick-test', 'request-info', 'answer', 'pass-quick-test', 'fail-quick-test', 'prepare', 'submit-plan', 'propose-approval', 'propose-rejection', 'propose-rework', 'open-consultation', 'close-consultation', 'approve', 'reject', 'request-rework', 'fund', 'waitlist', 'start', 'report-milestone', 'milestone-met', 'milestone-missed', 'pay', 'reclaim', 'reduce-funding', 'complete', 'withdraw', 'judge', 'comment', 'escalate', 'uphold' or 'send-back'; found 'submit-quick-tset'",  # noqa: E501
}  # fmt: skip


def test_every_broken_policy_fixture_has_its_message() -> None:
    assert sorted(BROKEN_MESSAGES) == sorted(p.name for p in BROKEN.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(BROKEN_MESSAGES))
def test_a_broken_policy_file_is_refused_naming_file_line_and_key(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(PolicyError) as error:
        load_policy(Path("tests/broken/policy") / name)
    assert [f"tests/broken/policy/{name}:{BROKEN_MESSAGES[name]}"] == [str(p) for p in error.value.problems]
