"""Properties of the record's time: random actions on random stated dates."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from beoordeling import Store, load_plan
from beoordeling._time import local_date
from beoordeling.desk import Desk
from beoordeling.errors import BeoordelingError
from beoordeling.overview import overview_sheets
from beoordeling.store import Event, NewEvent, Reading
from beoordeling.workflow import PlanRecord, Trigger

from .conftest import EXAMPLES, Clock
from .strategies import dated_actions
from .workflow_support import SUBMITTER, VGZ, set_day

_BASE = load_plan(next(path for path in EXAMPLES if path.stem == "thuismonitoring-ziekenhuizen"))
PLANS = [_BASE.model_copy(update={"id": f"TP-2024-{n:04d}"}) for n in range(2)]
START = date(2024, 3, 4)


def _day(event: Event, reading: Reading) -> date:
    moment = event.recorded_at if reading is Reading.KNOWN and event.recorded_at else event.occurred_at
    return local_date(moment)


def _act(desk: Desk, action: str, plan_id: str, on: date | None) -> None:
    if action == "submit":
        desk.submit(plan_id, SUBMITTER, on=on)
    elif action == "request-info":
        desk.act(plan_id, Trigger.REQUEST_INFO, VGZ, reason="Graag een toelichting.", on=on)
    elif action == "answer":
        desk.act(plan_id, Trigger.ANSWER, SUBMITTER, on=on)
    elif action == "withdraw":
        desk.act(plan_id, Trigger.WITHDRAW, SUBMITTER, reason="Ingetrokken.", on=on)
    else:  # an event past the desk: it may not state when it took effect
        desk.store.append([NewEvent("test.note", SUBMITTER, plan_id, occurred_at=desk._effective(on, desk.today()))])


@settings(max_examples=40, deadline=None)
@given(steps=dated_actions)
def test_accepted_events_keep_the_bounds_and_views_as_of_any_date_equal_a_filtered_replay(
    steps: list[tuple[int, str, int, int | None]],
) -> None:
    """Every accepted event lies within the bounds; a refused one stores nothing; overview and
    deadlines as of any date, in both readings, equal a replay of the events filtered by that rule."""
    clock = Clock(datetime(2024, 1, 2, 9, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder, Store.open(f"{folder}/s.db", create=True, clock=clock) as store:
        store.initialise(SUBMITTER, practice=True)
        set_day(clock, START)
        desk = Desk(store)
        desk.save_plans(PLANS, SUBMITTER)
        day = START
        for advance, action, which, back in steps:
            day += timedelta(days=advance)
            set_day(clock, day)
            stated = None if back is None else day - timedelta(days=back)
            before = list(store.events())
            try:
                _act(desk, action, PLANS[which].id, stated)
            except BeoordelingError:
                assert before == list(store.events())  # refused: nothing stored
                desk = Desk(store)  # the refusal may leave the desk's cached record behind
        events = list(store.events())
        last_recorded: datetime | None = None
        last_effective: dict[str, date] = {}
        for event in events:
            assert event.recorded_at is not None
            recorded_day, effective = local_date(event.recorded_at), local_date(event.occurred_at)
            assert last_recorded is None or event.recorded_at >= last_recorded
            assert recorded_day - timedelta(days=14) <= effective <= recorded_day
            if event.plan_id:
                assert effective >= last_effective.get(event.plan_id, effective)
                last_effective[event.plan_id] = effective
            last_recorded = event.recorded_at
        assert store.verify().ok

        for on in {START - timedelta(days=1), START, *(local_date(e.occurred_at) for e in events), day}:
            for reading in Reading:
                records: dict[str, PlanRecord] = {}
                for event in events:
                    if event.plan_id and _day(event, reading) <= on:
                        records.setdefault(event.plan_id, PlanRecord(event.plan_id)).apply(event)
                [register] = [s for s in overview_sheets(store, on=on, reading=reading) if s.name == "Plannen"]
                assert {plan_id: r.state.label for plan_id, r in records.items()} == {
                    row[0]: row[3] for row in register.rows
                }
                expected = [(d.plan_id, d.what, d.due_on) for d in desk.deadlines_of(records, {}, on)]
                assert expected == [(d.plan_id, d.what, d.due_on) for d in desk.deadlines(on, reading)]


_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_the_dutch_day_of_a_moment_is_its_day_in_amsterdam(moment: datetime) -> None:
    """``local_date`` keeps the day of each UTC hour it has met: exact, since Amsterdam's offset is
    whole hours and changes on the hour."""
    assert moment.astimezone(_AMSTERDAM).date() == local_date(moment)
    assert moment.astimezone(_AMSTERDAM).date() == local_date(moment.astimezone(_AMSTERDAM))


def test_the_dutch_day_around_every_change_of_the_clocks() -> None:
    for year in range(2019, 2031):
        for month in (3, 10):
            moment = datetime(year, month, 24, tzinfo=UTC)
            while moment < datetime(year, month + 1, 1, 6, tzinfo=UTC):
                assert moment.astimezone(_AMSTERDAM).date() == local_date(moment), moment
                moment += timedelta(minutes=7)
