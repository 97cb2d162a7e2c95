"""Judgements across plan versions: which still hold when a new version comes in.

A judgement names the plan version it judged. When the submitters answer an information request
with a new version, a judgement carries over only if nothing the criterion reads changed between
the two versions (the fields each criterion reads are derived from its expressions,
:attr:`~.book.Criterion.fields`); the others are asked again. A carried-over judgement is marked
as such in every result that shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..model import Plan
from .book import Edition
from .results import Judgement

__all__ = ["carry_over", "read_path"]


def read_path(plan: Plan, path: str) -> Any:
    """The value at a criterion's field path (``funding.lines[].amount``: one value per line)."""
    return _walk(plan, path.replace("[]", ".[]").split("."))


def _walk(value: Any, parts: list[str]) -> Any:
    if not parts:
        return value
    head, *rest = parts
    if head == "[]":
        return [_walk(item, rest) for item in value or ()]
    if value is None:
        return None
    return _walk(getattr(value, head, None), rest)


def carry_over(
    judgements: Iterable[Judgement], plan: Plan, version: int | None, earlier: Callable[[int], Plan], edition: Edition
) -> list[Judgement]:
    """The judgements that hold for ``plan`` (version ``version``): those of this version, and those
    of an earlier one whose criterion reads nothing that changed since (marked carried over)."""
    kept: list[Judgement] = []
    old_plans: dict[int, Plan] = {}
    for judgement in judgements:
        judged = judgement.plan_version
        if judged is None or version is None or judged == version:
            kept.append(judgement)
            continue
        criterion = edition.criterion(judgement.criterion)
        if criterion is None:
            continue
        old = old_plans.get(judged)
        if old is None:
            old = old_plans[judged] = earlier(judged)
        if all(read_path(old, field) == read_path(plan, field) for field in criterion.fields):
            kept.append(judgement.model_copy(update={"carried_over": True}))
    return kept
