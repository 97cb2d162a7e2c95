"""Reading the record as of a date, in one of its two readings.

Every event has two times (see :mod:`.events`), so "the store as of 1 March" means one of two
things, and every view that reads "as of a date" (``overview --on``, ``deadlines --on``, the
statistics) says which:

- **as it happened** (``happened``, the default): each plan's events that *took effect* on or
  before the date (their ``occurred_at``, the date an actor stated), including those recorded
  later. This is the history as the record now tells it.
- **as it was known** (``known``): the events the store had *recorded* by the end of that date
  (their ``recorded_at``, the store's own clock). This is what anyone could have seen that day.
  Events written before the store kept a recorded time (schema 1) count from their stated date.

Days are Dutch calendar days. An event is never dropped for being out of order: a plan's events
are read up to its first event after the date, whatever other plans did meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum

from .._time import local_date
from .events import Event

__all__ = ["AsOf", "Reading", "events_as_of"]


class Reading(StrEnum):
    """Which of an event's two times an "as of" view reads."""

    HAPPENED = "happened"
    """By when events took effect (their stated date)."""
    KNOWN = "known"
    """By when the store recorded them."""


def event_day(event: Event, reading: Reading) -> date:
    """The day ``event`` counts from in ``reading``."""
    if reading is Reading.KNOWN and event.recorded_at is not None:
        return local_date(event.recorded_at)
    return local_date(event.occurred_at)


class AsOf:
    """Which events, taken one by one in store order, belong to the record as of the end of ``on``
    in ``reading``: a plan is read up to its first event after the day."""

    def __init__(self, on: date, reading: Reading = Reading.HAPPENED) -> None:
        self.on = on
        self.reading = reading
        self._closed: set[str | None] = set()

    def admits(self, event: Event, day: date | None = None) -> bool:
        """Whether ``event`` belongs; ``day`` is its day in the reading, if the caller has it."""
        if event.plan_id in self._closed:
            return False
        if (day if day is not None else event_day(event, self.reading)) > self.on:
            if event.plan_id is not None:
                self._closed.add(event.plan_id)
            return False
        return True


def events_as_of(events: Iterable[Event], on: date, reading: Reading = Reading.HAPPENED) -> Iterator[Event]:
    """The events of ``events`` (in store order) that belong to the record as of the end of ``on``."""
    cut = AsOf(on, reading)
    return (event for event in events if cut.admits(event))
