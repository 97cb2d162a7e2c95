"""Clock arithmetic: legal holidays, month ends, working days, and the information-request policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from beoordeling import Plan, Store
from beoordeling.workflow import Trigger, is_working_day, legal_holidays, load_policy, next_working_day
from beoordeling.workflow.calendar import easter_sunday

from .conftest import ROOT, Clock
from .workflow_support import BO_IZA, PLAN_ID, SUBMITTER, VGZ, set_day, stored_desk


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2023, date(2023, 4, 9)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)  # fmt: skip
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter == easter_sunday(year)


def test_the_algemene_termijnenwet_holidays_of_2025() -> None:
    """Good Friday and 5 May count every year; King's Day moves to Saturday when 27 April is a Sunday."""
    assert {
        date(2025, 1, 1): "Nieuwjaarsdag",
        date(2025, 4, 18): "Goede Vrijdag",
        date(2025, 4, 20): "Eerste Paasdag",
        date(2025, 4, 21): "Tweede Paasdag",
        date(2025, 4, 26): "Koningsdag",
        date(2025, 5, 5): "Bevrijdingsdag",
        date(2025, 5, 29): "Hemelvaartsdag",
        date(2025, 6, 8): "Eerste Pinksterdag",
        date(2025, 6, 9): "Tweede Pinksterdag",
        date(2025, 12, 25): "Eerste Kerstdag",
        date(2025, 12, 26): "Tweede Kerstdag",
    } == legal_holidays(2025)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 29), date(2024, 4, 2)),  # Good Friday, weekend, Easter Monday
        (date(2026, 5, 5), date(2026, 5, 6)),  # Liberation Day in a year not divisible by five
        (date(2025, 12, 25), date(2025, 12, 29)),  # Christmas, Boxing Day, weekend
        (date(2024, 4, 27), date(2024, 4, 29)),  # King's Day on a Saturday
        (date(2024, 2, 29), date(2024, 2, 29)),  # a plain Thursday in a leap year
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert expected == next_working_day(day)
    assert is_working_day(expected)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (date(2024, 1, 31), date(2024, 2, 28)),  # across a month end in a leap year
        (date(2023, 2, 28), date(2023, 3, 28)),  # from the last day of February
        (date(2025, 4, 7), date(2025, 5, 6)),  # ends on 5 May: moves to the 6th
        (date(2024, 11, 28), date(2024, 12, 27)),  # ends on Boxing Day
        (date(2024, 12, 4), date(2025, 1, 2)),  # ends on New Year's Day
    ],
)
def test_the_quick_test_clock(
    submitted: date, due: date, store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """Four weeks from the submission, moved to the next working day (Algemene termijnenwet)."""
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, submitted)
    desk.submit(PLAN_ID, SUBMITTER)
    record = desk.record(PLAN_ID)
    assert due == (record.clock and record.clock.due_on)


def _policy_with(tmp_path: Path, **changes: str) -> Path:
    text = (ROOT / "policy" / "iza.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("setting", "due"),
    [
        ("suspend", date(2024, 4, 15)),  # 4 weeks + the 14 days the clock stood still: 15 April
        ("restart", date(2024, 4, 22)),  # a fresh 4 weeks from the answer on 25 March
        ("continue", date(2024, 4, 2)),  # unchanged: 1 April is Easter Monday
    ],
)
def test_an_information_request_and_the_clock(
    setting: str, due: date, tmp_path: Path, store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    """The policy file decides whether 'more information requested' pauses the quick-test clock."""
    policy = load_policy(
        _policy_with(tmp_path, **{"on_information_request: suspend": f"on_information_request: {setting}"})
    )
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2024, 3, 4))
    desk.adopt_policy(policy, BO_IZA, reason="Andere instelling van de termijnen")
    desk.submit(PLAN_ID, SUBMITTER)
    set_day(clock, date(2024, 3, 11))
    desk.act(PLAN_ID, Trigger.REQUEST_INFO, VGZ, reason="Begroting ontbreekt")
    suspended = desk.record(PLAN_ID).clock
    assert (setting != "continue") == (suspended is not None and suspended.suspended_on == date(2024, 3, 11))
    set_day(clock, date(2024, 3, 25))
    desk.act(PLAN_ID, Trigger.ANSWER, SUBMITTER)
    record = desk.record(PLAN_ID)
    assert (due, None) == (record.clock and record.clock.due_on, record.clock and record.clock.suspended_on)


def test_calendar_weeks_when_the_policy_says_so(
    tmp_path: Path, store: Store, clock: Clock, example_plans: dict[str, Plan]
) -> None:
    policy = load_policy(_policy_with(tmp_path, **{"working_days: algemene-termijnenwet": "working_days: calendar"}))
    desk = stored_desk(store, example_plans["thuismonitoring-ziekenhuizen"], clock, date(2025, 4, 7))
    desk.adopt_policy(policy, BO_IZA, reason="Andere instelling van de termijnen")
    desk.submit(PLAN_ID, SUBMITTER)
    record = desk.record(PLAN_ID)
    assert date(2025, 5, 5) == (record.clock and record.clock.due_on)
