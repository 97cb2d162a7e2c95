"""When the funds run out: a forecast from the pipeline in the store and the rates the store shows.

In 2025 the transformation funds ran out without anyone seeing it coming. The forecast reads the
store as it stood on a day (by default as it was known then, so that a forecast made that day can
be made again later): the money available and reserved, the waiting list, and the plans in the
pipeline with what they ask. From the store's own history it takes, per step, the share of plans
that went on to be approved and how long that took. Each pipeline plan is then an expected claim of
its request times that share, on the day its approval is expected; the waiting list claims at once.
The funds run out on the first day the claims exceed the money (future transfers and lapses of the
programme file taken off on their days).

Where the store shows no plan that finished a step, the forecast assumes the programme file's
``forecast.prior-share`` (50% by default) and the framework's terms, with
``forecast.preparation-days`` (60 by default) to work a plan out, which the sources do not give; it
says so among its assumptions. :func:`backtest` makes the forecast as the store stood on an
earlier day and compares it with what the store shows happened after.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .._dutch import day as _day
from .._dutch import euro, reader
from .._i18n import N_, _
from .._time import local_date
from ..model import PlanState
from ..store import Event, Reading, Store, events_as_of
from ..store.asof import event_day
from .books import Books
from .ledger import AccountKind, cents, euros
from .programme import ForecastSettings

__all__ = ["PRIOR_DAYS", "PRIOR_SHARE", "Backtest", "Claim", "Forecast", "Stage", "backtest", "forecast", "requests_in"]

S = PlanState


@dataclass(frozen=True)
class Stage:
    """A step of the pipeline: the states it holds, and its days to approval by the framework's
    terms, without the time to work a plan out (``prepares``: whether that comes after it)."""

    name: str
    states: frozenset[PlanState]
    term_days: int
    prepares: bool


STAGES = (
    Stage("quick-test", frozenset({S.QUICK_TEST_SUBMITTED, S.MORE_INFO_REQUESTED}), 28 + 56, prepares=True),
    Stage("preparation", frozenset({S.QUICK_TEST_POSITIVE, S.PLAN_IN_PREPARATION, S.REWORK}), 56, prepares=True),
    Stage("assessment", frozenset({S.PLAN_SUBMITTED, S.PROPOSED_DECISION, S.CONSULTATION, S.FINAL_DECISION}), 56,
          prepares=False),
)  # fmt: skip
"""The steps before approval, with the quick test's four weeks and the eight weeks of the proposed
decision, consultation and final decision (Beoordelingskader, steps 1 to 3)."""
PRIOR_SHARE = ForecastSettings().prior_share
"""The share approved assumed, by default, for a step whose outcome the store has never shown."""
PRIOR_DAYS = {s.name: s.term_days + (ForecastSettings().preparation_days if s.prepares else 0) for s in STAGES}
"""The days to approval assumed, by default, per step."""
_FAILED = frozenset({S.QUICK_TEST_NEGATIVE, S.NOT_APPROVED, S.WITHDRAWN})
_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Rate:
    """What the store shows of one step: how many plans left it approved or not, and in how many
    days; ``prior_share`` and ``prior_days`` where it shows nothing."""

    stage: str
    approved: int
    failed: int
    days: tuple[int, ...]
    prior_share: float = PRIOR_SHARE
    prior_days: int = 0

    @property
    def share(self) -> float:
        decided = self.approved + self.failed
        return self.approved / decided if decided else self.prior_share

    @property
    def median_days(self) -> int:
        return int(statistics.median(self.days)) if self.days else self.prior_days

    @property
    def observed(self) -> bool:
        return bool(self.approved + self.failed)


@dataclass(frozen=True)
class Claim:
    """A plan that would draw on the funds: when, how likely, and whether the money would cover it."""

    plan_id: str
    state: PlanState
    requested: int
    share: float
    on: date
    funded: bool
    """Whether the money left on that day covers its whole request, in the order of the claims."""


@dataclass(frozen=True)
class Forecast:
    """The forecast made on a day."""

    on: date
    reading: Reading
    available: int
    """Available and reserved on the day, in cents."""
    queue: int
    """What the waiting list asks, in cents."""
    claims: tuple[Claim, ...]
    rates: tuple[Rate, ...]
    timeline: tuple[tuple[date, int, int], ...]
    """Per day: the money there is (after future transfers and lapses) and the expected claims so far."""
    exhausted_on: date | None
    """The first day the expected claims exceed the money; None when they never do within the horizon."""
    assumptions: tuple[str, ...] = field(default=())

    def expected_claims(self, until: date) -> int:
        """The expected claims up to and including ``until``, in cents."""
        found = 0
        for day, _money, claimed in self.timeline:
            if day > until:
                break
            found = claimed
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "reading": self.reading.value,
            "available": str(euros(self.available)),
            "waiting_list": str(euros(self.queue)),
            "exhausted_on": self.exhausted_on.isoformat() if self.exhausted_on else None,
            "rates": [
                {"stage": r.stage, "approved": r.approved, "failed": r.failed, "share": round(r.share, 4),
                 "median_days": r.median_days, "observed": r.observed}
                for r in self.rates
            ],
            "claims": [
                {"plan": c.plan_id, "state": c.state.value, "requested": str(euros(c.requested)),
                 "share": round(c.share, 4), "on": c.on.isoformat(), "funded": c.funded}
                for c in self.claims
            ],
            "assumptions": list(self.assumptions),
        }  # fmt: skip


def forecast(
    events: Iterable[Event], on: date, requested: Callable[[str], int], reading: Reading = Reading.KNOWN
) -> Forecast:
    """The forecast from ``events`` as they stood on ``on``; ``requested`` gives what a plan asks, in cents."""
    kept = list(events_as_of(events, on, reading))
    books = Books.of_events(kept, on, lambda plan_id, version: requested(plan_id), reading)
    rates = _rates(kept, reading, books.programme.spec.forecast)
    by_stage = {rate.stage: rate for rate in rates}
    states = _states(kept)
    claims: list[tuple[date, float, str, PlanState, int]] = []
    for queued in books.queue:
        claims.append((on, 1.0, queued.plan_id, S.WAITLISTED, queued.requested))
    for plan_id, state in sorted(states.items()):
        if state is S.APPROVED:
            claims.append((on, 1.0, plan_id, state, requested(plan_id)))
            continue
        stage = next((s for s in STAGES if state in s.states), None)
        if stage is None:
            continue
        rate = by_stage[stage.name]
        amount = requested(plan_id)
        if amount:
            claims.append((on + timedelta(days=rate.median_days), rate.share, plan_id, state, amount))
    queue_ids = {q.plan_id for q in books.queue}
    ordered = [c for c in claims if c[2] in queue_ids] + sorted(
        (c for c in claims if c[2] not in queue_ids), key=lambda c: (c[0], c[2])
    )
    money = _money_by_day(books, on)
    available = books.ledger.total(AccountKind.AVAILABLE) + books.ledger.total(AccountKind.RESERVED)
    result: list[Claim] = []
    spent, blocked = 0, False
    for when, share, plan_id, state, amount in ordered:
        fits = not blocked and spent + amount <= money(when)
        blocked = blocked or not fits  # first come, first served: nobody past a plan that waits
        spent += amount if fits else 0
        result.append(Claim(plan_id, state, amount, share, when, fits))
    timeline, exhausted = _timeline(on, ordered, money)
    queue = sum(q.requested for q in books.queue)
    return Forecast(on, reading, available, queue, tuple(result), rates, timeline, exhausted,
                    _assumptions(rates, reading))  # fmt: skip


def _states(events: Sequence[Event]) -> dict[str, PlanState]:
    states: dict[str, PlanState] = {}
    for event in events:
        to = event.payload.get("to")
        if event.plan_id is not None and event.type.startswith("workflow.") and to:
            states[event.plan_id] = PlanState(to)
    return states


def _rates(events: Sequence[Event], reading: Reading, settings: ForecastSettings) -> tuple[Rate, ...]:
    """Per step: of the plans that were in it and have since been approved or stopped, how many
    were approved, and in how many days from first entering the step."""
    entered: dict[tuple[str, str], date] = {}
    outcome: dict[str, tuple[bool, date]] = {}
    for event in events:
        to = event.payload.get("to")
        if event.plan_id is None or not event.type.startswith("workflow.") or not to:
            continue
        state, when = PlanState(to), event_day(event, reading)
        for stage in STAGES:
            if state in stage.states:
                entered.setdefault((event.plan_id, stage.name), when)
        if event.plan_id not in outcome and (state is S.APPROVED or state in _FAILED):
            outcome[event.plan_id] = (state is S.APPROVED, when)
    rates = []
    for stage in STAGES:
        approved, failed, days = 0, 0, []
        for (plan_id, name), since in entered.items():
            if name != stage.name or plan_id not in outcome:
                continue
            ok, when = outcome[plan_id]
            if ok:
                approved += 1
                days.append((when - since).days)
            else:
                failed += 1
        prior = stage.term_days + (settings.preparation_days if stage.prepares else 0)
        rates.append(Rate(stage.name, approved, failed, tuple(sorted(days)), settings.prior_share, prior))
    return tuple(rates)


def _money_by_day(books: Books, on: date) -> Callable[[date], int]:
    """The money available and reserved on a day at or after ``on``, with the programme's later
    transfers and lapses taken off on their days (the events as of ``on`` stay as they are)."""
    changes = sorted({t.on for t in books.programme.spec.transfers} | {x.on for x in books.programme.spec.lapses})
    points = [on] + [d for d in changes if d > on]
    values = []
    for point in points:
        ledger = books.programme.ledger_with(books.postings, point)
        values.append(ledger.total(AccountKind.AVAILABLE) + ledger.total(AccountKind.RESERVED))

    def money(when: date) -> int:
        found = values[0]
        for point, value in zip(points, values, strict=True):
            if point <= when:
                found = value
        return found

    return money


def _timeline(
    on: date, ordered: Sequence[tuple[date, float, str, PlanState, int]], money: Callable[[date], int]
) -> tuple[tuple[tuple[date, int, int], ...], date | None]:
    by_day: dict[date, float] = {}
    for when, share, _plan, _state, amount in ordered:
        by_day[when] = by_day.get(when, 0.0) + share * amount
    last = max((when for when, *_ in ordered), default=on)
    end = max(on + timedelta(days=min(_HORIZON_DAYS, max(90, (last - on).days + 90))), on)
    timeline, claimed, exhausted = [], 0.0, None
    day_ = on
    while day_ <= end:
        claimed += by_day.get(day_, 0.0)
        there = money(day_)
        if exhausted is None and round(claimed) > there:
            exhausted = day_
        timeline.append((day_, there, round(claimed)))
        day_ += timedelta(days=1)
    return tuple(timeline), exhausted


def _assumptions(rates: Sequence[Rate], reading: Reading) -> tuple[str, ...]:
    said = [
        _("the store as it was known on the day") if reading is Reading.KNOWN else _("the store as it happened"),
        _("a plan on the waiting list or approved and not yet checked claims its whole request at once"),
        _(
            "a plan in the pipeline claims its request times the share of plans approved from its step, on the day "
            "its approval is expected; a concept plan claims nothing"
        ),
        _("first come, first served: no plan is funded past one that waits"),
    ]
    for rate in rates:
        if rate.observed:
            said.append(
                _("{stage}: {approved} of {decided} plans approved, in a median of {days} days").format(
                    stage=_(_STAGE_NAMES[rate.stage]), approved=rate.approved, decided=rate.approved + rate.failed,
                    days=rate.median_days,
                )
            )  # fmt: skip
        else:
            said.append(
                _("{stage}: no plan has finished this step yet; assumed {share:.0%} approved in {days} days").format(
                    stage=_(_STAGE_NAMES[rate.stage]), share=rate.prior_share, days=rate.median_days
                )
            )
    return tuple(said)


_STAGE_NAMES = {
    "quick-test": N_("quick test"),
    "preparation": N_("working out the plan"),
    "assessment": N_("assessment"),
}


@dataclass(frozen=True)
class Backtest:
    """A forecast made as the store stood on ``made_on``, against what the store shows by ``until``."""

    forecast: Forecast
    until: date
    predicted_claims: int
    actual_claims: int
    """What was committed to plans or put on the waiting list after ``made_on``, by ``until``, in cents."""
    actual_exhausted_on: date | None
    """The day after ``made_on`` the money ran out, as the store shows it by ``until``: the approval of
    the first plan that then went on the waiting list (``made_on`` when the list was not empty)."""

    @property
    def claims_error(self) -> int:
        return self.predicted_claims - self.actual_claims

    @property
    def days_error(self) -> int | None:
        predicted, actual = self.forecast.exhausted_on, self.actual_exhausted_on
        return (predicted - actual).days if predicted and actual else None

    def summary(self) -> str:
        said = _(
            "forecast made on {made}: claims by {until} {predicted}, in fact {actual} (off by {error}); funds "
            "exhausted {when}, in fact {actual_when}"
        )
        predicted, actual = self.forecast.exhausted_on, self.actual_exhausted_on
        return said.format(
            made=_day(self.forecast.on, reader()), until=_day(self.until, reader()),
            predicted=euro(euros(self.predicted_claims), reader()), actual=euro(euros(self.actual_claims), reader()),
            error=euro(euros(self.claims_error), reader()),
            when=_day(predicted, reader()) if predicted else _("not within the horizon"),
            actual_when=_day(actual, reader()) if actual else _("not by then"),
        )  # fmt: skip


def backtest(events: Sequence[Event], made_on: date, until: date, requested: Callable[[str], int]) -> Backtest:
    """The forecast as the store was known on ``made_on``, compared with the store by ``until``."""
    made = forecast(events, made_on, requested, Reading.KNOWN)
    actual, waited = 0, None
    approved: dict[str, date] = {}
    for event in events_as_of(events, until, Reading.KNOWN):
        to = event.payload.get("to")
        if event.plan_id is None or not to:
            continue
        if to == S.APPROVED.value:
            approved[event.plan_id] = event_day(event, Reading.KNOWN)
        if local_date(event.recorded_at or event.occurred_at) <= made_on:
            continue
        if to == S.FUNDED.value and not event.payload.get("promoted"):
            actual += requested(event.plan_id)
        elif to == S.WAITLISTED.value:
            actual += requested(event.plan_id)
            # The money ran out when a plan was approved that it could not cover.
            waited = waited or max(made_on, approved.get(event.plan_id, made_on))
    if made.queue and waited is None:
        waited = made_on  # it had already run out
    # The waiting list of the day was claimed before it: what is compared is what came after.
    return Backtest(made, until, made.expected_claims(until) - made.queue, actual, waited)


def requests_in(store: Store) -> Callable[[str], int]:
    """What each plan asks, in cents, by its latest version (read once per plan): the pipeline's
    claims a forecast weighs."""
    asked: dict[str, int] = {}

    def requested(plan_id: str) -> int:
        if plan_id not in asked:
            plan = store.plan(plan_id).plan
            asked[plan_id] = cents(plan.funding.total) if plan.funding else 0
        return asked[plan_id]

    return requested
