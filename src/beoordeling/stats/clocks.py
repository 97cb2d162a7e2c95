"""Are the clocks kept? Per clock of the framework: how many decisions fell within the term, how
long they took (median and 90th percentile of days), how late the late ones were, and how many
clocks still run, and are overdue, at the period's end.

A clock is decided by the event that stops it or starts the next one; its term is its due date as
the store kept it, moved on by the days it stood suspended while the submitters were asked for
more information. The consultation of the other insurers is left out: it is a window that closes
by itself on its day, not a decision that can be late.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..workflow import ClockName, PlanRecord

__all__ = ["CLOCKS", "ClockFigures", "ClockWatch"]

CLOCKS = (ClockName.QUICK_TEST, ClockName.PROPOSED_DECISION, ClockName.FINAL_DECISION)
"""The clocks whose decisions can be late (Beoordelingskader: 4 weeks for the quick test's result,
4 for the proposed decision and 2 for the final one after the consultation)."""


@dataclass(frozen=True)
class ClockFigures:
    """One clock's figures for a period."""

    clock: ClockName
    decided: int
    """Decided in the period."""
    in_time: int
    median_days: float | None
    p90_days: int | None
    """Days from the clock's start to the decision: the median, and the 90th percentile (nearest rank)."""
    late_days: tuple[int, ...]
    """How many days after its due date each late decision came, longest first."""
    running: int
    overdue: int
    """Still running at the period's end, and of those past their due date (not while suspended)."""

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.decided if self.decided else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "clock": self.clock.value, "decided": self.decided, "in_time": self.in_time,
            "in_time_share": self.in_time_share, "median_days": self.median_days, "p90_days": self.p90_days,
            "late_days": list(self.late_days), "running": self.running, "overdue": self.overdue,
        }  # fmt: skip


class ClockWatch:
    """Follows every plan's clock through a replay: :meth:`after` each event a record applies
    (with the record's clock from before it), then :meth:`figures` at the end."""

    def __init__(self, start: date | None, end: date) -> None:
        self.start, self.end = start, end
        self._decided: dict[ClockName, list[tuple[int, int]]] = {clock: [] for clock in CLOCKS}

    def after(self, before: Any, record: PlanRecord, on: date) -> None:
        """``before`` is the record's clock before the event that took effect ``on``."""
        now = record.clock
        if before is None or before.name not in CLOCKS:
            return
        if now is not None and now.name is before.name and now.started_on == before.started_on:
            return  # the same clock, perhaps suspended or resumed
        if self.start is not None and on < self.start:
            return
        self._decided[before.name].append(((on - before.started_on).days, (on - before.due_on).days))

    def figures(self, records: Iterable[PlanRecord]) -> tuple[ClockFigures, ...]:
        running: dict[ClockName, list[PlanRecord]] = {clock: [] for clock in CLOCKS}
        for record in records:
            if record.clock is not None and record.clock.name in CLOCKS:
                running[record.clock.name].append(record)
        found = []
        for clock in CLOCKS:
            decided = self._decided[clock]
            days = sorted(taken for taken, _late in decided)
            late = tuple(sorted((late for _taken, late in decided if late > 0), reverse=True))
            overdue = sum(
                1
                for r in running[clock]
                if r.clock is not None and r.clock.suspended_on is None and r.clock.due_on < self.end
            )
            found.append(ClockFigures(
                clock, len(decided), len(decided) - len(late), statistics.median(days) if days else None,
                _nearest_rank(days, 0.9), late, len(running[clock]), overdue,
            ))  # fmt: skip
        return tuple(found)


def _nearest_rank(ordered: Sequence[int], share: float) -> int | None:
    """The value below which ``share`` of ``ordered`` lies, by nearest rank (None when empty)."""
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]
