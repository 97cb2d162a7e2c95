"""The closures compiled expressions are made of, and what they run against.

Kept apart from the checker (``_compile``) because this is the hot path: every check of every
plan runs through these few small functions, so they are specialised (short paths, ``present``
fused with its read, logic on values that are never empty) and carry no bookkeeping unless traced.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from ..errors import BeoordelingError
from ._expr import Quantifier

__all__ = [
    "ORDER",
    "Env",
    "Fn",
    "Undecided",
    "add_days",
    "add_years",
    "both",
    "either",
    "is_present",
    "mentions",
    "path_reader",
    "plain_quantifier",
    "present_of",
    "traced_quantifier",
    "years_between",
]


class Undecided(BeoordelingError):
    """The expression needs a value that is not filled in; ``what`` is the expression that was empty."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Env:
    """What a compiled expression runs against. ``reads`` is a list only when tracing."""

    __slots__ = ("milestone", "on", "paths", "plan", "reads", "vars")

    def __init__(self, plan: Any, on: date, milestone: Any = None, *, trace: bool = False) -> None:
        self.plan = plan
        self.on = on
        self.milestone = milestone
        self.vars: dict[str, Any] = {}
        self.paths: dict[str, str] = {}
        self.reads: list[tuple[str, Any]] = [] if trace else _NO_READS


_NO_READS: list[tuple[str, Any]] = []

Fn = Callable[[Env], Any]


def is_present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def both(lf: Fn, rf: Fn) -> Fn:
    return lambda env: bool(lf(env)) and bool(rf(env))


def either(lf: Fn, rf: Fn) -> Fn:
    return lambda env: bool(lf(env)) or bool(rf(env))


def present_of(f: Fn) -> Fn:
    """``present(x)`` fused with reading ``x``: the most frequent check in the rules."""

    def present(env: Env) -> bool:
        value = f(env)
        if value is None:
            return False
        kind = value.__class__
        if kind is str:
            return bool(value.strip())
        if kind is list:
            return bool(value)
        return True

    return present


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


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def path_reader(head: str, rest: tuple[str, ...], root: str) -> Fn:
    """One closure per path, stopping at the first empty value; paths of up to three names (almost
    all of them) get a closure without a loop, since this is the innermost step of every check."""
    if root == "var":
        if len(rest) == 1:
            (attr,) = rest

            def item1(env: Env) -> Any:
                obj = env.vars[head]
                return None if obj is None else getattr(obj, attr)

            return item1

        def first(env: Env) -> Any:
            return env.vars[head]

    elif root == "env":
        attribute = operator.attrgetter(head)

        def first(env: Env) -> Any:
            return attribute(env)

    else:
        if not rest:

            def field(env: Env) -> Any:
                return getattr(env.plan, head)

            return field
        if len(rest) == 1:
            (a,) = rest

            def field1(env: Env) -> Any:
                obj = getattr(env.plan, head)
                return None if obj is None else getattr(obj, a)

            return field1
        if len(rest) == 2:
            a, b = rest

            def field2(env: Env) -> Any:
                obj = getattr(env.plan, head)
                if obj is None:
                    return None
                obj = getattr(obj, a)
                return None if obj is None else getattr(obj, b)

            return field2

        def first(env: Env) -> Any:
            return getattr(env.plan, head)

    if not rest:
        return first
    if len(rest) == 1:
        (a,) = rest

        def step1(env: Env) -> Any:
            obj = first(env)
            return None if obj is None else getattr(obj, a)

        return step1

    def walk(env: Env) -> Any:
        obj = first(env)
        for name in rest:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return walk


# --- quantifiers ------------------------------------------------------------------------------------------


def plain_quantifier(
    node: Quantifier, coll: Fn, cond: Fn | None, value: Fn, *, counts_truth: bool, zero: Any = 0
) -> Fn:
    """The fast form: one small loop per quantifier, no bookkeeping."""
    var, name = node.var, node.name
    if name in ("any", "all"):
        wanted = name == "any"

        def any_all(env: Env) -> bool:
            bound = env.vars
            for item in coll(env) or ():
                bound[var] = item
                if (cond is None or cond(env)) and bool(value(env)) is wanted:
                    return wanted
            return not wanted

        return any_all

    def values(env: Env) -> list[Any]:
        bound = env.vars
        out = []
        for item in coll(env) or ():
            bound[var] = item
            if cond is None or cond(env):
                out.append(value(env))
        return out

    if name == "count":

        def count(env: Env) -> int:
            found = values(env)
            return sum(1 for v in found if v) if counts_truth else len(found)

        return count
    if name == "list":
        return values
    if name == "sum":
        what = node.body.text

        def sum_(env: Env) -> Any:
            found = values(env)
            if None in found:
                raise Undecided(what)
            return sum(found, zero)

        return sum_
    pick = min if name == "min" else max

    def extreme(env: Env) -> Any:
        found = [v for v in values(env) if v is not None]
        return pick(found) if found else None

    return extreme


def traced_quantifier(
    node: Quantifier, coll: Fn, cond: Fn | None, value: Fn, *, counts_truth: bool, zero: Any = 0
) -> Fn:
    """The traced form: each item is read under its own path (``funding.lines[3].amount``), and
    only the reads of the item that decided an ``any`` or ``all`` are kept."""
    var, name = node.var, node.name
    summary = plain_quantifier(node, coll, cond, value, counts_truth=counts_truth, zero=zero)
    wanted = name == "any"

    def any_all(env: Env) -> bool:
        reads = env.reads
        found = coll(env) or ()
        # The collection's own read (if it is a path) names where the items live.
        base = reads[-1][0] if reads and reads[-1][1] is found else node.collection.text
        bound = env.vars
        for i, item in enumerate(found):
            bound[var] = item
            env.paths[var] = f"{base}[{i}]"
            mark = len(reads)
            if (cond is None or cond(env)) and bool(value(env)) is wanted:
                return wanted
            del reads[mark:]
        return not wanted

    def aggregate(env: Env) -> Any:
        # count, sum, min, max and list: keep the read of the list itself, not of every item.
        reads = env.reads
        mark = len(reads)
        env.paths[var] = f"{node.collection.text}[]"
        outcome = summary(env)
        del reads[mark + 1 :]
        return outcome

    return any_all if name in ("any", "all") else aggregate
