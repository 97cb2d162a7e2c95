"""Do some kinds of plans fail more often? Pass rates per group, honest about small numbers.

For each step that decides (the quick test: passed or rejected; the worked-out plan: approved or
not), each group of a split (:data:`~.counts.SPLITS`) is set against all other plans of the step:

- its pass rate with a 95% Wilson score interval (it stays within 0 and 1 and holds for small
  groups, where the normal approximation does not);
- Fisher's exact test of the 2×2 table (the group's passes and failures against the rest's), two
  sided: exact for the small tables the programme has, and deterministic (SciPy's ``fisher_exact``);
- Holm's correction over every comparison made, so that one test in twenty coming out "significant"
  by chance does not read as a finding.

A group with fewer decided plans than ``min_decided`` (5 by default; the sources name no threshold,
so it is a setting) is not tested at all: it is said to be too small to conclude anything, and never
shown as a difference. A difference is reported only where Holm's adjusted p-value is below 0.05.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["MIN_DECIDED", "Comparison", "compare", "holm", "wilson"]

MIN_DECIDED = 5
"""The fewest decided plans a group needs to be compared (a setting: the sources name none)."""
_Z = 1.959963984540054
"""The standard normal quantile of 97.5%: a 95% interval."""


def wilson(passed: int, decided: int, z: float = _Z) -> tuple[float, float]:
    """The Wilson score interval of ``passed`` out of ``decided`` (95% by default)."""
    if decided <= 0:
        return 0.0, 1.0
    p = passed / decided
    centre = (p + z * z / (2 * decided)) / (1 + z * z / decided)
    half = z * math.sqrt(p * (1 - p) / decided + z * z / (4 * decided * decided)) / (1 + z * z / decided)
    return max(0.0, centre - half), min(1.0, centre + half)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of ``p_values``, in their order: each at most 1, and never
    smaller than that of a smaller p-value."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


@dataclass(frozen=True)
class Comparison:
    """One group's pass rate at one step, against the other plans of that step."""

    step: str
    split: str
    group: str
    decided: int
    passed: int
    others_decided: int
    others_passed: int
    low: float
    high: float
    p_value: float | None
    """Fisher's exact test, two sided; None when the group is too small to test."""
    adjusted: float | None = None
    """Holm's adjusted p-value over every comparison made."""

    @property
    def rate(self) -> float | None:
        return self.passed / self.decided if self.decided else None

    @property
    def verdict(self) -> str:
        """``too-small``, ``differs`` (Holm's adjusted p-value below 0.05) or ``no-difference``."""
        if self.p_value is None or self.adjusted is None:
            return "too-small"
        return "differs" if self.adjusted < 0.05 else "no-difference"

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step, "split": self.split, "group": self.group, "decided": self.decided,
            "passed": self.passed, "rate": self.rate, "interval": [self.low, self.high],
            "others": {"decided": self.others_decided, "passed": self.others_passed},
            "p_value": self.p_value, "holm": self.adjusted, "verdict": self.verdict,
        }  # fmt: skip


def compare(
    decided: Mapping[str, Mapping[str, bool]],
    members: Mapping[tuple[str, str], set[str]],
    *,
    min_decided: int = MIN_DECIDED,
) -> tuple[Comparison, ...]:
    """The comparisons of every group with the rest, per step: ``decided`` maps a step to each
    decided plan's outcome (True: passed); ``members`` maps (split, group) to its plans."""
    from scipy.stats import fisher_exact  # noqa: PLC0415 - SciPy is slow to load: only a comparison needs it

    found: list[Comparison] = []
    for step, outcomes in decided.items():
        total, total_passed = len(outcomes), sum(outcomes.values())
        for (split, group), plans in members.items():
            mine = [outcomes[p] for p in plans if p in outcomes]
            n, k = len(mine), sum(mine)
            if n == 0:
                continue
            others_n, others_k = total - n, total_passed - k
            low, high = wilson(k, n)
            p_value = None
            if n >= min_decided and others_n >= min_decided:
                table = [[k, n - k], [others_k, others_n - others_k]]
                p_value = float(fisher_exact(table, alternative="two-sided").pvalue)
            found.append(Comparison(step, split, group, n, k, others_n, others_k, low, high, p_value))
    tested = [i for i, c in enumerate(found) if c.p_value is not None]
    adjusted = holm([found[i].p_value or 0.0 for i in tested])
    for i, value in zip(tested, adjusted, strict=True):
        found[i] = replace(found[i], adjusted=value)
    return tuple(found)
