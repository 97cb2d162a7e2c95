"""The programme's figures from the event log: how many plans are where, as of a moment.

The IZA parties review the transformation plans every quarter (Kamerbrief of 16 March 2023 on the
progress of the IZA; domain.md §7.1): how many quick tests and plans were submitted, passed,
rejected or sent back, how many were funded or wait. :func:`figures` answers that for a period from
the events alone, reproducibly: by default from what the store had *recorded* by the end of the
period, so that the same question gets the same answer however much is entered later, even with an
earlier stated date; the other reading, "as it happened", counts by the dates the actors stated.
"""

from __future__ import annotations

from .burden import Burden
from .changes import changes
from .clocks import CLOCKS, ClockFigures
from .compare import MIN_DECIDED, Comparison, holm, wilson
from .counts import (
    OUTCOMES,
    SPLITS,
    Count,
    CriterionCount,
    Figures,
    Group,
    Outcomes,
    Period,
    QuickTestStanding,
    figures,
    period_of,
)
from .evaluation import Evaluation, evaluate
from .money import Money

__all__ = [
    "CLOCKS",
    "MIN_DECIDED",
    "OUTCOMES",
    "SPLITS",
    "Burden",
    "ClockFigures",
    "Comparison",
    "Count",
    "CriterionCount",
    "Evaluation",
    "Figures",
    "Group",
    "Money",
    "Outcomes",
    "Period",
    "QuickTestStanding",
    "changes",
    "evaluate",
    "figures",
    "holm",
    "period_of",
    "wilson",
]  # fmt: skip
