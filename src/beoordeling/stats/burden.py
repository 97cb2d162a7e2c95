"""The administrative burden of the assessment, which the IZA parties promised to keep low when
they set up the quarterly evaluation (Kamerbrief of 16 March 2023 on the progress of the IZA).

Counted over the plans *decided* in the period (a quick test rejected, a plan approved or not
approved), each along its whole path up to that decision: how often more information was asked
for, how many rework rounds it went through, how many versions of it were submitted, and how the
days from its first submission to the decision divide between waiting on the assessors (a quick
test or plan submitted, a proposed decision, the consultation, the final decision) and waiting on
the submitters (more information requested, rework asked for). The days in which the submitters
work out a plan after a positive quick test are their own work, not a wait, and count in neither.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..model import PlanState
from ..store import Event
from ..workflow import PlanRecord

__all__ = ["ON_ASSESSORS", "ON_SUBMITTERS", "Burden", "BurdenWatch"]

ON_ASSESSORS = frozenset({
    PlanState.QUICK_TEST_SUBMITTED, PlanState.PLAN_SUBMITTED, PlanState.PROPOSED_DECISION,
    PlanState.CONSULTATION, PlanState.FINAL_DECISION,
})  # fmt: skip
"""The states in which a plan waits on its assessors (the insurers, the consultation)."""
ON_SUBMITTERS = frozenset({PlanState.MORE_INFO_REQUESTED, PlanState.REWORK})
"""The states in which a plan waits on its submitters: answering a request, reworking the plan."""

_FINAL = {
    "workflow.fail-quick-test": "quick-test",
    "workflow.approve": "plan",
    "workflow.reject": "plan",
}
"""The decisions that end a plan's assessment, and the step they end it at."""
_STARTS = frozenset({"workflow.submit-quick-test", "workflow.submit-plan"})
_SUBMISSIONS = frozenset({"workflow.submit-quick-test", "workflow.answer", "workflow.submit-plan"})


@dataclass
class _Path:
    """One plan's assessment so far."""

    requests: int = 0
    rework: int = 0
    versions: set[int] = field(default_factory=set)
    on_assessors: int = 0
    on_submitters: int = 0
    since: date | None = None
    """The day the plan's current state began (None before its first submission)."""


@dataclass(frozen=True)
class Burden:
    """The burden of the plans decided in a period, each along its path to the decision."""

    decided: int
    information_requests: int
    rework_rounds: int
    versions: tuple[int, ...]
    """Per decided plan, the versions submitted before its decision, fewest first."""
    days_on_assessors: tuple[int, ...]
    days_on_submitters: tuple[int, ...]
    """Per decided plan, the days it waited on each side, fewest first."""

    @property
    def per_plan(self) -> tuple[float | None, float | None]:
        """Information requests and rework rounds per decided plan."""
        if not self.decided:
            return None, None
        return self.information_requests / self.decided, self.rework_rounds / self.decided

    @property
    def submitters_share(self) -> float | None:
        """Of all the days waited, the share waited on the submitters."""
        total = sum(self.days_on_assessors) + sum(self.days_on_submitters)
        return sum(self.days_on_submitters) / total if total else None

    def as_dict(self) -> dict[str, Any]:
        requests, rework = self.per_plan
        return {
            "decided": self.decided, "information_requests": self.information_requests,
            "information_requests_per_plan": requests, "rework_rounds": self.rework_rounds,
            "rework_rounds_per_plan": rework, "versions_median": _median(self.versions),
            "versions_max": max(self.versions, default=None),
            "days_on_assessors_median": _median(self.days_on_assessors),
            "days_on_submitters_median": _median(self.days_on_submitters),
            "days_on_assessors_total": sum(self.days_on_assessors),
            "days_on_submitters_total": sum(self.days_on_submitters),
            "submitters_share": self.submitters_share,
        }  # fmt: skip


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


class BurdenWatch:
    """Follows every plan's path through a replay: :meth:`after` each event a record applies (with
    the record's state from before it), then :meth:`burden` at the end."""

    def __init__(self, start: date | None) -> None:
        self.start = start
        self._paths: dict[str, _Path] = {}
        self._decided: dict[str, _Path] = {}

    def after(self, before: PlanState, record: PlanRecord, event: Event, on: date) -> None:
        """``before`` is the record's state before ``event``, which took effect ``on``."""
        path = self._paths.get(record.plan_id)
        if path is None:
            if event.type not in _STARTS:
                return
            path = self._paths[record.plan_id] = _Path()
        if path.since is not None and record.state is not before:
            days = max((on - path.since).days, 0)
            if before in ON_ASSESSORS:
                path.on_assessors += days
            elif before in ON_SUBMITTERS:
                path.on_submitters += days
        if record.state is not before or path.since is None:
            path.since = on
        if event.type in _SUBMISSIONS and event.plan_version is not None:
            path.versions.add(event.plan_version)
        path.requests += event.type == "workflow.request-info"
        path.rework += event.type == "workflow.request-rework"
        if event.type in _FINAL and (self.start is None or on >= self.start):
            self._decided[record.plan_id] = path  # decided again after the BO IZA sent it back: counted once

    def burden(self) -> Burden:
        decided = list(self._decided.values())
        return Burden(
            len(decided), sum(p.requests for p in decided), sum(p.rework for p in decided),
            tuple(sorted(max(len(p.versions), 1) for p in decided)),
            tuple(sorted(p.on_assessors for p in decided)), tuple(sorted(p.on_submitters for p in decided)),
        )  # fmt: skip
