"""What generated criteria code calls, and what a single expression runs against.

Kept apart from the checker (``_compile``) and the generator (``_codegen``): these few functions
are the only code a rule reaches at run time besides the generated code itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..errors import BeoordelingError

__all__ = ["Env", "Undecided", "add_days", "add_years", "is_present", "mentions", "mentions_folded", "years_between"]


class Undecided(BeoordelingError):
    """The expression needs a value that is not filled in; ``what`` is the expression that was empty."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Env:
    """What a single compiled expression runs against (``Compiled.plain(env)``); ``reads`` collects
    (field path, value) when it runs traced."""

    __slots__ = ("milestone", "on", "plan", "reads")

    def __init__(self, plan: Any, on: date, milestone: Any = None, *, trace: bool = False) -> None:
        self.plan = plan
        self.on = on
        self.milestone = milestone
        self.reads: list[tuple[str, Any]] = []


def is_present(value: Any) -> bool:
    """Filled in: a text that is not blank, a list that is not empty, any other value."""
    if value is None:
        return False
    if isinstance(value, str | list):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=int(days))


def mentions(text: str | None, words: list[str] | None) -> bool:
    """Whether ``text`` contains any of ``words``, ignoring case (an empty text mentions nothing)."""
    if not text or not words:
        return False
    folded = text.casefold()
    return any(str(word).casefold() in folded for word in words)


def mentions_folded(text: str | None, words: tuple[str, ...]) -> bool:
    """``mentions`` for words written in the rule itself, case-folded once when it was compiled."""
    if not text:
        return False
    folded = text.casefold()
    for word in words:  # noqa: SIM110 - a loop, not any() over a generator: this runs per cost line
        if word in folded:
            return True
    return False


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)
