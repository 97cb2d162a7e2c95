"""The quarterly evaluation of a store: the figures of a period, of the period before it, and what
changed between them; what ``beoordeling stats`` shows and its workbook, report and JSON hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from .._time import AMSTERDAM
from ..money.books import Books
from ..store import Event, Reading, Store
from ..store.asof import event_day
from ..workflow import PlanRecord
from .changes import changes
from .compare import MIN_DECIDED
from .counts import Count, Figures, Period

__all__ = ["SCHEMA_ID", "Evaluation", "evaluate"]

SCHEMA_ID = "https://beoordeling.invalid/schemas/stats-1.json"
"""The JSON Schema the figures as JSON follow (``beoordeling stats --schema`` prints it)."""


@dataclass(frozen=True)
class Evaluation:
    """The figures of a period, and of the one before it, as of a moment, in one reading."""

    figures: Figures
    previous: Figures | None
    as_of: datetime
    """The moment the figures are as of: the end of the period's last day, Dutch time."""
    practice: bool
    """The store is a practice store: its figures are an exercise, not the programme's."""
    min_decided: int = MIN_DECIDED
    """The fewest decided plans a group needed to be compared with the rest."""

    @property
    def changes(self) -> tuple[str, ...]:
        """What changed since the previous period, in the reader's language (none without one)."""
        return tuple(changes(self.figures, self.previous)) if self.previous is not None else ()

    def as_dict(self) -> dict[str, Any]:
        """The evaluation as JSON data (``stats --format json``, ``-o FILE.json``)."""
        return {
            "$schema": SCHEMA_ID,
            "as_of": self.as_of.isoformat(),
            "practice": self.practice,
            "min_decided": self.min_decided,
            **self.figures.as_dict(),
            "previous": self.previous.as_dict() if self.previous else None,
            "changes": list(self.changes),
        }


def evaluate(
    store: Store, period: Period, reading: Reading = Reading.KNOWN, *, min_decided: int = MIN_DECIDED
) -> Evaluation:
    """The evaluation of ``period`` from ``store``'s events and books, as the store had them at the
    period's end (``known``) or by the dates the actors stated (``happened``).

    The events are read once, as a stream, for both periods: only up to the last one that belongs
    to the period (:meth:`Store.last_seq_as_of`), without the events that count for nothing
    (:data:`UNCOUNTED`), and without the decisions' stored assessments, which are most of the
    bytes; the assessments of the decisions in either period are read afterwards, those only.
    Each plan's record is replayed once for both periods (:func:`_replay`)."""
    earlier = period.previous()
    counts = [Count(period, reading)] + ([Count(earlier, reading)] if earlier is not None else [])
    cuts = [store.last_seq_as_of(count.period.end, reading) for count in counts]
    _replay(store.events(until=max(cuts), leaving_out=UNCOUNTED, without=("assessment",)), counts, cuts, reading)
    unread: dict[int, list[Count]] = {}
    for count in counts:
        for seq in count.unread:
            unread.setdefault(seq, []).append(count)
    for event in store.events(numbers=unread):
        for count in unread[event.seq]:
            count.tally(event)
    books = Books.balances_on(store, [count.period.end for count in counts], reading)
    found, *before = (count.figures(min_decided=min_decided, books=b) for count, b in zip(counts, books, strict=True))
    return Evaluation(found, before[0] if before else None, _end_of(period), store.practice, min_decided)


def _replay(events: Iterable[Event], counts: Sequence[Count], cuts: Sequence[int], reading: Reading) -> None:
    """Feed ``events`` (in store order) to every count up to its ``cut``, replaying each plan's
    record once for all of them. The period before reads a prefix of the period's events, so both
    counts hold the same record of a plan while they take the same events; when one takes an event
    the other does not (it lies after the other's cut, or after the other's end), the other keeps a
    copy of the record as it was (copy on write). Most plans were last moved before the period
    began, so few records are copied."""
    for event in events:
        plan_id = event.plan_id
        if plan_id is None:
            continue
        on = event_day(event, reading)
        taking = [
            count for count, cut in zip(counts, cuts, strict=True) if event.seq <= cut and count.admits(event, on)
        ]
        if not taking:
            continue
        records: dict[int, tuple[PlanRecord, list[Count]]] = {}
        for count in taking:
            record = count.records.get(plan_id)
            if record is None:  # new to this count: share the record another taking count has begun
                record = next((r for r, _c in records.values() if not r.last_seq), None) or PlanRecord(plan_id)
                count.records[plan_id] = record
            records.setdefault(id(record), (record, []))[1].append(count)
        for count in counts:
            kept = count.records.get(plan_id)
            if kept is not None and count not in taking and id(kept) in records:
                count.records[plan_id] = kept.copy()  # it does not take this event: it keeps the record as it was
        for record, takers in records.values():
            clock, state = record.clock, record.state
            record.apply(event)
            for count in takers:
                count.took(event, on, record, clock, state)


UNCOUNTED = ("workflow.judge", "workflow.comment", "workflow.vote", "letter.issued")
"""Events the figures need not read: a criterion judged, an other insurer's comment, a market
leader's vote and a letter issued move no plan and start or stop no clock (a test checks that the
figures are the same with them)."""


def _end_of(period: Period) -> datetime:
    return datetime.combine(period.end, time(23, 59, 59), AMSTERDAM)
