"""Realistic plan variants: an example plan with some parts left out and some values changed.

Used by the property tests (through ``random.Random`` drawn by hypothesis) and by
``bench/criteria_eval.py`` (with a seeded ``random.Random``), so both exercise every criterion's
passing and failing branches on plans that look like real submissions.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

from beoordeling import _yaml
from beoordeling.model import Plan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

CLEARABLE: list[tuple[str | int, ...]] = [
    ("theme",), ("scale",), ("scale_reasoning",),
    ("quick_test", "bottlenecks"), ("quick_test", "long_term_effects"), ("quick_test", "appropriate_care"),
    ("quick_test", "regional_fit"), ("quick_test", "alignment_justification"), ("quick_test", "urgency"),
    ("quick_test", "insurer_contacts"), ("quick_test", "impact"),
    ("full_plan", "smart_agreements"), ("full_plan", "approach"), ("full_plan", "business_case"),
    ("full_plan", "impact_analysis"), ("full_plan", "implementation"), ("full_plan", "start"),
    ("full_plan", "end"), ("full_plan", "sustainability"), ("full_plan", "situational"),
    ("funding", "no_other_route"), ("funding", "allocation"), ("funding", "double_funding"),
    ("funding", "milestones"), ("funding", "lines"),
]  # fmt: skip
"""Parts a draft may leave out; clearing one keeps the plan valid."""

_CATEGORIES = ["afbouw", "opstartkosten", "planvorming", "structureel", "duurzaamheidsinvestering", "overig"]


def example_data() -> list[dict[str, Any]]:
    """The example plans as plain data (Decimal amounts, dates as text)."""
    return [_yaml.parse(p.read_text(encoding="utf-8"), p.name).data for p in sorted(EXAMPLES.glob("*.yaml"))]


def _clear(data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            return
    if isinstance(target, dict) and path[-1] in target:
        target[path[-1]] = [] if isinstance(target[path[-1]], list) else None


def variant(base: dict[str, Any], rng: random.Random) -> Plan:
    """A copy of ``base`` with up to six parts cleared and a few values changed."""
    data = copy.deepcopy(base)
    for path in rng.sample(CLEARABLE, rng.randint(0, 6)):
        _clear(data, path)
    if rng.random() < 0.3:
        data["theme"] = rng.choice(["mgn", "digitale-zorg", "eerstelijnszorg", None])
    full_plan = data.get("full_plan") or {}
    if full_plan.get("start") and rng.random() < 0.2:
        full_plan["end"] = f"{int(str(full_plan['start'])[:4]) + rng.choice([2, 4, 6])}-06-30"
    funding = data.get("funding")
    if funding and funding.get("lines") and rng.random() < 0.4:
        line = rng.choice(funding["lines"])
        line["category"] = rng.choice(_CATEGORIES)
        if rng.random() < 0.3:
            line["nature"] = "structureel"
    if funding and funding.get("double_funding") and rng.random() < 0.1:
        funding["double_funding"]["declared"] = False
    return Plan.model_validate(data)
