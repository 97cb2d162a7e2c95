"""Counts per step and outcome, in a period and up to its end, and where every quick test stands.

A count is of plans, not of events: a plan whose quick test was answered twice counts once as a
plan asked for more information. "Where every quick test stands" puts each plan that submitted a
quick test in exactly one place (passed, rejected, more information requested and not yet
decided, or still open), the way the published national positions count them (the VWS overview
of 12 February 2024: 183 quick tests, 88 passed, 52 rejected, 43 with more information requested).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .._i18n import _
from ..model import PlanState
from ..money.books import Books
from ..store import Event, Reading
from ..store.asof import AsOf, event_day
from ..workflow import PlanRecord
from .burden import Burden, BurdenWatch
from .clocks import ClockFigures, ClockWatch
from .compare import MIN_DECIDED, Comparison, compare
from .money import Money, RequestTally
from .words import UNKNOWN

__all__ = [
    "OUTCOMES",
    "SPLITS",
    "UNKNOWN",
    "Count",
    "CriterionCount",
    "Figures",
    "Group",
    "Outcomes",
    "Period",
    "QuickTestStanding",
    "figures",
    "period_of",
]

OUTCOMES: Mapping[str, tuple[str, str]] = {
    "workflow.submit-quick-test": ("quick-test", "submitted"),
    "workflow.request-info": ("quick-test", "more-information"),
    "workflow.pass-quick-test": ("quick-test", "passed"),
    "workflow.fail-quick-test": ("quick-test", "rejected"),
    "workflow.submit-plan": ("plan", "submitted"),
    "workflow.approve": ("plan", "approved"),
    "workflow.reject": ("plan", "not-approved"),
    "workflow.request-rework": ("plan", "rework"),
    "workflow.fund": ("funds", "funded"),
    "workflow.waitlist": ("funds", "waitlisted"),
    "workflow.milestone-met": ("milestones", "met"),
    "workflow.milestone-missed": ("milestones", "missed"),
    "workflow.complete": ("end", "completed"),
    "workflow.withdraw": ("end", "withdrawn"),
}
"""The events counted, each as the step of the framework it belongs to and its outcome, in order."""

_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")


@dataclass(frozen=True)
class Period:
    """The days counted: from ``start`` (None: from the first event) up to and including ``end``."""

    start: date | None
    end: date
    label: str

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "from": self.start.isoformat() if self.start else None, "to": self.end.isoformat()}

    def previous(self) -> Period | None:
        """The period before this one: the previous quarter, or as many days just before ``start``;
        None for everything up to a day, which has nothing before it."""
        if self.start is None:
            return None
        if _QUARTER.fullmatch(self.label):
            year, number = int(self.label[:4]), int(self.label[-1])
            return period_of(f"{year - 1}Q4" if number == 1 else f"{year}Q{number - 1}")
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return period_of(start=end - length, end=end)


def period_of(
    quarter: str | None = None, *, start: date | None = None, end: date | None = None, on: date | None = None
) -> Period:
    """A quarter (``2024Q1``), the days from ``start`` to ``end``, or everything up to ``on``;
    :class:`ValueError` with what is wrong otherwise."""
    chosen = sum(x is not None for x in (quarter, end, on))
    if chosen != 1 or (start is not None and end is None):
        raise ValueError(_("name one period: a quarter (--quarter 2024Q1), --from and --to, or --on"))
    if quarter is not None:
        found = _QUARTER.fullmatch(quarter.strip())
        if found is None or not 2000 <= int(found[1]) <= 2100:
            raise ValueError(
                _("{quarter!r} is not a quarter: write the year and the quarter, such as 2024Q1").format(
                    quarter=quarter[:20]
                )
            )
        year, number = int(found[1]), int(found[2])
        first = date(year, 3 * number - 2, 1)
        last = (date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)) - timedelta(days=1)
        return Period(first, last, f"{year}Q{number}")
    if end is not None:
        if start is not None and start > end:
            raise ValueError(_("the period starts after it ends"))
        label = f"{start.isoformat()}/{end.isoformat()}" if start else f"-/{end.isoformat()}"
        return Period(start, end, label)
    if on is None:  # pragma: no cover - one of the three was chosen above
        raise ValueError(_("name one period: a quarter (--quarter 2024Q1), --from and --to, or --on"))
    return Period(None, on, f"-/{on.isoformat()}")


@dataclass(frozen=True)
class QuickTestStanding:
    """Where every quick test submitted by the end of the period stands then: each in one place."""

    submitted: int
    passed: int
    rejected: int
    more_information: int
    """Not decided yet, and more information was asked for."""
    open: int
    """Not decided yet, and no information asked for."""

    def as_dict(self) -> dict[str, int]:
        return {
            "submitted": self.submitted, "passed": self.passed, "rejected": self.rejected,
            "more-information": self.more_information, "open": self.open,
        }  # fmt: skip


_DECISIONS = frozenset({
    "workflow.pass-quick-test", "workflow.fail-quick-test",
    "workflow.approve", "workflow.reject", "workflow.request-rework",
})  # fmt: skip
"""The decisions whose stored criteria results count (their own edition of the rules, as decided)."""


@dataclass(frozen=True)
class CriterionCount:
    """How often a criterion did not hold in the decisions of the period at its step."""

    step: str
    criterion: str
    title: str
    title_en: str
    failed: int
    incomplete: int
    decisions: int
    """The decisions of the period whose assessment held this criterion."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step, "criterion": self.criterion, "title": self.title, "title_en": self.title_en,
            "failed": self.failed, "incomplete": self.incomplete, "decisions": self.decisions,
        }  # fmt: skip


SPLITS = ("region", "theme", "sector", "submitting-sector", "scale", "insurers")
"""What the figures are split by: the plan's region, its theme, each sector of its parties (a plan
counts in every sector it involves), the sector of its lead party (listed first), the scale its
partners chose (individual, local, regional, national), and the pair of market leaders that
assesses it."""


@dataclass(frozen=True)
class Group:
    """The figures of one group of plans (a region, a theme, a sector, a pair of market leaders)."""

    split: str
    name: str
    quick_tests: QuickTestStanding
    approved: int
    not_approved: int
    funded: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split, "group": self.name, "quick_tests": self.quick_tests.as_dict(),
            "approved": self.approved, "not_approved": self.not_approved, "funded": self.funded,
        }  # fmt: skip


@dataclass(frozen=True)
class Figures:
    """The figures of a period, in one reading of the events' times."""

    period: Period
    reading: Reading
    in_period: Mapping[tuple[str, str], int]
    """Plans with such an event in the period."""
    to_date: Mapping[tuple[str, str], int]
    """Plans with such an event up to the period's end."""
    quick_tests: QuickTestStanding
    states: Mapping[PlanState, int]
    """Plans per state at the period's end (those that have left the draft)."""
    groups: tuple[Group, ...] = ()
    """The figures per region, theme, sector and pair of market leaders (:data:`SPLITS`), of the
    plans that submitted a quick test, each split's groups by name."""
    clocks: tuple[ClockFigures, ...] = ()
    """Whether the clocks were kept: the decisions of the period against their terms, and the clocks
    still running at its end."""
    comparisons: tuple[Comparison, ...] = ()
    """Each group's pass rate at the quick test and at the plan's decision against the rest, with
    its interval, exact test and Holm's correction (:mod:`.compare`)."""
    criteria: tuple[CriterionCount, ...] = ()
    """Per step, the criteria by how often they did not hold in the period's decisions, most first."""
    burden: Burden | None = None
    """The administrative burden of the plans decided in the period (:mod:`.burden`)."""
    money: Money | None = None
    """Where the money stands at the period's end (:mod:`.money`), when the books were given."""

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON data (``stats --format json``)."""
        return {
            "period": self.period.as_dict(),
            "reading": self.reading.value,
            "counts": [
                {"step": step, "outcome": outcome, "in_period": self.in_period.get((step, outcome), 0),
                 "to_date": self.to_date.get((step, outcome), 0)}
                for step, outcome in OUTCOMES.values()
            ],
            "quick_tests": self.quick_tests.as_dict(),
            "states": {state.value: count for state, count in self.states.items()},
            "groups": [group.as_dict() for group in self.groups],
            "clocks": [clock.as_dict() for clock in self.clocks],
            "comparisons": [comparison.as_dict() for comparison in self.comparisons],
            "criteria": [criterion.as_dict() for criterion in self.criteria],
            "burden": self.burden.as_dict() if self.burden else None,
            "money": self.money.as_dict() if self.money else None,
        }  # fmt: skip


def figures(
    events: Iterable[Event],
    period: Period,
    reading: Reading = Reading.KNOWN,
    *,
    min_decided: int = MIN_DECIDED,
    books: Books | None = None,
) -> Figures:
    """The figures of ``period`` from ``events`` (in store order) as the store had them at the end
    of it: recorded by then (``known``, the default), or having taken effect by then (``happened``).
    One pass; what is kept is a record per plan, not the events. A group with fewer than
    ``min_decided`` decided plans is not compared with the rest. With ``books`` (as of the
    period's end, in the same reading), also where the money stands."""
    count = Count(period, reading)
    for event in events:
        count.take(event)
    return count.figures(min_decided=min_decided, books=books)


class Outcomes:
    """The plans per step and outcome (:data:`OUTCOMES`) in a period from ``start`` (None: from
    the first event) and up to its end, taking the events of the period's record one by one."""

    def __init__(self, start: date | None) -> None:
        self.start = start
        self.in_period: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.to_date: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(self, event: Event, on: date) -> bool:
        """Count ``event``, on day ``on``; whether it is an outcome of the period itself."""
        key = OUTCOMES.get(event.type)
        if key is None or event.plan_id is None:
            return False
        self.to_date[key].add(event.plan_id)
        if self.start is not None and on < self.start:
            return False
        self.in_period[key].add(event.plan_id)
        return True

    def counts(self) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
        """How many plans, in the period and up to its end."""
        return {k: len(v) for k, v in self.in_period.items()}, {k: len(v) for k, v in self.to_date.items()}


class Count:
    """The figures of a period, taking the events one by one (in store order), so that one stream
    of a store's events can feed the counts of several periods (:func:`.evaluation.evaluate`).

    What is kept is a record per plan, not the events. A decision of the period read without its
    stored assessment (``Store.events(without=("assessment",))``) is remembered by its number:
    :attr:`unread` lists them, and :meth:`tally` takes them when they are read in full."""

    def __init__(self, period: Period, reading: Reading = Reading.KNOWN) -> None:
        self.period = period
        self.reading = reading
        self.records: dict[str, PlanRecord] = {}
        self.unread: list[int] = []
        self._as_of = AsOf(period.end, reading)
        self._outcomes = Outcomes(period.start)
        self._watch = ClockWatch(period.start, period.end)
        self._burden = BurdenWatch(period.start)
        self._requests = RequestTally()
        self._tally = _Tally()

    def take(self, event: Event, on: date | None = None) -> None:
        """Count ``event`` if it belongs to the record as of the period's end (see
        :func:`..store.events_as_of`: a plan is read up to its first event after the end); ``on``
        is its day in the count's reading, if the caller has it."""
        plan_id = event.plan_id
        if plan_id is None:
            return
        if on is None:
            on = event_day(event, self.reading)
        if not self._as_of.admits(event, on):
            return
        record = self.records.get(plan_id)
        if record is None:
            record = self.records[plan_id] = PlanRecord(plan_id)
        clock, state = record.clock, record.state
        record.apply(event)
        self.took(event, on, record, clock, state)

    def admits(self, event: Event, on: date) -> bool:
        """Whether ``event``, on day ``on`` in the count's reading, belongs to the record as of the
        period's end (for a caller that replays the records itself: :func:`.evaluation.evaluate`)."""
        return event.plan_id is not None and self._as_of.admits(event, on)

    def took(self, event: Event, on: date, record: PlanRecord, clock: Any, state: PlanState) -> None:
        """Count ``event`` (admitted), which ``record`` (this count's record of its plan) has just
        applied; ``clock`` and ``state`` are the record's from before it."""
        self._watch.after(clock, record, on)
        self._burden.after(state, record, event, on)
        self._requests.add(event, on)
        if self._outcomes.add(event, on) and event.type in _DECISIONS:
            if "assessment" in event.payload:
                self._tally.add(event.payload["assessment"])
            else:
                self.unread.append(event.seq)

    def tally(self, event: Event) -> None:
        """Count the criteria results of a decision of :attr:`unread`, read in full."""
        self._tally.add(event.payload.get("assessment"))

    def figures(self, *, min_decided: int = MIN_DECIDED, books: Books | None = None) -> Figures:
        """The figures of the events taken; with ``books`` (as of the period's end, in the same
        reading), also where the money stands."""
        records, to_date = self.records, self._outcomes.to_date
        standing = _standing(to_date, set(records))
        members: dict[tuple[str, str], set[str]] = defaultdict(set)
        for plan_id in to_date[("quick-test", "submitted")]:
            for split, name in _groups_of(records[plan_id]):
                members[split, name].add(plan_id)
        ordered = sorted(members.items(), key=lambda item: (SPLITS.index(item[0][0]), item[0][1]))
        groups = tuple(
            Group(split, name, _standing(to_date, plans), len(to_date[("plan", "approved")] & plans),
                  len(to_date[("plan", "not-approved")] & plans), len(to_date[("funds", "funded")] & plans))
            for (split, name), plans in ordered
        )  # fmt: skip
        decided = {
            "quick-test": _outcomes(to_date[("quick-test", "passed")], to_date[("quick-test", "rejected")]),
            "plan": _outcomes(to_date[("plan", "approved")], to_date[("plan", "not-approved")]),
        }
        comparisons = compare(decided, dict(ordered), min_decided=min_decided)
        states: dict[PlanState, int] = {}
        for record in records.values():
            if record.state is not PlanState.DRAFT:
                states[record.state] = states.get(record.state, 0) + 1
        return Figures(
            self.period, self.reading, *self._outcomes.counts(), standing,
            dict(sorted(states.items(), key=lambda item: list(PlanState).index(item[0]))), groups,
            self._watch.figures(records.values()), comparisons, self._tally.counts(), self._burden.burden(),
            None if books is None else self._requests.money(books, _themes(records)),
        )  # fmt: skip


class _Tally:
    """The criteria results stored with decisions, counted per step and criterion."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], list[Any]] = {}

    def add(self, assessment: Any) -> None:
        if not isinstance(assessment, Mapping):
            return  # a decision recorded without its assessment (an earlier release): nothing to count
        for step in assessment.get("steps") or ():
            for criterion in step.get("criteria") or ():
                key = (str(step.get("step")), str(criterion.get("id")))
                row = self._counts.setdefault(key, [criterion.get("title", ""), criterion.get("title_en", ""), 0, 0, 0])
                status = criterion.get("status")
                row[2] += status == "fail"
                row[3] += status == "incomplete"
                row[4] += 1

    def counts(self) -> tuple[CriterionCount, ...]:
        found = [CriterionCount(step, cid, str(t), str(t_en), failed, incomplete, n)
                 for (step, cid), (t, t_en, failed, incomplete, n) in self._counts.items()]  # fmt: skip
        return tuple(sorted(found, key=lambda c: (c.step, -(c.failed + c.incomplete), c.criterion)))


def _themes(records: Mapping[str, PlanRecord]) -> dict[str, str]:
    return {plan_id: str(record.groups.get("theme") or "") for plan_id, record in records.items()}


def _outcomes(passed: set[str], failed: set[str]) -> dict[str, bool]:
    """Each decided plan's outcome at a step (a plan that passed after failing counts as passed)."""
    return {**dict.fromkeys(failed - passed, False), **dict.fromkeys(passed, True)}


def _standing(to_date: Mapping[tuple[str, str], set[str]], plans: set[str]) -> QuickTestStanding:
    """Where the quick tests of ``plans`` stand: each submitted one in exactly one place."""
    submitted = to_date.get(("quick-test", "submitted"), set()) & plans
    passed = to_date.get(("quick-test", "passed"), set()) & submitted
    rejected = (to_date.get(("quick-test", "rejected"), set()) & submitted) - passed
    waiting = submitted - passed - rejected
    asked = waiting & to_date.get(("quick-test", "more-information"), set())
    return QuickTestStanding(len(submitted), len(passed), len(rejected), len(asked), len(waiting - asked))


def _groups_of(record: PlanRecord) -> Iterator[tuple[str, str]]:
    """The groups a plan counts in, from the groups its events carry (the plan as it then was)."""
    groups = record.groups
    unknown = UNKNOWN
    yield "region", str(groups.get("region") or unknown)
    yield "theme", str(groups.get("theme") or unknown)
    for sector in groups.get("sectors") or [unknown]:
        yield "sector", str(sector)
    yield "submitting-sector", str(groups.get("submitting_sector") or unknown)
    yield "scale", str(groups.get("scale") or unknown)
    yield "insurers", " / ".join(sorted(groups.get("market_leaders") or [])) or unknown
