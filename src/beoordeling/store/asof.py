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

__all__ = ["Reading", "events_as_of"]


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


def events_as_of(events: Iterable[Event], on: date, reading: Reading = Reading.HAPPENED) -> Iterator[Event]:
    """The events of ``events`` (in store order) that belong to the record as of the end of ``on``."""
    closed: set[str | None] = set()
    for event in events:
        if event.plan_id in closed:
            continue
        if event_day(event, reading) > on:
            if event.plan_id is not None:
                closed.add(event.plan_id)
            continue
        yield event
